"""Domain errors: a stable code (also the problem type and the i18n key), an HTTP-ish status,
and parameters for the localized message. No HTTP framework here."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code: str = "error"
    status: int = 400

    def __init__(self, code: str | None = None, /, *, status: int | None = None, **params: Any) -> None:
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class NotFoundError(DomainError):
    code = "not-found"
    status = 404


class ConflictError(DomainError):
    code = "conflict"
    status = 409


class ForbiddenError(DomainError):
    code = "forbidden"
    status = 403


class UnauthorizedError(DomainError):
    code = "unauthorized"
    status = 401


class ValidationError(DomainError):
    """422 with a list of (field, message-key, params) the handler localizes."""

    code = "validation-failed"
    status = 422

    def __init__(self, errors: list[tuple[str, str, dict[str, Any]]], /, **params: Any) -> None:
        super().__init__(**params)
        self.errors = errors


class RateLimitedError(DomainError):
    code = "rate-limited"
    status = 429

    def __init__(self, retry_after: int, /, **params: Any) -> None:
        super().__init__(retry_after=retry_after, **params)
        self.retry_after = retry_after


class ServiceUnavailableError(DomainError):
    """503 with Retry-After: a service we depend on (PostgreSQL, Redis) does not answer; nothing of
    the request was half done, so the caller may simply try again."""

    code = "service-unavailable"
    status = 503

    def __init__(self, retry_after: int = 5, /, **params: Any) -> None:
        super().__init__(**params)
        self.retry_after = retry_after
