"""`report --open` on the terminal and as CSV: the live view's snapshot, the same rows.

The table speaks the regulation's language like the page; the CSV keeps codes and ISO times
(for spreadsheets and scripts), with time left in seconds (negative: overdue).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime

from sync.report.live_model import LiveModel
from sync.report.live_words import duration, month_name, w
from sync.report.render_live import grouped
from sync.report.render_text import table
from sync.report.snapshot import LiveRow

__all__ = ["live_csv", "live_table"]

NameOf = Callable[[str, str], str]

_HEADS = ("key", "tracker", "state", "left", "due", "priority", "line", "customer", "assignee",
          "status")  # fmt: skip
CSV_HEADERS = (
    "tracker", "key", "link", "state", "breached", "at_risk", "left_seconds", "due", "priority",
    "line", "customer", "assignee", "status", "policy", "computed_at",
)  # fmt: skip


def _when(us: int | None, zone, fmt: str = "%d.%m %H:%M") -> str:
    return "—" if us is None else datetime.fromtimestamp(us / 1e6, zone).strftime(fmt)


def _line(m: LiveModel, row: LiveRow, name_of: NameOf) -> list[str]:
    r = row.request
    left = f"{w('overdue')} {duration(-row.left_us)}" if row.left_us < 0 else duration(row.left_us)
    return [
        r.key,
        r.tracker,
        w(row.state),
        left,
        _when(r.due_us, m.zone),
        name_of("priorities", r.priority),
        name_of("lines", r.line),
        r.customer or "—",
        r.assignee or w("no assignee"),
        name_of("statuses", r.status),
    ]


def _months(m: LiveModel, name_of: NameOf) -> str:
    if not m.months:
        return w("no closures")
    this = month_name(m.this_month.year, m.this_month.month)
    last = month_name(m.last_month.year, m.last_month.month)
    heads = (w("priority"), w("line"), f"{this}: {w('met of')}", f"{this} %", f"{last} %",
             f"{w('trend')}, {w('pp')}")  # fmt: skip

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    body = [
        [
            name_of("priorities", f.priority),
            name_of("lines", f.line),
            f"{f.met}/{f.met + f.breached}",
            pct(f.compliance),
            pct(f.last_compliance),
            "—" if f.trend is None else f"{f.trend:+.1f}",
        ]
        for f in m.months
    ]
    return f"{w('compliance')} ({w('compliance note')})\n{table(heads, body)}"


def live_table(m: LiveModel, name_of: NameOf, group: str | None = None) -> str:
    """The snapshot for the terminal: counts, open requests (by assignee), the month."""
    at = m.now.astimezone(m.zone)
    c = m.counts()
    head = (
        f"{w('title')} {w('as of')} {at:%d.%m.%Y %H:%M} ({getattr(m.zone, 'key', m.zone)}): "
        f"{w('open')} {c['open']}, {w('breached many')} {c['breached']}, "
        f"{w('at_risk')} {c['at_risk']}, {w('paused')} {c['paused']}"
    )
    heads = [w(h) for h in _HEADS]
    if not m.rows:
        body = w("none open" if not m.everything else "none shown")
    elif group == "assignee":
        parts = []
        for who, rows in grouped(m.rows):
            parts.append(f"\n{who or w('no assignee')} ({len(rows)})")
            parts.append(table(heads, [_line(m, r, name_of) for r in rows]))
        body = "\n".join(parts).lstrip("\n")
    else:
        body = table(heads, [_line(m, r, name_of) for r in m.rows])
    return f"{head}\n\n{body}\n\n{_months(m, name_of)}"


def live_csv(m: LiveModel, group: str | None = None) -> str:
    """The open requests as CSV (codes, ISO-8601 times), by time left or by assignee."""
    rows: Sequence[LiveRow] = m.rows
    if group == "assignee":
        rows = [r for _, part in grouped(m.rows) for r in part]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_HEADERS)
    for row in rows:
        r = row.request
        out.writerow(
            [
                r.tracker, r.key, m.link(row) or "", row.state, int(row.breached),
                int(row.at_risk), row.left_us // 1_000_000,
                "" if r.due_us is None else _when(r.due_us, m.zone, "%Y-%m-%dT%H:%M:%S%z"),
                r.priority, r.line, r.customer or "", r.assignee or "", r.status, r.policy,
                _when(r.computed_us, m.zone, "%Y-%m-%dT%H:%M:%S%z"),
            ]
        )  # fmt: skip
    return buf.getvalue()
