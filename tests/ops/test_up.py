"""`manage.py up`: sandbox, demo shops, worker and web server come up together and import."""

import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from catalog.models import MasterProduct, Organization, Platform
from config.settings import BASE_DIR
from imports.demo import DEMO_SHOPEE_NAME, DEMO_TIKTOK_NAME
from imports.models import ChannelConnection, ImportJob
from imports.services import import_job_start
from tests.subprocesses import child_env, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


def test_up_connects_two_demo_shops_that_import_on_its_worker():
    web_port, sandbox_port = free_port(), free_port()
    up = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "up",
            f"127.0.0.1:{web_port}",
            "--sandbox-port",
            str(sandbox_port),
            "--sandbox-products",
            "120",
        ],
        cwd=BASE_DIR,
        env=child_env(Q_WORKERS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: _answers(f"http://127.0.0.1:{web_port}/admin/login/"), 90, "the web server"
        )
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
        up.send_signal(signal.SIGTERM)
        output, _ = up.communicate(timeout=60)
    assert up.returncode == 0, output
    assert "SyncStore admin" in output
    assert "exited with an error" not in output
    assert not _answers(f"http://127.0.0.1:{web_port}/admin/login/")
    assert not _answers(f"http://127.0.0.1:{sandbox_port}/_sandbox/credentials")
