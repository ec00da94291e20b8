"""A mapping profile drafted from what a live tracker offers (pure), for `sla-sync init`.

Each regulation term is matched to the tracker's values the way a person would: by name in
the regulation's Russian and the usual English (the shipped profile's lists), then by the
tracker's status category, then by priority rank. Every guess that needs a human decision
gets a comment saying what was guessed and what to check; the draft passes `check` or
`check` says exactly what is left.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from mappings.port import CATEGORY_STATUS, TrackerValue, Vocabulary
from mappings.profile import READ_FIELDS, FieldCatalog, Profile, Vocab
from sla.enums import Priority, RequestType, Resolution, Status

__all__ = ["Draft", "draft_profile"]

_PRIORITY_ORDER = (Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW)


@dataclass
class Draft:
    """The profile as YAML text, and the decisions left to a human (also inside as comments)."""

    text: str
    open_questions: list[str] = field(default_factory=list)


def draft_profile(
    tracker: str,
    vocabulary: Vocabulary,
    catalog: FieldCatalog,
    known: Profile,
    title: str = "the tracker",
) -> Draft:
    """A profile for `tracker` that maps its own values; `known` is the shipped profile."""
    out = _Writer(title)
    out.line(f"# Mapping profile drafted by `sla-sync init` from {title}'s own values.")
    out.line("# Lines marked CHECK are guesses: read them, then run `sla-sync check`.")
    out.line(f"tracker: {tracker}")
    out.section("statuses", _statuses(vocabulary.statuses, known.statuses, out, title))
    out.section("priorities", _priorities(vocabulary.priorities, known.priorities, out))
    out.section("resolutions", _resolutions(vocabulary.resolutions, known.resolutions, out))
    out.section("request_types", _types(vocabulary.issue_types, known.request_types, out))
    for section in ("channels", "lines"):
        entries = getattr(known, section).entries
        out.section(section, {m.value: list(names) for m, names in entries})
    out.blank()
    lines = []
    for key in READ_FIELDS:
        refs = known.field_refs.get(f"fields.{key}", ())
        hit = next((ref for ref in refs if catalog.matches(ref)), None)
        if hit:
            lines.append(f"  {key}: {_q(catalog.matches(hit)[0].name)}")
        else:
            lines.append(f"  # {key}: no field named {' / '.join(refs)}; name yours here")
    out.line("fields:" if any(not ln.lstrip().startswith("#") for ln in lines) else "fields: {}")
    for ln in lines:
        out.line(ln)
    out.blank()
    out.line("write:")
    for key in ("due", "state", "breached", "elapsed_hours", "remaining_hours"):
        name = (known.field_refs.get(f"write.{key}") or (key,))[0]
        note = "" if catalog.matches(name) else "  # missing: `sla-sync check --create-fields`"
        out.line(f"  {key}: {_q(name)}{note}")
    w = known.write
    out.line("  labels:")
    out.line(f"    breached: {_q(w.label_breached or 'sla-breached')}")
    out.line(f"    at_risk: {_q(w.label_at_risk or 'sla-at-risk')}")
    return Draft(out.text(), out.questions)


class _Writer:
    def __init__(self, title: str) -> None:
        self.lines: list[str] = []
        self.questions: list[str] = []
        self.title = title

    def line(self, text: str) -> None:
        self.lines.append(text)

    def blank(self) -> None:
        self.lines.append("")

    def ask(self, question: str) -> str:
        self.questions.append(question)
        return f"  # CHECK: {question}"

    def section(self, name: str, entries: dict[str, list[str] | str]) -> None:
        self.blank()
        empty = not any(isinstance(v, list) and v for v in entries.values())
        self.line(f"{name}: {{}}" if empty else f"{name}:")
        for key, value in entries.items():
            if isinstance(value, str):  # a comment line
                self.line(value)
            elif value:
                self.line(f"  {_q(key)}: [{', '.join(_q(v) for v in value)}]")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _statuses(values: Sequence[TrackerValue], known: Vocab, out: _Writer, title: str) -> dict:
    found: dict[str, list[str]] = {s.value: [] for s in Status}
    comments: dict[str, str] = {}
    for v in values:
        hit = known.match(v.id, v.name)
        if hit is None and v.category in CATEGORY_STATUS:
            hit = CATEGORY_STATUS[v.category]
            comments[f"#{v.name}"] = out.ask(
                f"status {v.name!r} guessed {hit.value} from its {title} category "
                f"{v.category!r}; if it waits for the user, move it to clarification"
            )
        if hit is None:
            comments[f"#{v.name}"] = out.ask(
                f"status {v.name!r} has no category: add it under created, in_progress, "
                "clarification or done"
            )
            continue
        found[hit.value].append(v.name)
    if not found[Status.CLARIFICATION.value]:
        comments["#clarification"] = out.ask(
            "no status looks like waiting for the user: without one the clock never pauses"
        )
    return {**found, **comments}


def _priorities(values: Sequence[TrackerValue], known: Vocab, out: _Writer) -> dict:
    found: dict[str, list[str]] = {p.value: [] for p in _PRIORITY_ORDER}
    levels = [known.match(v.id, v.name) for v in values]
    comments = {}
    for i, v in enumerate(values):
        level = levels[i]
        if level is None:
            # Trackers list priorities highest first: an unknown one sits with its nearest
            # known neighbour above (else below); with none known, the list is spread by rank.
            above = next((lv for lv in reversed(levels[:i]) if lv is not None), None)
            below = next((lv for lv in levels[i + 1 :] if lv is not None), None)
            level = above or below or _PRIORITY_ORDER[min(i * 4 // max(len(values), 1), 3)]
            comments[f"#{v.name}"] = out.ask(f"priority {v.name!r} placed at {level.value} by rank")
        found[level.value].append(v.name)
    return {**found, **comments}


def _resolutions(values: Sequence[TrackerValue], known: Vocab, out: _Writer) -> dict:
    found: dict[str, list[str]] = {r.value: [] for r in Resolution}
    comments = {}
    for v in values:
        hit = known.match(v.id, v.name) or Resolution.RESOLVED
        found[hit.value].append(v.name)
        if known.match(v.id, v.name) is None:
            comments[f"#{v.name}"] = out.ask(
                f"resolution {v.name!r} counted as resolved; withdrawn ones leave compliance"
            )
    return {**found, **comments}


def _types(values: Sequence[TrackerValue], known: Vocab, out: _Writer) -> dict:
    found: dict[str, list[str]] = {t.value: [] for t in RequestType}
    for v in values:
        if (hit := known.match(v.id, v.name)) is not None:
            found[hit.value].append(v.name)
    return dict(found)


def _q(text: str) -> str:
    """A YAML scalar: plain when safe, else a JSON-quoted string (valid YAML)."""
    safe = text and all(c.isalnum() or c in " -_./()" for c in text) and text.strip() == text
    words = ("yes", "no", "on", "off", "true", "false", "null")
    if safe and text.lower() not in words and not text[0].isdigit() and text[0] != "-":
        return text
    return json.dumps(text, ensure_ascii=False)
