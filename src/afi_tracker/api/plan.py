"""Applying a force's action plan, read and matched by importers/plan.py, to the store.

Each matched row becomes an action against its item (owner, deadline, status;
the update column becomes a note), or updates the action it already made. A
row is matched to an existing action by its action handle, else by its title
under the same item, so importing the same sheet twice changes nothing.
Nothing is written unless every row is applied or explicitly skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from afi_tracker.api import actions
from afi_tracker.domain.model import ITEM_CLOSED, Action, ActionStatus, Item, owners_of
from afi_tracker.domain.safetext import shorten
from afi_tracker.errors import AfiError
from afi_tracker.importers.plan import ACTION_HANDLE, Plan, Row, unknown_statuses
from afi_tracker.store.store import Transaction

OUTCOMES = ("new", "changed", "unchanged", "skipped")


@dataclass
class RowOutcome:
    row: int
    sheet: str
    outcome: str  # new, changed, unchanged or skipped
    item: str | None
    score: float | None
    matched_by: str | None
    action: str | None
    title: str
    changes: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class PlanOutcome:
    path: str
    columns: dict[str, dict[str, str]]
    notes: list[str]
    dry_run: bool
    written: bool
    rows: list[RowOutcome]
    problems: list[str]
    unknown_statuses: dict[str, list[int]]

    def of(self, outcome: str) -> list[RowOutcome]:
        return [r for r in self.rows if r.outcome == outcome]

    def summary(self) -> str:
        counts = ", ".join(f"{len(self.of(o))} {o}" for o in OUTCOMES)
        if self.dry_run:
            verb = "Would import plan"
        elif self.problems:
            verb = "Did not import plan"
        else:
            verb = "Imported plan"
        tail = " (dry run: nothing written)" if self.dry_run else ""
        if not self.dry_run and not self.problems and not self.written:
            tail = " (nothing changed)"
        if self.problems and not self.dry_run:
            tail = f" ({len(self.problems)} problems: nothing written)"
        return f"{verb} {self.path}: {counts}{tail}"


class PlanRefused(AfiError):
    """Some rows of a plan have problems and were not skipped: nothing was written."""

    def __init__(self, outcome: PlanOutcome) -> None:
        count = len(outcome.problems)
        plural = "s" if count != 1 else ""
        super().__init__(
            f"{count} row problem{plural} in {outcome.path}; nothing was written",
            code="plan-problems",
        )
        self.outcome = outcome


def apply_plan(tx: Transaction, plan: Plan, skip: set[int], source: str) -> PlanOutcome:
    """Apply every sound row of `plan` to `tx`; the caller decides whether to write."""
    outcomes: list[RowOutcome] = []
    problems: list[str] = []
    claimed = {
        f"A{m.group(1)}" for row in plan.rows if (m := ACTION_HANDLE.match(row.text("action_id")))
    }
    for row in plan.rows:
        base = RowOutcome(
            row.number,
            row.sheet,
            "skipped",
            row.item,
            row.score,
            row.matched_by,
            None,
            row.text("action"),
        )
        if row.number in skip:
            base.reason = "skipped as asked" + (
                f": {'; '.join(row.problems)}" if row.problems else ""
            )
            outcomes.append(base)
            continue
        if row.problems:
            base.reason = "; ".join(row.problems)
            problems.extend(f"{row.where}: {p}" for p in row.problems)
            outcomes.append(base)
            continue
        if row.skip:
            base.reason = row.skip
            outcomes.append(base)
            continue
        try:
            outcomes.append(_apply_row(tx, row, base, source, claimed))
        except AfiError as exc:
            base.reason = exc.message
            problems.append(f"{row.where}: {exc.message}")
            outcomes.append(base)
    return PlanOutcome(
        plan.path,
        plan.columns,
        plan.notes,
        dry_run=False,
        written=False,
        rows=outcomes,
        problems=problems,
        unknown_statuses=unknown_statuses(plan),
    )


def _existing(tx: Transaction, row: Row, item: str, claimed: set[str]) -> Action | None:
    """The action `row` updates: the one its handle names, else one of the item's
    with its title that no other row names by handle (so a row whose action was
    deleted never updates a same-titled action another row is about)."""
    mine = tx.actions_by_item().get(item, [])
    handle = ACTION_HANDLE.match(row.text("action_id"))
    if handle:
        for action in mine:
            if action["id"].upper() == f"A{handle.group(1)}":
                return action
    title = row.text("action").casefold()
    for action in mine:
        if action["id"].upper() in claimed:
            continue
        if " ".join(action["title"].split()).casefold() == title:
            return action
    return None


def _reason(row: Row) -> str:
    return row.text("update") or f'"{row.text("status")}" in the plan'


def _refuse_if_closed(item: Item) -> None:
    if item.get("status") in ITEM_CLOSED:
        raise AfiError(f"item {item['id']} is {item['status']}: {shorten(item['text'], 60)}")


def _apply_row(
    tx: Transaction, row: Row, out: RowOutcome, source: str, claimed: set[str]
) -> RowOutcome:
    assert row.item is not None
    title, owners, note = row.text("action"), row.owners(), row.text("update") or None
    found = _existing(tx, row, row.item, claimed)
    item = tx.item(row.item)
    if found is None:
        _refuse_if_closed(item)
        start = (
            ActionStatus.IN_PROGRESS
            if row.status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE)
            else ActionStatus.PLANNED
        )
        action = actions.add(tx, row.item, title, owners, row.due, status=start, note=note)
        if row.status and row.status != start:
            action = actions.transition(tx, action, row.status, reason=_reason(row))
        out.outcome, out.action = "new", action["id"]
        return out
    out.action = found["id"]
    changes: dict[str, Any] = {}
    if title != found["title"]:
        changes["title"] = title
    if owners != owners_of(found):
        changes["owners"] = owners
    if row.due is not None and row.due.isoformat() != found.get("due"):
        changes["due"] = row.due
        changes["reason"] = f"changed in the plan {source}"
    if note and note not in [n.get("text") for n in found.get("notes", [])]:
        changes["note"] = note
    if changes or (row.status and row.status != found["status"]):
        _refuse_if_closed(item)
    if changes:
        actions.update(tx, found["id"], **changes)
    out.changes = [name for name in changes if name != "reason"]
    if row.status and row.status != found["status"]:
        if found["status"] in actions.FINISHED:
            raise AfiError(
                f'{found["id"]} is {found["status"]} in afi but "{row.text("status")}" '
                "in the plan; reopen it first or change the sheet"
            )
        actions.transition(tx, tx.action(found["id"]), row.status, reason=_reason(row))
        out.changes.append("status")
    out.outcome = "changed" if out.changes else "unchanged"
    return out
