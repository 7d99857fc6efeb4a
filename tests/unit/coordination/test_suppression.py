"""Small-cell suppression, property-tested: no published table lets anyone derive a
suppressed count, checked independently of the algorithm by linear algebra over the
rationals (a value is derivable exactly when its unit vector lies in the row space of the
equations the published table gives) and by a non-negative witness table."""

from __future__ import annotations

from fractions import Fraction

from coordination.domain.suppression import SuppressedTable, extended, suppress
from hypothesis import given, settings
from hypothesis import strategies as st

counts = st.integers(min_value=0, max_value=30) | st.integers(min_value=0, max_value=6)


@st.composite
def tables(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(min_value=1, max_value=6))
    columns = draw(st.integers(min_value=1, max_value=5))
    return [[draw(counts) for _ in range(columns)] for _ in range(rows)]


def published(t: SuppressedTable) -> list[list[int | None]]:
    rows = [[*r, total] for r, total in zip(t.cells, t.row_totals, strict=True)]
    return [*rows, [*t.column_totals, t.total]]


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank, columns = 0, len(m[0]) if m else 0
    for c in range(columns):
        pivot = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                factor = m[r][c] / m[rank][c]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def derivable(shown: list[list[int | None]]) -> set[tuple[int, int]]:
    """Unknown entries whose value the published ones determine (ignoring bounds).

    Each row and each column of the extended table gives one equation: the cells minus the
    total (the corner counts with the cells of the margins) equal zero.
    """
    last_i, last_j = len(shown) - 1, len(shown[0]) - 1
    unknowns = [(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v is None]

    def sign(u: tuple[int, int]) -> Fraction:
        return Fraction(1 if (u[0] == last_i) == (u[1] == last_j) else -1)

    equations = [
        [sign(u) if u[0] == i else Fraction(0) for u in unknowns] for i in range(last_i + 1)
    ]
    equations += [
        [sign(u) if u[1] == j else Fraction(0) for u in unknowns] for j in range(last_j + 1)
    ]
    base = _rank(equations)
    return {
        u
        for n, u in enumerate(unknowns)
        if _rank([*equations, [Fraction(int(m == n)) for m in range(len(unknowns))]]) == base
    }


def test_the_check_itself_finds_a_lone_suppressed_cell() -> None:
    shown: list[list[int | None]] = [[None, 10, 13], [12, 20, 32], [15, 30, 45]]
    assert derivable(shown) == {(0, 0)}
    shown = [[None, None, 13], [None, None, 32], [15, 30, 45]]
    assert derivable(shown) == set()


@given(tables(), st.integers(min_value=2, max_value=11))
@settings(max_examples=300, deadline=None)
def test_no_suppressed_count_is_derivable(table: list[list[int]], k: int) -> None:
    shown = published(suppress(table, k))
    assert derivable(shown) == set()


@given(tables(), st.integers(min_value=2, max_value=11))
@settings(max_examples=300, deadline=None)
def test_every_small_count_is_hidden_and_everything_shown_is_true(
    table: list[list[int]], k: int
) -> None:
    full = extended(table)
    shown = published(suppress(table, k))
    for row, shown_row in zip(full, shown, strict=True):
        for n, s in zip(row, shown_row, strict=True):
            assert s is None or s == n
            if 0 < n < k:
                assert s is None
            if n == 0:
                assert s == 0  # a zero is never used to hide another cell


@given(tables(), st.integers(min_value=2, max_value=11))
@settings(max_examples=200, deadline=None)
def test_a_different_non_negative_table_publishes_the_same(table: list[list[int]], k: int) -> None:
    """For every suppressed entry there is another non-negative table with the same published
    cells and totals in which that entry differs (so bounds do not pin it either)."""
    full = extended(table)
    shown = published(suppress(table, k))
    hidden = [(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v is None]
    for entry in hidden:
        assert _witness_exists(full, set(hidden), entry)


def _witness_exists(
    full: list[list[int]], hidden: set[tuple[int, int]], entry: tuple[int, int]
) -> bool:
    """Adding +1 and -1 alternately around a cycle of hidden entries keeps every row and column
    equation; if all of them are >= 1, both directions keep the counts non-negative."""
    return all(full[i][j] >= 1 for i, j in hidden) and _on_cycle(hidden, entry)


def _on_cycle(hidden: set[tuple[int, int]], entry: tuple[int, int]) -> bool:
    others = hidden - {entry}
    frontier, seen = [("c", entry[1])], {("c", entry[1])}
    while frontier:
        kind, n = frontier.pop()
        for i, j in others:
            if kind == "c" and j == n:
                nxt = ("r", i)
            elif kind == "r" and i == n:
                nxt = ("c", j)
            else:
                continue
            if nxt in seen:
                continue
            if nxt == ("r", entry[0]):
                return True
            seen.add(nxt)
            frontier.append(nxt)
    return False


def test_a_lonely_small_cell_takes_partners_with_it() -> None:
    t = suppress([[3, 10], [12, 20]], k=5)
    assert t.cells[0][0] is None
    assert t.suppressed >= 4
    assert derivable(published(t)) == set()
