"""Actions against items: fields, allowed status changes, deadline revisions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from afi_tracker.domain.model import (
    ACTION_OPEN,
    ACTION_STATUSES,
    ITEM_CLOSED,
    Action,
    ActionStatus,
    CommitmentSource,
    Evidence,
    ItemStatus,
    new_key,
    owner_key,
    owner_names,
    owners_of,
)
from afi_tracker.errors import AfiError, InvalidValue, TransitionRefused
from afi_tracker.store.store import Transaction

# Where each status may go with `afi update --status` or the verbs. `done` and
# `cancelled` go back only through `afi reopen`, so finished work is not undone
# by a slip of the keyboard.
_PLANNED, _IN_PROGRESS, _BLOCKED, _DONE, _CANCELLED = ActionStatus
TRANSITIONS: Final[dict[str, tuple[ActionStatus, ...]]] = {
    _PLANNED: (_IN_PROGRESS, _BLOCKED, _DONE, _CANCELLED),
    _IN_PROGRESS: (_PLANNED, _BLOCKED, _DONE, _CANCELLED),
    _BLOCKED: (_PLANNED, _IN_PROGRESS, _DONE, _CANCELLED),
    _DONE: (),
    _CANCELLED: (),
}
FINISHED: Final = frozenset({_DONE, _CANCELLED})
NEEDS_REASON: Final = frozenset({_BLOCKED, _CANCELLED})


def check_status(status: str) -> str:
    if status not in ACTION_STATUSES:
        raise InvalidValue(
            f'unknown status "{status}"', hint=f"use one of: {', '.join(ACTION_STATUSES)}"
        )
    return status


def required(value: str | None, what: str) -> str:
    """The value, refused (InvalidValue) when empty or only spaces."""
    if value is None or not value.strip():
        raise InvalidValue(f"{what} must not be empty")
    return value


def _owners(names: str | Sequence[str]) -> list[str]:
    """Owner names as stored: at least one, none empty, each once (any case)."""
    chosen = owner_names([names] if isinstance(names, str) else names)
    if not chosen:
        raise InvalidValue("owner must not be empty", code="owner-empty")
    return chosen


def _evidence(refs: list[str], description: str | None, tx: Transaction) -> list[Evidence]:
    return [
        {"ref": required(ref, "evidence"), "description": description, "at": tx.at, "by": tx.by}
        for ref in refs
    ]


def add(
    tx: Transaction,
    item_handle: str,
    title: str,
    owners: str | Sequence[str],
    due: date | None,
    *,
    status: str = ActionStatus.PLANNED,
    note: str | None = None,
    source: CommitmentSource | None = None,
) -> Action:
    item = tx.item(item_handle)
    if item.get("status") in ITEM_CLOSED:
        raise TransitionRefused(
            f"item {item['id']} is {item['status']}; no new actions can be added",
            code="item-closed",
            item=item["id"],
        )
    check_status(status)
    if status in FINISHED:
        raise TransitionRefused(
            f"a new action cannot start as {status}",
            code="new-action-finished",
        )
    if status in NEEDS_REASON:
        raise InvalidValue(
            f"a new action cannot start as {status} without a reason",
            code="new-action-blocked",
        )
    record: Action = {
        "uid": new_key(),
        "id": "",
        "item": item["id"],
        "title": required(title, "title"),
        "owners": _owners(owners),
        "due": due.isoformat() if due else None,
        "due_history": (
            [{"due": due.isoformat(), "reason": "set when added", "by": tx.by, "at": tx.at}]
            if due
            else []
        ),
        "status": status,
        "status_reason": None,
        "created": tx.at,
        "updated": tx.at,
        "notes": [{"text": note, "by": tx.by, "at": tx.at}] if note else [],
        "evidence": [],
    }
    if source is not None:
        record["source"] = source  # where it came from: a commitment in the report
    action = tx.insert("actions", record)
    if item.get("status") in (ItemStatus.OPEN, ItemStatus.AWAITING_SIGN_OFF):
        tx.update("items", item, status=ItemStatus.IN_PROGRESS)
    return action


def transition(
    tx: Transaction,
    action: Action,
    status: str,
    *,
    reason: str | None = None,
    evidence: list[str] | None = None,
    description: str | None = None,
    reopen: bool = False,
) -> Action:
    check_status(status)
    current = action["status"]
    if reopen:
        if current not in FINISHED:
            raise TransitionRefused(
                f"action {action['id']} is {current}; only done or cancelled actions reopen"
            )
    elif status != current and status not in TRANSITIONS[current]:
        allowed = ", ".join(TRANSITIONS[current])
        message = f"action {action['id']} cannot go from {current} to {status}"
        if allowed:
            raise TransitionRefused(message, hint=f"from {current} it can go to: {allowed}")
        raise TransitionRefused(message, code="action-finished", action=action["id"])
    if status in NEEDS_REASON and not (reason and reason.strip()):
        raise InvalidValue(f"{status} needs a reason", code="reason-required")
    if status == current and not evidence and not reopen and reason == action.get("status_reason"):
        return action
    changes: dict[str, Any] = {
        "status": status,
        "updated": tx.at,
        "status_reason": reason if status in NEEDS_REASON else None,
    }
    if evidence:
        changes["evidence"] = action.get("evidence", []) + _evidence(evidence, description, tx)
    return tx.update("actions", action, **changes)


class Unchanged(AfiError):
    """An update that would change nothing: nothing is written, no history entry
    is made, and `afi undo` still reverts the command before. Not a failure
    (exit 0); the record that already has the values is `action`."""

    exit_code = 0

    def __init__(self, action: Action) -> None:
        super().__init__(
            f"{action['id']} unchanged: it already has those values",
            code="unchanged",
            action=action["id"],
        )
        self.action = action


def update(
    tx: Transaction,
    handle: str,
    *,
    title: str | None = None,
    owners: Sequence[str] | None = None,
    add_owners: Sequence[str] = (),
    remove_owners: Sequence[str] = (),
    due: date | None = None,
    reason: str | None = None,
    status: str | None = None,
    note: str | None = None,
    evidence: list[str] | None = None,
    description: str | None = None,
) -> Action:
    """Change what is given and differs. Asked for nothing, it refuses
    (`nothing-to-change`); asked only for values the action already has, it
    writes nothing and raises Unchanged, so no history entry says something
    changed when nothing did."""
    action = tx.action(handle)
    given = (title, owners, due, status) != (None,) * 4
    if not (given or note or add_owners or remove_owners or evidence):
        raise InvalidValue(
            f"nothing to change on {action['id']}",
            code="nothing-to-change",
        )
    changes: dict[str, Any] = {}
    if title is not None and required(title, "title") != action.get("title"):
        changes["title"] = title
    if owners is not None or add_owners or remove_owners:
        new_owners = changed_owners(action, owners, add_owners, remove_owners)
        if new_owners != owners_of(action):
            changes["owners"] = new_owners
    if due is not None and due.isoformat() != action.get("due"):
        if action.get("due") and not (reason and reason.strip()):
            raise InvalidValue(
                f"changing the deadline of {action['id']} needs a reason",
                code="deadline-reason-required",
            )
        changes["due"] = due.isoformat()
        changes["due_history"] = action.get("due_history", []) + [
            {"due": due.isoformat(), "reason": reason or "set", "by": tx.by, "at": tx.at}
        ]
    if note:
        changes["notes"] = action.get("notes", []) + [{"text": note, "by": tx.by, "at": tx.at}]
    if evidence:
        changes["evidence"] = action.get("evidence", []) + _evidence(evidence, description, tx)
    moves = status is not None and (
        status != action["status"]
        # blocked or cancelled again with another reason: the new reason is recorded
        or (status in NEEDS_REASON and bool(reason) and reason != action.get("status_reason"))
    )
    if not changes and not moves:
        raise Unchanged(action)
    if changes:
        changes["updated"] = tx.at
        action = tx.update("actions", action, **changes)
    if moves:
        assert status is not None
        action = transition(tx, action, status, reason=reason)
    return action


def changed_owners(
    action: Action,
    owners: Sequence[str] | None,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> list[str]:
    """An action's owners after an update: `owners` replaces the list, then
    `remove` takes names off and `add` appends names not there yet (any case).

    Removing a name and adding it in another spelling (`ds jones` off, `DS Jones`
    on) respells it in its place. The same spelling given to both is refused as
    contradictory. An action keeps at least one owner, and a name removed must
    be one of them."""
    adding, removing = owner_names(add), owner_names(remove)
    both = [name for name in adding if name in removing]
    if both:
        raise InvalidValue(
            f"{both[0]} is both added and removed as an owner of {action['id']}",
            code="owner-add-and-remove",
        )
    current = _owners(owners) if owners is not None else owners_of(action)
    respelt = {owner_key(name): name for name in adding}
    for name in removing:
        at = next((i for i, o in enumerate(current) if owner_key(o) == owner_key(name)), None)
        if at is None:
            raise AfiError(
                f"{name} is not an owner of {action['id']} (owners: {', '.join(current)})",
                code="not-an-owner",
                action=action["id"],
            )
        if owner_key(name) in respelt:
            current = [*current[:at], respelt[owner_key(name)], *current[at + 1 :]]
        else:
            current = [*current[:at], *current[at + 1 :]]
    known = {owner_key(o) for o in current}
    current += [name for name in adding if owner_key(name) not in known]
    if not current:
        raise AfiError(f"{action['id']} would have no owner left", code="last-owner")
    return current


def reopen(tx: Transaction, handle: str, reason: str | None = None) -> Action:
    action = tx.action(handle)
    reopened = transition(tx, action, ActionStatus.IN_PROGRESS, reopen=True)
    if reason:
        reopened = tx.update(
            "actions",
            reopened,
            notes=reopened.get("notes", [])
            + [{"text": f"reopened: {reason}", "by": tx.by, "at": tx.at}],
        )
    item = tx.item(action["item"])
    if item.get("status") in (ItemStatus.AWAITING_SIGN_OFF, ItemStatus.COMPLETE):
        tx.update("items", item, status=ItemStatus.IN_PROGRESS)
    return reopened


def delete(tx: Transaction, handle: str) -> Action:
    action = tx.action(handle)
    tx.delete("actions", action)
    return action


def open_actions(tx: Transaction, item_handle: str) -> list[Action]:
    return [a for a in tx.actions_by_item().get(item_handle, []) if a["status"] in ACTION_OPEN]
