"""Domain errors. Services raise them; the API and pages turn them into 4xx answers with a
stable machine code and a message in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal the user can understand. ``code`` is a stable ASCII identifier."""

    status = 409
    code = "conflict"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: Mapping[str, Sequence[str | Promise]] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        self.extra = dict(extra or {})

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class InvalidInput(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
