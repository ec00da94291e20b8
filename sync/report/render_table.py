"""The compliance report as a text table or CSV, and the what-if comparison."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from sla import RequestType
from sync.report.aggregate import ClosedRequest, Flip, GroupKey, GroupStats, group, total
from sync.report.render_text import table

NameOf = Callable[[str, str], str]
"""`Regulation.name_of`: the regulation's word for a code (identity when not given)."""


def _codes(kind: str, code: str) -> str:
    return code


HEADERS = (
    "customer",
    "priority",
    "line",
    "month",
    "closed",
    "withdrawn",
    "met",
    "breached",
    "compliance %",
    "median h",
    "p90 h",
    "clarification %",
    "defects met/n",
    "queries met/n",
)


def fmt_num(value: float | None, digits: int = 1) -> str:
    """A number with fixed decimals, or '—' when there is nothing to show."""
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(pair: tuple[int, int]) -> str:
    met, judged = pair
    return f"{met}/{judged}" if judged else "—"


def figures(stats: GroupStats) -> list[str]:
    """The figure columns of one row (closed ... queries)."""
    return [
        str(stats.closed),
        str(stats.withdrawn),
        str(stats.met),
        str(stats.breached),
        fmt_num(stats.compliance),
        fmt_num(stats.median_hours, 2),
        fmt_num(stats.p90_hours, 2),
        fmt_num(stats.clarification_share),
        _ratio(stats.type_figures(RequestType.DEFECT)),
        _ratio(stats.type_figures(RequestType.QUERY)),
    ]


def labels(key: GroupKey, name_of: NameOf = _codes) -> list[str]:
    """The key columns of one row in the regulation's words."""
    return [
        key.customer,
        name_of("priorities", key.priority.value),
        name_of("lines", key.line.value),
        key.month,
    ]


def rows(requests: Sequence[ClosedRequest], name_of: NameOf = _codes) -> list[list[str]]:
    """One row per group plus a closing 'all' row."""
    out = [labels(k, name_of) + figures(s) for k, s in group(requests).items()]
    out.append(["all", "", "", "", *figures(total(requests))])
    return out


def report_table(requests: Sequence[ClosedRequest], name_of: NameOf = _codes) -> str:
    """The compliance table for the terminal."""
    return table(HEADERS, rows(requests, name_of))


def report_csv(requests: Sequence[ClosedRequest], policy: str | None = None) -> str:
    """The compliance table as CSV with regulation codes (for spreadsheets); `policy` column."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["policy", *HEADERS] if policy else HEADERS)
    for row in rows(requests):
        row = ["" if c == "—" else c for c in row]  # spreadsheets want empty, not a dash
        writer.writerow([policy, *row] if policy else row)
    return buf.getvalue()


WHATIF_HEADERS = ("customer", "priority", "line", "month")


def whatif_rows(
    base: Sequence[ClosedRequest], other: Sequence[ClosedRequest], name_of: NameOf = _codes
) -> list[list[str]]:
    """Per group: met/judged and compliance under both policies, and the difference."""
    ours, theirs = group(base), group(other)
    out = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key, GroupStats()), theirs.get(key, GroupStats())
        out.append(labels(key, name_of) + _pair(a, b))
    out.append(["all", "", "", "", *_pair(total(base), total(other))])
    return out


def _pair(a: GroupStats, b: GroupStats) -> list[str]:
    delta = None
    if a.compliance is not None and b.compliance is not None:
        delta = b.compliance - a.compliance
    return [
        f"{a.met}/{a.met + a.breached}",
        fmt_num(a.compliance),
        f"{b.met}/{b.met + b.breached}",
        fmt_num(b.compliance),
        "—" if delta is None else f"{delta:+.1f}",
    ]


def whatif_headers(base_name: str, other_name: str) -> list[str]:
    """Headers of the side-by-side table, naming both policies."""
    return [
        *WHATIF_HEADERS,
        f"{base_name} met/n",
        f"{base_name} %",
        f"{other_name} met/n",
        f"{other_name} %",
        "Δ pp",
    ]


FLIP_HEADERS = ("key", "customer", "priority", "outcome", "counted/target h (base → other)")


def flip_rows(items: Sequence[Flip], name_of: NameOf = _codes) -> list[list[str]]:
    """One row per request whose outcome flips between the two policies."""
    out = []
    for f in items:
        a, b = f.base.result, f.other.result
        out.append(
            [
                f.key,
                f.customer,
                name_of("priorities", b.priority.value),
                f.direction,
                f"{a.elapsed_hours:.2f}/{a.target_hours:g} → {b.elapsed_hours:.2f}/"
                f"{b.target_hours:g}",
            ]
        )
    return out


def whatif_table(
    base: Sequence[ClosedRequest],
    other: Sequence[ClosedRequest],
    items: Sequence[Flip],
    names: tuple[str, str],
    name_of: NameOf = _codes,
) -> str:
    """Both compliance tables side by side, then the requests whose outcome flips."""
    head = table(whatif_headers(*names), whatif_rows(base, other, name_of))
    if not items:
        return f"{head}\n\nNo request changes outcome."
    flipped = table(FLIP_HEADERS, flip_rows(items, name_of))
    return f"{head}\n\nOutcome flips ({len(items)}):\n{flipped}"
