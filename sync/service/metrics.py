"""Prometheus metrics of the service, on its own CollectorRegistry (no global state)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from sync.passes.outcome import IssueOutcome

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _StoreCollector(Collector):
    """Issues per clock state and breached issues, read from the state store at scrape time."""

    def __init__(
        self,
        counts: Callable[[], list[tuple[str, str, int, int]]],
        trackers: Callable[[], Iterable[str]],
    ) -> None:
        self.counts, self.trackers = counts, trackers

    def collect(self):
        states = GaugeMetricFamily(
            "sla_sync_issues",
            "Issues in the state store by clock state",
            labels=["tracker", "state"],
        )
        breached = GaugeMetricFamily(
            "sla_sync_breached_issues", "Issues whose SLA is breached", labels=["tracker"]
        )
        try:
            rows = self.counts()
        except Exception:  # a scrape must answer while the store is down (/healthz says why)
            rows = []
        totals: dict[str, int] = dict.fromkeys(self.trackers(), 0)
        for tracker, state, n_breached, n in rows:
            states.add_metric([tracker, state], n)
            totals[tracker] = totals.get(tracker, 0) + int(n_breached or 0)
        for tracker, n in totals.items():
            breached.add_metric([tracker], n)
        yield states
        yield breached


class Metrics:
    """Every metric the service exports; hooks feed them, `/metrics` renders them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.passes = Counter(
            "sla_sync_passes", "Scheduled passes", ["tracker", "kind", "result"], registry=r
        )
        self.pass_seconds = Histogram(
            "sla_sync_pass_duration_seconds",
            "Duration of scheduled passes and single recomputes",
            ["tracker", "kind"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
            registry=r,
        )
        self.requests = Counter(
            "sla_sync_tracker_requests",
            "Tracker HTTP responses by status code",
            ["status"],
            registry=r,
        )
        self.issues_processed = Counter(
            "sla_sync_issues_processed",
            "Issues processed by outcome",
            ["tracker", "outcome"],
            registry=r,
        )
        self.writes = Counter(
            "sla_sync_writes",
            "Issues whose SLA fields or comment were written",
            ["tracker"],
            registry=r,
        )
        self.breaches = Counter(
            "sla_sync_breaches", "Writes that flagged a breached SLA", ["tracker"], registry=r
        )
        self.webhooks = Counter(
            "sla_sync_webhook_events",
            "Webhook requests by source and outcome",
            ["source", "outcome"],
            registry=r,
        )
        self.queue_depth = Gauge(
            "sla_sync_queue_depth", "Webhook events queued, not yet processed", registry=r
        )
        self.leader = Gauge(
            "sla_sync_scheduler_leader",
            "1 while this instance runs the scheduled pass and sweep (holds the lease)",
            registry=r,
        )
        self.last_success = Gauge(
            "sla_sync_last_success_timestamp_seconds",
            "End of the last successful pass",
            registry=r,
        )

    def watch_store(
        self,
        counts: Callable[[], list[tuple[str, str, int, int]]],
        trackers: Callable[[], Iterable[str]],
    ) -> None:
        """Export issues by state and breached issues (`Store.state_counts`)."""
        self.registry.register(_StoreCollector(counts, trackers))

    def watch_lease(self, held: Callable[[], bool]) -> None:
        """Export whether this instance holds the scheduler lease."""
        self.leader.set_function(lambda: 1.0 if held() else 0.0)

    def watch_queue(self, depth: Callable[[], int]) -> None:
        """Export the queue depth, read at scrape time."""
        self.queue_depth.set_function(depth)

    def on_response(self, status: int) -> None:
        """App's per-response hook."""
        self.requests.labels(str(status)).inc()

    def on_issue(self, tracker: str, outcome: IssueOutcome) -> None:
        """Runner's per-issue hook."""
        self.issues_processed.labels(tracker, outcome.outcome).inc()
        if outcome.outcome == "written":
            self.writes.labels(tracker).inc()
            if outcome.result is not None and outcome.result.breached:
                self.breaches.labels(tracker).inc()

    def render(self) -> bytes:
        """The exposition text."""
        return generate_latest(self.registry)
