"""Options of Jira select fields: read them, and add the missing ones where Jira allows it.

Jira Cloud has REST resources for a custom field's contexts and each context's options:
https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/
https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/
Data Center has no REST resource for options; what an issue's edit screen offers is in the
issue's edit metadata (`allowedValues`), which is also exactly what a write of it accepts:
https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/issue-getEditIssueMeta
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from sync.errors import UnsupportedError
from sync.trackers.http import RetryingHttp
from sync.trackers.paging import start_at_pages

__all__ = ["add_cloud_options", "cloud_options", "dc_steps", "edit_screen_options"]

Url = Callable[[str], str]


def _contexts(http: RetryingHttp, url: Url, field_id: str) -> list[Mapping[str, Any]]:
    base = url(f"api/3/field/{quote(field_id, safe='')}/context")

    def fetch(start: int) -> Mapping[str, Any]:
        return http.request("GET", base, params={"startAt": start, "maxResults": 50})

    return [c for p in start_at_pages(fetch, "values", what=f"GET {base}") for c in p["values"]]


def _options(http: RetryingHttp, url: Url, field_id: str, context_id: str) -> list[str]:
    base = url(f"api/3/field/{quote(field_id, safe='')}/context/{context_id}/option")

    def fetch(start: int) -> Mapping[str, Any]:
        return http.request("GET", base, params={"startAt": start, "maxResults": 100})

    pages = start_at_pages(fetch, "values", what=f"GET {base}")
    # A disabled option cannot be chosen on an issue: it does not count as offered.
    return [str(o["value"]) for p in pages for o in p["values"] if not o.get("disabled")]


def cloud_options(http: RetryingHttp, url: Url, field_id: str) -> tuple[str, ...]:
    """Enabled option values of every context of a Cloud select field."""
    values: list[str] = []
    for ctx in _contexts(http, url, field_id):
        values += _options(http, url, field_id, str(ctx["id"]))
    return tuple(dict.fromkeys(values))


def add_cloud_options(
    http: RetryingHttp, url: Url, field_id: str, name: str, values: Sequence[str]
) -> None:
    """Add `values` to every context of the field that lacks them (a global one if none)."""
    contexts = _contexts(http, url, field_id)
    base = url(f"api/3/field/{quote(field_id, safe='')}/context")
    if not contexts:
        # Empty projectIds / issueTypeIds: a global context for all issue types.
        made = http.request(
            "POST", base, json={"name": f"{name} context", "projectIds": [], "issueTypeIds": []}
        )
        contexts = [made]
    for ctx in contexts:
        have = set(_options(http, url, field_id, str(ctx["id"])))
        missing = [v for v in values if v not in have]
        if missing:
            http.request(
                "POST",
                f"{base}/{ctx['id']}/option",
                json={"options": [{"value": v, "disabled": False} for v in missing]},
            )


def edit_screen_options(
    http: RetryingHttp, url: Url, field_id: str, issue_key: str
) -> tuple[str, ...] | None:
    """The options the issue's edit screen offers for the field; () when it is not there."""
    meta = http.request("GET", url(f"api/2/issue/{quote(issue_key, safe='')}/editmeta"))
    field = ((meta or {}).get("fields") or {}).get(field_id)
    if field is None:
        return ()  # not on the edit screen: a write of it is rejected whatever the value
    return tuple(str(v.get("value")) for v in field.get("allowedValues") or () if "value" in v)


def dc_steps(name: str, values: Sequence[str]) -> UnsupportedError:
    """Jira Data Center has no REST API for options: what an administrator does instead."""
    listed = ", ".join(values)
    return UnsupportedError(
        f"Jira Data Center cannot add select options through its REST API; field {name!r} "
        f"needs the options {listed}",
        "as a Jira administrator: Administration (cog) → Issues → Custom fields → "
        f"{name} → ⋯ → Contexts and default value → Edit Options → add {listed}; then "
        f"make sure {name} is on the edit screen of the project's issue types "
        "(Project settings → Screens), and run `sla-sync check` again",
    )
