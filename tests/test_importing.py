"""Re-importing a report updates it in place and keeps what people attached."""

from __future__ import annotations

from pathlib import Path

import pytest

from afi_tracker.errors import TransitionRefused
from afi_tracker.importers.apply import import_file
from afi_tracker.store.store import Store
from tests.conftest import SAMPLE_2018

KEY = "west-mercia-peel-2018-legitimacy"


def run(store: Store, path: Path, **kw):
    return import_file(
        store,
        path,
        key=kw.pop("key", None),
        dry_run=kw.pop("dry_run", False),
        by="tester",
        command="afi import",
        allow_supersede=kw.pop("allow_supersede", False),
    )


def test_reimport_changes_nothing_and_writes_nothing(tmp_path: Path):
    store = Store.at(tmp_path / "t.json")
    run(store, SAMPLE_2018)
    before = (tmp_path / "t.json").read_bytes()
    outcome = run(store, SAMPLE_2018)
    assert (len(outcome.new), len(outcome.changed), len(outcome.removed)) == (0, 0, 0)
    assert len(outcome.unchanged) == 8
    assert (tmp_path / "t.json").read_bytes() == before


def test_reworded_new_and_removed_items_are_listed_and_work_survives(tmp_path: Path):
    store = Store.at(tmp_path / "t.json")
    run(store, SAMPLE_2018)
    with store.transaction("afi add", "tester") as tx:
        tx.update("items", tx.item("I5"), status="in-progress")
        tx.insert(
            "actions",
            {
                "uid": "a1",
                "item": "I8",
                "title": "Review promotion boards",
                "owner": "DCC",
                "due": None,
                "status": "planned",
            },
        )
    text = SAMPLE_2018.read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(
        text.replace("for managing wellbeing issues.", "for managing wellbeing.")
        .replace(
            "  • The force should ensure that its promotion and selection processes are "
            "accessible and transparent and are perceived by the workforce as fair.\n",
            "",
        )
        .replace(
            "  • The force should ensure that its counter-corruption",
            "  • The force should publish its integrity data.\n"
            "  • The force should ensure that its counter-corruption",
        ),
        encoding="utf-8",
    )
    before = (tmp_path / "t.json").read_bytes()
    with pytest.raises(TransitionRefused, match="would mark I8 superseded, but it has actions"):
        run(store, edited, key=KEY)
    assert (tmp_path / "t.json").read_bytes() == before
    outcome = run(store, edited, key=KEY, allow_supersede=True)
    assert [i["text"] for i in outcome.new] == ["The force should publish its integrity data."]
    assert [(i["id"], f) for i, f in outcome.changed] == [("I5", ["text"])]
    assert [i["id"] for i in outcome.removed] == ["I8"]
    snap = store.load()
    assert snap.item("I5")["status"] == "in-progress"
    assert snap.item("I5")["text"].endswith("for managing wellbeing.")
    # I8 has an action, so it stays, marked superseded, and its action still points at it.
    assert snap.item("I8")["status"] == "superseded"
    assert snap.actions[0]["item"] == "I8"
    assert snap.item("I9")["text"] == "The force should publish its integrity data."


def test_dry_run_writes_nothing_even_to_a_new_store(tmp_path: Path):
    store = Store.at(tmp_path / "t.json")
    outcome = run(store, SAMPLE_2018, dry_run=True)
    assert len(outcome.new) == 8 and outcome.dry_run
    assert not (tmp_path / "t.json").exists()
