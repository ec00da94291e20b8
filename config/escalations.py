"""The `escalations:` section of `regulation.yaml`: act before (and after) the deadline.

Each rule says when — a share of the target counted (50 %, 80 %), the breach itself, or N
business hours of counted time after it — for which requests (priorities, lines, customers),
and what to do: a comment (which can mention the assignee), an e-mail to fixed addresses or
to the assignee, a label, a field value. Rules fire once per request and cycle (a reopen
starts a new cycle); `sync/passes/escalations.py` decides, `sync/passes/deliver.py` acts.
"""

from __future__ import annotations

import re
from string import Formatter
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sla import Line, Priority

__all__ = [
    "ESCALATION_FIELDS",
    "Action",
    "EmailAction",
    "Escalation",
    "FieldAction",
    "When",
]

# Placeholders of escalation texts: the notifications' ones plus the assignee and the rule.
ESCALATION_FIELDS = frozenset(
    {"number", "registered", "priority", "line", "status", "target", "elapsed", "remaining"}
    | {"due", "breached_at", "customer", "assignee", "mention", "rule", "share"}
)
ASSIGNEE = "assignee"  # in `email.to`: the request's assignee, whoever it is at that moment
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


def _template(text: str) -> str:
    """Checked with the real formatter: unknown names, bad conversions and specs fail here."""
    try:
        names = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ValueError(f"a template with balanced braces ({exc})") from None
    if unknown := names - ESCALATION_FIELDS:
        raise ValueError(f"placeholders among {sorted(ESCALATION_FIELDS)}, not {sorted(unknown)}")
    try:
        text.format(**dict.fromkeys(ESCALATION_FIELDS, "x"))
    except (ValueError, IndexError, KeyError) as exc:
        raise ValueError(f"a template str.format accepts ({exc})") from None
    return text


Template = Annotated[str, AfterValidator(_template)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class When(_Strict):
    """Exactly one of: a share of the target reached, the breach, hours after the breach."""

    reached: float | None = Field(default=None, gt=0, lt=1)
    breach: bool = False
    after_breach_hours: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> When:
        chosen = [self.reached is not None, self.breach, self.after_breach_hours is not None]
        if sum(chosen) != 1:
            raise ValueError("exactly one of reached, breach, after_breach_hours")
        return self

    def threshold(self, target_seconds: float) -> float:
        """The counted seconds at which the rule fires (the breach: anything over the target)."""
        if self.reached is not None:
            return self.reached * target_seconds
        return target_seconds + (self.after_breach_hours or 0) * 3600


class Only(_Strict):
    """Which requests a rule is for; an empty list means all of them."""

    priorities: list[Priority] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)
    customers: list[str] = Field(default_factory=list)


class EmailAction(_Strict):
    """An e-mail to fixed addresses and/or `assignee`."""

    to: list[str] = Field(min_length=1)
    subject: Template
    body: Template


class FieldAction(_Strict):
    """A value written into a tracker field (an option or a text)."""

    field: str = Field(min_length=1)
    value: str


class Action(_Strict):
    """Exactly one effect."""

    comment: Template | None = None
    email: EmailAction | None = None
    label: str | None = Field(default=None, pattern=r"^\S+$")
    set_field: FieldAction | None = None

    @model_validator(mode="after")
    def _one(self) -> Action:
        given = [self.comment, self.email, self.label, self.set_field]
        if sum(v is not None for v in given) != 1:
            raise ValueError("exactly one of comment, email, label, set_field")
        return self


class Escalation(_Strict):
    """One rule: when, for which requests, what."""

    name: str
    enabled: bool = False
    when: When
    only: Only = Field(default_factory=Only)
    actions: list[Action] = Field(min_length=1)

    @model_validator(mode="after")
    def _named(self) -> Escalation:
        if not _NAME.fullmatch(self.name):
            raise ValueError("a name of lower-case letters, digits, '-' and '_'")
        return self

    def applies_to(self, priority: Priority, line: Line, customer: str | None) -> bool:
        """Does the rule cover a request of this priority, line and customer?"""
        o = self.only
        folded = {c.casefold().strip() for c in o.customers}
        return (
            (not o.priorities or priority in o.priorities)
            and (not o.lines or line in o.lines)
            and (not o.customers or (customer or "").casefold().strip() in folded)
        )
