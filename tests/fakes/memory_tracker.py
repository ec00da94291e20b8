"""An in-memory tracker implementing the whole `Tracker` port, and its registry entry.

It keeps issues as plain dicts (see `memory_mapping`), stamps every write with its own clock,
records each write in the history under the bot's name (so own-write recognition is real),
counts calls per port method and, per issue, the histories it served (a search honours
`known`: those issues come without history, as from the real adapters). `register()` adds
the "memory" kind to the registry: a third tracker that plugs in through the registry alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from config.settings import TrackerSettings
from mappings.port import TrackerValue, Vocabulary
from mappings.raw import FieldDef, RawIssue
from sync import registry
from sync.errors import (
    FatalTrackerError,
    RetriableTrackerError,
    SkippableIssueError,
    UnsupportedError,
)
from sync.ports import FieldKind, Known, Page, SearchQuery, SilentWrites
from sync.registry import TrackerKind
from tests.fakes.memory_mapping import MEMORY_MAPPING, PROFILE_PATH, SLA_FIELDS

BOT = "bot"
STATUSES = (
    ("Open", "new"),
    ("Work", "indeterminate"),
    ("Ask", "indeterminate"),
    ("Closed", "done"),
)


class MemoryTracker:
    """The `Tracker` port over dicts; `now` is the tracker's own clock for its writes."""

    def __init__(self, now: Callable[[], datetime], page_size: int = 100) -> None:
        self.now, self.page_size = now, page_size
        self.issues: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self.history_reads: Counter[str] = Counter()  # per key: histories served (search, fetch)
        self.fail_updates_after: int | None = None  # simulate an outage after N writes
        self.reject: set[str] = set()  # keys whose writes the tracker refuses (HTTP 400)

    # -- seeding and human edits ---------------------------------------------------------

    def add(self, key: str, created: datetime, **fields: Any) -> None:
        """An issue as created (status Open, priority P3 unless given)."""
        base = {"status": "Open", "priority": "P3", "line": "1", "labels": [], "sla": {}}
        self.issues[key] = {
            "fields": {**base, **fields, "created": created},
            "histories": [],
            "comments": [],
            "updated": created,
        }

    def change(self, key: str, at: datetime, by: str = "human", **values: Any) -> None:
        """Someone changes tracked fields at `at` (recorded in the history)."""
        issue = self.issues[key]
        for name, value in values.items():
            issue["histories"].append(
                {
                    "at": at,
                    "author": by,
                    "field": name,
                    "from": issue["fields"].get(name),
                    "to": value,
                }
            )
            issue["fields"][name] = value
        issue["updated"] = max(issue["updated"], at)

    # -- the port ----------------------------------------------------------------------

    def account_id(self) -> str:
        self.calls["account_id"] += 1
        return BOT

    def account_name(self) -> str:
        return "Memory bot"

    def time_zone(self) -> tzinfo:
        return UTC

    def fields(self, refresh: bool = False) -> Sequence[FieldDef]:
        self.calls["fields"] += 1
        return SLA_FIELDS

    def statuses(self) -> tuple[TrackerValue, ...]:
        self.calls["statuses"] += 1
        return tuple(TrackerValue(name, name, cat) for name, cat in STATUSES)

    def vocabulary(self) -> Vocabulary:
        return Vocabulary(statuses=self.statuses())

    def search(
        self,
        query: SearchQuery,
        field_ids: Sequence[str],
        history_field_ids: Sequence[str] = (),
        *,
        known: Known | None = None,
    ) -> Iterator[Page]:
        self.calls["search"] += 1
        found = [k for k, i in self.issues.items() if _selected(i, query)]
        found.sort(key=lambda k: (self.issues[k]["fields"]["created"], k))  # creation order
        for start in range(0, len(found), self.page_size):
            self.calls["page"] += 1
            keys = found[start : start + self.page_size]
            skip = frozenset(k for k in keys if known and known(k, self.issues[k]["updated"]))
            raws = tuple(self._raw(k, history=k not in skip) for k in keys)
            self.history_reads.update(k for k in keys if k not in skip)
            yield Page(raws, max((r.updated for r in raws if r.updated), default=None), skip)

    def fetch(
        self, key: str, field_ids: Sequence[str], history_field_ids: Sequence[str] = ()
    ) -> RawIssue:
        self.calls["fetch"] += 1
        if key not in self.issues:
            raise FatalTrackerError(f"memory: no issue {key}", status=404)
        self.history_reads[key] += 1
        return self._raw(key)

    def update(
        self,
        key: str,
        fields: Mapping[str, Any],
        labels_add: Sequence[str] = (),
        labels_remove: Sequence[str] = (),
    ) -> None:
        self.calls["update"] += 1
        if key in self.reject:
            raise SkippableIssueError(key, "memory rejected the write (HTTP 400)")
        if self.fail_updates_after is not None:
            if self.fail_updates_after <= 0:
                raise RetriableTrackerError("memory: HTTP 503 after 6 attempts", status=503)
            self.fail_updates_after -= 1
        issue, at = self.issues[key], self.now()
        sla = issue["fields"]["sla"]
        for name, value in fields.items():
            issue["histories"].append(
                {"at": at, "author": BOT, "field": name, "from": sla.get(name), "to": value}
            )
            sla[name] = value
        labels = issue["fields"]["labels"]
        if labels_add or labels_remove:
            issue["histories"].append({"at": at, "author": BOT, "field": "labels"})
            labels[:] = [lb for lb in labels if lb not in labels_remove] + list(labels_add)
        issue["updated"] = at

    def comment(self, key: str, body: str) -> None:
        self.calls["comment"] += 1
        self.issues[key]["comments"].append(body)

    def comments(self, key: str) -> list[str]:
        self.calls["comments"] += 1
        return list(self.issues[key]["comments"])

    def silent_writes(self) -> SilentWrites:
        return SilentWrites(True, "memory writes notify nobody")

    def create_field(self, name: str, kind: FieldKind, options: Sequence[str] = ()) -> FieldDef:
        raise UnsupportedError("memory has fixed fields", "nothing to do")

    def register_webhook(self, name: str, url: str, scope: str, secret: str | None) -> str:
        raise UnsupportedError("memory sends no webhooks", "nothing to do")

    def _raw(self, key: str, history: bool = True) -> RawIssue:
        issue = self.issues[key]
        fields = {**issue["fields"], "sla": dict(issue["fields"]["sla"])}
        fields["labels"] = list(fields["labels"])
        histories = tuple(dict(h) for h in issue["histories"]) if history else ()
        return RawIssue("memory", key, key, fields, histories, updated=issue["updated"])


def _selected(issue: Mapping[str, Any], q: SearchQuery) -> bool:
    if q.updated_since is not None and issue["updated"] < q.updated_since:
        return False
    closed = issue["fields"]["status"] == "Closed"
    if q.open_or_updated_since is not None and closed:
        return issue["updated"] >= q.open_or_updated_since
    if q.closed_since is not None:
        return closed and issue["updated"] >= q.closed_since
    return True


TRACKERS: dict[str, MemoryTracker] = {}  # by the configured URL


def _connect(cfg: TrackerSettings, policy: Any, on_response: Any = None) -> MemoryTracker:
    return TRACKERS[cfg.url]


MEMORY = TrackerKind(
    name="memory",
    title="Memory",
    mapping=MEMORY_MAPPING,
    default_profile=PROFILE_PATH,
    connect=_connect,
    credentials_problem=lambda cfg: None,
    read_issue_file=lambda data: RawIssue("memory", data["key"], data["key"], data["fields"]),
    issue_url=lambda base, key: f"{base.rstrip('/')}/issues/{key}",
)


def register(url: str, tracker: MemoryTracker) -> None:
    """Make `tracker` what a configured `kind: memory` tracker at `url` connects to."""
    registry.register(MEMORY)
    TRACKERS[url] = tracker


def unregister() -> None:
    """Take the memory kind out of the registry again."""
    registry.unregister(MEMORY.name)
    TRACKERS.clear()
