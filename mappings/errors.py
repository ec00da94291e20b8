"""Errors of the mapping layer."""

from __future__ import annotations

from sla.errors import UnknownValueError


class MappingError(UnknownValueError):
    """One issue's value that the mapping profile cannot place; the sync layer skips the issue.

    Subclasses `UnknownValueError` so the error taxonomy classifies it as skippable.
    """

    def __init__(self, message: str, *, key: str, kind: str, value: object) -> None:
        super().__init__(kind, value)
        # The base class builds a generic text; ours names the issue, the value and the profile.
        self.args = (message,)
        self.key = key
