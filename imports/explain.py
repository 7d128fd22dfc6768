"""What went wrong, in words a seller understands.

The technical text (endpoint, error type, exception name) stays in the logs, the job's
error_message and the connection's last_error, where support reads it; the admin's messages,
the API's connection-test message and a failed import's page say what happened and what to
do about it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.platforms import Platform
from imports.clients.base import HOST_NOT_ALLOWED
from imports.clients.errors import (
    CONNECT_TIMEOUT,
    DROPPED,
    READ_TIMEOUT,
    REFUSED,
    UNKNOWN_HOST,
    ErrorType,
    MarketplaceError,
)
from imports.local_time import local_datetime_text
from imports.models import ImportJob


def platform_label(platform: str) -> str:
    """The platform's name as sellers know it (the choice's label), else the value itself."""
    try:
        return str(Platform(platform).label)
    except ValueError:
        return platform or _("The marketplace")


def _unreachable(name: str, reason: str) -> str:
    """One clause per transport failure: the seller can tell a typo from an outage."""
    why = {
        REFUSED: _("connection refused"),
        UNKNOWN_HOST: _("the address's host name is unknown"),
        CONNECT_TIMEOUT: _("no connection within a few seconds"),
        READ_TIMEOUT: _("no answer in time"),
        DROPPED: _("the connection closed without an answer"),
    }.get(reason)
    if why is None:
        return _("%(platform)s could not be reached.") % {"platform": name}
    return _("%(platform)s could not be reached (%(why)s).") % {"platform": name, "why": why}


def marketplace_error_sentence(error: MarketplaceError, *, platform: str = "") -> str:
    """What the marketplace error means and what the seller can do, without codes or names."""
    name = platform_label(error.platform or platform)
    error_type = str(error.error_type)
    if error.code == HOST_NOT_ALLOWED:
        return _(
            "The API address is not a %(platform)s address, so nothing was sent. Correct the "
            "API address on the connection page (a test marketplace must be listed in "
            "MARKETPLACE_EXTRA_HOSTS by the administrator)."
        ) % {"platform": name}
    if error.reauthorize:
        return _(
            "%(platform)s no longer accepts this shop's authorization. Connect the shop again "
            "with the Connect button on the connection page."
        ) % {"platform": name}
    if error_type == ErrorType.API_CONNECTION_ERROR and error.http_status:
        return _(
            "%(platform)s has a problem on its side (it answered with a server error). Try "
            "again in a few minutes."
        ) % {"platform": name}
    if error_type == ErrorType.API_CONNECTION_ERROR:
        return " ".join(
            (
                _unreachable(name, error.reason),
                _(
                    "Check that the API address on the connection page is right and that this "
                    "server can reach the internet, or try again later if %(platform)s is down."
                )
                % {"platform": name},
            )
        )
    if error_type == ErrorType.API_AUTHENTICATION_ERROR:
        return _(
            "%(platform)s refused the app's credentials. Check the partner ID and key (Shopee) "
            "or the app key and secret (TikTok Shop) on the connection page."
        ) % {"platform": name}
    if error_type in (ErrorType.API_RATE_LIMIT_ERROR, ErrorType.API_QUOTA_EXCEEDED):
        return _(
            "%(platform)s is refusing calls for now because too many were made. Wait a few "
            "minutes and try again."
        ) % {"platform": name}
    if error_type == ErrorType.DATA_PARSING_ERROR:
        return _(
            "%(platform)s sent an answer SyncStore cannot read. Check the API address on the "
            "connection page, or try again later."
        ) % {"platform": name}
    # Anything else: the marketplace's own words (not our error type or an exception name).
    return _("%(platform)s refused the request: %(message)s") % {
        "platform": name,
        "message": error.message,
    }


def connection_test_failure_message(error: MarketplaceError, *, platform: str = "") -> str:
    """The answer to a failed Test connection: a test only reads, so it changed nothing."""
    return " ".join(
        (marketplace_error_sentence(error, platform=platform), _("Nothing was changed."))
    )


def job_failure_explanation(job: ImportJob, *, may_resume: bool) -> tuple[str, str]:
    """(what happened, what to do) for a failed import's page.

    A job keeps only its error type and the technical message, so the sentence is chosen by
    the type; the message is shown beside it as the details.
    """
    name = platform_label(job.platform)
    error_type = job.error_type
    if error_type == ErrorType.API_CONNECTION_ERROR:
        what = _("%(platform)s could not be reached, or kept failing, during the import.")
    elif error_type == ErrorType.API_AUTHENTICATION_ERROR:
        what = _("%(platform)s refused the shop's authorization or the app's credentials.")
    elif error_type in (ErrorType.API_RATE_LIMIT_ERROR, ErrorType.API_QUOTA_EXCEEDED):
        what = _("%(platform)s kept refusing calls because too many were made.")
    elif error_type == ErrorType.VALIDATION_ERROR:
        what = _("The connection's API address is not a %(platform)s address: nothing was sent.")
    elif error_type == ErrorType.DATABASE_ERROR:
        what = _("SyncStore's database was unavailable during the import.")
    elif error_type == ErrorType.MEMORY_ERROR:
        what = _("The import needed more memory than this server allows it.")
    elif error_type in (ErrorType.DATA_PARSING_ERROR, ErrorType.DATA_VALIDATION_ERROR):
        what = _("%(platform)s sent answers SyncStore could not read.")
    else:
        what = _("The import stopped because of an unexpected error.")
    what = " ".join((what % {"platform": name}, _("What was stored before it stopped is kept.")))
    steps = []
    if error_type == ErrorType.API_AUTHENTICATION_ERROR:
        steps.append(_("Connect the shop again (Channel connections, Connect) first."))
    elif error_type == ErrorType.VALIDATION_ERROR:
        steps.append(_("Correct the API address on the connection page first."))
    if job.auto_resume_at:
        steps.append(
            _("It resumes by itself after %(time)s.")
            % {"time": local_datetime_text(job.auto_resume_at, seconds=True)}
        )
    if may_resume:
        steps.append(
            _("Press “Resume import” to continue from where it stopped.")
            if not job.auto_resume_at
            else _("Or press “Resume import” to continue now from where it stopped.")
        )
    else:
        steps.append(_("Someone who may run imports in this organization can resume it."))
    return what, " ".join(steps)
