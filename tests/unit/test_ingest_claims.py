"""Which event of a run of inserts is refused: the first whose key was taken before, or by an
earlier event of the same run."""

from __future__ import annotations

from samverkan_common.ingest import first_unclaimed


def test_every_key_added_once_refuses_none() -> None:
    assert first_unclaimed(["a", "b", "c"], {"a", "b", "c"}) is None
    assert first_unclaimed([], set()) is None


def test_a_key_taken_before_is_refused_where_it_stands() -> None:
    assert first_unclaimed(["a", "b", "c"], {"a", "c"}) == 1


def test_a_key_twice_in_the_run_is_refused_at_its_second_place() -> None:
    assert first_unclaimed(["a", "b", "a", "c"], {"a", "b", "c"}) == 2


def test_the_first_refusal_in_order_wins() -> None:
    assert first_unclaimed(["a", "b", "b", "x"], {"a", "b"}) == 2
    assert first_unclaimed(["x", "a", "a"], {"a"}) == 0
