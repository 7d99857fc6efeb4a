"""A service process freezes what start-up made and collects young objects less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from samverkan_common import heap


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_collector")
def test_settle_freezes_the_live_objects_and_raises_the_young_threshold() -> None:
    kept = [object() for _ in range(10)]
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    heap.settle()
    assert gc.get_freeze_count() > len(kept)
    assert gc.get_threshold()[0] == heap.YOUNG_THRESHOLD
