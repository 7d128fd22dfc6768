"""`manage.py up`: sandbox, demo shops, worker and web server come up together and import;
they also go down together, leaving no process behind."""

import contextlib
import os
import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from catalog.models import MasterProduct
from config.settings import BASE_DIR
from core.models import Organization
from core.platforms import Platform
from imports.demo import DEMO_SHOPEE_NAME, DEMO_TIKTOK_NAME
from imports.models import ChannelConnection, ImportJob
from imports.services import import_job_start
from tests.subprocesses import child_env, free_port, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


# qcluster with one worker: main process, sentinel, worker, monitor and pusher.
QCLUSTER_PROCESSES = 5


@dataclass
class UpRun:
    process: subprocess.Popen
    log: Path
    family: list[psutil.Process] = field(default_factory=list)  # every process below `up`

    @property
    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def start_up(tmp_path):
    """Start `manage.py up ARGS` on the test database; at teardown, kill whatever is left."""
    runs: list[UpRun] = []

    def start(*args: str) -> UpRun:
        log = tmp_path / f"up-{len(runs)}.log"  # a pipe nobody reads could fill and stall it
        # Started from a terminal, `up` hears Ctrl-C; a runner that ignores SIGINT (a background
        # job) would pass that on to it, so give the child the default disposition back.
        sigint = signal.getsignal(signal.SIGINT)
        if sigint == signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            with log.open("w") as output:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "up", *args],
                    cwd=BASE_DIR,
                    env=child_env(Q_WORKERS="1"),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # like a terminal's foreground group: up alone
                )
        finally:
            signal.signal(signal.SIGINT, sigint)
        runs.append(UpRun(process, log))
        return runs[-1]

    yield start
    for run in runs:
        leftovers = list(run.family)
        if run.process.poll() is None:
            with contextlib.suppress(psutil.Error):
                leftovers += psutil.Process(run.process.pid).children(recursive=True)
            run.process.kill()
        for process in leftovers:
            with contextlib.suppress(psutil.Error):
                process.kill()
        run.process.wait(timeout=30)


def _wait_until_running(run: UpRun, web_port: int) -> None:
    """Until the web server answers and the worker cluster is whole; records `run.family`."""

    def running() -> bool:
        if run.process.poll() is not None:
            raise AssertionError(f"up exited early ({run.process.returncode}):\n{run.output}")
        run.family = psutil.Process(run.process.pid).children(recursive=True)
        qcluster = [p for p in run.family if "qcluster" in _cmdline(p)]
        return len(qcluster) >= QCLUSTER_PROCESSES and _answers(
            f"http://127.0.0.1:{web_port}/admin/login/"
        )

    wait_for(running, 120, "the web server and the whole worker cluster")


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _survivors(family: list[psutil.Process]) -> list[str]:
    alive = []
    for process in family:
        try:  # is_running() also compares start times, so a reused pid does not count
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(_cmdline(process))}")
        except psutil.NoSuchProcess:
            pass
    return alive


def _assert_all_gone(family: list[psutil.Process]) -> None:
    assert family
    # Orphaned grandchildren are reaped by init a moment later: poll briefly, then report.
    try:
        wait_for(lambda: not _survivors(family), 10, "every process below up to be gone")
    except AssertionError:
        raise AssertionError(f"still running: {_survivors(family)}") from None


def test_up_connects_two_demo_shops_that_import_on_its_worker(start_up):
    web_port, sandbox_port = free_port(), free_port()
    run = start_up(
        f"127.0.0.1:{web_port}",
        "--sandbox-port",
        str(sandbox_port),
        "--sandbox-products",
        "120",
    )
    try:
        _wait_until_running(run, web_port)
        organization = Organization.objects.get(slug="toko-demo")
        connections = {
            c.name: c for c in ChannelConnection.objects.filter(organization=organization)
        }
        assert set(connections) == {DEMO_SHOPEE_NAME, DEMO_TIKTOK_NAME}
        for connection in connections.values():
            assert connection.status == ChannelConnection.Status.ACTIVE
            assert connection.base_url.startswith(f"http://127.0.0.1:{sandbox_port}/")
            assert connection.access_token and connection.refresh_token

        jobs = [import_job_start(connection=c) for c in connections.values()]
        wait_for(
            lambda: all(ImportJob.objects.get(pk=job.pk).is_finished for job in jobs),
            120,
            "both demo imports on the worker `up` started",
        )
        for job in jobs:
            job.refresh_from_db()
            assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
            assert job.stored_count == 120
        products = MasterProduct.objects.filter(organization=organization)
        for platform in Platform.values:
            assert products.filter(mappings__platform=platform).exists()
        # The sandbox's overlap: some products carry both platforms' listings.
        assert (
            products.filter(mappings__platform=Platform.SHOPEE)
            .filter(mappings__platform=Platform.TIKTOKSHOP)
            .exists()
        )
    finally:
        run.process.send_signal(signal.SIGTERM)
        run.process.wait(timeout=60)
    output = run.output
    assert run.process.returncode == 0, output
    assert "SyncStore admin" in output
    assert "CommandError" not in output
    _assert_all_gone(run.family)
    assert not _answers(f"http://127.0.0.1:{web_port}/admin/login/")
    assert not _answers(f"http://127.0.0.1:{sandbox_port}/_sandbox/credentials")


def test_when_a_child_dies_up_stops_the_others_and_fails_saying_which(start_up):
    web_port, sandbox_port = free_port(), free_port()
    run = start_up(
        f"127.0.0.1:{web_port}",
        "--sandbox-port",
        str(sandbox_port),
        "--sandbox-products",
        "10",
    )
    _wait_until_running(run, web_port)
    (sandbox,) = [p for p in run.family if "marketplace_sandbox" in _cmdline(p)]
    os.killpg(sandbox.pid, signal.SIGKILL)  # the sandbox and anything it started
    run.process.wait(timeout=45)  # stopping takes at most ~15 s; room for a busy machine
    output = run.output
    assert run.process.returncode == 1, output
    assert (
        f"CommandError: the sandbox marketplaces (marketplace_sandbox) (pid {sandbox.pid}) "
        "was killed by SIGKILL" in output
    ), output
    # Every other child, the worker cluster's sentinel and workers included, went down too.
    _assert_all_gone(run.family)
    assert not _answers(f"http://127.0.0.1:{web_port}/admin/login/")


def test_ctrl_c_stops_up_and_every_child(start_up):
    web_port = free_port()
    run = start_up(f"127.0.0.1:{web_port}", "--no-demo")
    _wait_until_running(run, web_port)
    # A terminal sends Ctrl-C's SIGINT to its foreground process group, here `up` alone: each
    # child runs in a group of its own, so `up` has to stop them itself.
    os.killpg(run.process.pid, signal.SIGINT)
    run.process.wait(timeout=45)
    output = run.output
    assert run.process.returncode == 0, output  # a requested stop is a success
    assert "Stopping everything" in output
    _assert_all_gone(run.family)
    assert not _answers(f"http://127.0.0.1:{web_port}/admin/login/")
