"""A configured tracker: its kind, its adapter, its mapping profile and what was read of it.

The pass, `check` and `report` work on a `Binding` and never ask which tracker it is: the
kind (`sync.registry`) supplies the adapter and the mapping, chosen here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from config.settings import RetrySettings, TrackerSettings
from mappings.port import TrackerMapping, Vocabulary
from mappings.profile import FieldCatalog, Profile, load_profile
from sync import registry
from sync.ports import Tracker
from sync.registry import TrackerKind
from sync.trackers.http import RetryPolicy

__all__ = ["Binding", "connect", "retry_policy"]


@dataclass
class Binding:
    """One configured tracker, ready for a pass."""

    name: str
    scope: str
    kind: TrackerKind
    tracker: Tracker
    profile: Profile
    catalog: FieldCatalog = field(default_factory=FieldCatalog)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    @property
    def mapping(self) -> TrackerMapping:
        """The kind's pure mapping."""
        return self.kind.mapping

    def refresh_catalog(self) -> None:
        """Field definitions and status categories, once per pass."""
        self.catalog = FieldCatalog(self.tracker.fields())
        self.vocabulary = Vocabulary(statuses=self.tracker.statuses())

    def read_field_ids(self) -> list[str]:
        """Fields a search or fetch must return."""
        return self.mapping.read_field_ids(self.profile, self.catalog)

    def history_field_ids(self) -> list[str]:
        """Fields whose history the timeline needs."""
        return self.mapping.history_field_ids(self.profile, self.catalog)


def retry_policy(retry: RetrySettings) -> RetryPolicy:
    """The adapters' retry bounds from settings."""
    return RetryPolicy(
        max_attempts=retry.max_attempts,
        base_delay=retry.base_delay,
        max_delay=retry.max_delay,
        max_retry_after=retry.max_retry_after,
        max_total=retry.max_total,
        timeout=retry.timeout,
    )


def connect(
    cfg: TrackerSettings,
    retry: RetrySettings,
    on_response: Callable[[int], None] | None = None,
) -> Binding:
    """Build the adapter and load the profile for one configured tracker."""
    kind = registry.get(cfg.kind, "settings", f"trackers.{cfg.name}.kind")
    tracker = kind.connect(cfg, retry_policy(retry), on_response)
    profile = load_profile(cfg.profile or kind.default_profile)
    return Binding(cfg.name, cfg.scope, kind, tracker, profile)
