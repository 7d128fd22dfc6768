"""One error vocabulary for every marketplace call (the seed's ErrorType)."""

from __future__ import annotations

from enum import StrEnum


class ErrorType(StrEnum):
    API_CONNECTION_ERROR = "api_connection_error"
    API_AUTHENTICATION_ERROR = "api_authentication_error"
    API_RATE_LIMIT_ERROR = "api_rate_limit_error"
    API_QUOTA_EXCEEDED = "api_quota_exceeded"
    DATA_VALIDATION_ERROR = "data_validation_error"
    DATA_TRANSFORMATION_ERROR = "data_transformation_error"
    DATA_PARSING_ERROR = "data_parsing_error"
    DATABASE_ERROR = "database_error"
    STORAGE_ERROR = "storage_error"
    MEMORY_ERROR = "memory_error"
    PRICING_CALCULATION_ERROR = "pricing_calculation_error"
    SEO_GENERATION_ERROR = "seo_generation_error"
    VALIDATION_ERROR = "validation_error"


# What a transport failure was: the host refused the connection, its name did not resolve, no
# connection opened in time, no answer came in time, or the connection closed without one.
REFUSED, UNKNOWN_HOST, CONNECT_TIMEOUT, READ_TIMEOUT, DROPPED = (
    "refused",
    "unknown_host",
    "connect_timeout",
    "read_timeout",
    "dropped",
)
TRANSPORT_REASONS = (REFUSED, UNKNOWN_HOST, CONNECT_TIMEOUT, READ_TIMEOUT, DROPPED)


class MarketplaceError(Exception):
    """A failed marketplace call, classified.

    `retryable`: the same call may succeed later (backoff and retry).
    `token_problem`: the access token is expired or invalid (refresh once, then repeat).
    `reauthorize`: the seller has to authorize the app again; no retry helps.
    `reason`: for transport failures, what happened on the wire (one of TRANSPORT_REASONS),
    so a sentence for a seller can be written without parsing the message.
    """

    def __init__(
        self,
        message: str,
        *,
        error_type: ErrorType,
        retryable: bool = False,
        platform: str = "",
        code: str = "",
        request_id: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
        token_problem: bool = False,
        reauthorize: bool = False,
        not_found: bool = False,
        reason: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.retryable = retryable
        self.platform = platform
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.retry_after = retry_after
        self.token_problem = token_problem
        self.reauthorize = reauthorize
        self.not_found = not_found
        self.reason = reason

    def __str__(self) -> str:
        where = f"{self.platform} " if self.platform else ""
        code = f" [{self.code}]" if self.code else ""
        request = f" (request_id {self.request_id})" if self.request_id else ""
        return f"{where}{self.error_type}{code}: {self.message}{request}"
