"""Sandbox trackers: local HTTP servers speaking the tracker REST subsets sla-sync uses.

with start_sandbox(scenario="demo", mode="cloud") as sb:
    JIRA(server=sb.url, basic_auth=(sb.email, sb.token))
with start_sandbox("youtrack", scenario="demo") as sb:
    requests.get(f"{sb.url}/api/issues", headers=sb.headers(), params={"query": "project: SUP"})
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sandbox.jira.app import JiraApp
from sandbox.jira.state import JiraState
from sandbox.scenario import Scenario, load_scenario, parse_time, synthetic_scenario
from sandbox.server import SandboxServer, WebhookSender
from sandbox.youtrack.app import YouTrackApp
from sandbox.youtrack.state import YouTrackState

__all__ = [
    "Sandbox",
    "load_scenario",
    "parse_time",
    "serve_forever",
    "start_sandbox",
    "synthetic_scenario",
]

BOT, HUMAN = "sla-bot", "agent"
TRACKERS = ("jira", "youtrack")


class Sandbox:
    """A running sandbox tracker: its URL, credentials, state, and admin shortcuts."""

    def __init__(
        self,
        server: SandboxServer,
        app: JiraApp | YouTrackApp,
        sender: WebhookSender,
        mode: str,
        tracker: str = "jira",
    ) -> None:
        self.server, self.app, self.sender, self.mode = server, app, sender, mode
        self.tracker = tracker
        self.state: Any = app.state  # JiraState or YouTrackState
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"
        app.cat.base = self.url
        bot, human = app.cat.users[BOT], app.cat.users[HUMAN]
        self.email, self.token = bot.email, bot.token or ""
        self.human_email, self.human_token = human.email, human.token or ""
        self._thread = threading.Thread(
            target=server.serve_forever,
            name="sandbox-http",
            kwargs={"poll_interval": 0.01},  # how long stop() waits for the loop to notice
            daemon=True,
        )
        self._thread.start()

    @property
    def now(self) -> Any:
        """The scenario's `now` (relative scenario times are resolved against it)."""
        return self.state.scenario.now

    def auth(self, human: bool = False) -> dict[str, Any]:
        """Keyword arguments for `jira.JIRA(...)` as the bot (or the human); Jira only."""
        email, token = (self.human_email, self.human_token) if human else (self.email, self.token)
        return {"basic_auth": (email, token)} if self.mode == "cloud" else {"token_auth": token}

    def headers(self, human: bool = False) -> dict[str, str]:
        """An Authorization header for raw HTTP calls."""
        import base64

        email, token = (self.human_email, self.human_token) if human else (self.email, self.token)
        if self.mode == "cloud" and self.tracker == "jira":
            return {
                "Authorization": "Basic " + base64.b64encode(f"{email}:{token}".encode()).decode()
            }
        return {"Authorization": f"Bearer {token}"}

    def human_change(
        self,
        key: str,
        set: Mapping[str, Any] | None = None,
        by: str = HUMAN,
        comment: str | None = None,
    ) -> Any:
        """A human edits an issue (scenario-style names), recorded and sent as a webhook."""
        return self._admin(
            "POST",
            f"/_sandbox/issues/{key}/change",
            {"set": dict(set or {}), "by": by, "comment": comment},
        )

    def issues(self, stable: bool = False) -> Any:
        """The full state dump (`GET /_sandbox/issues`)."""
        return self._admin("GET", "/_sandbox/issues" + ("?stable=1" if stable else ""))

    def requests(self, log: bool = False) -> Any:
        """Request counters (and the per-request log)."""
        return self._admin("GET", "/_sandbox/requests" + ("?log=1" if log else ""))

    def count(self, method: str, route: str, status: int | None = None) -> int:
        """How many requests hit a route template (`/rest/api/{v}/issue/{key}`, `/api/issues`)."""
        with self.server.lock:
            return sum(
                c
                for (m, r, s), c in self.server.counts.items()
                if m == method and r == route and status in (None, s)
            )

    def reset_requests(self) -> None:
        """Clear the request counters and log."""
        self._admin("DELETE", "/_sandbox/requests")

    def set_faults(self, rules: list[Mapping[str, Any]]) -> None:
        """Replace the fault rules (see `server.FaultRule`); [] clears them."""
        self.server.set_faults(list(rules))

    def set_clock(self, clock: Callable[[], datetime] | None) -> None:
        """Stamp live changes (`updated`, history, comments) and resolve JQL/query dates by
        `clock` instead of the real time; None restores the real clock.

        A test and bench hook, not a tracker feature: it lets a bench simulate a pass every
        five minutes, with sla-sync's `App` running on the same clock.
        """
        self.state.clock = clock

    def set_webhook(self, url: str | None, secret: str | None = None) -> None:
        """Point webhooks at `url` (None disables them)."""
        self.sender.url, self.sender.secret = url, secret

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        """Shut the server and the webhook thread down."""
        self.server.shutdown()
        self.server.server_close()
        self.sender.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox(
    tracker: str = "jira",
    scenario: str | Path | dict | Scenario | None = "demo",
    mode: str = "cloud",
    port: int = 0,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    host: str = "127.0.0.1",
    seed: int = 0,
) -> Sandbox:
    """Start a sandbox tracker (`jira` or `youtrack`) on a thread; `port=0` picks a free port.

    `mode` is Jira's deployment (`cloud` / `datacenter`); YouTrack takes `cloud` or `server`
    (the REST subset is the same).
    """
    if tracker not in TRACKERS:
        raise ValueError(f"unknown sandbox tracker {tracker!r} (available: {', '.join(TRACKERS)})")
    modes = ("cloud", "datacenter") if tracker == "jira" else ("cloud", "server")
    if mode not in modes:
        raise ValueError(f"mode must be one of {modes} for {tracker}, got {mode!r}")
    sc = load_scenario(scenario)
    sender = WebhookSender(webhook_url, webhook_secret, style=tracker)
    app: JiraApp | YouTrackApp
    if tracker == "youtrack":
        app = YouTrackApp(YouTrackState(sc), sender)
    else:
        app = JiraApp(JiraState(sc, mode), sender)
    server = SandboxServer(app, host, port, seed=seed)
    server.set_faults(sc.faults)
    return Sandbox(server, app, sender, mode, tracker)


def serve_forever(
    port: int = 8080, scenario: str | Path = "demo", mode: str = "cloud", tracker: str = "jira"
) -> None:
    """Run a sandbox in the foreground until Ctrl-C (used by `sla-sync sandbox`)."""
    sb = start_sandbox(tracker, scenario, mode, port)
    if tracker == "youtrack":
        auth = f"login {BOT}, permanent token {sb.token}"
    elif mode == "cloud":
        auth = f"e-mail {sb.email}, API token {sb.token}"
    else:
        auth = f"personal access token {sb.token}"
    print(
        f"{tracker} sandbox ({mode}, scenario {sb.state.scenario.name}, "
        f"{len(sb.state.issues)} issues) at {sb.url}"
    )
    print(f"service account: {auth}")
    human = HUMAN if tracker == "youtrack" else sb.human_email
    print(f"human user: {human} / {sb.human_token}")
    print("Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
