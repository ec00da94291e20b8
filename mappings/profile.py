"""Mapping profiles: tracker names/ids -> regulation enums, and which fields to read and write.

A profile is YAML (the shipped Jira default is `mappings/jira.yaml`). It is tracker-neutral:
vocabularies are lists of names or ids per regulation value, field references are names or ids
resolved against the tracker's field catalog (`FieldDef`s).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mappings.profile_schema import MODEL_NAMES, BreachedSpec, ProfileFile, StateSpec
from mappings.raw import FieldDef
from mappings.values import norm_key
from sla.enums import Channel, ClockState, Line, Priority, RequestType, Resolution, Status
from sla.errors import ConfigError

E = TypeVar("E")

DEFAULT_JIRA_PROFILE = Path(__file__).with_name("jira.yaml")
READ_FIELDS = ("line", "customer", "channel", "registered_at", "requester_email")
WRITE_FIELDS = ("due", "state", "breached", "elapsed_hours", "remaining_hours")
HOURS_FIELDS = ("elapsed_hours", "remaining_hours")
COMMENT_PLACEHOLDERS = ("key", "priority", "target", "breached_at", "elapsed", "due")


@dataclass(frozen=True, slots=True)
class Vocab(Generic[E]):
    """One vocabulary (e.g. statuses): tracker names/ids per regulation value."""

    section: str
    entries: tuple[tuple[E, tuple[str, ...]], ...]
    index: Mapping[str, E]

    def match(self, *candidates: object) -> E | None:
        """The regulation value of the first candidate (id, then name) the profile lists."""
        for candidate in candidates:
            if candidate is not None and (hit := self.index.get(norm_key(candidate))):
                return hit
        return None

    def names(self, member: E) -> tuple[str, ...]:
        """The spellings listed for `member`, in profile order."""
        return next((names for m, names in self.entries if m == member), ())


@dataclass(frozen=True, slots=True)
class WriteSpec:
    """Which SLA figures go back to the tracker, and how they are spelled there."""

    state_values: Mapping[ClockState, str]
    yes_value: str
    no_value: str
    label_breached: str | None
    label_at_risk: str | None
    comment_enabled: bool
    comment_template: str


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated mapping profile; `source` names the file in every error message."""

    source: str
    tracker: str
    statuses: Vocab[Status]
    priorities: Vocab[Priority]
    resolutions: Vocab[Resolution]
    request_types: Vocab[RequestType]
    channels: Vocab[Channel]
    lines: Vocab[Line]
    default_priority: Priority | None
    # "fields.line" / "write.due" -> alternatives (names or ids); absent key = not read/written.
    field_refs: Mapping[str, tuple[str, ...]]
    write: WriteSpec


class FieldCatalog:
    """The tracker's fields, looked up by id or by name (case-insensitive, trimmed)."""

    def __init__(self, defs: Iterable[FieldDef] = (), names: Mapping[str, str] | None = None):
        self.defs = list(defs)
        known = {d.id for d in self.defs}
        # Jira `expand=names` gives id -> name for fields the catalog may not list.
        self.defs += [
            FieldDef(i, n, i.startswith("customfield_"))
            for i, n in (names or {}).items()
            if i not in known
        ]
        self._by_id = {norm_key(d.id): d for d in self.defs}
        self._by_name: dict[str, list[FieldDef]] = {}
        for d in self.defs:
            self._by_name.setdefault(norm_key(d.name), []).append(d)

    def matches(self, ref: str) -> list[FieldDef]:
        """Fields that `ref` names: the one with that id, else all with that name."""
        hit = self._by_id.get(norm_key(ref))
        return [hit] if hit else list(self._by_name.get(norm_key(ref), ()))


CatalogLike = FieldCatalog | Iterable[FieldDef]


def as_catalog(catalog: CatalogLike) -> FieldCatalog:
    """Accept a ready catalog or a plain list of `FieldDef`s."""
    return catalog if isinstance(catalog, FieldCatalog) else FieldCatalog(catalog)


@dataclass(frozen=True, slots=True)
class ResolvedFields:
    """Profile field keys ("line", "due", ...) resolved to tracker fields."""

    by_key: Mapping[str, FieldDef] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # profile keys whose field the tracker does not have

    def id(self, key: str) -> str | None:
        """Tracker field id for a profile key, or None when not mapped or missing."""
        found = self.by_key.get(key)
        return found.id if found else None


def resolve_fields(profile: Profile, catalog: CatalogLike) -> ResolvedFields:
    """Resolve every field the profile names; an ambiguous name is a profile error."""
    cat = as_catalog(catalog)
    by_key: dict[str, FieldDef] = {}
    missing: list[str] = []
    for qualified, refs in profile.field_refs.items():
        for ref in refs:
            found = cat.matches(ref)
            if len(found) > 1:
                raise ConfigError(
                    profile.source,
                    qualified,
                    "a field name that matches one field only (name it by id)",
                    f"{ref} = {', '.join(f.id for f in found)}",
                )
            if found:
                by_key[qualified.split(".", 1)[1]] = found[0]
                break
        else:
            missing.append(qualified)
    return ResolvedFields(by_key, tuple(missing))


def load_profile(path: str | Path = DEFAULT_JIRA_PROFILE) -> Profile:
    """Read and validate a profile file; any problem is a one-line `ConfigError`."""
    path = Path(path)
    source = _display(path)
    try:
        # libyaml's C parser when PyYAML has it (the same safe schema, much faster).
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except OSError as exc:
        raise ConfigError(source, "", "a readable mapping profile file", exc.strerror) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, "", "valid YAML", " ".join(str(exc).split())) from None
    return profile_from_mapping(data, source)


def profile_from_mapping(data: object, source: str) -> Profile:
    """Validate already-parsed profile data; `source` is the name used in error messages."""
    if not isinstance(data, Mapping):
        raise ConfigError(source, "", "a mapping of profile sections", type(data).__name__)
    try:
        spec = ProfileFile.model_validate(data)
    except ValidationError as exc:
        raise _config_error(source, exc) from None
    write = spec.write
    refs = {f"fields.{k}": getattr(spec.fields, k) for k in READ_FIELDS}
    for key in WRITE_FIELDS:
        value = getattr(write, key)
        refs[f"write.{key}"] = value.field if isinstance(value, BaseModel) else value
    state = write.state if isinstance(write.state, StateSpec) else None
    breached = write.breached if isinstance(write.breached, BreachedSpec) else None
    _check_template(source, write.breach_comment.template)
    return Profile(
        source=source,
        tracker=spec.tracker,
        statuses=_vocab(source, "statuses", spec.statuses),
        priorities=_vocab(source, "priorities", spec.priorities),
        resolutions=_vocab(source, "resolutions", spec.resolutions),
        request_types=_vocab(source, "request_types", spec.request_types),
        channels=_vocab(source, "channels", spec.channels),
        lines=_vocab(source, "lines", spec.lines),
        default_priority=spec.default_priority,
        field_refs={k: (v,) if isinstance(v, str) else tuple(v) for k, v in refs.items() if v},
        write=WriteSpec(
            state_values={s: (state.values if state else {}).get(s, s.value) for s in ClockState},
            yes_value=breached.yes_value if breached else "Yes",
            no_value=breached.no_value if breached else "No",
            label_breached=write.labels.breached,
            label_at_risk=write.labels.at_risk,
            comment_enabled=write.breach_comment.enabled,
            comment_template=write.breach_comment.template,
        ),
    )


def _vocab(source: str, section: str, raw: Mapping[Any, list[Any]]) -> Vocab[Any]:
    index: dict[str, Any] = {}
    entries = []
    for member, names in raw.items():
        for name in names:
            key = norm_key(name)
            if index.get(key, member) != member:
                raise ConfigError(
                    source,
                    f"{section}.{member.value}",
                    "each name listed under one value only",
                    f"{name} is also under {index[key].value}",
                )
            index[key] = member
        entries.append((member, tuple(str(n) for n in names)))
    return Vocab(section, tuple(entries), index)


def _check_template(source: str, template: str) -> None:
    try:
        used = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ConfigError(
            source, "write.breach_comment.template", "a str.format template", str(exc)
        ) from None
    for name in used:
        if name not in COMMENT_PLACEHOLDERS:
            raise ConfigError(
                source,
                "write.breach_comment.template",
                f"placeholders among {{{'}, {'.join(COMMENT_PLACEHOLDERS)}}}",
                f"{{{name}}}",
            )
    try:
        # Filled as `breach_comment` fills it (every value a str): `{key!x}` or `{elapsed:.1f}`
        # pass the parse above and would fail at the first breach.
        template.format(**dict.fromkeys(COMMENT_PLACEHOLDERS, "SUP-1"))
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        raise ConfigError(
            source,
            "write.breach_comment.template",
            "a template str.format accepts (the values are text)",
            str(exc),
        ) from None


def _config_error(source: str, exc: ValidationError) -> ConfigError:
    # A union (name | list | object) reports one error per branch; the deepest is the useful one.
    err = max(exc.errors(), key=lambda e: len(e["loc"]))
    # Drop pydantic's union-branch tags ("str", "list[str]", "StateSpec") and "[key]" markers.
    tags = {"str", "int", "bool", *MODEL_NAMES}
    parts = [str(p) for p in err["loc"]]
    key = ".".join(p for p in parts if not (p in tags or "[" in p))
    msg = err["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "no such key (check the spelling)"
    elif err["type"] == "missing":
        return ConfigError(source, key, "this key to be present")
    if err["type"] in ("string_type", "bool_type") and isinstance(err.get("input"), bool):
        msg += " (quote yes/no/on/off in YAML)"
    return ConfigError(source, key, msg, err.get("input"))


def _display(path: Path) -> str:
    package = Path(__file__).resolve().parent
    try:
        return f"mappings/{path.resolve().relative_to(package)}"
    except ValueError:
        return str(path)
