"""Real tracker samples whose licence keeps them out of this repository.

SOURCES.md of the shared fixtures allows tests to read them from the shared folder beside the
checkout and to skip, with a printed reason, when it is absent. This is the only place that
knows that folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(__file__).resolve().parents[1]
_SHARED = Path(os.environ.get("SLA_SYNC_SHARED_FIXTURES", _ROOT.parent / "shared/fixtures/real"))


def load_outside_sample(name: str) -> Any:
    """Load a sample that may not be copied into the repo, or skip the test with a reason."""
    path = _SHARED / name
    if not path.is_file():
        pytest.skip(f"real sample {name} is not copied into the repo (licence); {path} is absent")
    return json.loads(path.read_text(encoding="utf-8"))
