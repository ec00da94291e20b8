"""Plain-text rendering of SLA results for the terminal (tables and explanations).

Values and headings come in the words of `words` (the regulation's by default, see
`sync.report.words`); JSON keeps the codes and adds the words as `*_label` fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sla import BusinessCalendar, SlaResult
from sync.report.words import Words

_EN = Words()


def fmt_time(value: datetime | None) -> str:
    """'2024-11-25 13:00' in the instant's own zone, or '—'."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def zone_name(value: datetime) -> str:
    """'Europe/Moscow, UTC+03:00': the zone's name (when it has one) and the instant's offset."""
    offset = value.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    key = getattr(value.tzinfo, "key", None)
    return f"{key}, {utc}" if key else utc


def fmt_hours(seconds: float) -> str:
    """Hours with two decimals."""
    return f"{seconds / 3600:.2f}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A left-aligned text table."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


SLA_HEADERS = (
    "key",
    "priority",
    "line",
    "status",
    "elapsed/target h",
    "due",
    "state",
    "breached",
    "at risk",
)


def sla_row(r: SlaResult, words: Words = _EN) -> list[object]:
    """One row of the SLA table."""
    yes, no = words.h("yes"), words.h("no")
    return [
        r.key,
        words("priorities", r.priority.value),
        words("lines", r.line.value),
        words("statuses", r.status.value),
        f"{fmt_hours(r.elapsed_seconds)}/{fmt_hours(r.target_seconds)}",
        fmt_time(r.due_at),
        words("states", r.state.value),
        f"{yes} ({fmt_time(r.breached_at)})" if r.breached else no,
        yes if r.at_risk else no,
    ]


def sla_table(results: Iterable[SlaResult], words: Words = _EN) -> str:
    """The SLA table: key, priority, line, status, elapsed/target, due, state, breach, risk."""
    return table([words.h(h) for h in SLA_HEADERS], (sla_row(r, words) for r in results))


def explain_text(r: SlaResult, words: Words = _EN) -> str:
    """Segments and totals that explain one result."""
    seg_rows = [
        [
            fmt_time(s.start),
            fmt_time(s.end),
            words("statuses", s.status.value),
            words("priorities", s.priority.value),
            words("lines", s.line.value),
            words("states", s.clock.value),
            fmt_hours(s.business_seconds),
            fmt_hours(s.counted_seconds),
        ]
        for s in r.segments
    ]
    # Every time below in one zone, named: the calendar's (segments and due times are in it),
    # `now` included, whatever zone it was given in.
    zone = r.segments[0].start.tzinfo if r.segments else r.now.tzinfo
    now = r.now.astimezone(zone)
    head = (
        f"{r.key}  metric={r.metric}  policy={r.policy}  now={fmt_time(now)}  "
        f"(times in {zone_name(now)})\n"
        f"priority={words('priorities', r.priority.value)}  "
        f"line={words('lines', r.line.value)}  target={fmt_hours(r.target_seconds)} h"
    )
    columns = ("from", "to", "status", "priority", "line", "clock", "business h", "counted h")
    body = table([words.h(c) for c in columns], seg_rows)
    breached = f"yes at {fmt_time(r.breached_at)}" if r.breached else "no"
    totals = (
        f"elapsed {fmt_hours(r.elapsed_seconds)} h, paused {fmt_hours(r.paused_seconds)} h, "
        f"remaining {fmt_hours(r.remaining_seconds)} h — state {words('states', r.state.value)}, "
        f"due {fmt_time(r.due_at)}, breached {breached}, at risk {'yes' if r.at_risk else 'no'}"
        + (" — withdrawn (excluded from compliance)" if r.withdrawn else "")
    )
    return f"{head}\n{body}\n{totals}"


def result_json(r: SlaResult, words: Words = _EN) -> dict[str, object]:
    """The `explain --json` object: stable codes, and the words beside them as `*_label`."""

    def iso(v: datetime | None) -> str | None:
        return v.isoformat() if v else None

    return {
        "key": r.key,
        "metric": r.metric,
        "policy": r.policy,
        "now": iso(r.now),
        "priority": r.priority.value,
        "priority_label": words("priorities", r.priority.value),
        "line": r.line.value,
        "line_label": words("lines", r.line.value),
        "status": r.status.value,
        "status_label": words("statuses", r.status.value),
        "state": r.state.value,
        "target_seconds": r.target_seconds,
        "elapsed_seconds": r.elapsed_seconds,
        "paused_seconds": r.paused_seconds,
        "remaining_seconds": r.remaining_seconds,
        "breached": r.breached,
        "breached_at": iso(r.breached_at),
        "due_at": iso(r.due_at),
        "at_risk": r.at_risk,
        "at_risk_at": iso(r.at_risk_at),
        "withdrawn": r.withdrawn,
        "segments": [
            {
                "start": iso(s.start),
                "end": iso(s.end),
                "status": s.status.value,
                "priority": s.priority.value,
                "line": s.line.value,
                "counted_seconds": s.counted_seconds,
                "business_seconds": s.business_seconds,
                "paused": s.paused,
                "clock": s.clock.value,
            }
            for s in r.segments
        ],
    }


def calendar_notes(r: SlaResult, calendar: BusinessCalendar) -> list[str]:
    """Why special days in the request's span count as they do, and any coverage warning."""
    start, end = r.segments[0].start, r.now
    lines = [f"note: {n}" for n in calendar.day_notes(start, end)]
    if warning := calendar.coverage_warning(start, end):
        lines.append(f"warning: {warning}")
    return lines
