"""One request's page in the live view: its figures, the timeline strip and the segment table
(what `explain --html` and `explain` show), computed from the tracker on demand."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from sla import BusinessCalendar, SlaResult
from sync.report.live_words import duration, hours, strip_word, w
from sync.report.render_live import document
from sync.report.render_svg import COLOURS, LEGEND, timeline_strip_svg

__all__ = ["problem_page", "request_page"]

NameOf = Callable[[str, str], str]

_STRIP_CSS = (
    "<style>.legend{font-size:12px}.legend .key{margin-right:14px}"
    ".legend .key i{display:inline-block;width:12px;height:12px;margin-right:4px;"
    "vertical-align:-2px}.req{background:#fff;border:1px solid #d5dae0;border-radius:6px;"
    "padding:8px 10px;margin:8px 0}.req h3{font-size:14px;margin:0 0 2px}.req p{margin:0 0 6px;"
    "font-size:13px}svg{max-width:100%;height:auto}table.segments{margin-top:6px}</style>"
)


def _state(result: SlaResult) -> str:
    if result.breached:
        return "breached"
    if result.at_risk:
        return "at_risk"
    return result.state.value


def _segments(result: SlaResult, calendar: BusinessCalendar, name_of: NameOf) -> str:
    heads = ("from", "to", "status", "priority", "line", "clock", "business h", "counted h")
    th = "".join(
        f'<th class="{"num" if i > 5 else ""}">{escape(w(h))}</th>' for i, h in enumerate(heads)
    )
    rows = []
    for s in result.segments:
        start, end = s.start.astimezone(calendar.zone), s.end.astimezone(calendar.zone)
        rows.append(
            f'<tr class="{s.clock.value}"><td>{start:%d.%m.%Y %H:%M}</td>'
            f"<td>{end:%d.%m.%Y %H:%M}</td>"
            f"<td>{escape(name_of('statuses', s.status.value))}</td>"
            f"<td>{escape(name_of('priorities', s.priority.value))}</td>"
            f"<td>{escape(name_of('lines', s.line.value))}</td>"
            f"<td>{escape(w(s.clock.value))}</td>"
            f'<td class="num">{hours(s.business_seconds)}</td>'
            f'<td class="num">{hours(s.counted_seconds)}</td></tr>'
        )
    return (
        f'<h2>{escape(w("segments"))}</h2><table class="segments"><thead><tr>{th}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _legend() -> str:
    items = "".join(
        f'<span class="key"><i style="background:{COLOURS[k]}"></i>{escape(strip_word(k))}</span>'
        for k, _ in LEGEND
    )
    return f'<p class="legend">{items}<span class="key"><b>┃</b> {strip_word("target")}</span></p>'


def _strip(result: SlaResult, calendar: BusinessCalendar, name_of: NameOf) -> str:
    """The strip with one line of figures above it (as `explain --html`, in these words)."""
    facts = (
        f"{name_of('priorities', result.priority.value)}, {name_of('lines', result.line.value)}"
        f" — {strip_word('counted')} {hours(result.elapsed_seconds)} ч {strip_word('of')} "
        f"{result.target_hours:g} ч, {strip_word('paused')} {hours(result.paused_seconds)} ч"
    )
    if result.breached_at:
        facts += f" — {w('breached')} {result.breached_at.astimezone(calendar.zone):%d.%m.%Y %H:%M}"
    svg = timeline_strip_svg(result, calendar, name_of=name_of, say=strip_word)
    return f'<div class="req"><p>{escape(facts)}</p>{svg}</div>'


def request_page(
    result: SlaResult,
    calendar: BusinessCalendar,
    name_of: NameOf,
    *,
    tracker: str,
    link: str | None,
    back: str,
) -> str:
    """The page of one request: state, time left, strip, segments, links back and out."""
    state = _state(result)
    left = round((result.target_seconds - result.elapsed_seconds) * 1e6)
    left_text = f"{w('overdue')} {duration(-left)}" if left < 0 else duration(left)
    at = result.now.astimezone(calendar.zone)
    out = f' · <a href="{escape(link)}">{escape(w("in tracker"))}</a>' if link else ""
    head = (
        f'<p><a href="{escape(back)}">{escape(w("back"))}</a>{out}</p>'
        f"<h1>{escape(result.key)} <small>{escape(tracker)}</small></h1>"
        f'<p class="meta">{escape(w("as of"))} {at:%d.%m.%Y %H:%M} '
        f"({escape(getattr(calendar.zone, 'key', str(calendar.zone)))}) · "
        f"{escape(w('policy'))} {escape(result.policy)}</p>"
        f'<p><span class="badge {state}">{escape(w(state))}</span> '
        f"{escape(w('left'))}: <b>{escape(left_text)}</b></p>"
    )
    body = (
        f"{head}{_STRIP_CSS}{_legend()}{_strip(result, calendar, name_of)}"
        f"{_segments(result, calendar, name_of)}"
    )
    return document(f"{result.key} — SLA", body)


def problem_page(title: str, line: str, back: str) -> str:
    """A short page saying what went wrong, with the way back."""
    return document(
        title,
        f'<p><a href="{escape(back)}">{escape(w("back"))}</a></p><h1>{escape(title)}</h1>'
        f"<p>{escape(line)}</p>",
    )
