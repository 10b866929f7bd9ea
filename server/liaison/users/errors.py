"""The one error of role and invitation changes."""
from __future__ import annotations

from ..core.errors import DomainError


class RoleError(DomainError):
    """A refused role or invitation change: HTTP status, machine code, Chinese message."""

    def __init__(self, message: str, status: int = 409, code: str = "invitation_refused"):
        super().__init__(code, message, status)
