"""gunicorn settings for the web container (`gunicorn -c config/gunicorn_conf.py`).

gunicorn writes its access log itself, outside Django's logging: without this the OAuth
callback's `code=` (and any token in a query string) would land in it verbatim.

Each worker (the Dockerfile starts one a core) serves several requests at once in threads: a
request waiting on PostgreSQL (a query, a commit's flush) leaves the core to another one, where
a one-request worker sat idle. GUNICORN_CMD_ARGS="--threads N" (or --threads) changes it.
"""

from __future__ import annotations

import gc

from gunicorn.glogging import Logger

from imports.clients.redaction import RedactingFilter


class RedactingLogger(Logger):
    """gunicorn's logger, with the masking filter every other log line gets."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactingFilter) for f in log.filters):
                log.addFilter(RedactingFilter())


def post_worker_init(worker) -> None:
    # Django, its apps and settings live as long as the worker: kept out of the garbage
    # collector's passes, which otherwise walk them all again every few requests.
    gc.freeze()


logger_class = RedactingLogger
accesslog = "-"
worker_class = "gthread"
threads = 4
# Each request's connection is accepted by whichever worker is free then: a kept-alive
# connection stays on the worker that first accepted it, and 20 clients all landing on one of
# two workers halved the throughput (117 against 183 requests/s, docs/performance.md). The
# proxy in front keeps its own connections to the clients alive.
keepalive = 0
