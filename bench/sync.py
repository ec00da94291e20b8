"""Steady-state passes against an independent minimum.

10 000 issues; a pass every 5 simulated minutes (the service's schedule: `refresh()` then
`sync_since()`, every default setting); between two passes people change 1 % of the issues at
random instants. The sandbox and sla-sync run on the same simulated clock (`Sandbox.set_clock`).

The minimum of a pass comes from ground truth (`bench.groundtruth`), never from what the pass
chose to read: the search pages that list the issues people changed since the last pass (page
size 100), their changelog pages by the API's paging rule (Cloud bulkfetch: 1 000 issues and
1 000 histories per page, 10 fieldIds per request; Data Center: embedded in the search page;
YouTrack: the global activity stream, which documents no page maximum, counted at 1 000
activities a page like Cloud's bulkfetch), one write per issue whose fields changed (YouTrack:
one for fields and one for tags, its API's two calls) and the comments the pass posted.
"""

from __future__ import annotations

import math
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bench.groundtruth import Truth, truth_of
from bench.ledger import Ledger
from config.settings import Settings, TrackerSettings
from sandbox import BOT, Sandbox, start_sandbox, synthetic_scenario
from sync.composition import App
from sync.logs import configure_logging

__all__ = ["PassRow", "run_steady"]

PAGE = 100  # issues per search page (Cloud's cap with fields; the adapters' page size)
BULK_ISSUES, BULK_HISTORIES, BULK_FIELDS = 1000, 1000, 10  # Cloud changelog bulkfetch limits
STREAM_PAGE = 1000  # YouTrack activities a page: no documented cap, Cloud's bulkfetch bound
CADENCE = timedelta(minutes=5)
_FLOW = {
    "Создана": ["В работе"],
    "В работе": ["Уточнение", "Уточнение", "Выполнено"],
    "Уточнение": ["В работе"],
    "Выполнено": ["В работе"],
}
_PRIORITIES = ["Критический", "Высокий", "Средний", "Низкий"]


@dataclass
class PassRow:
    """One measured pass."""

    label: str
    people: int  # issues people changed since the last pass (ground truth)
    requests: Counter[str]  # by kind (setup, search, changelog, writes, ...)
    total: int  # as the sandbox counted them
    minimum: dict[str, int]  # search, changelog, writes, comments
    listed: Counter[str]  # issues the search pages listed, by class (people, own, overlap)
    cost: dict[str, float] = field(default_factory=dict)  # class -> requests it took
    wall_s: float = 0.0

    @property
    def floor(self) -> int:
        """The minimum's total."""
        return sum(self.minimum.values())

    @property
    def ratio(self) -> float:
        """Requests over the minimum."""
        return self.total / max(1, self.floor)


def _settings(sb: Sandbox, state: Path) -> Settings:
    if sb.tracker == "youtrack":
        cfg = TrackerSettings(
            name="bench",
            kind="youtrack",
            url=sb.url,
            token=SecretStr(sb.token),
            scope="project: SUP",
        )
    else:
        cloud = sb.mode == "cloud"
        cfg = TrackerSettings(
            name="bench",
            url=sb.url,
            scope="project = SUP",
            email=sb.email if cloud else None,
            token=SecretStr(sb.token) if cloud else None,
            pat=None if cloud else SecretStr(sb.token),
        )
    return Settings(state_path=state, trackers=[cfg])  # every other setting: the default


def _people_change(sb: Sandbox, truth: Truth, rng: random.Random, key: str) -> None:
    kind = rng.choices(("status", "priority", "line", "comment"), weights=(45, 15, 10, 30))[0]
    if kind == "status":
        to = rng.choice(_FLOW.get(truth.status(key), ["В работе"]))
        sb.human_change(
            key, {"status": to} | ({"resolution": "Решена"} if to == "Выполнено" else {})
        )
    elif kind == "priority":
        sb.human_change(key, {"priority": rng.choice(_PRIORITIES)})
    elif kind == "line":
        sb.human_change(key, {"Линия поддержки": rng.choice("123")})
    else:
        sb.human_change(key, comment="Уточнили у пользователя детали")


def _minimum(
    truth: Truth, needed: set[str], api: str, tracked: list[str], before: dict, after: dict
) -> dict[str, int]:
    search = max(1, math.ceil(len(needed) / PAGE))
    if api == "cloud" and needed:
        histories = sum(truth.tracked_histories(k, tracked) for k in needed)
        per_request = max(
            math.ceil(len(needed) / BULK_ISSUES), math.ceil(histories / BULK_HISTORIES)
        )
        changelog = per_request * max(1, math.ceil(len(tracked) / BULK_FIELDS))
    elif api == "youtrack" and needed:
        activities = sum(truth.tracked_histories(k, tracked) for k in needed)
        changelog = max(1, math.ceil(activities / STREAM_PAGE))
    else:
        changelog = 0  # Data Center embeds the changelog in the search page; nothing needed
    changed = [k for k in after if after[k][:2] != before[k][:2]]
    if api == "youtrack":  # field values and tags are two calls in YouTrack's API
        writes = sum((after[k][0] != before[k][0]) + (after[k][1] != before[k][1]) for k in changed)
    else:
        writes = len(changed)
    comments = sum(after[k][2] - before[k][2] for k in after)
    return {"search": search, "changelog": changelog, "writes": writes, "comments": comments}


def _label(k: int) -> str:
    return {0: "full", 1: "1st after full", 2: "2nd after full"}.get(k, f"steady {k}")


def run_steady(
    tracker: str = "jira",
    mode: str = "cloud",
    n: int = 10_000,
    passes: int = 10,
    share: float = 0.01,
    seed: int = 1,
) -> list[PassRow]:
    """A full pass, then `passes` scheduled passes with `share` of the issues changed before
    each; one `PassRow` per pass."""
    configure_logging("json", "error")
    scenario = synthetic_scenario(n, 10, seed=seed)
    sim: list[datetime] = [scenario.now]
    rng = random.Random(seed + 1)
    rows: list[PassRow] = []
    api = "youtrack" if tracker == "youtrack" else mode
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_sandbox(tracker, scenario=scenario, mode=mode) as sb,
    ):
        sb.set_clock(lambda: sim[0])
        truth = truth_of(sb)
        app = App(_settings(sb, Path(tmp) / "state.sqlite3"), clock=lambda: sim[0])
        runner = app.runner()
        ledger = Ledger(runner.b.tracker._http.session, truth.key_of)  # type: ignore[attr-defined]
        keys = truth.keys()
        previous: datetime | None = None
        for k in range(passes + 1):
            start = sim[0]
            if k == 0:  # the first pass: open requests and those updated within the look-back
                days = app.options.closed_lookback_days
                needed = truth.open_or_updated_since(start - timedelta(days=days or 36500))
            else:
                changed = rng.sample(keys, int(n * share))
                times = sorted(start + CADENCE * rng.uniform(0.01, 0.99) for _ in changed)
                for key, at in zip(changed, times, strict=True):
                    sim[0] = at
                    _people_change(sb, truth, rng, key)
                sim[0] = start + CADENCE
                needed = {key for key in changed if _by_people(truth, key, start, sim[0])}
            before = truth.snapshot()
            sb.reset_requests()
            ledger.reset()
            runner.refresh()  # the service's scheduled pass re-reads field definitions
            t = time.perf_counter()
            runner.sync_since()
            wall = time.perf_counter() - t
            after = truth.snapshot()
            total = sb.requests()["total"]
            tracked = runner.b.history_field_ids()
            minimum = _minimum(truth, needed, api, tracked, before, after)

            def classify(key: str, needed=needed, previous=previous, now=sim[0]) -> str:
                if key in needed:
                    return "people"
                last = truth.last_change(key, now)
                own = last and last[0] == BOT and previous is not None and last[1] >= previous
                return "own" if own else "overlap"

            shares = ledger.shares(classify)
            cost = {c: sum(v for (_, cl), v in shares.items() if cl == c) for c in _CLASSES}
            listed = Counter(classify(key) for key in ledger.listed())
            rows.append(
                PassRow(_label(k), len(needed), ledger.counts(), total, minimum, listed, cost, wall)
            )
            previous = sim[0]
        app.close()
    return rows


_CLASSES = ("people", "own", "overlap")


def _by_people(truth: Truth, key: str, since: datetime, now: datetime) -> bool:
    """Did a person change the issue after `since` (its newest change before `now`)?"""
    last = truth.last_change(key, now)
    return bool(last and last[0] != BOT and last[1] > since)


MODES = (("jira", "cloud"), ("jira", "datacenter"), ("youtrack", "cloud"))


def _row(name: str, r: PassRow) -> str:
    q, m = r.requests, r.minimum
    listed = f"{r.listed['people']}/{r.listed['own']}/{r.listed['overlap']}"
    made = f"{r.total} ({q['setup']}+{q['search']}+{q['changelog']}+{q['writes'] + q['comments']}"
    made += f"+{r.total - q['setup'] - q['search'] - q['changelog'] - q['writes'] - q['comments']})"
    floor = f"{r.floor} ({m['search']}+{m['changelog']}+{m['writes'] + m['comments']})"
    return (
        f"  {name:<16}{r.label:<16}{r.people:>6}  {listed:<18}{made:<33}{floor:<24}"
        f"{r.ratio:>6.3f}{r.wall_s:>8.1f}"
    )


def print_steady(n: int = 10_000, passes: int = 8) -> None:
    """The steady-state table of `make bench` (section "sync")."""
    print(
        f"\n(3) passes over {n:,} issues (~10 changes each), a pass every 5 simulated minutes"
        " (the service's schedule, default settings: overlap 5 min), 1 % of the issues changed"
        " by people between passes; minimum from ground truth (bench/sync.py)"
    )
    print(
        "  requests = setup + search + changelog + writes/comments + other; minimum = search +"
        " changelog + writes/comments; listed: issues on the search pages changed by people /"
        " last changed by our own writes of the previous pass / re-read by the overlap"
    )
    print(
        f"  {'tracker':<16}{'pass':<16}{'people':>6}  {'listed p/own/ovl':<18}{'requests':<33}"
        f"{'minimum':<24}{'ratio':>6}{'wall s':>8}"
    )
    for tracker, mode in MODES:
        name = "youtrack" if tracker == "youtrack" else f"jira {mode}"
        rows = run_steady(tracker, mode, n=n, passes=passes)
        for r in rows:
            print(_row(name, r))
        steady = [r for r in rows if r.label.startswith("steady")]
        ratios = [r.ratio for r in steady]
        over = [r.cost["overlap"] for r in steady]
        own = [r.cost["own"] for r in steady]
        print(
            f"  {name:<16}steady state over {len(steady)} passes: ratio {min(ratios):.3f}–"
            f"{max(ratios):.3f}; per pass the overlap took {min(over):.1f}–{max(over):.1f} "
            f"requests, re-reading our own writes {min(own):.1f}–{max(own):.1f} "
            "(search pages and changelogs, shared by what each issue took of them)"
        )
