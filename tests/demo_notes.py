"""The demo scenario's hand-written notes: what each request looks like at the demo's `now`."""

from __future__ import annotations

import re
from importlib import resources

# "  # SUP-2: ...\n  #   at now: running, ~13 of 12 business h (...) -> BREACHED"
NOTE = re.compile(
    r"# (SUP-\d+):.*?\n\s*#\s+at now: (running|paused|stopped), ~([\d.]+) of ([\d.]+) "
    r"business h .*?-> ([A-Z ]+|ok|closed)"
)


def demo_notes() -> dict[str, tuple[str, float, str]]:
    """Per open request: (clock state, business hours left by the note, verdict)."""
    text = resources.files("sandbox").joinpath("scenarios/demo.yaml").read_text("utf-8")
    return {
        key: (state, float(target) - float(counted), verdict.strip())
        for key, state, counted, target, verdict in NOTE.findall(text)
        if state != "stopped"
    }
