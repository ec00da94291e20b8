"""The compliance report (and `explain --html`) as one self-contained HTML file.

Inline CSS and inline SVG only: no CDN, no script, no web font, so the file can be mailed
or archived and still reads the same in a browser offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from sla import BusinessCalendar, SlaResult
from sync.report.aggregate import ClosedRequest, Flip
from sync.report.render_svg import (
    NameOf,
    compliance_chart_svg,
    legend_html,
    timeline_strip_svg,
)
from sync.report.render_table import (
    FLIP_HEADERS,
    HEADERS,
    flip_rows,
    rows,
    whatif_headers,
    whatif_rows,
)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;
max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
p.meta{color:#555;margin:0 0 16px}
table{border-collapse:collapse;font-size:12px;margin:4px 0 12px}
th,td{border:1px solid #ccd;padding:3px 6px;text-align:right;white-space:nowrap}
th{background:#eef1f5}td.l,th.l{text-align:left}tr.all td{font-weight:bold;background:#f6f7f9}
.side{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.legend{font-size:12px}.key{margin-right:14px}
.key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px}
.req{margin:10px 0 18px}.req h3{font-size:14px;margin:0 0 2px}.req p{margin:0;font-size:12px}
svg{max-width:100%;height:auto}
"""
_TEXT_COLUMNS = 4  # customer, priority, line, month: left-aligned


def _table(headers: Sequence[str], body: Sequence[Sequence[str]], text_cols: int) -> str:
    head = "".join(
        f'<th class="{"l" if i < text_cols else ""}">{escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    out = []
    for row in body:
        cls = ' class="all"' if row and row[0] == "all" else ""
        cells = "".join(
            f'<td class="{"l" if i < text_cols else ""}">{escape(str(c))}</td>'
            for i, c in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(out)}</tbody></table>"


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"/>'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def request_block(
    result: SlaResult, calendar: BusinessCalendar, name_of: NameOf, heading: str = ""
) -> str:
    """A heading, one line of figures and the timeline strip of one request."""
    status = "breached" if result.breached else "met"
    facts = (
        f"{name_of('priorities', result.priority.value)}, {name_of('lines', result.line.value)}"
        f" — counted {result.elapsed_hours:.2f} h of {result.target_hours:g} h, paused "
        f"{result.paused_seconds / 3600:.2f} h — {status}"
    )
    if result.breached_at:
        facts += f" at {result.breached_at.astimezone(calendar.zone):%Y-%m-%d %H:%M}"
    return (
        f'<div class="req" id="{escape(result.key)}"><h3>{escape(heading or result.key)}</h3>'
        f"<p>{escape(facts)}</p>{timeline_strip_svg(result, calendar, name_of=name_of)}</div>"
    )


def _breached_section(requests: Sequence[ClosedRequest], name_of: NameOf) -> str:
    late = [r for r in requests if r.breached and not r.withdrawn]
    if not late:
        return "<h2>Breached requests</h2><p>None.</p>"
    blocks = "".join(
        request_block(
            r.result,
            r.policy.calendar,
            name_of,
            f"{r.key} · {r.customer} · closed {r.closed_at:%Y-%m-%d %H:%M}",
        )
        for r in late
    )
    return f"<h2>Breached requests ({len(late)})</h2>{legend_html()}{blocks}"


def _withdrawn_note(requests: Sequence[ClosedRequest]) -> str:
    keys = [r.key for r in requests if r.withdrawn]
    if not keys:
        return ""
    return f"<p>Withdrawn by the user, not in compliance: {escape(', '.join(keys))}.</p>"


def report_html(
    requests: Sequence[ClosedRequest],
    title: str,
    name_of: NameOf,
    whatif: tuple[Sequence[ClosedRequest], Sequence[Flip], tuple[str, str]] | None = None,
) -> str:
    """The report: chart, compliance table(s), flips (what-if), breached requests' strips."""
    body = [f"<h1>{escape(title)}</h1>"]
    body.append(
        f'<p class="meta">{len(requests)} requests closed in the window; compliance = met / '
        "(met + breached), withdrawn requests excluded; times in business hours.</p>"
    )
    body.append("<h2>Compliance by priority and month</h2>")
    if whatif is None:
        body.append(compliance_chart_svg(requests, name_of))
        body.append("<h2>Compliance by customer, priority, line and month</h2>")
        body.append(_table(HEADERS, rows(requests, name_of), _TEXT_COLUMNS))
    else:
        other, flipped, names = whatif
        charts = "".join(
            f"<div><h3>{escape(n)}</h3>{compliance_chart_svg(reqs, name_of, width=560)}</div>"
            for n, reqs in zip(names, (requests, other), strict=True)
        )
        body.append(f'<div class="side">{charts}</div>')
        body.append("<h2>Compliance side by side</h2>")
        body.append(
            _table(whatif_headers(*names), whatif_rows(requests, other, name_of), _TEXT_COLUMNS)
        )
        body.append(f"<h2>Outcome flips ({len(flipped)})</h2>")
        body.append(
            _table(FLIP_HEADERS, flip_rows(flipped, name_of), 4)
            if flipped
            else "<p>No request changes outcome.</p>"
        )
    body.append(_withdrawn_note(requests))
    body.append(_breached_section(requests, name_of))
    return _document(title, "".join(body))


def explain_html(result: SlaResult, calendar: BusinessCalendar, name_of: NameOf) -> str:
    """`explain --html`: one request's strip with its figures."""
    title = f"{result.key} — SLA at {result.now.astimezone(calendar.zone):%Y-%m-%d %H:%M}"
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">policy {escape(result.policy)}, metric {escape(result.metric)}, '
        f"state {escape(result.state.value)}</p>"
        f"{legend_html()}{request_block(result, calendar, name_of)}"
    )
    return _document(title, body)
