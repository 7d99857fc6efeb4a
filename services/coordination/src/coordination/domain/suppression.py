"""Small-cell suppression of a two-way table of counts with its margins, such that no
suppressed cell can be recovered from the published cells and totals.

The table is seen with its margins as one (rows + 1) x (columns + 1) table: the last column
holds the row totals, the last row the column totals, the corner the grand total. With the
margins' signs flipped, every row and column of that table sums to zero, so the unknown
(suppressed) entries are the edges of a bipartite graph between row and column nodes, and an
entry is determined by the published ones exactly when its edge is a *bridge* of that graph
(it lies on no cycle). So:

1. primary suppression: every count with 0 < n < k, margins included;
2. complementary suppression: while some suppressed entry lies on no cycle, close a cycle
   through it with the cheapest path of entries that are suppressed already or hold n >= 1
   (Dijkstra, cost = n; zeros are never used, as a suppressed zero next to a zero on a
   cycle could be pinned by non-negativity).

Every suppressed entry then lies on a cycle of entries that are all >= 1, so adding +1 and
-1 alternately around it gives another non-negative table with the same published values:
the entry's value cannot be derived. (Linking several published tables, e.g. a month and
its year, is not covered here.)
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """Counts with margins; ``None`` where suppressed."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    @property
    def suppressed(self) -> int:
        entries = [
            *[c for row in self.cells for c in row],
            *self.row_totals,
            *self.column_totals,
            self.total,
        ]
        return sum(e is None for e in entries)


def extended(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its row totals as a last column and column totals as a last row."""
    rows = [[*row, sum(row)] for row in counts]
    width = len(counts[0]) if counts else 0
    columns = [sum(row[j] for row in counts) for j in range(width)]
    return [*rows, [*columns, sum(columns)]]


def suppress(counts: Sequence[Sequence[int]], k: int) -> SuppressedTable:
    """Suppress cells and margins under ``k`` and enough others that none can be derived."""
    if any(n < 0 for row in counts for n in row):
        raise ValueError("counts are never negative")
    full = extended(counts)
    hidden = suppressed_entries(full, k)
    shown = [
        [None if (i, j) in hidden else n for j, n in enumerate(row)] for i, row in enumerate(full)
    ]
    return SuppressedTable(
        cells=[row[:-1] for row in shown[:-1]],
        row_totals=[row[-1] for row in shown[:-1]],
        column_totals=shown[-1][:-1],
        total=shown[-1][-1],
    )


def suppressed_entries(full: Sequence[Sequence[int]], k: int) -> set[Cell]:
    """The entries of an extended table to suppress (primary, then complementary)."""
    hidden = {(i, j) for i, row in enumerate(full) for j, n in enumerate(row) if 0 < n < k}
    while (bridge := _first_bridge(hidden)) is not None:
        path = _cheapest_cycle_path(full, hidden, bridge)
        if path is None:  # cannot happen for a consistent table; hide everything non-zero
            hidden |= {(i, j) for i, row in enumerate(full) for j, n in enumerate(row) if n}
            break
        hidden |= path
    return hidden


def _first_bridge(hidden: set[Cell]) -> Cell | None:
    """A suppressed entry on no cycle of suppressed entries (row node i, column node j)."""
    for edge in sorted(hidden):
        if not _connected_without(hidden, edge):
            return edge
    return None


def _connected_without(hidden: set[Cell], edge: Cell) -> bool:
    start, goal = ("r", edge[0]), ("c", edge[1])
    seen = {start}
    stack = [start]
    while stack:
        kind, index = stack.pop()
        for i, j in hidden:
            if (i, j) == edge:
                continue
            if kind == "r" and i == index:
                nxt = ("c", j)
            elif kind == "c" and j == index:
                nxt = ("r", i)
            else:
                continue
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _cheapest_cycle_path(
    full: Sequence[Sequence[int]], hidden: set[Cell], edge: Cell
) -> set[Cell] | None:
    """Entries (>= 1 or hidden) forming the cheapest path from column node to row node of
    ``edge`` that avoids ``edge`` itself: with it, a cycle."""
    start, goal = ("c", edge[1]), ("r", edge[0])
    best: dict[tuple[str, int], int] = {start: 0}
    came: dict[tuple[str, int], tuple[tuple[str, int], Cell]] = {}
    queue: list[tuple[int, tuple[str, int]]] = [(0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best.get(node, cost):
            continue
        for cell, nxt in _neighbours(full, node):
            if cell == edge or (cell not in hidden and full[cell[0]][cell[1]] == 0):
                continue
            step = 0 if cell in hidden else full[cell[0]][cell[1]]
            if cost + step < best.get(nxt, cost + step + 1):
                best[nxt] = cost + step
                came[nxt] = (node, cell)
                heapq.heappush(queue, (cost + step, nxt))
    if goal not in came:
        return None
    path: set[Cell] = set()
    node = goal
    while node != start:
        node, cell = came[node]
        path.add(cell)
    return path


def _neighbours(
    full: Sequence[Sequence[int]], node: tuple[str, int]
) -> list[tuple[Cell, tuple[str, int]]]:
    kind, index = node
    if kind == "c":
        return [((i, index), ("r", i)) for i in range(len(full))]
    return [((index, j), ("c", j)) for j in range(len(full[index]))]
