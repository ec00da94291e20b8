"""The mapping profile file's schema (pydantic): validation only; the code uses `Profile`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr

from sla.enums import Channel, ClockState, Line, Priority, RequestType, Resolution, Status

DEFAULT_BREACH_COMMENT = (
    "SLA нарушен по заявке {key}: приоритет {priority}, норматив {target} раб. ч, "
    "срок истёк {breached_at}."
)

_Name = StrictStr | StrictInt
_Ref = StrictStr | list[StrictStr]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StateSpec(StrictModel):
    field: _Ref
    values: dict[ClockState, StrictStr] = {s: s.value for s in ClockState}


class BreachedSpec(StrictModel):
    field: _Ref
    yes_value: StrictStr = "Yes"
    no_value: StrictStr = "No"


class LabelsSpec(StrictModel):
    breached: StrictStr | None = None
    at_risk: StrictStr | None = None


class CommentSpec(StrictModel):
    enabled: StrictBool = False
    template: StrictStr = DEFAULT_BREACH_COMMENT


class WriteFileSpec(StrictModel):
    due: _Ref | None = None
    state: _Ref | StateSpec | None = None
    breached: _Ref | BreachedSpec | None = None
    elapsed_hours: _Ref | None = None
    remaining_hours: _Ref | None = None
    labels: LabelsSpec = LabelsSpec()
    breach_comment: CommentSpec = CommentSpec()


class FieldsSpec(StrictModel):
    line: _Ref | None = None
    customer: _Ref | None = None
    channel: _Ref | None = None
    registered_at: _Ref | None = None
    requester_email: _Ref | None = None


class ProfileFile(StrictModel):
    tracker: StrictStr
    statuses: dict[Status, list[_Name]]
    priorities: dict[Priority, list[_Name]]
    resolutions: dict[Resolution, list[_Name]] = {}
    request_types: dict[RequestType, list[_Name]] = {}
    channels: dict[Channel, list[_Name]] = {}
    lines: dict[Line, list[_Name]] = {}
    default_priority: Priority | None = None
    fields: FieldsSpec = FieldsSpec()
    write: WriteFileSpec = WriteFileSpec()


# Pydantic names a union branch by its model in error locations; these are not profile keys.
MODEL_NAMES = frozenset(
    m.__name__
    for m in (StateSpec, BreachedSpec, LabelsSpec, CommentSpec, WriteFileSpec, FieldsSpec)
)
