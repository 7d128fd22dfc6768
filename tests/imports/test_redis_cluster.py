"""Workers on several machines: two qcluster processes share one Redis queue and one PostgreSQL.

Each cluster stands for a machine: its own process tree, the same DATABASE_URL and Q_BROKER_URL.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import redis
from django_q.conf import Conf
from django_q.models import OrmQ, Task

from catalog.models import PlatformMapping
from imports.models import ImportJob
from imports.services import import_job_start
from tests.sandbox_fixtures import connect_sandbox, sandbox_listing_ids, stored_listing_ids
from tests.subprocesses import free_port, start_worker, stop_process_group, stop_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PLATFORMS = ("shopee", "tiktokshop")


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free loopback port, nothing written to disk."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(
            "redis-server is missing: install Debian's redis-server "
            "(sudo apt-get install redis-server; .ci/run does this in CI)"
        )
    port = free_port()
    with open(tmp_path / "redis.log", "wb") as log:
        process = subprocess.Popen(
            [
                server,
                *("--bind", "127.0.0.1", "--port", str(port), "--dir", str(tmp_path)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        wait_for(lambda: _answers(client, process), 15, "redis-server to answer")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        stop_process_group(process)


def _answers(client: redis.Redis, process: subprocess.Popen) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"redis-server exited with status {process.returncode}")
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def _both_waiting(client: redis.Redis, clusters: list[subprocess.Popen], logs: list[Path]) -> bool:
    """Both clusters' pushers are blocked in BLPOP on the queue (a cluster that died says why)."""
    for cluster, log in zip(clusters, logs, strict=True):
        if cluster.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"qcluster exited with status {cluster.returncode}:\n{tail}")
    blocked = [c for c in client.client_list() if c["cmd"] == "blpop" and "b" in c["flags"]]
    return len(blocked) >= len(clusters)


def test_two_clusters_share_the_redis_queue_and_store_every_listing_once(
    make_sandbox, organization, other_organization, redis_url, tmp_path, monkeypatch
):
    shops = []  # (connection, sandbox): two organizations x Shopee and TikTok Shop
    for seed, owner in enumerate((organization, other_organization), start=1):
        sandbox = make_sandbox(products=300, seed=seed)
        shops += [(connect_sandbox(sandbox, owner, platform), sandbox) for platform in PLATFORMS]
    # This process queues the jobs as the web app would with Q_BROKER_URL set. django-q2 reads
    # its settings once, at import, so they are set on its Conf directly.
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", redis_url)
    client = redis.Redis.from_url(redis_url, decode_responses=True)

    logs = [tmp_path / f"machine-{name}.log" for name in "ab"]
    clusters = []
    try:
        for log in logs:
            with open(log, "wb") as log_file:
                clusters.append(
                    start_worker(
                        log_file=log_file,
                        Q_BROKER_URL=redis_url,
                        Q_WORKERS="2",
                        LOG_LEVEL="INFO",
                    )
                )
        # Both clusters wait on the queue before the first job goes in, so neither can take
        # every job before the other has started.
        wait_for(
            lambda: _both_waiting(client, clusters, logs), 90, "both clusters to wait on Redis"
        )
        jobs = [import_job_start(connection=connection) for connection, _ in shops]
        wait_for(
            lambda: all(ImportJob.objects.get(pk=job.pk).is_finished for job in jobs),
            180,
            "the four imports to finish",
        )
        # The cluster's monitor saves each task's result after the task returns.
        task_ids = [ImportJob.objects.get(pk=job.pk).task_id for job in jobs]
        wait_for(
            lambda: Task.objects.filter(id__in=task_ids).count() == len(jobs),
            30,
            "the task results to be saved",
        )
    finally:
        for cluster in clusters:
            stop_worker(cluster)

    for job in jobs:
        job.refresh_from_db()
        assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
        assert job.attempts == 1
    assert all(task.success for task in Task.objects.filter(id__in=task_ids))

    # Every listing of every shop stored exactly once, and mapped once in its organization.
    for job, (connection, sandbox) in zip(jobs, shops, strict=True):
        expected = sandbox_listing_ids(sandbox, connection.platform)
        stored = stored_listing_ids(job)
        assert len(stored) == len(set(stored)) == len(expected)
        assert set(stored) == expected
        mapped = set(
            PlatformMapping.objects.filter(
                organization=connection.organization, platform=connection.platform
            ).values_list("platform_product_id", flat=True)
        )
        assert mapped == expected

    # The work was shared: each cluster's log names the tasks it ran, and each job ran on one.
    # (django-q2's Task.cluster is the queue's name, the same for both clusters.)
    task_names = {f"import-{job.pk}-1" for job in jobs}
    ran_on = [set(re.findall(r"\bimport-\d+-\d+\b", log.read_text())) & task_names for log in logs]
    assert all(ran_on), f"a cluster ran no import: {ran_on}"
    assert ran_on[0].isdisjoint(ran_on[1]) and ran_on[0] | ran_on[1] == task_names, ran_on

    # The tasks went through Redis: none through the ORM broker's table.
    assert not OrmQ.objects.exists()
    assert int(client.info("commandstats")["cmdstat_rpush"]["calls"]) >= len(jobs)
    client.close()
