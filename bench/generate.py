"""Realistic stores for benchmarking: reports, items, actions and their history.

    python bench/generate.py 10000 50 /tmp/afi-10k.json [--taskwarrior /tmp/tw-10k.json]

Owners, deadlines and statuses are spread as in a real plan: most work done or
planned, some overdue, a few blocked or cancelled; every action has its create
entry in the history and about half have later updates.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from afi_tracker.domain.model import new_item, new_report  # noqa: E402
from afi_tracker.store.migrations import migrate  # noqa: E402
from afi_tracker.store.storage import dump_store  # noqa: E402
from afi_tracker.store.store import empty_data  # noqa: E402

TODAY = date(2026, 11, 25)
FORCES = [
    "Avon and Somerset",
    "Cleveland",
    "Cumbria",
    "Devon and Cornwall",
    "Dorset",
    "Essex",
    "Gwent",
    "Kent",
    "Lancashire",
    "Merseyside",
    "Norfolk",
    "Suffolk",
    "Surrey",
    "Sussex",
    "Thames Valley",
    "West Mercia",
    "West Midlands",
    "West Yorkshire",
]
PILLARS = ["Effectiveness", "Efficiency", "Legitimacy", "Vulnerability", "Leadership"]
OWNERS = [
    f"{rank} {name}"
    for rank in ("Insp", "Supt", "DCI", "Sgt", "Ch Insp")
    for name in ("Patel", "Jones", "Smith", "Khan", "Brown", "Taylor", "Evans", "Ahmed")
]
STATUSES = (
    ["done"] * 40 + ["planned"] * 30 + ["in-progress"] * 20 + ["blocked"] * 5 + ["cancelled"] * 5
)


def stamp(day: date) -> str:
    return datetime(day.year, day.month, day.day, 9, 30).strftime("%Y-%m-%dT%H:%M:%SZ")


def task_uuid(action_no: int) -> str:
    return f"{action_no:08x}-0000-4000-8000-{action_no:012x}"


def build(actions: int, reports: int, seed: int = 7) -> tuple[dict, list[dict]]:
    rng = random.Random(seed)
    data = empty_data()
    tasks: list[dict] = []
    items_per_report = max(1, actions // reports // 3)
    history: dict[str, dict] = {}
    txn = 0

    def log(table: str, doc: int, record: dict, op: str, **detail: object) -> None:
        nonlocal txn
        txn += 1
        history[str(len(history) + 1)] = {
            "txn": txn,
            "at": detail.pop("at", stamp(TODAY)),
            "by": "bench",
            "command": "afi bench",
            "table": table,
            "doc": doc,
            "op": op,
            "record": record.get("id", ""),
            "uid": record.get("uid", ""),
            **detail,
        }

    item_no = action_no = 0
    for r in range(reports):
        force = FORCES[r % len(FORCES)]
        year = 2015 + r % 11
        key = f"{force.lower().replace(' ', '-')}-peel-{year}-{PILLARS[r % 5].lower()}-{r}"
        published = date(year, 1 + r % 12, 1 + r % 27)
        report = new_report(
            key=key,
            title=f"{force} PEEL {year}",
            force=f"{force} Police",
            programme="PEEL",
            year=str(year),
            subject=PILLARS[r % 5],
            published=published.isoformat(),
            judgement="Requires improvement",
            questions=[
                {"number": str(q), "text": f"Question {q}?", "judgement": "Good"} for q in (1, 2, 3)
            ],
        )
        data["reports"][str(r + 1)] = report
        for i in range(items_per_report):
            item_no += 1
            item = new_item(
                id=f"I{item_no}",
                report=key,
                question=str(1 + i % 3),
                text=f"The force should improve area {i} of {PILLARS[r % 5]}.",
                status="in-progress",
                position=i,
                kind="recommendation" if i % 7 == 0 else "area-for-improvement",
                deadline=(published + timedelta(days=365)).isoformat() if i % 7 == 0 else None,
            )
            data["items"][str(item_no)] = item
    items = list(data["items"].values())
    for _ in range(actions):
        action_no += 1
        item = items[rng.randrange(len(items))]
        status = rng.choice(STATUSES)
        due = TODAY + timedelta(days=rng.randint(-400, 300))
        created = due - timedelta(days=rng.randint(30, 200))
        owner = rng.choice(OWNERS)
        record = {
            # 32 hex digits, as afi mints them (new_key), derived from the
            # number so a store is the same every run.
            "uid": hashlib.md5(b"action %d" % action_no, usedforsecurity=False).hexdigest(),
            "id": f"A{action_no}",
            "item": item["id"],
            "title": f"Action {action_no}: deliver improvement for {item['id']}",
            # One owner each: the Taskwarrior side has one, and bench/run.py
            # checks both list the same rows for `list --owner`.
            "owners": [owner],
            "due": due.isoformat(),
            "due_history": [
                {
                    "due": due.isoformat(),
                    "reason": "set when added",
                    "by": "bench",
                    "at": stamp(created),
                }
            ],
            "status": status,
            "status_reason": "waiting" if status in ("blocked", "cancelled") else None,
            "created": stamp(created),
            "updated": stamp(min(TODAY, created + timedelta(9))),
            "notes": [],
            "evidence": [
                {
                    "ref": f"evidence-{action_no}.pdf",
                    "description": None,
                    "at": stamp(created),
                    "by": "bench",
                }
            ]
            if status == "done"
            else [],
        }
        data["actions"][str(action_no)] = record
        log("actions", action_no, record, "create", after=record, at=stamp(created))
        if rng.random() < 0.5:
            log(
                "actions",
                action_no,
                record,
                "update",
                at=record["updated"],
                changes=[{"field": "status", "old": "planned", "new": status}],
            )
        tasks.append(
            {
                # The action's number in the UUID: bench/run.py finds the same action in both.
                "uuid": task_uuid(action_no),
                "description": record["title"],
                "project": item["report"][:40],
                "owner": owner.replace(" ", "_"),
                "due": due.strftime("%Y%m%dT000000Z"),
                "entry": created.strftime("%Y%m%dT000000Z"),
                "status": {"done": "completed", "cancelled": "deleted"}.get(status, "pending"),
                "tags": ["blocked"] if status == "blocked" else [],
            }
        )
    data["history"] = history
    data["meta"]["1"]["next"] = {
        "reports": reports + 1,
        "items": item_no + 1,
        "actions": action_no + 1,
        "history": len(history) + 1,
    }
    data["meta"]["1"]["next_txn"] = txn + 1
    # Built in the schema-2 shape (ids 1, 2, 3...; owners already a list, as
    # schema 4 has them), then migrated: the store
    # is exactly what afi would write after its first command.
    data["meta"]["1"]["schema"] = 2
    migrate(data)
    return data, tasks


def main() -> None:
    actions, reports, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    data, tasks = build(actions, reports)
    out.write_bytes(dump_store(data))
    if "--taskwarrior" in sys.argv:
        Path(sys.argv[sys.argv.index("--taskwarrior") + 1]).write_text(
            "\n".join(json.dumps(t) for t in tasks) + "\n"
        )


if __name__ == "__main__":
    main()
