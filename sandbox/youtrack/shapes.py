"""JSON views of the YouTrack sandbox's data: issues, activity items, comments, tags, the dump.

Everything is rendered in full and then cut down by the request's `fields=` (see
`youtrack_query.project`), as YouTrack returns only the attributes a client asks for.
https://www.jetbrains.com/help/youtrack/devportal/api-entity-ActivityItem.html
"""

from __future__ import annotations

from typing import Any

from sandbox.youtrack.catalog import epoch_ms
from sandbox.youtrack.state import YouTrackState, YtIssue
from sandbox.youtrack.values import activity_value, issue_value

__all__ = ["CATEGORIES", "activity_json", "comment_json", "dump", "issue_json", "tag_json"]

# stored activity kind -> ($type, category id)
CATEGORIES = {
    "field": ("CustomFieldActivityItem", "CustomFieldCategory"),
    "created": ("IssueCreatedActivityItem", "IssueCreatedCategory"),
    "resolved": ("IssueResolvedActivityItem", "IssueResolvedCategory"),
    "tags": ("TagsActivityItem", "TagsCategory"),
}


def _sharing(state: YouTrackState, refs: set[str], type_name: str) -> dict[str, Any]:
    groups = sorted(r for r in refs if r in state.cat.groups)
    return {
        "$type": type_name,
        "id": f"{type_name}-{'.'.join(sorted(refs))}",
        "permittedGroups": [state.cat.group_json(g) for g in groups],
        "permittedUsers": [state.cat.user_json(u) for u in sorted(refs - set(groups))],
    }


def tag_json(state: YouTrackState, tag_id: str) -> dict[str, Any]:
    """A `Tag` with its owner and sharing settings (api-entity-Tag)."""
    tag = state.tags[tag_id]
    read = tag["read"] | tag["use"] | tag["update"]
    first = sorted(g for g in read if g in state.cat.groups)
    update = sorted(g for g in tag["update"] if g in state.cat.groups)
    return {
        "$type": "Tag",
        "id": tag["id"],
        "name": tag["name"],
        "owner": state.cat.user_json(tag["owner"]),
        "untagOnResolve": False,
        "color": {"$type": "FieldStyle", "id": "0", "background": "#fff", "foreground": "#444"},
        # Deprecated single groups, null when only the owner may (api-entity-Tag).
        "visibleFor": state.cat.group_json(first[0]) if first else None,
        "updateableBy": state.cat.group_json(update[0]) if update else None,
        "readSharingSettings": _sharing(state, read, "WatchFolderSharingSettings"),
        "tagSharingSettings": _sharing(state, tag["use"], "TagSharingSettings"),
        "updateSharingSettings": _sharing(state, tag["update"], "WatchFolderSharingSettings"),
    }


def comment_json(state: YouTrackState, c: dict[str, Any]) -> dict[str, Any]:
    """An `IssueComment`."""
    return {
        "$type": "IssueComment",
        "id": c["id"],
        "text": c["text"],
        "textPreview": c["text"],
        "created": epoch_ms(c["at"]),
        "updated": None,
        "author": state.cat.user_json(c["author"]),
        "deleted": False,
    }


def issue_json(
    state: YouTrackState, issue: YtIssue, only: list[str] | None = None, viewer: str | None = None
) -> dict:
    """An `Issue` as `viewer` sees it (tags); `only` restricts customFields (`customFields=`)."""
    cat = state.cat
    p = cat.projects[issue.project]
    fields = [f for f in cat.fields.values() if only is None or f.name in only]
    return {
        "$type": "Issue",
        "id": issue.id,
        "idReadable": issue.key,
        "numberInProject": int(issue.key.rsplit("-", 1)[1]),
        "summary": issue.summary,
        "description": issue.description,
        "wikifiedDescription": issue.description or "",
        "created": epoch_ms(issue.created),
        "updated": epoch_ms(issue.updated),
        "resolved": epoch_ms(issue.resolved),
        "project": {
            "$type": "Project",
            "id": p["id"],
            "shortName": p["shortName"],
            "name": p["name"],
        },
        "reporter": cat.user_json(issue.reporter),
        "updater": cat.user_json(
            issue.activities[-1]["author"] if issue.activities else issue.reporter
        ),
        "tags": [tag_json(state, t) for t in state.visible_tags(issue, viewer)],
        "commentsCount": len(issue.comments),
        "comments": [comment_json(state, c) for c in issue.comments],
        "customFields": [
            {
                "$type": f.issue_type,
                "id": f.pcf_id,
                "name": f.name,
                "value": issue_value(cat, f, issue.values.get(f.name)),
                "projectCustomField": cat.project_field_json(f),
            }
            for f in fields
        ],
    }


def _ref(issue: YtIssue) -> dict[str, Any]:
    return {"$type": "Issue", "id": issue.id, "idReadable": issue.key, "summary": issue.summary}


def activity_json(state: YouTrackState, issue: YtIssue, a: dict[str, Any]) -> dict[str, Any]:
    """One activity item in the shape of the real capture (CustomFieldActivityItem & co)."""
    cat = state.cat
    type_name, category = CATEGORIES[a["kind"]]
    out: dict[str, Any] = {
        "$type": type_name,
        "id": a["id"],
        "timestamp": epoch_ms(a["at"]),
        "author": cat.user_json(a["author"]),
        "category": {"$type": "ActivityCategory", "id": category},
        "target": _ref(issue),
        "targetMember": None,
        "field": None,
        "added": [],
        "removed": [],
    }
    if a["kind"] == "field":
        f = cat.fields[a["field"]]
        out["targetMember"] = f"__CUSTOM_FIELD__{f.name}_{f.id.split('-')[1]}"
        out["field"] = {
            "$type": "CustomFilterField",
            "id": f.id,
            "name": f.name,
            "presentation": f.name,
            "customField": {
                "$type": "CustomField",
                "id": f.id,
                "name": f.name,
                "fieldType": cat.field_type_json(f),
            },
        }
        out["added"] = activity_value(cat, f, a["added"])
        out["removed"] = activity_value(cat, f, a["removed"])
    elif a["kind"] == "created":
        # The creation item carries no values: `added` and `removed` are empty
        # (api-entity-IssueCreatedActivityItem / api-usecase-issue-history).
        out["field"] = {"$type": "PredefinedFilterField", "id": "created", "name": "created"}
    elif a["kind"] == "resolved":
        out["field"] = {"$type": "PredefinedFilterField", "id": "resolved", "name": "resolved"}
        out["added"], out["removed"] = epoch_ms(a["added"]), epoch_ms(a["removed"])
    elif a["kind"] == "tags":
        out["field"] = {"$type": "PredefinedFilterField", "id": "tag", "name": "tag"}
        out["added"] = [tag_json(state, t) for t in a["added"]]
        out["removed"] = [tag_json(state, t) for t in a["removed"]]
    return out


def dump(state: YouTrackState, stable: bool = False) -> dict[str, Any]:
    """Every issue's values, tags, comments and activities (`GET /_sandbox/issues`).

    `stable=True` drops what differs between two otherwise identical runs: `updated`, the
    `resolved` of live resolutions, and the ids and times of activities recorded live.
    """
    with state.lock:
        out = []
        for issue in sorted(state.issues.values(), key=lambda i: i.seq):
            doc = issue_json(state, issue)
            fields = {cf["name"]: _plain(cf["value"]) for cf in doc["customFields"]}
            acts = []
            for raw, a in zip(
                issue.activities,
                (activity_json(state, issue, x) for x in issue.activities),
                strict=True,
            ):
                item = {
                    "type": a["$type"],
                    "field": (a["field"] or {}).get("name"),
                    "author": raw["author"],
                    "added": _plain(a["added"]),
                    "removed": _plain(a["removed"]),
                    **({"muted": True} if raw.get("muted") else {}),
                }
                if not (stable and raw["live"]):
                    item |= {"id": a["id"], "timestamp": a["timestamp"]}
                elif a["$type"] == "IssueResolvedActivityItem":
                    item.pop("added")
                acts.append(item)
            entry = {
                "id": issue.id,
                "key": issue.key,
                "summary": issue.summary,
                "created": doc["created"],
                "resolved": doc["resolved"],
                "updated": doc["updated"],
                "fields": fields,
                "tags": [state.tags[t]["name"] for t in issue.tags],
                "comments": [
                    {"author": c["author"], "text": c["text"]}
                    | ({} if stable else {"created": epoch_ms(c["at"])})
                    for c in issue.comments
                ],
                "activities": acts,
            }
            if stable:
                entry.pop("updated")
                if any(a["live"] and a["kind"] == "resolved" for a in issue.activities):
                    entry.pop("resolved")
            out.append(entry)
        return {"total": len(out), "issues": out}


def _plain(value: Any) -> Any:
    """Values reduced to names / logins / numbers for readable dumps."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        for key in ("login", "name", "minutes", "text", "idReadable"):
            if key in value:
                return value[key]
    return value
