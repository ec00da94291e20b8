"""Fixtures for the sandbox tracker tests: running sandboxes and an authenticated session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox import Sandbox, start_sandbox

SMALL = {
    "now": "2026-11-18T15:00:00+03:00",
    "timezone": "Europe/Moscow",
    "issues": [
        {
            "key": "SUP-1",
            "summary": "Касса",
            "created": "now-3d",
            "reporter": {"name": "ivan", "emailAddress": "ivan@magnit.ru"},
            "fields": {"priority": "Высокий", "Заказчик": "Магнит", "labels": ["old"]},
            "history": [
                {"at": "now-2d", "set": {"status": "В работе"}},
                {"at": "now-1d", "set": {"status": "Выполнено", "resolution": "Решена"}},
            ],
        },
        {"key": "SUP-2", "summary": "Отчёт", "created": "now-2h", "fields": {"priority": "Низкий"}},
        {
            "key": "SUP-3",
            "summary": "Цены",
            "created": "day-7 10:00",
            "fields": {"priority": "Средний", "status": "Уточнение"},
            "history": [
                {
                    "at": f"day-6 1{n % 8}:00",
                    "set": {"status": "В работе" if n % 2 == 0 else "Уточнение"},
                }
                for n in range(120)
            ],
        },
    ],
}


@pytest.fixture
def cloud() -> Iterator[Sandbox]:
    """A Cloud-mode sandbox with the small scenario."""
    with start_sandbox(scenario=SMALL, mode="cloud") as sb:
        yield sb


@pytest.fixture
def dc() -> Iterator[Sandbox]:
    """A Data Center-mode sandbox with the small scenario."""
    with start_sandbox(scenario=SMALL, mode="datacenter") as sb:
        yield sb


def session(sb: Sandbox, human: bool = False) -> requests.Session:
    """A requests session authenticated as the bot (or the human)."""
    s = requests.Session()
    s.headers.update(sb.headers(human))
    return s


@pytest.fixture
def youtrack() -> Iterator[Sandbox]:
    """A YouTrack sandbox with the small scenario (the same file as the Jira fixtures)."""
    with start_sandbox("youtrack", scenario=SMALL) as sb:
        yield sb
