"""The one error of role and invitation changes."""
from __future__ import annotations

from ..core.errors import ApiError


class RoleError(Exception):
    """A refused role or invitation change: HTTP status, machine code, Chinese message."""

    def __init__(self, message: str, status: int = 409, code: str = "invitation_refused"):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code

    def as_api(self) -> ApiError:
        return ApiError(self.status, self.code, self.message)
