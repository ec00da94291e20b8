"""The compliance report as a text table or CSV, and the what-if comparison.

Tables speak `words` (the regulation's language by default). Read from several trackers, the
rows are grouped per tracker first (a `tracker` column) and the closing row says the trackers
are combined. CSV keeps stable headers and codes, with the words in `*_label` columns beside
them, and always has the `tracker` column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from sla import RequestType
from sync.report.aggregate import ClosedRequest, Flip, GroupKey, GroupStats, group, total
from sync.report.render_text import table
from sync.report.words import Words, as_words

NameOf = Callable[[str, str], str]
"""`Regulation.name_of`, or a `Words`: the word for a code (the code itself when not given)."""


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


def trackers_of(requests: Sequence[ClosedRequest]) -> list[str]:
    """The trackers the requests were read from, in reading order."""
    return list(dict.fromkeys(r.tracker for r in requests if r.tracker))


def _all_label(requests: Sequence[ClosedRequest], words: Words) -> str:
    names = trackers_of(requests)
    if len(names) < 2:
        return words.h("all")
    return f"{words.h('all')} ({words.h('trackers combined')}: {' + '.join(names)})"


def rows(requests: Sequence[ClosedRequest], name_of: NameOf = _codes) -> list[list[str]]:
    """One row per group plus a closing 'all' row; a leading tracker column for several."""
    words = as_words(name_of) if name_of is not _codes else None
    several = len(trackers_of(requests)) > 1
    out = [
        [*([k.tracker] if several else []), *labels(k, name_of), *figures(s)]
        for k, s in group(requests).items()
    ]
    closing = _all_label(requests, words) if words else "all"
    out.append([closing, *([""] if several else []), "", "", "", *figures(total(requests))])
    return out


def headers(requests: Sequence[ClosedRequest], words: Words) -> list[str]:
    """The table's headings (with a tracker column when the requests come from several)."""
    several = len(trackers_of(requests)) > 1
    return [words.h(h) for h in (*(["tracker"] if several else []), *HEADERS)]


def report_table(requests: Sequence[ClosedRequest], name_of: NameOf = _codes) -> str:
    """The compliance table for the terminal."""
    words = as_words(name_of)
    return table(headers(requests, words), rows(requests, words))


CSV_HEADERS = (
    "tracker",
    "customer",
    "priority",
    "priority_label",
    "line",
    "line_label",
    "month",
    *HEADERS[4:],
)


def report_csv(
    requests: Sequence[ClosedRequest], policy: str | None = None, name_of: NameOf = _codes
) -> str:
    """The compliance table as CSV: stable headers and codes, words in `*_label` columns."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["policy", *CSV_HEADERS] if policy else CSV_HEADERS)
    words = as_words(name_of)
    body = [
        [
            k.tracker,
            k.customer,
            k.priority.value,
            words("priorities", k.priority.value),
            k.line.value,
            words("lines", k.line.value),
            k.month,
            *figures(s),
        ]
        for k, s in group(requests).items()
    ]
    body.append(["", "all", "", "", "", "", "", *figures(total(requests))])
    for row in body:
        row = ["" if c == "—" else c for c in row]  # spreadsheets want empty, not a dash
        writer.writerow([policy, *row] if policy else row)
    return buf.getvalue()


WHATIF_HEADERS = ("customer", "priority", "line", "month")


def whatif_rows(
    base: Sequence[ClosedRequest], other: Sequence[ClosedRequest], name_of: NameOf = _codes
) -> list[list[str]]:
    """Per group: met/judged and compliance under both policies, and the difference."""
    ours, theirs = group(base), group(other)
    words = as_words(name_of)
    several = len(trackers_of(base)) > 1
    out = []
    for key in sorted(set(ours) | set(theirs), key=lambda k: (k.tracker, k)):
        a, b = ours.get(key, GroupStats()), theirs.get(key, GroupStats())
        out.append([*([key.tracker] if several else []), *labels(key, name_of), *_pair(a, b)])
    closing = _all_label(base, words)
    out.append([closing, *([""] if several else []), "", "", "", *_pair(total(base), total(other))])
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


def whatif_headers(
    base_name: str, other_name: str, words: Words | None = None, several: bool = False
) -> list[str]:
    """Headers of the side-by-side table, naming both policies."""
    w = words or Words()
    return [
        *([w.h("tracker")] if several else []),
        *(w.h(h) for h in WHATIF_HEADERS),
        f"{base_name} {w.h('met/n')}",
        f"{base_name} %",
        f"{other_name} {w.h('met/n')}",
        f"{other_name} %",
        "Δ pp",
    ]


FLIP_HEADERS = ("key", "customer", "priority", "outcome", "counted/target h (base → other)")


def flip_rows(items: Sequence[Flip], name_of: NameOf = _codes) -> list[list[str]]:
    """One row per request whose outcome flips between the two policies."""
    words = as_words(name_of)
    out = []
    for f in items:
        a, b = f.base.result, f.other.result
        out.append(
            [
                f"{f.base.tracker} {f.key}"
                if len(trackers_of([x.base for x in items])) > 1
                else f.key,
                f.customer,
                name_of("priorities", b.priority.value),
                words.h(f.direction),
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
    words = as_words(name_of)
    several = len(trackers_of(base)) > 1
    heads = whatif_headers(*names, words, several)
    head = table(heads, whatif_rows(base, other, name_of))
    if not items:
        return f"{head}\n\n{words.h('No request changes outcome.')}"
    flipped = table([words.h(h) for h in FLIP_HEADERS], flip_rows(items, name_of))
    return f"{head}\n\n{words.h('Outcome flips')} ({len(items)}):\n{flipped}"
