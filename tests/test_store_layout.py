"""Schema 3: records keyed by uid, one per line in uid order, hot fields apart from details."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tinydb import TinyDB

from afi_tracker.api.tracker import Tracker
from afi_tracker.errors import StoreCorrupt
from afi_tracker.store.keys import doc_key
from afi_tracker.store.storage import AtomicJSONStorage
from afi_tracker.store.store import Store


def tracker(db: Path, command: str = "test") -> Tracker:
    return Tracker(Store.at(db), by="tester", command=command, today=date(2025, 1, 6))


def meta(db: Path) -> dict:
    return json.loads(db.read_text())["meta"]["1"]


def test_records_are_keyed_by_uid_in_uid_order_one_per_line(db: Path):
    tracker(db).add("I1", "first", "Insp A", "31/03/2025")
    tracker(db).add("I2", "second", "Insp B", None)
    data = json.loads(db.read_text())
    for table in ("reports", "items", "actions"):
        keys = list(data[table])
        assert keys == sorted(keys)
        assert all(key == doc_key(doc["uid"]) for key, doc in data[table].items())
    lines = db.read_text().splitlines()
    for key in data["actions"]:  # its hot line and its details line
        assert sum(line.startswith(f'"{key}":') for line in lines) == 2
    assert "next_txn" not in meta(db)
    # Still a TinyDB database: its own reader sees every action, with its id as a number.
    with TinyDB(db, storage=AtomicJSONStorage) as tiny:
        assert sorted(a["id"] for a in tiny.table("actions").all()) == ["A1", "A2"]


def test_a_status_change_rewrites_the_hot_table_only(db: Path):
    action = tracker(db).add("I1", "first", "Insp A", "31/03/2025", note="kick-off")
    before = meta(db)
    tracker(db).update(action["id"], status="in-progress")
    after = meta(db)
    assert after["crc"]["action_details"] == before["crc"]["action_details"]
    assert after["crc"]["actions"] != before["crc"]["actions"]
    tracker(db).update(action["id"], note="second note")
    noted = meta(db)
    assert noted["crc"]["actions"] == after["crc"]["actions"]
    assert noted["crc"]["action_details"] != after["crc"]["action_details"]
    data = json.loads(db.read_text())
    (hot,) = data["actions"].values()
    (cold,) = data["action_details"].values()
    assert "notes" not in hot and [n["text"] for n in cold["notes"]] == ["kick-off", "second note"]
    snap = Store.at(db).load()
    assert [n["text"] for n in snap.action("A1")["notes"]] == ["kick-off", "second note"]
    assert "notes" not in snap.hot_actions[0]
    assert snap.hot_actions[0]["status"] == "in-progress"


def test_renumbered_handle_still_finds_its_record_with_a_note(db: Path):
    tracker(db).add("I1", "kept", "Insp A", None)
    tracker(db).add("I1", "moved", "Insp A", None)
    data = json.loads(db.read_text())
    key = next(k for k, a in data["actions"].items() if a["title"] == "moved")
    data["actions"][key].update(id="A14", former_ids=["A9"])
    db.write_text(json.dumps(data))
    snap = Store.at(db).load()
    assert snap.action("A9")["title"] == "moved"
    assert snap.notices == ["A9 was renumbered A14 in a merge"]
    assert snap.action("a14")["title"] == "moved"


def test_an_edited_store_is_validated_whole_and_refused_when_two_records_share_a_handle(db: Path):
    tracker(db).add("I1", "one", "Insp A", None)
    tracker(db).add("I1", "two", "Insp A", None)
    text = db.read_text().replace('"id":"A2"', '"id":"A1"')
    db.write_text(text)
    with pytest.raises(StoreCorrupt, match="handle A1 is also used by actions"):
        Store.at(db).load().actions  # noqa: B018


def test_undo_finds_records_by_uid_not_handle(db: Path):
    tracker(db).add("I1", "one", "Insp A", None)
    tracker(db).update("A1", title="changed")
    data = json.loads(db.read_text())
    (key,) = data["actions"]
    data["actions"][key]["id"] = "A7"  # as a merge may renumber it
    Store.at(db).storage.write(data)
    done = tracker(db).undo()
    assert done.reverted == ["A7 title: changed -> one"]
    assert Store.at(db).load().action("A7")["title"] == "one"


def _hand_edit(db: Path, old: bytes, new: bytes) -> None:
    raw = db.read_bytes()
    assert old in raw
    db.write_bytes(raw.replace(old, new, 1))


def _no_whole_file_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: AtomicJSONStorage) -> None:
        raise AssertionError("the whole file was parsed strictly")

    monkeypatch.setattr(AtomicJSONStorage, "read", refuse)


def test_a_hand_edited_table_is_checked_on_its_own_and_written_back_valid(db: Path, monkeypatch):
    """A valid hand edit (or line-by-line merge) costs one pass over the edited
    table, not a strict parse of the whole file; a write re-encodes that table."""
    tracker(db).add("I1", "Publish the analysis", "Insp A", "31/03/2025")
    _hand_edit(db, b'"title":"Publish the analysis"', b'"title":"Publish the analysis (edited)"')
    sections = AtomicJSONStorage(db).sections()
    assert sections is not None and not sections.intact()
    _no_whole_file_parse(monkeypatch)
    snap = Store.at(db).load()
    handle = next(a["id"] for a in snap.actions if a["title"].endswith("(edited)"))
    with Store.at(db).transaction("test", "tester") as tx:
        tx.update("actions", tx.action(handle), status="in-progress")
    after = AtomicJSONStorage(db).sections()
    assert after is not None and after.intact()
    action = Store.at(db).load().action(handle)
    assert (action["title"], action["status"]) == ("Publish the analysis (edited)", "in-progress")


def test_a_hand_edited_history_is_checked_and_a_write_appends_to_it(db: Path, monkeypatch):
    tracker(db).add("I1", "first", "Insp A", None)
    _hand_edit(db, b'"by":"tester"', b'"by":"Tester"')
    _no_whole_file_parse(monkeypatch)
    tracker(db).add("I1", "second", "Insp B", None)
    after = AtomicJSONStorage(db).sections()
    assert after is not None and after.intact()
    assert {e["by"] for e in Store.at(db).load().history} >= {"Tester", "tester"}


def test_a_hand_edit_afi_would_not_write_still_gets_the_strict_parse(db: Path):
    # A record split over two lines: readable, but only by the whole-file parse.
    tracker(db).add("I1", "first", "Insp A", None)
    _hand_edit(db, b'"title":"first"', b'"title":\n"first, edited"')
    assert Store.at(db).load().action("A1")["title"] == "first, edited"
    _hand_edit(db, b'"title":\n"first, edited"', b'"title":"x","title":"y"')
    with pytest.raises(StoreCorrupt, match='duplicate key "title"'):
        Store.at(db).load().action("A1")


@pytest.mark.parametrize("patch_max", [1000, 0])
def test_a_write_patches_changed_records_into_the_bytes_exactly_as_a_whole_encoding(
    db: Path, monkeypatch, patch_max
):
    """A write re-encodes only the records it changed (or, above a limit, the
    whole table); the file must be byte for byte what encoding every table whole
    would give (sorted, one per line)."""
    from afi_tracker.store.storage import dump_store

    monkeypatch.setattr("afi_tracker.store.store._PATCH_MAX", patch_max)

    def assert_canonical() -> None:
        raw = db.read_bytes()
        assert dump_store(json.loads(raw)) == raw
        sections = AtomicJSONStorage(db).sections()
        assert sections is not None and sections.intact()

    for n in range(5):
        tracker(db).add("I1", f"action {n}", "Insp A", "31/03/2025")
        assert_canonical()
    tracker(db).update("A2", due="30/04/2025", reason="slipped")
    assert_canonical()
    tracker(db).update("A3", note="a note only: the details table alone")
    assert_canonical()
    tracker(db).delete("A4")
    assert_canonical()
    snap = Store.at(db).load()
    assert [a["id"] for a in snap.actions] == ["A1", "A2", "A3", "A5"]
    assert snap.action("A2")["due"] == "2025-04-30"


def test_listing_some_actions_reads_only_their_details(db: Path, monkeypatch):
    from afi_tracker.store.storage import Sections

    tracker(db).add("I1", "first", "Insp A", None)
    tracker(db).add("I1", "second", "Insp B", None)
    tracker(db).update("A2", note="kept in the details table")
    parsed: list[str] = []
    whole_table = Sections.table

    def table(self: Sections, name: str):
        parsed.append(name)
        return whole_table(self, name)

    monkeypatch.setattr(Sections, "table", table)
    chosen = Store.at(db).load().actions_where(lambda a: a["id"] == "A2")
    assert [(a["id"], [n["text"] for n in a["notes"]]) for a in chosen] == [
        ("A2", ["kept in the details table"])
    ]
    assert "action_details" not in parsed


def test_status_counts_actions_from_their_few_fields_with_the_same_figures(db: Path):
    from afi_tracker.reports.progress import COUNTED, compute

    for n in range(4):
        tracker(db).add("I1", f"action {n}", ["Insp A", "DS B"][n % 2], "31/03/2025")
    tracker(db).update("A2", status="done")
    snap = Store.at(db).load()
    cut = snap.hot_actions_by_item(COUNTED)
    assert {f for actions in cut.values() for a in actions for f in a} <= set(COUNTED)
    whole = Store.at(db).load()
    whole.actions  # noqa: B018  (joined: the projection is not used)
    day = date(2025, 3, 1)
    assert compute(Store.at(db).load(), day) == compute(whole, day)
