"""`report --group assignee`: the compliance figures per assignee instead of per customer.

The same groups and figures as the customer report (`render_table.rows`), keyed by who the
request was assigned to when it was read; requests nobody was assigned to form their own row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from html import escape

from sync.report.aggregate import ClosedRequest
from sync.report.render_live import document
from sync.report.render_table import HEADERS, rows
from sync.report.render_text import table

__all__ = ["HEADERS_BY_ASSIGNEE", "by_assignee", "csv_by_assignee", "html_by_assignee",
           "table_by_assignee"]  # fmt: skip

NameOf = Callable[[str, str], str]
HEADERS_BY_ASSIGNEE = ("assignee", *HEADERS[1:])
NOBODY = "—"
NOTE = (
    "Compliance = met / (met + breached), withdrawn requests excluded; times in business "
    "hours; each request under its assignee when the report read it."
)


def by_assignee(
    requests: Sequence[ClosedRequest], assignees: Mapping[str, str | None]
) -> list[ClosedRequest]:
    """The requests with their assignee where the customer was (what `group` keys on)."""
    return [replace(r, customer=assignees.get(r.key) or NOBODY) for r in requests]


def table_by_assignee(requests: Sequence[ClosedRequest], name_of: NameOf) -> str:
    """The compliance table per assignee × priority × line × month, for the terminal."""
    return table(HEADERS_BY_ASSIGNEE, rows(requests, name_of))


def csv_by_assignee(requests: Sequence[ClosedRequest]) -> str:
    """The same as CSV with regulation codes."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(HEADERS_BY_ASSIGNEE)
    for row in rows(requests):
        out.writerow(["" if c == "—" and i else c for i, c in enumerate(row)])
    return buf.getvalue()


def html_by_assignee(requests: Sequence[ClosedRequest], title: str, name_of: NameOf) -> str:
    """The same as one self-contained HTML page."""
    head = "".join(
        f'<th class="{"" if i < 4 else "num"}">{escape(h)}</th>'
        for i, h in enumerate(HEADERS_BY_ASSIGNEE)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"" if i < 4 else "num"}">{escape(str(c))}</td>' for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows(requests, name_of)
    )
    page = (
        f'<h1>{escape(title)}</h1><p class="meta">{escape(NOTE)}</p>'
        f'<table class="by-assignee"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
    return document(title, page)
