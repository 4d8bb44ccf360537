"""An item's own lifecycle, separate from its actions', as boards track recommendations.

open -> in-progress (an action is added) -> awaiting-sign-off (proposed for
closure with evidence) -> complete (signed off by a named person); or
superseded / no-further-action with a reason.
"""

from __future__ import annotations

from typing import Final

from afi_tracker.api.actions import open_actions
from afi_tracker.domain.model import VERDICTS, Evidence, Item, ItemStatus, Response
from afi_tracker.domain.rules import is_placeholder, proposer
from afi_tracker.errors import InvalidValue, SegregationRefused, TransitionRefused
from afi_tracker.store.store import Transaction

SETTABLE: Final = (
    ItemStatus.SUPERSEDED,
    ItemStatus.NO_FURTHER_ACTION,
    ItemStatus.OPEN,
    ItemStatus.IN_PROGRESS,
)


def close(
    tx: Transaction,
    handle: str,
    evidence: list[str],
    *,
    force: bool = False,
    description: str | None = None,
    allow_placeholder: bool = False,
) -> Item:
    item = tx.item(handle)
    if item["status"] not in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS):
        raise TransitionRefused(
            f"item {item['id']} is {item['status']}; only open or in-progress items can be "
            "proposed for closure"
        )
    if not [e for e in evidence if e.strip()]:
        raise InvalidValue(
            "proposing an item for closure needs evidence",
            code="evidence-required",
        )
    if not allow_placeholder and all(is_placeholder(e) for e in evidence):
        raise SegregationRefused(
            f"evidence {', '.join(repr(e.strip()) for e in evidence if e.strip())} "
            "names nothing a second person could check",
            code="placeholder-evidence",
        )
    still_open = open_actions(tx, item["id"])
    if still_open and not force:
        handles = ", ".join(a["id"] for a in still_open)
        raise TransitionRefused(
            f"item {item['id']} has open actions: {handles}",
            code="open-actions",
        )
    new_evidence: list[Evidence] = [
        {"ref": ref, "description": description, "at": tx.at, "by": tx.by} for ref in evidence
    ]
    return tx.update(
        "items",
        item,
        status=ItemStatus.AWAITING_SIGN_OFF,
        evidence=item.get("evidence", []) + new_evidence,
        closure_forced_with_open_actions=[a["id"] for a in still_open] if still_open else None,
        status_reason=None,
        proposed_at=tx.at,
    )


def sign_off(tx: Transaction, handle: str, *, allow_self: bool = False) -> Item:
    """Sign off an item; by someone other than its proposer unless `allow_self`."""
    item = tx.item(handle)
    if item["status"] != ItemStatus.AWAITING_SIGN_OFF:
        raise TransitionRefused(
            f"item {item['id']} is {item['status']}; only items awaiting sign-off can be "
            "signed off",
            code="not-proposed",
            item=item["id"],
        )
    proposed_by = proposer(item)
    if proposed_by is not None and proposed_by == tx.by and not allow_self:
        raise SegregationRefused(
            f"{tx.by} proposed {item['id']} for closure and cannot also sign it off",
            code="self-sign-off",
        )
    return tx.update(
        "items", item, status=ItemStatus.COMPLETE, signed_off_by=tx.by, signed_off_at=tx.at
    )


def set_status(tx: Transaction, handle: str, status: str, reason: str | None) -> Item:
    if status not in SETTABLE:
        raise InvalidValue(
            f'cannot set an item to "{status}" directly',
            code="not-settable",
            settable=", ".join(SETTABLE),
        )
    if not (reason and reason.strip()):
        raise InvalidValue(f"setting an item to {status} needs a reason", code="reason-required")
    item = tx.item(handle)
    return tx.update("items", item, status=status, status_reason=reason, signed_off_by=None)


def respond(tx: Transaction, handle: str, verdict: str, text: str) -> Item:
    """Record the published response to an item; a later one replaces it (history keeps all)."""
    if verdict not in VERDICTS:
        raise InvalidValue(
            f'unknown response "{verdict}"', hint=f"use one of: {', '.join(VERDICTS)}"
        )
    if not text.strip():
        raise InvalidValue("a response needs its text", code="response-text-required")
    item = tx.item(handle)
    response: Response = {"verdict": verdict, "text": text.strip(), "by": tx.by, "at": tx.at}
    old = item.get("response")
    if old and old.get("verdict") == verdict and old.get("text") == response["text"]:
        return item
    return tx.update("items", item, response=response)
