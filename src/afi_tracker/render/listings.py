"""Builds what each command shows from a store snapshot; no formatting here.

Ordering is deterministic everywhere: report key, question number, the item's
place in its report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from afi_tracker.domain.model import (
    ACTION_OPEN,
    ITEM_KINDS,
    Action,
    ActionStatus,
    HistoryEntry,
    Item,
    ItemStatus,
    Measure,
    Report,
    owned_by,
    owner_needles,
    owners_of,
    owners_text,
    question_judgement,
    response_line,
)
from afi_tracker.domain.rules import (
    action_due_soon,
    action_overdue,
    handle_number,
    handle_numbers,
    is_due_within,
    is_overdue,
    overdue_as_of,
)
from afi_tracker.errors import NotFound
from afi_tracker.render.base import Column, Detail, Listing
from afi_tracker.store.history import commands, describe
from afi_tracker.store.store import Snapshot


def _number(record: Mapping[str, Any]) -> int:
    return handle_number(record.get("id", ""))


def item_row(item: Item, report: Report | None) -> dict[str, Any]:
    return {
        "id": item["id"],
        "report": item["report"],
        "kind": item["kind"],
        "question": item.get("question"),
        "judgement": question_judgement(report, item.get("question")) if report else None,
        "text": item["text"],
        "deadline": item.get("deadline"),
        "deadline_text": item.get("deadline_text"),
        "status": item.get("status", ItemStatus.OPEN),
        "truncated": bool(item.get("truncated")),
        "parts": item.get("parts", []),
        "addressee": item.get("addressee"),
        "origin": item.get("origin"),
        "cause": item.get("cause"),
    }


def items_listing(snap: Snapshot, report: str | None = None, kind: str | None = None) -> Listing:
    if report is not None:
        snap.report(report)  # an unknown key is an error, not an empty list
    by_key = {r["key"]: r for r in snap.reports}
    rows = [
        item_row(item, by_key.get(item["report"]))
        for item in snap.ordered_items(report)
        if kind is None or item["kind"] == kind
    ]
    return Listing(
        title="Items",
        columns=[
            Column("id", "ID"),
            Column("report", "Report", width=30),
            Column("question", "Q"),
            Column("kind", "Kind"),
            Column("status", "Status"),
            Column("deadline", "Deadline"),
            Column("text", "Text", width=90),
        ],
        rows=rows,
        empty="No items match.",
    )


def reports_listing(snap: Snapshot) -> Listing:
    counts: dict[str, int] = {}
    for item in snap.items:
        counts[item["report"]] = counts.get(item["report"], 0) + 1
    rows = [
        {
            "key": r["key"],
            "title": r["title"],
            "force": r.get("force", ""),
            "programme": r.get("programme", ""),
            "year": r.get("year", ""),
            "subject": r.get("subject", ""),
            "judgement": r.get("judgement"),
            "published": r.get("published"),
            "source": r.get("source", ""),
            "questions": len(r.get("questions", [])),
            "items": counts.get(r["key"], 0),
        }
        for r in snap.sorted_reports()
    ]
    return Listing(
        title="Reports",
        columns=[
            Column("key", "Key"),
            Column("title", "Title", width=50),
            Column("judgement", "Judgement"),
            Column("published", "Published"),
            Column("items", "Items", justify="right"),
        ],
        rows=rows,
        empty="No reports yet: run `afi import REPORT.txt`.",
    )


def _conflict_sections(record: Item | Action | Measure) -> list[tuple[str, list[str]]]:
    """A merge's open conflicts: every value kept, with who set it."""
    clashes = record.get("conflicts") or {}
    if not clashes:
        return []
    from afi_tracker.reports.conflicts import OpenConflict, settle_hint

    lines = []
    for field_name, clash in sorted(clashes.items()):
        conflict = OpenConflict(record.get("id", ""), "", field_name, clash.get("values", []))
        lines.append(f"{conflict.describe()} ({settle_hint(conflict)})")
    return [("Merge conflicts", lines)]


def item_detail(snap: Snapshot, handle: str) -> Detail:
    item = snap.item(handle)
    report = next((r for r in snap.reports if r["key"] == item["report"]), None)
    row = item_row(item, report)
    question_text = None
    if report is not None and item.get("question"):
        question_text = next(
            (q["text"] for q in report["questions"] if q["number"] == item["question"]), None
        )
    fields: list[tuple[str, Any]] = [
        ("Kind", item["kind"]),
        ("Report", f"{report['title']} ({item['report']})" if report else item["report"]),
        ("Question", f"{item['question']}. {question_text}" if question_text else None),
        ("Judgement", row["judgement"]),
        ("Status", item.get("status")),
        ("Response", _response(item)),
        ("Deadline", _deadline(item)),
        ("Addressee", item.get("addressee")),
        ("From", item.get("origin")),
        ("Answers", item.get("cause")),
        ("Truncated", "yes: the source text stops mid-sentence" if item.get("truncated") else None),
        ("Text", item["text"]),
    ]
    sections = _conflict_sections(item)
    if item.get("parts"):
        sections.append(("Parts", [f"{n}. {p}" for n, p in enumerate(item["parts"], 1)]))
    actions = sorted(snap.actions_by_item().get(item["id"], []), key=_number)
    sections.append(
        (
            "Actions",
            [
                f"{a['id']}  {a['status']:<11}  due {a.get('due') or '—'}  "
                f"{owners_text(a) or '—'}: {a['title']}"
                for a in actions
            ]
            or ["none yet"],
        )
    )
    data = dict(row, actions=[a["id"] for a in actions], response=item.get("response"))
    return Detail(
        f"{item['id']}  {_kind_label(item['kind'])}", [f for f in fields if f[1]], data, sections
    )


def _response(item: Item) -> str | None:
    line = response_line(item)
    response = item.get("response")
    if line is None or response is None:
        return None
    return f"{line} ({response.get('by')}, {str(response.get('at', ''))[:10]})"


def _deadline(item: Item) -> str | None:
    if item.get("deadline") and item.get("deadline_text"):
        return f"{item['deadline']} ({item['deadline_text']})"
    return item.get("deadline") or item.get("deadline_text")


def _kind_label(kind: str) -> str:
    return kind.replace("-", " ").capitalize()


def check_kind(kind: str | None) -> str | None:
    from afi_tracker.errors import InvalidValue

    if kind is not None and kind not in ITEM_KINDS:
        raise InvalidValue(f'unknown kind "{kind}"', hint=f"use one of: {', '.join(ITEM_KINDS)}")
    return kind


# The keys of each listing's rows, in order (CSV's header even with no row).
ACTION_KEYS = (
    "id",
    "item",
    "title",
    "owner",
    "due",
    "status",
    "status_reason",
    "overdue",
    "created",
    "updated",
    "evidence",
    "owners",
)
OWNER_KEYS = ("owner", "open", "overdue", "due_soon", "blocked", "done", "next_due", "open_actions")
DUE_KEYS = ("owner", "id", "item", "title", "due", "when", "overdue", "status", "owners")


def action_rows(actions: list[Action], as_of: date) -> list[dict[str, Any]]:
    """Each action's row, in one loop (a listing can run to 100k rows), judged
    overdue by one rule made for the day."""
    overdue = overdue_as_of(as_of)
    rows: list[dict[str, Any]] = []
    append = rows.append
    for action in actions:
        get = action.get
        owners = action.get("owners")
        if type(owners) is list and "" not in owners:
            try:  # a list of names, as afi writes them: joined as it is
                owner = ", ".join(owners) or None
                owners = owners.copy()
            except TypeError:  # not all text: what owners_of makes of it
                owners = owners_of(action)
                owner = ", ".join(owners) or None
        else:
            owners = owners_of(action)
            owner = ", ".join(owners) or None
        evidence = action.get("evidence")
        append(
            {
                "id": action["id"],
                "item": action["item"],
                "title": action["title"],
                "owner": owner,  # every owner, joined: what tables show
                "due": get("due"),
                "status": action["status"],
                "status_reason": get("status_reason"),
                "overdue": overdue(action),
                "created": get("created"),
                "updated": get("updated"),
                "evidence": [e["ref"] for e in evidence] if evidence else [],
                "owners": owners,  # added last: CSV columns are only ever added at the end
            }
        )
    return rows


def action_row(action: Action, as_of: date) -> dict[str, Any]:
    return action_rows([action], as_of)[0]


@dataclass
class ActionFilter:
    item: str | None = None
    report: str | None = None
    owner: str | None = None
    statuses: list[str] = field(default_factory=list)
    overdue: bool = False
    due_within: timedelta | None = None
    due_before: date | None = None

    def matches(self, action: Action, item_report: dict[str, str], as_of: date) -> bool:
        """Every filter given holds (AND); the cheap ones are tried first."""
        if self.item is not None and action["item"] != self.item:
            return False
        if self.statuses and action["status"] not in self.statuses:
            return False
        if self.report is not None and item_report.get(action["item"]) != self.report:
            return False
        if self.owner is not None and not owned_by(action, self.owner):
            return False
        if self.overdue and not action_overdue(action, as_of):
            return False
        if (
            self.due_within is not None
            and not action_overdue(action, as_of)
            and not action_due_soon(action, as_of, self.due_within)
        ):
            return False
        if self.due_before is not None:
            iso = action.get("due")
            return iso is not None and date.fromisoformat(iso) < self.due_before
        return True

    def wanted(self, item_report: dict[str, str], as_of: date) -> Callable[[Action], bool] | None:
        """The test of an action, or None when no filter is given: every action
        (a listing of everything then calls nothing per action to choose)."""
        if self == ActionFilter():
            return None
        return lambda action: self.matches(action, item_report, as_of)

    def needles(self) -> list[bytes] | None:
        """Words the stored line of every matching action holds (the owner's)."""
        return owner_needles(self.owner) if self.owner is not None else None


def _by_due_then_handle(actions: list[Action]) -> list[Action]:
    """Sorted by due date (none last), then handle number, stably. Each action's
    place is one integer (its due date's rank among the dates, then its number),
    so the sort compares integers and calls nothing per comparison."""
    dues = [a.get("due") or "9999" for a in actions]
    numbers = handle_numbers([a.get("id", "") for a in actions])
    rank = {due: i for i, due in enumerate(sorted(set(dues)))}
    span = max(numbers, default=0) + 1
    keys = [rank[due] * span + number for due, number in zip(dues, numbers, strict=True)]
    return [actions[i] for i in sorted(range(len(actions)), key=keys.__getitem__)]


def actions_listing(snap: Snapshot, filters: ActionFilter, as_of: date) -> Listing:
    if filters.item is not None:
        filters.item = snap.item(filters.item)["id"]
    if filters.report is not None:
        snap.report(filters.report)
    # The items are read only to filter by report (else only checked to be sound).
    item_report: dict[str, str] = {}
    if filters.report is not None:
        item_report = {i["id"]: i["report"] for i in snap.tables["items"].values()}
    else:
        snap.check_table("items")
    # Filtered on hot fields (for an owner, only the lines holding their name
    # are parsed); only the chosen actions' details are read.
    # Of the details, rows show only the evidence.
    chosen = snap.actions_where(filters.wanted(item_report, as_of), filters.needles(), "evidence")
    chosen = _by_due_then_handle(chosen)
    return Listing(
        title="Actions",
        columns=[
            Column("id", "ID"),
            Column("item", "Item"),
            Column("status", "Status"),
            Column("due", "Due"),
            Column("overdue", "Overdue"),
            Column("owner", "Owner", width=30),
            Column("title", "Title", width=80),
        ],
        rows=action_rows(chosen, as_of),
        empty="No actions match.",
        keys=ACTION_KEYS,
    )


def action_detail(snap: Snapshot, handle: str, as_of: date) -> Detail:
    action = snap.action(handle)
    row = action_row(action, as_of)
    try:
        item: Item | None = snap.item(action["item"])
    except NotFound:
        item = None
    fields: list[tuple[str, Any]] = [
        ("Item", f"{action['item']}: {item['text']}" if item else action["item"]),
        ("Title", action["title"]),
        ("Owners" if len(owners_of(action)) > 1 else "Owner", owners_text(action)),
        ("Due", action.get("due")),
        (
            "Status",
            action["status"]
            + (f" ({action['status_reason']})" if action.get("status_reason") else ""),
        ),
        ("Overdue", "yes" if row["overdue"] else None),
        ("Created", action.get("created")),
        ("Updated", action.get("updated")),
    ]
    sections = _conflict_sections(action)
    revisions = action.get("due_history", [])
    if revisions:
        sections.append(
            (
                "Deadline revisions",
                [f"{r['at']}  {r['by']}: {r['due']} ({r['reason']})" for r in revisions],
            )
        )
    if action.get("notes"):
        sections.append(("Notes", [f"{n['at']}  {n['by']}: {n['text']}" for n in action["notes"]]))
    if action.get("evidence"):
        sections.append(
            (
                "Evidence",
                [
                    f"{e['at']}  {e['by']}: {e['ref']}"
                    + (f" ({e['description']})" if e.get("description") else "")
                    for e in action["evidence"]
                ],
            )
        )
    entries = [e for e in snap.history if e.get("uid") == action["uid"]]
    sections.append(
        ("History", [f"{e['at']}  {e.get('by', '')}: " + "; ".join(describe(e)) for e in entries])
    )
    data = dict(action)
    data.pop("uid", None)
    data["overdue"] = row["overdue"]
    data["history"] = [_history_row(e) for e in entries]
    return Detail(f"{action['id']}  Action", [f for f in fields if f[1]], data, sections)


def history_listing(
    snap: Snapshot, since: date | None, by: str | None, limit: int | None = 50
) -> Listing:
    """One row per command, newest first."""
    chosen = [
        c
        for c in commands(snap.history)
        if (since is None or c.at[:10] >= since.isoformat())
        and (by is None or c.by.casefold() == by.casefold())
    ]
    chosen.reverse()
    if limit is not None:
        chosen = chosen[:limit]
    rows = [
        {
            "txn": c.number,
            "at": c.at,
            "by": c.by,
            "command": c.command,
            "undoes": c.undoes,
            "records": c.records,
            "changes": c.changes,
        }
        for c in chosen
    ]
    return Listing(
        title="History",
        columns=[
            Column("txn", "#", justify="right"),
            Column("at", "When (UTC)"),
            Column("by", "By", width=24),
            Column("command", "Command", width=50),
            Column("changes", "Changes", width=70),
        ],
        rows=rows,
        empty="No changes match.",
    )


def _history_row(entry: HistoryEntry) -> dict[str, Any]:
    keys = ("txn", "at", "by", "command", "op", "changes", "undoes")
    return {k: v for k, v in entry.items() if k in keys}


def import_outcome_data(outcome: Any) -> dict[str, Any]:
    report = outcome.report
    return {
        "dry_run": outcome.dry_run,
        "report": {k: v for k, v in report.items() if k != "uid"},
        "created": outcome.created,
        "new": [i["id"] for i in outcome.new],
        "changed": [{"id": i["id"], "fields": f} for i, f in outcome.changed],
        "removed": [i["id"] for i in outcome.removed],
        "unchanged": [i["id"] for i in outcome.unchanged],
        "items": [
            {**item_row(i, report), "source_lines": list(outcome.lines.get(i["id"]) or []) or None}
            for i in outcome.items
        ],
        "merged": outcome.merged,
    }


def owners_listing(
    snap: Snapshot, as_of: date, report: str | None = None, soon_days: int = 14
) -> Listing:
    """`afi status --by owner`: each owner's open, overdue and soon-due actions."""
    if report is not None:
        snap.report(report)
    item_report = {i["id"]: i["report"] for i in snap.items}
    soon = timedelta(days=soon_days)
    table: dict[str, dict[str, Any]] = {}
    for action in snap.actions:
        if report is not None and item_report.get(action["item"]) != report:
            continue
        # An action with several owners counts once under each of them.
        for owner in owners_of(action) or ["(no owner)"]:
            row = table.setdefault(
                owner.casefold(),
                {
                    "owner": owner,
                    "open": 0,
                    "overdue": 0,
                    "due_soon": 0,
                    "blocked": 0,
                    "done": 0,
                    "next_due": None,
                    "open_actions": [],
                },
            )
            if action["status"] == ActionStatus.DONE:
                row["done"] += 1
            if action["status"] not in ACTION_OPEN:
                continue
            row["open"] += 1
            row["open_actions"].append(action["id"])
            row["blocked"] += action["status"] == "blocked"
            due = action.get("due")
            if due:
                row["overdue"] += is_overdue(due, as_of)
                row["due_soon"] += is_due_within(due, as_of, soon)
                row["next_due"] = min(filter(None, [row["next_due"], due]))
    rows = sorted(table.values(), key=lambda r: (-r["overdue"], r["owner"].casefold()))
    return Listing(
        title=f"Actions by owner, as of {as_of.isoformat()}",
        columns=[
            Column("owner", "Owner", width=30),
            Column("open", "Open", justify="right"),
            Column("overdue", "Overdue", justify="right"),
            Column("due_soon", f"Due in {soon_days}d", justify="right"),
            Column("blocked", "Blocked", justify="right"),
            Column("done", "Done", justify="right"),
            Column("next_due", "Next due"),
        ],
        rows=rows,
        empty="No actions yet.",
        keys=OWNER_KEYS,
    )


def _when(due: date, as_of: date) -> str:
    days = (due - as_of).days
    if days < 0:
        return f"{-days} day{'s' * (days != -1)} overdue"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' * (days != 1)}"


def due_listing(
    snap: Snapshot, as_of: date, within: timedelta, report: str | None = None
) -> Listing:
    """`afi due`: overdue and upcoming open actions, grouped by owner."""
    if report is not None:
        snap.report(report)
    item_report = {i["id"]: i["report"] for i in snap.items}
    horizon = as_of + within
    rows: list[dict[str, Any]] = []
    for action in snap.actions:
        iso = action.get("due")
        if action["status"] not in ACTION_OPEN or not iso:
            continue
        if report is not None and item_report.get(action["item"]) != report:
            continue
        due = date.fromisoformat(iso)
        if due > horizon:
            continue
        # Under each of its owners: the digest is read owner by owner.
        rows.extend(
            {
                "owner": owner,
                "id": action["id"],
                "item": action["item"],
                "title": action["title"],
                "due": iso,
                "when": _when(due, as_of),
                "overdue": is_overdue(iso, as_of),
                "status": action["status"],
                "owners": owners_of(action),
            }
            for owner in owners_of(action) or ["(no owner)"]
        )
    rows.sort(key=lambda r: (r["owner"].casefold(), r["due"], _number(r)))
    return Listing(
        title=f"Overdue and due within {within.days} days, as of {as_of.isoformat()}",
        columns=[
            Column("owner", "Owner", width=30),
            Column("id", "ID"),
            Column("item", "Item"),
            Column("due", "Due"),
            Column("when", "When"),
            Column("status", "Status"),
            Column("title", "Title", width=70),
        ],
        rows=rows,
        empty="Nothing overdue or due soon.",
        keys=DUE_KEYS,
    )


def timeline_listing(snap: Snapshot, report: str | None = None) -> Listing:
    """`afi timeline`: item deadlines and action deadlines by month."""
    if report is not None:
        snap.report(report)
    rows = []
    for item in snap.ordered_items(report):
        deadline = item.get("deadline")
        if deadline:
            rows.append(
                {
                    "month": deadline[:7],
                    "date": deadline,
                    "type": "item",
                    "id": item["id"],
                    "item": item["id"],
                    "text": item["text"],
                    "status": item.get("status", ItemStatus.OPEN),
                }
            )
    wanted = {i["id"] for i in snap.ordered_items(report)}
    for action in snap.actions:
        iso = action.get("due")
        if iso and action["item"] in wanted:
            rows.append(
                {
                    "month": iso[:7],
                    "date": iso,
                    "type": "action",
                    "id": action["id"],
                    "item": action["item"],
                    "text": action["title"],
                    "status": action["status"],
                }
            )
    rows.sort(key=lambda r: (r["date"], r["type"] != "item", _number(r)))
    return Listing(
        title="Timeline by month of deadline",
        columns=[
            Column("month", "Month"),
            Column("date", "Date"),
            Column("type", "Type"),
            Column("id", "ID"),
            Column("item", "Item"),
            Column("status", "Status"),
            Column("text", "Text", width=80),
        ],
        rows=rows,
        empty="No deadlines yet.",
    )
