"""The pre-flight of the regulation's escalation rules: what is on, and what cannot work.

`check` lists each enabled rule once, warns about an e-mail action while no SMTP relay is
configured (the e-mails would wait, reported at every pass), and — per tracker — fails a
`set_field` action whose field the tracker does not have as exactly one field (every firing
would fail).
"""

from __future__ import annotations

from collections.abc import Sequence

from config.escalations import Action, Escalation
from sync.binding import Binding

__all__ = ["escalation_field_rows", "escalation_rows"]


def escalation_rows(rules: Sequence[Escalation], smtp_host: str | None) -> list[list[str]]:
    """One row per enabled rule (or one saying none is), and a warning per unsendable e-mail."""
    enabled = [r for r in rules if r.enabled]
    if not enabled:
        off = f"{len(rules)} rule(s) in the regulation, none enabled" if rules else "none"
        return [["ok", "escalations", off]]
    rows = []
    for rule in enabled:
        rows.append(["ok", f"escalation {rule.name}", f"{_when(rule)}: {_actions(rule.actions)}"])
        if smtp_host is None and any(a.email is not None for a in rule.actions):
            rows.append(
                [
                    "warning",
                    f"escalation {rule.name}",
                    "sends e-mail, but no SMTP relay is configured (smtp.host): its e-mails "
                    "wait and are reported at every pass",
                ]
            )
    return rows


def escalation_field_rows(b: Binding, rules: Sequence[Escalation]) -> list[list[str]]:
    """An error per enabled `set_field` action whose field this tracker lacks."""
    rows = []
    for rule in rules:
        if not rule.enabled:
            continue
        for action in rule.actions:
            if action.set_field is None:
                continue
            name = action.set_field.field
            found = b.catalog.matches(name)
            if len(found) != 1:
                what = "no field" if not found else f"{len(found)} fields"
                rows.append(
                    [
                        "error",
                        f"escalation {rule.name}",
                        f"sets the field {name!r}, but {b.kind.title} has {what} of that name",
                    ]
                )
    return rows


def _when(rule: Escalation) -> str:
    w = rule.when
    if w.reached is not None:
        point = f"at {w.reached:.0%} of the target"
    elif w.breach:
        point = "at the breach"
    else:
        point = f"{w.after_breach_hours:g} business h after the breach"
    o = rule.only
    only = [", ".join(p.value for p in o.priorities), ", ".join(x.value for x in o.lines)]
    only.append(", ".join(o.customers))
    narrowed = "; ".join(part for part in only if part)
    return f"{point} ({narrowed})" if narrowed else point


def _actions(actions: Sequence[Action]) -> str:
    out = []
    for a in actions:
        if a.comment is not None:
            out.append("comment")
        elif a.email is not None:
            out.append("e-mail to " + ", ".join(a.email.to))
        elif a.label is not None:
            out.append(f"label {a.label}")
        elif a.set_field is not None:
            out.append(f"{a.set_field.field} = {a.set_field.value}")
    return ", ".join(out)
