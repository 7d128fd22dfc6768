"""The cyclic collector's pace during a job (imports.pipeline.memory.collector_paced)."""

import gc
import threading
import weakref

import pytest

from imports.pipeline.memory import YOUNG_THRESHOLD, collector_paced


class InACycle:
    def __init__(self) -> None:
        self.me = self  # only the collector frees it


def test_during_a_job_the_collector_is_paced_and_afterwards_restored():
    before = gc.get_threshold()
    with collector_paced():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0  # what was alive before the job is out of sight
        with collector_paced():  # a job within a job
            pass
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the outer one still runs
        witness = weakref.ref(InACycle())
        assert witness() is not None  # a cycle is left to the collector...
        gc.collect()
        assert witness() is None  # ...which still frees cycles made during the job
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_overlapping_jobs_in_threads_share_the_pace_until_the_last_ends():
    before = gc.get_threshold()
    entered, first_may_leave, first_left, second_may_leave = (threading.Event() for _ in "1234")

    def first() -> None:
        with collector_paced():
            entered.set()
            first_may_leave.wait(10)
        first_left.set()

    def second() -> None:
        entered.wait(10)
        with collector_paced():
            first_may_leave.set()
            second_may_leave.wait(10)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_left.wait(10)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the second job still runs
    second_may_leave.set()
    for thread in threads:
        thread.join(10)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_failing_job_restores_the_collector():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collector_paced():
        raise RuntimeError("a bug in the job")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_process_that_froze_its_objects_keeps_them_frozen():
    """A gunicorn worker freezes the loaded app (config/gunicorn_conf.py); a job there must
    not thaw it."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paced():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        # Thawed would read 0, frozen again thousands more; a frozen object that reference
        # counting freed meanwhile (the rest of the suite's) reads one less.
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
