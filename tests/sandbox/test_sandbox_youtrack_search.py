"""The sandbox's YouTrack query language: the documented forms, and the adapter's own queries.

Each form below is taken from the documentation it cites:
- Search Query Grammar (or / and / parentheses / braces / ranges / `#` and `-` values / has):
  https://www.jetbrains.com/help/youtrack/server/2022.1/Search-Query-Grammar.html
- Attribute-based search (commas, repeated attributes, `*` for an open range, `#Open -Normal`):
  https://www.jetbrains.com/help/youtrack/server/2022.3/attribute-based-search.html
SMALL: SUP-1 resolved (Высокий, Магнит, tag "old"), SUP-2 Создана (Низкий), SUP-3 Уточнение
(Средний).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox import Sandbox
from sync.ports import SearchQuery
from sync.trackers.youtrack.http import query_for
from tests.sandbox.conftest import session


def _keys(sb: Sandbox, query: str) -> list[str]:
    resp = session(sb).get(f"{sb.url}/api/issues", params={"query": query, "fields": "idReadable"})
    assert resp.status_code == 200, resp.text
    return sorted(i["idReadable"] for i in resp.json())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # grammar: OrExpression / AndExpression / parentheses
        ("#Resolved or Priority: Низкий", ["SUP-1", "SUP-2"]),
        ("project: SUP and (#Unresolved or updated: 2026-11-01 .. *)", ["SUP-1", "SUP-2", "SUP-3"]),
        ("(#Unresolved and Priority: Средний) or issue id: SUP-1", ["SUP-1", "SUP-3"]),
        ("project: SUP and (#Unresolved or updated: 2026-11-18 .. *)", ["SUP-2", "SUP-3"]),
        ("()", ["SUP-1", "SUP-2", "SUP-3"]),
        # attribute-based search: commas are alternatives, so is a repeated attribute
        ("Priority: Низкий, Средний", ["SUP-2", "SUP-3"]),
        ("Priority: Низкий Priority: Высокий", ["SUP-1", "SUP-2"]),
        ("State: -Выполнено, -Уточнение", ["SUP-2"]),
        # braces for values with spaces; `#value` and `-value` without the attribute
        ("State: {В работе}", []),
        ("#Уточнение", ["SUP-3"]),
        ("#Unresolved -Низкий", ["SUP-3"]),
        ("#SUP-2", ["SUP-2"]),
        # ranges, `*` for an open end, a single date as its whole day
        ("created: * .. 2026-11-16", ["SUP-1", "SUP-3"]),
        ("updated: 2026-11-17", ["SUP-1"]),
        ("has: Заказчик", ["SUP-1"]),
        ("tag: old", ["SUP-1"]),
        ("project: {SUP} sort by: created desc", ["SUP-1", "SUP-2", "SUP-3"]),
    ],
)
def test_documented_query_forms_select_the_documented_issues(
    youtrack: Sandbox, query: str, expected: list[str]
) -> None:
    assert _keys(youtrack, query) == expected


def test_the_adapters_first_pass_and_incremental_queries_are_understood(youtrack: Sandbox) -> None:
    now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    tz = youtrack.state.tz
    first = query_for(
        SearchQuery("project: SUP", open_or_updated_since=now - timedelta(days=30)), tz
    )
    assert "#Unresolved or updated:" in first  # the default closed_lookback_days form
    assert _keys(youtrack, first) == ["SUP-1", "SUP-2", "SUP-3"]
    later = query_for(SearchQuery("project: SUP", updated_since=now - timedelta(hours=3)), tz)
    assert _keys(youtrack, later) == ["SUP-2"]
    closed = query_for(SearchQuery("project: SUP", closed_since=now - timedelta(days=7)), tz)
    assert _keys(youtrack, closed) == ["SUP-1"]


@pytest.mark.parametrize(
    "query",
    ["a or b", "project: SUP and", "(project: SUP", "Nonexistent: 1", "#NoSuchValue", "sort by: x"],
)
def test_what_the_sandbox_does_not_model_is_a_400_not_an_empty_list(
    youtrack: Sandbox, query: str
) -> None:
    resp = session(youtrack).get(f"{youtrack.url}/api/issues", params={"query": query})
    assert resp.status_code == 400, (query, resp.text)
    assert resp.json()["error"] == "bad_request"
