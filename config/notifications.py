"""The notifications section of `regulation.yaml`: acknowledgement comment, closure e-mail."""

from __future__ import annotations

from string import Formatter
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sla import Resolution

__all__ = [
    "TEMPLATE_FIELDS",
    "Acknowledgement",
    "ClosureEmail",
    "Notifications",
    "check_format",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Placeholders of the notification templates (sync/passes/notices.py fills them; "—" when not set).
TEMPLATE_FIELDS = frozenset(
    {"number", "registered", "closed", "priority", "line", "status", "target", "elapsed"}
    | {"due", "resolution", "outcome"}
)


def _template(text: str) -> str:
    try:
        names = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ValueError(f"a template with balanced braces ({exc})") from None
    if unknown := names - TEMPLATE_FIELDS:
        raise ValueError(f"placeholders among {sorted(TEMPLATE_FIELDS)}, not {sorted(unknown)}")
    check_format(text, TEMPLATE_FIELDS)
    return text


def check_format(text: str, fields: frozenset[str] | tuple[str, ...]) -> None:
    """Format `text` as sending will (every value a str): conversions like `!x` and format
    specs like `:d` that only fail when filled are refused now, not at the first notice."""
    try:
        text.format(**dict.fromkeys(fields, "SUP-1"))
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        raise ValueError(f"a template str.format accepts (the values are text): {exc}") from None


Template = Annotated[str, AfterValidator(_template)]


class Acknowledgement(_Strict):
    """A comment confirming a new request (regulation section 3, steps 1-2)."""

    enabled: bool = True
    # Only requests registered this recently are acknowledged when first seen, so a first
    # pass over an existing project does not comment on every old request.
    max_age_hours: float = Field(default=24, gt=0)
    template: Template = (
        "Заявка {number} зарегистрирована {registered}.\n"
        "Приоритет: {priority}, {line}. Срок решения: {target} рабочих ч, до {due}."
    )


class ClosureEmail(_Strict):
    """The e-mail telling the user the request is closed (regulation section 5)."""

    enabled: bool = True
    # Closures observed later than this (sla-sync was down) are not mailed.
    max_age_hours: float = Field(default=72, gt=0)
    skip_resolutions: list[Resolution] = Field(default_factory=lambda: [Resolution.WITHDRAWN])
    subject: Template = "Заявка {number} закрыта: {resolution}"
    body: Template = (
        "Здравствуйте!\n\nЗаявка {number} от {registered} закрыта {closed}.\n"
        "Резолюция: {resolution}.\nСрок решения: {outcome} ({elapsed} из {target} рабочих ч).\n"
    )


class Notifications(_Strict):
    """Which notifications are sent, and their texts."""

    acknowledgement: Acknowledgement = Field(default_factory=Acknowledgement)
    closure_email: ClosureEmail = Field(default_factory=ClosureEmail)
