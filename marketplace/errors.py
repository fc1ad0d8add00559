"""Domain errors raised by services. One handler maps them to HTTP (API) or messages (web)."""


class DomainError(Exception):
    """A request that the rules refuse. `code` is stable for clients; `message` is for people."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The object is not in a state that allows this (e.g. already accepted)."""

    status = 409
    code = "conflict"
