"""gunicorn settings for the web container (`gunicorn -c config/gunicorn_conf.py`).

gunicorn writes its access log itself, outside Django's logging: without this the OAuth
callback's `code=` (and any token in a query string) would land in it verbatim.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from imports.clients.redaction import RedactingFilter


class RedactingLogger(Logger):
    """gunicorn's logger, with the masking filter every other log line gets."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactingFilter) for f in log.filters):
                log.addFilter(RedactingFilter())


logger_class = RedactingLogger
accesslog = "-"
