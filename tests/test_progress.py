"""Derived figures and RAG ratings, computed as of a fixed date."""

from __future__ import annotations

import json
from datetime import date

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.reports.progress import compute, item_progress
from afi_tracker.store.store import Store
from tests.conftest import SHIPPED

AS_OF = date(2025, 4, 2)


def action(status="planned", due="2025-05-30", owner="o"):
    return {"id": "A1", "item": "I1", "title": "t", "status": status, "due": due, "owner": owner}


def item(status="in-progress", deadline=None):
    return {
        "id": "I1",
        "kind": "recommendation",
        "text": "x",
        "status": status,
        "deadline": deadline,
    }


@pytest.mark.parametrize(
    ("the_item", "actions", "rag", "why"),
    [
        (item("open"), [], "red", "no action"),
        (item(), [action(due="2025-04-01")], "red", "1 overdue action"),
        (item(), [action(due="2025-04-02")], "amber", "action due 2 Apr 2025"),  # due today
        (item(deadline="2025-03-31"), [action()], "red", "report deadline 31 Mar 2025 passed"),
        (item(deadline="2025-04-10"), [action()], "amber", "report deadline 10 Apr 2025"),
        (item(), [action(status="blocked")], "amber", "1 blocked"),
        (item(), [action(due="2025-04-16")], "amber", "action due 16 Apr 2025"),
        (item(), [action(due="2025-04-17")], "green", "on track"),
        (item(), [action(status="done")], "green", "actions done: propose for closure"),
        (item("open"), [action(status="cancelled")], "red", "no action"),
        (item("awaiting-sign-off"), [], "green", "awaiting sign-off"),
        (item("complete", deadline="2020-01-01"), [], "complete", "signed off"),
        (item("superseded"), [], "closed", "superseded"),
        (
            item(),
            [action(status="done", due="2025-01-01")],
            "green",
            "actions done: propose for closure",
        ),
    ],
)
def test_rag_rules(the_item, actions, rag, why):
    progress = item_progress(the_item, actions, AS_OF)
    assert (progress.rag, progress.why) == (rag, why)


def test_counts_ignore_cancelled_actions():
    progress = item_progress(item(), [action("done"), action("cancelled"), action()], AS_OF)
    assert (progress.actions_done, progress.actions_total) == (1, 2)


@pytest.fixture
def store() -> Store:
    return Store.in_memory(json.loads(SHIPPED.read_text(encoding="utf-8")))


def test_report_and_store_totals_change_with_actions_and_as_of(store):
    t = Tracker(store, by="a", command="afi add", today=AS_OF)
    t.add("I1", "one", "Insp Patel", "30/04/2025")
    t.add("I1", "two", "Sgt Khan", "10/04/2025")
    t.add("I2", "three", "Insp Patel", "30/06/2025")
    t.move("A2", "done")

    before = compute(store.load(), AS_OF)
    [report] = before.reports
    assert report.response_due == "2019-11-22"  # 27/09/2019 + 56 days
    totals = report.totals
    assert (
        totals.items_total,
        totals.items_without_action,
        totals.actions_total,
        totals.actions_done,
        totals.actions_overdue,
        totals.percent_done,
    ) == (8, 6, 3, 1, 0, 33)
    rags = {i.id: i.rag for q in report.questions for i in q.items}
    assert rags == {
        "I1": "green",
        "I2": "green",
        "I3": "red",
        "I4": "red",
        "I5": "red",
        "I6": "red",
        "I7": "red",
        "I8": "red",
    }

    later = compute(store.load(), date(2025, 5, 1))
    later_rags = {
        i.id: (i.rag, i.actions_overdue) for q in later.reports[0].questions for i in q.items
    }
    assert later_rags["I1"] == ("red", 1) and later_rags["I2"] == ("green", 0)
    assert later.totals.actions_overdue == 1

    # the same date always gives the same answer
    assert compute(store.load(), date(2025, 5, 1)) == later
