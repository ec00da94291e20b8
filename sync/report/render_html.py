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
    flip_rows,
    headers,
    rows,
    trackers_of,
    whatif_headers,
    whatif_rows,
)
from sync.report.words import as_words

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


def _table(
    headers: Sequence[str], body: Sequence[Sequence[str]], text_cols: int, total: bool = True
) -> str:
    head = "".join(
        f'<th class="{"l" if i < text_cols else ""}">{escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    out = []
    for row in body:
        cls = ' class="all"' if total and row is body[-1] else ""
        cells = "".join(
            f'<td class="{"l" if i < text_cols else ""}">{escape(str(c))}</td>'
            for i, c in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(out)}</tbody></table>"


def _document(title: str, body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8"/>'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def request_block(
    result: SlaResult, calendar: BusinessCalendar, name_of: NameOf, heading: str = ""
) -> str:
    """A heading, one line of figures and the timeline strip of one request."""
    w = as_words(name_of)
    status = w.h("breached" if result.breached else "met")
    facts = (
        f"{name_of('priorities', result.priority.value)}, {name_of('lines', result.line.value)}"
        f" — {w.h('counted')} {result.elapsed_hours:.2f} h {w.h('of')} "
        f"{result.target_hours:g} h, {w.h('paused')} "
        f"{result.paused_seconds / 3600:.2f} h — {status}"
    )
    if result.breached_at:
        facts += f" at {result.breached_at.astimezone(calendar.zone):%Y-%m-%d %H:%M}"
    return (
        f'<div class="req" id="{escape(result.key)}"><h3>{escape(heading or result.key)}</h3>'
        f"<p>{escape(facts)}</p>{timeline_strip_svg(result, calendar, name_of=name_of)}</div>"
    )


def _breached_section(requests: Sequence[ClosedRequest], name_of: NameOf) -> str:
    w = as_words(name_of)
    late = [r for r in requests if r.breached and not r.withdrawn]
    if not late:
        return f"<h2>{w.h('Breached requests')}</h2><p>{w.h('None.')}</p>"
    several = len(trackers_of(requests)) > 1
    blocks = "".join(
        request_block(
            r.result,
            r.policy.calendar,
            name_of,
            f"{r.tracker + ' · ' if several else ''}{r.key} · {r.customer} · "
            f"{w.h('closed at')} {r.closed_at:%Y-%m-%d %H:%M}",
        )
        for r in late
    )
    return f"<h2>{w.h('Breached requests')} ({len(late)})</h2>{legend_html(w.h)}{blocks}"


def _withdrawn_note(requests: Sequence[ClosedRequest], name_of: NameOf) -> str:
    keys = [r.key for r in requests if r.withdrawn]
    if not keys:
        return ""
    note = as_words(name_of).h("Withdrawn by the user, not in compliance")
    return f"<p>{escape(note)}: {escape(', '.join(keys))}.</p>"


def report_html(
    requests: Sequence[ClosedRequest],
    title: str,
    name_of: NameOf,
    whatif: tuple[Sequence[ClosedRequest], Sequence[Flip], tuple[str, str]] | None = None,
) -> str:
    """The report: chart, compliance table(s), flips (what-if), breached requests' strips."""
    w = as_words(name_of)
    several = len(trackers_of(requests)) > 1
    text_cols = _TEXT_COLUMNS + several
    note = w.h("report note")
    if note == "report note":
        note = (
            "compliance = met / (met + breached), withdrawn requests excluded; "
            "times in business hours."
        )
    body = [f"<h1>{escape(title)}</h1>"]
    body.append(
        f'<p class="meta">{len(requests)} {escape(w.h("requests closed in the window"))}; '
        f"{escape(note)}</p>"
    )
    body.append(f"<h2>{escape(w.h('Compliance by priority and month'))}</h2>")
    if whatif is None:
        body.append(compliance_chart_svg(requests, name_of))
        body.append(f"<h2>{escape(w.h('Compliance by customer, priority, line and month'))}</h2>")
        body.append(_table(headers(requests, w), rows(requests, w), text_cols))
    else:
        other, flipped, names = whatif
        charts = "".join(
            f"<div><h3>{escape(n)}</h3>{compliance_chart_svg(reqs, name_of, width=560)}</div>"
            for n, reqs in zip(names, (requests, other), strict=True)
        )
        body.append(f'<div class="side">{charts}</div>')
        body.append(f"<h2>{escape(w.h('Compliance side by side'))}</h2>")
        body.append(
            _table(
                whatif_headers(*names, w, several),
                whatif_rows(requests, other, w),
                text_cols,
            )
        )
        body.append(f"<h2>{escape(w.h('Outcome flips'))} ({len(flipped)})</h2>")
        body.append(
            _table([w.h(h) for h in FLIP_HEADERS], flip_rows(flipped, w), 4, total=False)
            if flipped
            else f"<p>{escape(w.h('No request changes outcome.'))}</p>"
        )
    body.append(_withdrawn_note(requests, name_of))
    body.append(_breached_section(requests, name_of))
    return _document(title, "".join(body), w.lang)


def explain_html(result: SlaResult, calendar: BusinessCalendar, name_of: NameOf) -> str:
    """`explain --html`: one request's strip with its figures."""
    w = as_words(name_of)
    title = f"{result.key} — {w.h('SLA at')} {result.now.astimezone(calendar.zone):%Y-%m-%d %H:%M}"
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">{w.h("policy")} {escape(result.policy)}, {w.h("metric")} '
        f"{escape(result.metric)}, {w.h('state')} {escape(w('states', result.state.value))}</p>"
        f"{legend_html(w.h)}{request_block(result, calendar, name_of)}"
    )
    return _document(title, body, w.lang)
