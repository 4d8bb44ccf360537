"""Schema 3: records keyed by uid, one per line in uid order, hot fields apart from details."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
    tracker(db).add("I1", "first", "Insp A", None)
    tracker(db).add("I1", "second", "Insp B", None)
    tracker(db).update("A2", note="kept in the details table")
    parsed = _count_whole_parses(monkeypatch)
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
    sections = AtomicJSONStorage(db).sections()
    assert sections is not None
    cut = sections.project("actions", COUNTED)
    assert cut is not None and {f for a in cut for f in a} <= set(COUNTED)
    whole = Store.at(db).load()
    whole.actions  # noqa: B018  (joined: the projection is not used)
    day = date(2025, 3, 1)
    assert compute(Store.at(db).load(), day) == compute(whole, day)


_IDS = st.integers(min_value=0, max_value=40).map(lambda n: f"{n:039d}")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_IDS, st.integers(min_value=0, max_value=9), max_size=12),
    st.dictionaries(_IDS, st.none() | st.integers(min_value=10, max_value=19), max_size=8),
)
def test_patching_lines_gives_the_whole_encoding(table, changes):
    """Records replaced, added anywhere (first, last, between) or dropped, several
    at once: the patched bytes are those of the table encoded whole."""
    from afi_tracker.store.storage import Sections, _patched, dump_store

    raw = dump_store({"meta": {"1": {}}, "things": {k: {"n": v} for k, v in sorted(table.items())}})
    sections = Sections.locate(raw)
    assert sections is not None
    patched = _patched(
        sections, "things", {k: None if v is None else {"n": v} for k, v in changes.items()}
    )
    assert patched is not None
    after = {k: {"n": v} for k, v in table.items()}
    for key, value in changes.items():
        if value is None:
            after.pop(key, None)
        else:
            after[key] = {"n": value}
    expected = dump_store({"meta": {"1": {}}, "things": dict(sorted(after.items()))})
    body = b"".join(bytes(part) for part in patched.parts)
    whole = Sections.locate(expected)
    assert whole is not None
    assert body == bytes(whole.content("things"))
    # Reading records by id finds the same ones.
    wanted = sorted(set(table) | set(changes))
    assert whole.records("things", wanted) == {k: after[k] for k in wanted if k in after}


def test_patching_refuses_a_table_out_of_id_order():
    """A table whose lines are out of id order is encoded whole instead (the
    binary search cannot place a new line in it)."""
    from afi_tracker.store.storage import Sections, _patched, dump_store

    docs = {f"{n:039d}": {"n": n} for n in (5, 1, 9, 3, 7, 2)}  # not sorted
    sections = Sections.locate(dump_store({"meta": {"1": {}}, "things": docs}))
    assert sections is not None
    added = {f"{n:039d}": {"n": n} for n in (4, 6, 8, 10, 11)}  # more than a scan each
    assert _patched(sections, "things", added) is None


_OPS = st.lists(
    st.tuples(st.sampled_from(["get", "set", "pop", "in", "setdefault"]), _IDS, st.integers(0, 9)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_IDS, st.integers(0, 9), max_size=10), _OPS)
def test_a_table_read_record_by_record_behaves_as_the_whole_dict(table, ops):
    """Lookups, changes, deletions and restores on a _Partial, then anything that
    needs every record: the same records in the same order as a plain dict."""
    from afi_tracker.store.store import _Partial

    file = {k: {"n": v} for k, v in sorted(table.items())}
    fetched: list[str] = []

    def one(key: str, at: int | None) -> dict | None:
        fetched.append(key)
        return dict(file[key]) if key in file else None

    partial = _Partial(b"", one, lambda: {k: dict(v) for k, v in file.items()})
    plain = {k: dict(v) for k, v in file.items()}
    for op, key, n in ops:
        for table_ in (partial, plain):
            if op == "get":
                assert partial.get(key) == plain.get(key)
            elif op == "set":
                table_[key] = {"n": n}
            elif op == "pop":
                table_.pop(key, None)
            elif op == "in":
                assert (key in partial) == (key in plain)
            else:
                table_.setdefault(key, {"n": n})
    assert len(set(fetched)) == len(fetched)  # each record parsed at most once
    assert list(partial.items()) == list(plain.items())
    assert len(partial) == len(plain) and partial == plain


def _afi_wrote(db: Path, change) -> None:
    """The store as afi would write it (CRCs and all), after `change` to its data."""
    data = json.loads(db.read_text())
    change(data)
    Store.at(db).storage.write(data)


def _count_whole_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from afi_tracker.store.storage import Sections

    parsed: list[str] = []
    whole_table = Sections.table

    def table(self: Sections, name: str):
        parsed.append(name)
        return whole_table(self, name)

    monkeypatch.setattr(Sections, "table", table)
    return parsed


def test_changing_or_adding_one_action_parses_no_table_of_actions_whole(db: Path, monkeypatch):
    for n in range(3):
        tracker(db).add("I1", f"action {n}", "Insp A", "31/03/2025", note=f"note {n}")
    parsed = _count_whole_parses(monkeypatch)
    action = tracker(db).update("A2", due="30/04/2025", reason="slipped")
    assert [n["text"] for n in action["notes"]] == ["note 1"]  # whole: details joined
    assert [d["due"] for d in action["due_history"]] == ["2025-03-31", "2025-04-30"]
    added = tracker(db).add("I1", "action 3", "Insp A", None)
    assert added["id"] == "A4"
    assert not {"actions", "action_details"} & set(parsed)
    snap = Store.at(db).load()
    assert snap.action("A2")["due"] == "2025-04-30"
    assert [a["id"] for a in snap.actions] == ["A1", "A2", "A3", "A4"]


def test_a_renumbered_handle_is_found_without_parsing_the_table(db: Path, monkeypatch):
    tracker(db).add("I1", "kept", "Insp A", None)
    tracker(db).add("I1", "moved", "Insp A", None)

    def renumber(data: dict) -> None:
        key = next(k for k, a in data["actions"].items() if a["title"] == "moved")
        data["actions"][key].update(id="A14", former_ids=["A9"])

    _afi_wrote(db, renumber)
    parsed = _count_whole_parses(monkeypatch)
    snap = Store.at(db).load()
    assert snap.action("a9")["title"] == "moved"
    assert snap.notices == ["A9 was renumbered A14 in a merge"]
    assert snap.action("A14")["title"] == "moved"
    assert "actions" not in parsed


def test_the_next_handle_is_above_every_handle_even_when_the_counter_is_behind(db: Path):
    """A store afi wrote whose counter is behind its handles (an older afi, a
    hand edit written back) still gives a new handle above all of them."""
    tracker(db).add("I1", "one", "Insp A", None)

    def behind(data: dict) -> None:
        (key,) = data["actions"]
        data["actions"][key]["id"] = "A120"
        data["meta"]["1"]["next"]["actions"] = 7

    _afi_wrote(db, behind)
    assert tracker(db).add("I1", "two", "Insp A", None)["id"] == "A121"
    assert tracker(db).add("I1", "three", "Insp A", None)["id"] == "A122"


def test_a_missing_handle_is_still_reported(db: Path):
    from afi_tracker.errors import NotFound

    tracker(db).add("I1", "one", "Insp A", None)
    with pytest.raises(NotFound, match='no action "A77"'):
        tracker(db).update("A77", title="x")


def test_tables_copied_a_small_piece_at_a_time_are_copied_whole_and_checked(db: Path, monkeypatch):
    """Copies and CRCs go a piece at a time through one reused buffer: with
    pieces of 7 bytes every table spans many, and the file is still exact."""
    from afi_tracker.store import storage
    from afi_tracker.store.storage import dump_store

    monkeypatch.setattr(storage, "_PIECE", 7)
    tracker(db).add("I1", "first", "Insp A", "31/03/2025", note="n")
    tracker(db).update("A1", note="second")
    raw = db.read_bytes()
    assert dump_store(json.loads(raw)) == raw
    sections = AtomicJSONStorage(db).sections()
    assert sections is not None and sections.intact()
    _hand_edit(db, b'"text":"second"', b'"text":"SECOND"')  # the details' CRC now fails
    edited = AtomicJSONStorage(db).sections()
    assert edited is not None and not edited.intact()
