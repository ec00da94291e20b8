"""The live view as one server-rendered page: open requests by time left, filters, this month's
compliance against last month.

Inline CSS only — no script, no web font, nothing from the network — so it works offline, from
a file (`report --open --format html`) as well as from the service. Narrow screens get one card
per request instead of a table row. Words: the regulation's (`name_of`) and `live_words`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from urllib.parse import quote

from sync.report.live_model import LINES, PRIORITIES, LiveModel
from sync.report.live_words import duration, month_name, w
from sync.report.snapshot import LiveRow, MonthFigures

__all__ = ["CSS", "document", "live_page"]

NameOf = Callable[[str, str], str]

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:16px;
color:#1d232a;background:#f6f7f9;font-size:14px}
main{max-width:1280px;margin:0 auto}
h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:26px 0 6px}
p.meta{color:#56606b;margin:0 0 12px;font-size:13px}
a{color:#1f5fa8}
ul.counts{list-style:none;display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:0 0 12px}
ul.counts li{background:#fff;border:1px solid #d5dae0;border-radius:6px;padding:6px 12px}
ul.counts b{font-size:18px;margin-right:4px}
ul.counts .breached b{color:#c0392b}ul.counts .at_risk b{color:#b9770e}
form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin:0 0 12px;
background:#fff;border:1px solid #d5dae0;border-radius:6px;padding:8px 10px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#56606b}
form.filters select{font-size:14px;padding:3px;min-width:9em;max-width:16em}
form.filters button{font-size:14px;padding:4px 14px}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid #e1e5ea;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600;font-size:12px;color:#3c4650}
td.num,th.num{text-align:right;white-space:nowrap}
tr.breached td{background:#fdecea}tr.breached td:first-child{box-shadow:inset 6px 0 #c0392b}
tr.at_risk td{background:#fef5e7}tr.at_risk td:first-child{box-shadow:inset 6px 0 #e59b2e}
tr.paused td{color:#56606b}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;white-space:nowrap;
color:#fff;background:#2f6fb3}
.badge.breached{background:#c0392b}.badge.at_risk{background:#d68910}
.badge.paused{background:#8a96a3}
.rk{font-weight:600;white-space:nowrap}.rk small{font-weight:400;color:#56606b}
a.sla{font-size:12px;margin-left:6px}
.up{color:#1e8449}.down{color:#c0392b}
@media (max-width:900px){
body{padding:10px}
table.open thead{display:none}
table.open,table.open tbody,table.open tr,table.open td{display:block;width:auto}
table.open{background:none}
table.open tr{background:#fff;margin:0 0 10px;border:1px solid #d5dae0;border-radius:6px;
padding:6px 10px;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2px 12px}
table.open td{border:none;padding:2px 0;background:none !important;box-shadow:none !important}
table.open td.num{text-align:left;white-space:normal}
table.open td[data-label]::before{content:attr(data-label) ": ";color:#56606b;font-size:12px}
table.open td.k::before,table.open td.s::before{content:none}table.open td.k{font-size:16px}
tr.breached{border-left:6px solid #c0392b !important}
tr.at_risk{border-left:6px solid #e59b2e !important}
}
"""


def document(title: str, body: str, refresh_seconds: int | None = None) -> str:
    """A whole page: meta viewport for phones, an optional reload, the inline style."""
    refresh = f'<meta http-equiv="refresh" content="{refresh_seconds}"/>' if refresh_seconds else ""
    return (
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"{refresh}<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _when(us: int | None, zone) -> str:
    if us is None:
        return "—"
    return datetime.fromtimestamp(us / 1e6, zone).strftime("%d.%m %H:%M")


def _left(row: LiveRow) -> str:
    if row.left_us < 0:
        return f"{w('overdue')} {duration(-row.left_us)}"
    return duration(row.left_us)


def _cell(label: str, text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<td data-label="{escape(label)}"{klass}>{text}</td>'


def _row(m: LiveModel, row: LiveRow, name_of: NameOf, details: bool) -> str:
    r = row.request
    link = m.link(row)
    key = escape(r.key)
    key_html = key
    if link:
        key_html = f'<a href="{escape(link)}" title="{escape(w("in tracker"))}">{key}</a>'
    if len(m.trackers) > 1:
        key_html += f" <small>{escape(r.tracker)}</small>"
    if details:
        href = f"live/{quote(r.tracker, safe='')}/{quote(r.key, safe='')}"
        key_html += f' <a class="sla" href="{escape(href)}">{escape(w("details"))}</a>'
    state = row.state
    cells = [
        _cell(w("key"), f'<span class="rk">{key_html}</span>', "k"),
        _cell(w("state"), f'<span class="badge {state}">{escape(w(state))}</span>', "s"),
        _cell(w("left"), escape(_left(row)), "num left"),
        _cell(w("due"), escape(_when(r.due_us, m.zone)), "num"),
        _cell(w("priority"), escape(name_of("priorities", r.priority))),
        _cell(w("line"), escape(name_of("lines", r.line))),
        _cell(w("customer"), escape(r.customer or "—")),
        _cell(w("assignee"), escape(r.assignee or w("no assignee"))),
        _cell(w("status"), escape(name_of("statuses", r.status))),
    ]
    return (
        f'<tr class="{state}" data-key="{key}" data-tracker="{escape(r.tracker)}" '
        f'data-left="{row.left_us // 1_000_000}">{"".join(cells)}</tr>'
    )


def open_table(m: LiveModel, rows: Sequence[LiveRow], name_of: NameOf, details: bool) -> str:
    """The open requests, in the order given."""
    heads = ("key", "state", "left", "due", "priority", "line", "customer", "assignee", "status")
    head = "".join(
        f'<th class="{"num" if h in ("left", "due") else ""}">{escape(w(h))}</th>' for h in heads
    )
    body = "".join(_row(m, r, name_of, details) for r in rows)
    return f'<table class="open"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _select(name: str, options: Sequence[tuple[str, str]], chosen: str | None) -> str:
    opts = [f'<option value="">{escape(w("all"))}</option>']
    wanted = chosen.casefold() if chosen else None
    for value, text in options:
        sel = ' selected="selected"' if wanted in (value.casefold(), text.casefold()) else ""
        opts.append(f'<option value="{escape(value)}"{sel}>{escape(text)}</option>')
    return f'<label>{escape(w(name))}<select name="{name}">{"".join(opts)}</select></label>'


def filters_form(m: LiveModel, name_of: NameOf, group: str | None) -> str:
    """A GET form: tracker, customer, priority, line, assignee (no script needed)."""
    f = m.filters
    parts = []
    if len(m.trackers) > 1:
        parts.append(_select("tracker", [(t, t) for t in m.trackers], f.tracker))
    parts += [
        _select("customer", [(c, c) for c in m.choices("customer")], f.customer),
        _select("priority", [(p, name_of("priorities", p)) for p in PRIORITIES], f.priority),
        _select("line", [(ln, name_of("lines", ln)) for ln in LINES], f.line),
        _select("assignee", [(a, a) for a in m.choices("assignee")], f.assignee),
        _select("group", [("assignee", w("by assignee"))], group),
    ]
    buttons = (
        f'<button type="submit">{escape(w("filter"))}</button><a href="?">{escape(w("reset"))}</a>'
    )
    return f'<form class="filters" method="get">{"".join(parts)}{buttons}</form>'


def _counts(m: LiveModel) -> str:
    c = m.counts()
    items = [
        ("open", w("open")),
        ("breached", w("breached many")),
        ("at_risk", w("at_risk")),
        ("paused", w("paused")),
    ]
    lis = "".join(f'<li class="{k}"><b>{c[k]}</b>{escape(text)}</li>' for k, text in items)
    return f'<ul class="counts">{lis}</ul>'


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _trend(f: MonthFigures) -> str:
    t = f.trend
    if t is None:
        return "—"
    arrow, cls = ("▲", "up") if t > 0 else ("▼", "down") if t < 0 else ("=", "")
    text = f"{arrow} {t:+.1f}".replace(".", ",") + f" {w('pp')}"
    return f'<span class="{cls}">{escape(text)}</span>'


def months_table(m: LiveModel, name_of: NameOf) -> str:
    """This month's compliance per priority × line, with last month's and the difference."""
    this = month_name(m.this_month.year, m.this_month.month)
    last = month_name(m.last_month.year, m.last_month.month)
    head = f'<h2>{escape(w("compliance"))}</h2><p class="meta">{escape(w("compliance note"))}</p>'
    if not m.months:
        return f"{head}<p>{escape(w('no closures'))}</p>"
    ths = [w("priority"), w("line"), f"{this}: {w('met of')}", f"{this}, %", f"{last}, %",
           w("trend")]  # fmt: skip
    th = "".join(
        f'<th class="{"num" if i > 1 else ""}">{escape(t)}</th>' for i, t in enumerate(ths)
    )
    rows = []
    for f in m.months:
        rows.append(
            f'<tr data-priority="{f.priority}" data-line="{f.line}">'
            f"<td>{escape(name_of('priorities', f.priority))}</td>"
            f"<td>{escape(name_of('lines', f.line))}</td>"
            f'<td class="num">{f.met}/{f.met + f.breached}</td>'
            f'<td class="num">{_pct(f.compliance)}</td>'
            f'<td class="num">{_pct(f.last_compliance)}</td>'
            f'<td class="num">{_trend(f)}</td></tr>'
        )
    return f'{head}<table class="months"><thead><tr>{th}</tr></thead>{"".join(rows)}</table>'


def grouped(rows: Sequence[LiveRow]) -> list[tuple[str, list[LiveRow]]]:
    """Rows per assignee (unassigned last), each group still by time left."""
    groups: dict[str, list[LiveRow]] = {}
    for r in rows:
        groups.setdefault(r.request.assignee or "", []).append(r)
    return sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0].casefold()))


def live_page(
    m: LiveModel,
    name_of: NameOf,
    *,
    refresh_seconds: int | None = None,
    details: bool = True,
    group: str | None = None,
) -> str:
    """The whole live view: counts, filters, open requests, compliance of the month."""
    at = m.now.astimezone(m.zone)
    meta = f"{w('as of')} {at:%d.%m.%Y %H:%M} ({getattr(m.zone, 'key', m.zone)})"
    if refresh_seconds:
        meta += f" · {w('refresh', n=refresh_seconds)}"
    body = [f"<h1>{escape(w('title'))}</h1>", f'<p class="meta">{escape(meta)}</p>', _counts(m)]
    if details:
        body.append(filters_form(m, name_of, group))
    if not m.rows:
        body.append(f"<p>{escape(w('none open' if not m.everything else 'none shown'))}</p>")
    elif group == "assignee":
        for who, rows in grouped(m.rows):
            title = f"{who or w('no assignee')} ({len(rows)})"
            body.append(f'<h2 class="group">{escape(title)}</h2>')
            body.append(open_table(m, rows, name_of, details))
    else:
        body.append(open_table(m, m.rows, name_of, details))
    body.append(months_table(m, name_of))
    return document(w("title"), "".join(body), refresh_seconds)
