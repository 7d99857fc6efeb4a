"""Replay workers get shares of about the same number of records."""

from __future__ import annotations

from coordination.replay import Range, balanced
from hypothesis import given
from hypothesis import strategies as st

ranges = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 100_000)).map(lambda r: (r[0], r[0] + r[1])),
    max_size=40,
).map(lambda rs: [("t", i, first, end) for i, (first, end) in enumerate(rs)])


def _records(share: list[Range]) -> int:
    return sum(end - first for _, _, first, end in share)


@given(ranges, st.integers(1, 5))
def test_every_range_goes_to_one_worker_and_no_worker_has_much_more(
    rs: list[Range], n: int
) -> None:
    shares = balanced(rs, n)
    assert len(shares) == n
    assert sorted(r for share in shares for r in share) == sorted(rs)
    loads = [_records(share) for share in shares]
    largest = max((end - first for _, _, first, end in rs), default=0)
    assert max(loads) - min(loads) <= largest


def test_topics_of_different_sizes_are_not_shared_out_in_turn() -> None:
    # In turn, the first worker would get 900 + 800 and the second 100 + 100.
    rs: list[Range] = [("a", 0, 0, 900), ("b", 0, 0, 100), ("a", 1, 0, 800), ("b", 1, 0, 100)]
    assert sorted(_records(share) for share in balanced(rs, 2)) == [900, 1000]
