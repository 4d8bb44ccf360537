"""Action and item rules through the library, on an in-memory store."""

from __future__ import annotations

from datetime import date

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.errors import InvalidValue, NothingToUndo, TransitionRefused, UndoRefused
from afi_tracker.store.store import Store
from tests.conftest import SHIPPED

TODAY = date(2025, 4, 2)


@pytest.fixture
def store() -> Store:
    import json

    return Store.in_memory(json.loads(SHIPPED.read_text(encoding="utf-8")))


def tracker(store: Store, by: str = "alice", command: str = "afi test") -> Tracker:
    return Tracker(store, by=by, command=command, today=TODAY)


def test_adding_an_action_starts_the_item(store):
    action = tracker(store).add("I3", "Publish analysis", "Insp Patel", "30/06/2025")
    assert (action["id"], action["item"], action["due"], action["status"]) == (
        "A1",
        "I3",
        "2025-06-30",
        "planned",
    )
    assert store.load().item("I3")["status"] == "in-progress"


@pytest.mark.parametrize(
    ("path", "refused", "code"),
    [
        (["done"], "in-progress", "action-finished"),
        (["cancelled"], "planned", "action-finished"),
    ],
)
def test_finished_actions_change_only_through_reopen(store, path, refused, code):
    t = tracker(store)
    t.add("I1", "x", "o", "eom")
    for status in path:
        t.move("A1", status, reason="r")
    with pytest.raises(TransitionRefused) as err:
        t.update("A1", status=refused)
    assert err.value.message == f"action A1 cannot go from {path[-1]} to {refused}"
    assert (err.value.code, err.value.data) == (code, {"action": "A1"})
    assert t.reopen("A1")["status"] == "in-progress"


def test_refused_transition_lists_the_allowed_ones(store):
    t = tracker(store)
    t.add("I1", "x", "o", "eom")
    t.move("A1", "done")
    with pytest.raises(TransitionRefused):
        t.move("A1", "blocked", reason="r")
    t.reopen("A1")
    with pytest.raises(TransitionRefused, match="only done or cancelled actions reopen"):
        t.reopen("A1")


@pytest.mark.parametrize("status", ["blocked", "cancelled"])
def test_block_and_cancel_need_a_reason(store, status):
    t = tracker(store)
    t.add("I1", "x", "o", "eom")
    with pytest.raises(InvalidValue, match=f"{status} needs a reason"):
        t.move("A1", status)
    assert t.move("A1", status, reason="waiting")["status_reason"] == "waiting"


def test_deadline_revision_needs_a_reason_and_keeps_every_revision(store):
    t = tracker(store)
    t.add("I1", "x", "o", "30/06/2025")
    with pytest.raises(InvalidValue, match="changing the deadline of A1 needs a reason"):
        t.update("A1", due="31/07/2025")
    tracker(store, by="bob").update("A1", due="31/07/2025", reason="supplier late")
    revisions = store.load().action("A1")["due_history"]
    assert [(r["due"], r["reason"], r["by"]) for r in revisions] == [
        ("2025-06-30", "set when added", "alice"),
        ("2025-07-31", "supplier late", "bob"),
    ]


def test_item_closure_is_refused_with_open_actions_unless_forced(store):
    t = tracker(store)
    t.add("I2", "x", "o", "eom")
    with pytest.raises(TransitionRefused, match="item I2 has open actions: A1"):
        t.close_item("I2", ["https://evidence"])
    item = t.close_item("I2", ["https://evidence"], force=True)
    assert item["status"] == "awaiting-sign-off"
    assert item["closure_forced_with_open_actions"] == ["A1"]


def test_sign_off_records_who(store):
    t = tracker(store)
    t.add("I2", "x", "o", "eom")
    t.move("A1", "done", evidence=["report.pdf"])
    with pytest.raises(TransitionRefused, match="only items awaiting sign-off"):
        t.sign_off("I2")
    with pytest.raises(InvalidValue, match="needs evidence"):
        t.close_item("I2", [])
    t.close_item("I2", ["report.pdf"])
    item = tracker(store, by="ACC Smith").sign_off("I2")
    assert (item["status"], item["signed_off_by"]) == ("complete", "ACC Smith")
    with pytest.raises(TransitionRefused, match="item I2 is complete; no new actions"):
        t.add("I2", "more", "o", "eom")


def test_item_set_needs_a_reason_and_a_settable_status(store):
    t = tracker(store)
    with pytest.raises(InvalidValue, match="needs a reason"):
        t.set_item("I4", "superseded", None)
    with pytest.raises(InvalidValue, match='cannot set an item to "complete" directly'):
        t.set_item("I4", "complete", "because")
    assert t.set_item("I4", "no-further-action", "done elsewhere")["status"] == "no-further-action"


def test_undo_reverts_a_whole_command_then_the_one_before(store):
    t = tracker(store)
    t.add("I1", "first", "o", "eom")
    tracker(store, command="afi add I1 second").add("I1", "second", "o", "eom")
    t.move("A2", "done")
    done = t.undo()
    assert done.reverted == ["A2 status: done -> planned"]
    assert store.load().action("A2")["status"] == "planned"
    again = t.undo()
    assert again.command == "afi add I1 second"
    snap = store.load()
    assert [a["id"] for a in snap.actions] == ["A1"]
    t.undo()  # the first add, which also moved I1 to in-progress
    snap = store.load()
    assert snap.actions == [] and snap.item("I1")["status"] == "open"
    # the import, made by someone else, is undone only when forced; then nothing is left
    with pytest.raises(UndoRefused):
        t.undo()
    t.undo(force=True)
    assert store.load().items == []
    with pytest.raises(NothingToUndo):
        t.undo(force=True)


def test_undo_restores_a_deleted_action_with_its_handle(store):
    t = tracker(store)
    t.add("I1", "first", "o", "eom")
    t.delete("A1")
    assert store.load().actions == []
    t.undo()
    assert store.load().action("A1")["title"] == "first"
    # history of the deleted and restored action stays readable
    ops = [e["op"] for e in store.load().history if e.get("record") == "A1"]
    assert ops == ["create", "delete", "create"]


def test_handles_are_not_reused_after_undo(store):
    t = tracker(store)
    t.add("I1", "first", "o", "eom")
    t.undo()
    assert t.add("I1", "again", "o", "eom")["id"] == "A2"
