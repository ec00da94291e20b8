"""Carry out one issue's plan: tracker writes, the breach comment, notices, the store record."""

from __future__ import annotations

from sync.adapters.live_store import record_snapshot
from sync.errors import SkippableIssueError
from sync.passes.decide import BREACH_COMMENT, Plan
from sync.passes.deliver import Effects, deliver, post_comment_once

__all__ = ["apply", "comment_once"]


def apply(fx: Effects, p: Plan) -> tuple[str, bool]:
    """Write the plan; record the issue in the store. Returns (outcome, commented)."""
    if p.duplicate:
        return "duplicate", False
    c = p.changes
    if c:
        fx.tracker.update(
            p.key, c.fields, labels_add=list(c.labels_add), labels_remove=list(c.labels_remove)
        )
    commented = bool(p.comment) and comment_once(fx, p.key, p.comment or "")
    delivery = deliver(fx, p.key, p.notices)
    fx.store.record_issue(
        fx.tracker_name,
        p.key,
        seen_updated_us=p.updated_us,
        check_us=p.check_us,
        state=p.state,
        breached=p.breached,
        due_us=p.due_us,
        hours_written_us=p.hours_written_us,
        recorded_us=fx.now_us(),
    )
    record_snapshot(fx.store, p.snapshot)  # the live view's read model (same file)
    if delivery.problems:  # after record_issue: the failure makes the next pass retry
        raise SkippableIssueError(p.key, "; ".join(delivery.problems))
    if c or commented or delivery.sent:
        return "written", commented
    return ("unchanged" if p.human or p.seen is None else "own-write"), False


def comment_once(fx: Effects, key: str, text: str) -> bool:
    """Record intent, post, mark done; after a crash or a lost answer, look before posting
    (the rules of `sync.passes.deliver`). True when this call posted it."""
    store, name = fx.store, fx.tracker_name
    state = store.intent(name, key, BREACH_COMMENT)  # read now: another pass may have posted
    if state == "done":
        return False
    store.mark_intent(name, key, BREACH_COMMENT, "intended", fx.now_us())
    posted = post_comment_once(fx, key, text, maybe_posted=state == "intended")
    store.mark_intent(name, key, BREACH_COMMENT, "done", fx.now_us())
    return posted
