"""REST JSON of the Jira sandbox's vocabulary: fields, statuses, priorities, users (a mixin).

Shapes of /rest/api/2 (DC 9 and Cloud), checked against real payloads in
tests/sandbox/test_sandbox_jira_contract.py.
"""

from __future__ import annotations

from typing import Any

from sandbox.jira.fieldtypes import CATEGORIES, CF, CUSTOM_SCHEMA, SYSTEM_FIELDS

__all__ = ["CatalogJson"]


class CatalogJson:
    """The `*_json` renderers of `Catalog`."""

    base: str
    mode: str
    custom: dict[str, Any]
    projects: dict[str, dict[str, Any]]

    def fields_json(self) -> list[dict[str, Any]]:
        """`GET /rest/api/2/field`."""
        out = []
        for fid, (name, typ, items, orderable, searchable, clauses) in SYSTEM_FIELDS.items():
            schema = {"type": typ, **({"items": items} if items else {}), "system": fid}
            out.append(
                {
                    "id": fid,
                    "key": fid,
                    "name": name,
                    "custom": False,
                    "orderable": orderable,
                    "navigable": True,
                    "searchable": searchable,
                    "clauseNames": clauses,
                    "schema": schema,
                }
            )
        for cf in self.custom.values():
            typ, items = CUSTOM_SCHEMA[cf.type]
            schema = {
                "type": typ,
                **({"items": items} if items else {}),
                "custom": CF + cf.type,
                "customId": cf.custom_id,
            }
            out.append(
                {
                    "id": cf.id,
                    "key": cf.id,
                    "name": cf.name,
                    "custom": True,
                    "orderable": True,
                    "navigable": True,
                    "searchable": True,
                    "clauseNames": [f"cf[{cf.custom_id}]", cf.name],
                    "schema": schema,
                }
            )
        return out

    def status_json(self, row: dict) -> dict[str, Any]:
        """A status object with its category."""
        cat = CATEGORIES[row["category"]]
        return {
            "self": f"{self.base}/rest/api/2/status/{row['id']}",
            "description": row.get("description", ""),
            "iconUrl": f"{self.base}/images/icons/statuses/generic.png",
            "name": row["name"],
            "id": row["id"],
            "statusCategory": {"self": f"{self.base}/rest/api/2/statuscategory/{cat['id']}", **cat},
        }

    def priority_json(self, row: dict) -> dict[str, Any]:
        """A priority object."""
        return {
            "self": f"{self.base}/rest/api/2/priority/{row['id']}",
            "statusColor": row.get("statusColor", "#707070"),
            "description": row.get("description", row["name"]),
            "iconUrl": f"{self.base}/images/icons/priorities/medium.svg",
            "name": row["name"],
            "id": row["id"],
        }

    def resolution_json(self, row: dict) -> dict[str, Any]:
        """A resolution object."""
        return {
            "self": f"{self.base}/rest/api/2/resolution/{row['id']}",
            "id": row["id"],
            "description": row.get("description", row["name"]),
            "name": row["name"],
        }

    def issuetype_json(self, row: dict) -> dict[str, Any]:
        """An issue type object."""
        return {
            "self": f"{self.base}/rest/api/2/issuetype/{row['id']}",
            "id": row["id"],
            "description": row.get("description", ""),
            "name": row["name"],
            "subtask": False,
            "avatarId": 10303,
            "iconUrl": f"{self.base}/images/icons/issuetypes/task.svg",
        }

    def project_json(self, key: str) -> dict[str, Any]:
        """A project reference as embedded in issues."""
        p = self.projects[key]
        return {
            "self": f"{self.base}/rest/api/2/project/{p['id']}",
            "id": p["id"],
            "key": key,
            "name": p.get("name", key),
            "projectTypeKey": "service_desk",
            "avatarUrls": {
                s: f"{self.base}/secure/projectavatar?pid={p['id']}&size={s}"
                for s in ("48x48", "24x24", "16x16", "32x32")
            },
        }

    def user_json(self, user: Any) -> dict[str, Any] | None:
        """A user object: Cloud identifies by accountId, Data Center by name/key."""
        if user is None:
            return None
        ident: dict[str, Any]
        if self.mode == "cloud":
            ident = {
                "self": f"{self.base}/rest/api/2/user?accountId={user.account_id}",
                "accountId": user.account_id,
            }
        else:
            ident = {
                "self": f"{self.base}/rest/api/2/user?username={user.name}",
                "name": user.name,
                "key": user.name,
            }
        avatar = f"{self.base}/secure/useravatar?ownerId={user.name}"
        out = {
            **ident,
            "emailAddress": user.email,
            "avatarUrls": {s: f"{avatar}&size={s}" for s in ("48x48", "24x24", "16x16", "32x32")},
            "displayName": user.display_name,
            "active": True,
            "timeZone": user.time_zone,
        }
        if self.mode == "cloud":
            out["accountType"] = "atlassian"
        return out
