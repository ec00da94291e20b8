"""Jira sandbox field administration: create a field, its contexts and options, edit metadata.

References:
- POST /rest/api/2/field (the bean has name, description, type, searcherKey; no options):
  https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-fields/#api-rest-api-2-field-post
- contexts (Cloud only): https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/
- options (Cloud only): https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/
- edit metadata (both): https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/issue-getEditIssueMeta
- an option by id (both): https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/customFieldOption-getCustomFieldOption
The docs give the status codes of failures but not their texts: the messages here are ours,
in Jira's error shape ({"errorMessages": [...], "errors": {...}}).
"""

from __future__ import annotations

from typing import Any

from sandbox.jira.catalog import CF, EDITABLE_SYSTEM, CustomField
from sandbox.jira.search import error
from sandbox.server import Request, Response, Router

__all__ = ["JiraFieldAdmin"]

_OPTION_TYPES = ("select", "multicheckboxes")


class JiraFieldAdmin:
    """Mixin of `JiraApp`: the field administration routes."""

    state: Any
    cat: Any
    cloud: bool
    _issue: Any
    _cloud_only: Any

    def add_field_routes(self, r: Router, api: str) -> None:
        """Register field creation, contexts, options and edit metadata."""
        r.add("POST", f"{api}/field", self.create_field)
        ctx = f"{api}/field/{{fieldId}}/context"
        r.add("GET", ctx, self.list_contexts)
        r.add("POST", ctx, self.create_context)
        r.add("GET", f"{ctx}/{{contextId}}/option", self.list_options)
        r.add("POST", f"{ctx}/{{contextId}}/option", self.create_options)
        r.add("GET", f"{api}/issue/{{key}}/editmeta", self.edit_meta)
        r.add("GET", f"{api}/customFieldOption/{{id}}", self.option)

    def create_field(self, req: Request) -> Response:
        """`POST field` — a custom field without options (the bean has none), one context."""
        body = req.json() or {}
        name, ftype = body.get("name"), str(body.get("type", ""))
        if not name or not ftype.startswith(CF):
            raise error(
                400,
                errors={"type": "Invalid custom field type specified."}
                if name
                else {"name": "You must specify a name for the custom field."},
            )
        with self.state.lock:
            cf = self.cat.add_custom(str(name), ftype, [])
            self.state.version += 1
        return Response(201, next(f for f in self.cat.fields_json() if f["id"] == cf.id))

    def _field(self, req: Request, options: bool = False) -> CustomField:
        self._cloud_only(req)
        cf = self.cat.custom.get(req.params["fieldId"])
        if cf is None:
            raise error(404, "The custom field was not found.")
        if options and cf.type not in _OPTION_TYPES:
            raise error(400, "The custom field doesn't support options.")
        return cf

    def _context(self, req: Request, cf: CustomField) -> dict[str, Any]:
        ctx = next((c for c in cf.contexts if c["id"] == req.params["contextId"]), None)
        if ctx is None:
            raise error(404, "The context was not found.")
        return ctx

    def list_contexts(self, req: Request) -> Any:
        """`GET field/{fieldId}/context` — PageBeanCustomFieldContext."""
        cf = self._field(req)
        values = [
            {
                "id": c["id"],
                "name": c["name"],
                "description": c["description"],
                "isGlobalContext": not c["projectIds"],
                "isAnyIssueType": not c["issueTypeIds"],
            }
            for c in cf.contexts
        ]
        return _page(values, req)

    def create_context(self, req: Request) -> Response:
        """`POST field/{fieldId}/context` — CreateCustomFieldContext."""
        cf = self._field(req)
        body = req.json() or {}
        if not body.get("name"):
            raise error(400, errors={"name": "The name must be specified."})
        with self.state.lock:
            ctx = self.cat.add_context(
                cf, str(body["name"]), body.get("projectIds") or [], body.get("issueTypeIds") or []
            )
            ctx["description"] = str(body.get("description") or "")
        return Response(201, dict(ctx))

    def list_options(self, req: Request) -> Any:
        """`GET field/{fieldId}/context/{contextId}/option` — PageBeanCustomFieldContextOption."""
        cf = self._field(req, options=True)
        self._context(req, cf)
        values = [{"id": oid, "value": v, "disabled": False} for oid, v in cf.options]
        return _page(values, req)

    def create_options(self, req: Request) -> Any:
        """`POST field/{fieldId}/context/{contextId}/option` — the created options."""
        cf = self._field(req, options=True)
        self._context(req, cf)
        wanted = [str(o.get("value", "")) for o in (req.json() or {}).get("options") or ()]
        have = {v for _, v in cf.options}
        if not wanted or any(not v for v in wanted):
            raise error(400, "An option value must be specified.")
        if clash := [v for v in wanted if v in have]:
            raise error(400, f"The option value '{clash[0]}' already exists.")
        with self.state.lock:
            made = [
                {"id": self.cat.add_option(cf, v), "value": v, "disabled": False} for v in wanted
            ]
            self.state.version += 1
        return {"options": made}

    def option(self, req: Request) -> Any:
        """`GET customFieldOption/{id}` — the resource every option's `self` links to."""
        for cf in self.cat.custom.values():
            for oid, value in cf.options:
                if oid == req.params["id"]:
                    return {
                        "self": f"{self.cat.base}/rest/api/2/customFieldOption/{oid}",
                        "value": value,
                    }
        raise error(404, f"A custom field option with id '{req.params['id']}' does not exist.")

    def edit_meta(self, req: Request) -> Any:
        """`GET issue/{key}/editmeta` — the fields an edit accepts; select options included.

        Not modelled: screens. Every custom field and the editable system fields are on every
        issue's edit screen here; real Jira lists only the fields of the project's edit screen.
        """
        self._issue(req)
        fields: dict[str, Any] = {}
        for f in self.cat.fields_json():
            fid = f["id"]
            if fid not in self.cat.custom and fid not in EDITABLE_SYSTEM:
                continue
            entry = {
                "required": fid == "summary",
                "schema": f["schema"],
                "name": f["name"],
                "key": fid,
                "operations": ["set"] + (["add", "remove"] if fid == "labels" else []),
            }
            cf = self.cat.custom.get(fid)
            if cf is not None and cf.type in _OPTION_TYPES:
                entry["allowedValues"] = [
                    {
                        "self": f"{self.cat.base}/rest/api/2/customFieldOption/{oid}",
                        "value": v,
                        "id": oid,
                        "disabled": False,
                    }
                    for oid, v in cf.options
                ]
            fields[fid] = entry
        return {"fields": fields}


def _page(values: list[dict[str, Any]], req: Request) -> dict[str, Any]:
    start = max(0, req.int_arg("startAt", 0))
    limit = max(1, min(req.int_arg("maxResults", 50), 100))
    chunk = values[start : start + limit]
    return {
        "maxResults": limit,
        "startAt": start,
        "total": len(values),
        "isLast": start + limit >= len(values),
        "values": chunk,
    }
