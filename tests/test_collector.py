"""The cyclic GC paused through an edit's rebuild (pipeline.CollectorPause), on the real `gc`:
paused only for a build converting few pages, back on after it, the garbage of paused builds
collected once idle, and never more than LIMIT builds left uncollected."""

from __future__ import annotations

import gc
import time

import pytest

from generator.pipeline import CollectorPause


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector():
    assert gc.isenabled()
    pause = CollectorPause()
    pause.IDLE = 0.2
    yield pause
    if pause.timer is not None:
        pause.timer.cancel()
    gc.enable()


def test_a_rebuild_runs_with_the_collector_off_and_turns_it_back_on(collector):
    collector.begin(incremental=True)
    collector.pages(12)
    assert not gc.isenabled()
    collector.end(later=False)
    assert gc.isenabled() and collector.timer is None


def test_a_cold_build_or_one_of_every_page_is_not_paused(collector):
    collector.begin(incremental=False)
    assert gc.isenabled()
    collector.end(later=True)
    assert collector.timer is None
    collector.begin(incremental=True)  # a template changed: every page is rendered and converted
    assert not gc.isenabled()
    collector.pages(CollectorPause.PAGES + 1)
    assert gc.isenabled()
    collector.end(later=True)
    assert gc.isenabled() and collector.timer is None


def test_the_garbage_of_a_paused_build_is_collected_once_idle(collector):
    gc.collect()
    collector.begin(incremental=True)
    garbage = Cycle()
    gc.freeze()  # pytest's own objects out of the way; only our cycle is young
    gc.unfreeze()
    del garbage
    assert any(isinstance(o, Cycle) for o in gc.get_objects())
    collector.end(later=True)
    deadline = time.monotonic() + 10
    while collector.uncollected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert collector.uncollected == 0
    assert not any(isinstance(o, Cycle) for o in gc.get_objects())


def test_a_new_build_cancels_the_idle_collection(collector):
    collector.begin(incremental=True)
    collector.end(later=True)
    timer = collector.timer
    collector.begin(incremental=True)
    assert timer is not None and timer.finished.is_set()  # cancelled
    time.sleep(collector.IDLE * 2)
    assert collector.uncollected == 2  # no collection ran meanwhile
    collector.end(later=False)


def test_builds_in_a_row_with_no_idle_moment_stop_pausing_at_the_limit(collector):
    for _ in range(CollectorPause.LIMIT):
        collector.begin(incremental=True)
        assert not gc.isenabled()
        collector.end(later=True)
    collector.begin(
        incremental=True
    )  # LIMIT builds uncollected: this one runs with the collector on
    assert gc.isenabled()
    collector.end(later=True)
    assert collector.uncollected == 0
