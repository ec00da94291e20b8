"""`report --group assignee`: the compliance figures per assignee instead of per customer.

The same groups and figures as the customer report (`render_table.rows`), keyed by who the
request was assigned to when it was read; requests nobody was assigned to form their own row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from html import escape

from sync.report.aggregate import ClosedRequest
from sync.report.render_live import document
from sync.report.render_table import headers, report_csv, rows
from sync.report.render_text import table
from sync.report.words import Words, as_words

__all__ = ["by_assignee", "csv_by_assignee", "headers_by_assignee", "html_by_assignee",
           "table_by_assignee"]  # fmt: skip

NameOf = Callable[[str, str], str]
NOBODY = "—"
NOTE = (
    "Compliance = met / (met + breached), withdrawn requests excluded; times in business "
    "hours; each request under its assignee when the report read it."
)


def by_assignee(
    requests: Sequence[ClosedRequest], assignees: Mapping[tuple[str, str], str | None]
) -> list[ClosedRequest]:
    """The requests with their assignee (by tracker and key) where the customer was: what
    `aggregate.group` keys on, so every figure is the customer report's, regrouped."""
    return [replace(r, customer=assignees.get((r.tracker, r.key)) or NOBODY) for r in requests]


def headers_by_assignee(requests: Sequence[ClosedRequest], words: Words) -> list[str]:
    """The report's headings with the assignee in the customer's column."""
    customer = words.h("customer")
    return [words.h("assignee") if h == customer else h for h in headers(requests, words)]


def table_by_assignee(requests: Sequence[ClosedRequest], name_of: NameOf) -> str:
    """The compliance table per assignee × priority × line × month, for the terminal."""
    words = as_words(name_of)
    return table(headers_by_assignee(requests, words), rows(requests, words))


def csv_by_assignee(requests: Sequence[ClosedRequest], name_of: NameOf | None = None) -> str:
    """The same as the customer report's CSV (codes, `*_label` words), `assignee` for
    `customer`."""
    text = report_csv(requests, name_of=name_of) if name_of else report_csv(requests)
    head, _, body = text.partition("\n")
    cells = ["assignee" if c == "customer" else c for c in head.split(",")]
    return ",".join(cells) + "\n" + body


def html_by_assignee(requests: Sequence[ClosedRequest], title: str, name_of: NameOf) -> str:
    """The same as one self-contained HTML page."""
    words = as_words(name_of)
    head = "".join(
        f'<th class="{"" if i < 4 else "num"}">{escape(h)}</th>'
        for i, h in enumerate(headers_by_assignee(requests, words))
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"" if i < 4 else "num"}">{escape(str(c))}</td>' for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows(requests, words)
    )
    page = (
        f'<h1>{escape(title)}</h1><p class="meta">{escape(NOTE)}</p>'
        f'<table class="by-assignee"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
    return document(title, page)
