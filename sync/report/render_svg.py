"""Inline SVG pictures: one request's timeline strip and the compliance bar chart.

Plain SVG text with `<title>` tooltips: no script, no external font or stylesheet, so the
report stays one self-contained file that any browser (or mail client) can show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from html import escape

from sla import BusinessCalendar, ClockState, Priority, SlaResult
from sync.report.aggregate import PRIORITY_ORDER, ClosedRequest, by_priority_month

NameOf = Callable[[str, str], str]

COLOURS = {
    "counted": "#2f6fb3",  # the clock runs (Создана / В работе in working hours)
    "over": "#c0392b",  # counted after the target was reached
    "paused": "#e59b2e",  # Уточнение: excluded from the SLA
    "stopped": "#8fbf7f",  # Выполнено (between a close and a reopen)
    "off": "#d9dde2",  # non-working time: nights, weekends, holidays
}
LEGEND = (
    ("counted", "counted"),
    ("over", "counted over target"),
    ("paused", "clarification (paused)"),
    ("stopped", "closed"),
    ("off", "non-working time"),
)
PRIORITY_COLOURS = {
    Priority.CRITICAL: "#b03a2e",
    Priority.HIGH: "#d68910",
    Priority.MEDIUM: "#2e86c1",
    Priority.LOW: "#7d8b99",
}


def working_intervals(
    calendar: BusinessCalendar, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The calendar's working windows clipped to [start, end], in order."""
    zone = calendar.zone
    day: date = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    out = []
    while day <= last:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        for lo, hi in calendar.windows_on(day):
            s = max(midnight + timedelta(minutes=lo), start)
            e = min(midnight + timedelta(minutes=hi), end)
            if s < e:
                out.append((s, e))
        day += timedelta(days=1)
    return out


def target_marker(result: SlaResult, calendar: BusinessCalendar) -> tuple[datetime, bool]:
    """Where the target falls on the strip, and whether the clock actually reached it."""
    if result.breached and result.breached_at:
        return result.breached_at, True
    if result.due_at:
        return result.due_at, False
    # Stopped or paused in time: where the target would fall had the clock kept running.
    counted = [s for s in result.segments if s.clock is ClockState.RUNNING]
    origin = counted[-1].end if counted else result.segments[-1].end
    return calendar.add_business_seconds(origin, result.remaining_seconds), False


def _pieces(result: SlaResult, calendar: BusinessCalendar, over_at: datetime | None):
    """(start, end, kind, segment) pieces: each segment split into working and off time."""
    for seg in result.segments:
        if seg.end <= seg.start:
            continue
        cursor = seg.start
        for ws, we in working_intervals(calendar, seg.start, seg.end):
            if cursor < ws:
                yield cursor, ws, "off", seg
            kind = {ClockState.RUNNING: "counted", ClockState.PAUSED: "paused"}.get(
                seg.clock, "stopped"
            )
            if kind == "counted" and over_at is not None and we > over_at:
                if ws < over_at:
                    yield ws, over_at, "counted", seg
                yield max(ws, over_at), we, "over", seg
            else:
                yield ws, we, kind, seg
            cursor = we
        if cursor < seg.end:
            yield cursor, seg.end, "off", seg


def timeline_strip_svg(
    result: SlaResult,
    calendar: BusinessCalendar,
    width: int = 760,
    name_of: NameOf | None = None,
    say: Callable[[str], str] | None = None,
) -> str:
    """One request's history as a strip: counted, paused, closed and non-working time.

    `say` puts the strip's own words ("target", "h", "not reached", the kinds of time) in
    another language; English when not given.
    """
    name_of = name_of or (lambda kind, code: code)
    say = say or (lambda text: text)
    marker, reached = target_marker(result, calendar)
    zone = calendar.zone
    t0 = result.segments[0].start
    t1 = max(result.segments[-1].end, marker, t0 + timedelta(hours=1))
    span = (t1 - t0).total_seconds()
    left, right, top, bar = 8, 8, 22, 26
    inner = width - left - right

    def x(t: datetime) -> float:
        return left + inner * (t - t0).total_seconds() / span

    parts = []
    for s, e, kind, seg in _pieces(result, calendar, result.breached_at):
        tip = (
            f"{s.astimezone(zone):%d.%m %H:%M}–{e.astimezone(zone):%d.%m %H:%M} "
            f"{name_of('statuses', seg.status.value)}: {say(kind)}"
        )
        parts.append(
            f'<rect x="{x(s):.2f}" y="{top}" width="{max(x(e) - x(s), 0.5):.2f}" '
            f'height="{bar}" fill="{COLOURS[kind]}" class="{kind}"><title>{escape(tip)}</title>'
            "</rect>"
        )
    parts += _day_ticks(t0, t1, zone, x, top + bar)
    mx = x(marker)
    label = f"{say('target')} {result.target_hours:g} {say('h')}"
    label += "" if reached else f" ({say('not reached')})"
    anchor = "end" if mx > width * 0.75 else "start"
    dash = "" if reached else ' stroke-dasharray="4 3"'
    dx = -4 if anchor == "end" else 4
    parts.append(
        f'<line x1="{mx:.2f}" x2="{mx:.2f}" y1="{top - 8}" y2="{top + bar + 4}" '
        f'stroke="#111" stroke-width="2" class="target"{dash}/>'
        f'<text x="{mx + dx:.2f}" y="{top - 10}" text-anchor="{anchor}" font-size="11">'
        f"{escape(label)} · {marker.astimezone(zone):%d.%m %H:%M}</text>"
    )
    height = top + bar + 22
    title = (
        f"{result.key}: {say('counted')} {result.elapsed_hours:.2f} {say('h')} {say('of')} "
        f"{result.target_hours:g} {say('h')}, {say('paused')} {result.paused_seconds / 3600:.2f} "
        f"{say('h')}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="strip" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="sans-serif" '
        f'shape-rendering="crispEdges"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def _day_ticks(t0: datetime, t1: datetime, zone, x, y: int) -> list[str]:
    days = (t1 - t0).days + 2
    step = max(1, -(-days // 12))  # at most ~12 labels, whatever the span
    day = t0.astimezone(zone).date() + timedelta(days=1)
    x0 = x(t0)
    out = [
        f'<text x="{x0:.2f}" y="{y + 13}" font-size="10">{t0.astimezone(zone):%d.%m %H:%M}</text>'
    ]
    n = 0
    while True:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        if midnight >= t1:
            break
        xm = x(midnight)
        out.append(f'<line x1="{xm:.2f}" x2="{xm:.2f}" y1="{y - 26}" y2="{y + 3}" stroke="#fff"/>')
        if n % step == 0 and xm - x0 > 70:  # keep clear of the start label
            out.append(f'<text x="{xm + 2:.2f}" y="{y + 13}" font-size="10">{day:%d.%m}</text>')
        day += timedelta(days=1)
        n += 1
    return out


def legend_html(words: Callable[[str], str] | None = None) -> str:
    """The colour key of the strips (`words`: a heading translator, e.g. `Words.h`)."""
    say = words or (lambda text: text)
    items = "".join(
        f'<span class="key"><i style="background:{COLOURS[k]}"></i>{escape(say(text))}</span>'
        for k, text in LEGEND
    )
    return f'<p class="legend">{items}<span class="key"><b>┃</b> {escape(say("target"))}</span></p>'


def compliance_chart_svg(
    requests: Sequence[ClosedRequest], name_of: NameOf | None = None, width: int = 760
) -> str:
    """Grouped bars: compliance % per month (groups) and priority (bars)."""
    name_of = name_of or (lambda kind, code: code)
    stats = by_priority_month(requests)
    months = sorted({m for m, _ in stats})
    left, bottom, top, height = 40, 40, 16, 240
    plot_h = height - top - bottom
    group_w = (width - left - 10) / max(len(months), 1)
    bar_w = min(36.0, group_w / (len(PRIORITY_ORDER) + 1))
    parts = []
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{pct}%</text>'
        )
    for i, month in enumerate(months):
        gx = left + i * group_w + (group_w - bar_w * len(PRIORITY_ORDER)) / 2
        for j, prio in enumerate(PRIORITY_ORDER):
            s = stats.get((month, prio))
            bx = gx + j * bar_w
            if s is None or s.compliance is None:
                continue
            h = plot_h * s.compliance / 100
            judged = s.met + s.breached
            tip = f"{month} {name_of('priorities', prio.value)}: {s.compliance:.1f}% "
            tip += f"({s.met}/{judged})"
            parts.append(
                f'<rect x="{bx + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 4:.1f}" '
                f'height="{max(h, 1):.1f}" fill="{PRIORITY_COLOURS[prio]}" class="bar" '
                f'data-month="{month}" data-priority="{prio.value}">'
                f"<title>{escape(tip)}</title></rect>"
                f'<text x="{bx + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
                f'text-anchor="middle" font-size="10">{s.compliance:.0f}%</text>'
            )
        parts.append(
            f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" font-size="12">{month}</text>'
        )
    lx = left
    for prio in PRIORITY_ORDER:
        label = escape(name_of("priorities", prio.value))
        parts.append(
            f'<rect x="{lx}" y="{height - 14}" width="10" height="10" '
            f'fill="{PRIORITY_COLOURS[prio]}"/>'
            f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{label}</text>'
        )
        lx += 130
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="sans-serif">'
        f"<title>Compliance by priority and month</title>{''.join(parts)}</svg>"
    )
