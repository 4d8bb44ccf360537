"""What `afi list -f json` writes: the rows' indented JSON, as UTF-8 bytes that
never pass through a `str` on the way out, the same on stdout and in a file.
Pins the bytes, never how long they take."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from afi_tracker.api.tracker import Tracker
from afi_tracker.domain.clock import today
from afi_tracker.domain.model import Action, owners_of
from afi_tracker.domain.rules import (
    action_overdue,
    handle_number,
    handle_numbers,
    overdue_as_of,
)
from afi_tracker.render import json as json_render
from afi_tracker.render.base import Encoded, Listing
from afi_tracker.render.listings import (
    ActionFilter,
    _by_due_then_handle,
    action_rows,
    actions_listing,
)
from afi_tracker.store.store import Store
from tests.conftest import invoke

# Any text but lone surrogates (not UTF-8 at all): control characters, quotes,
# backslashes, line separators, non-ASCII letters and emoji among them.
odd_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(["\x00", "\x1f\x7f", '"\\/', "\u2028\u2029", "é€😀", "</script>"])
values = st.none() | st.booleans() | odd_text | st.lists(odd_text, max_size=3)
rows = st.lists(st.dictionaries(odd_text, values, max_size=5), max_size=5)


def stdlib_encoding(value: object) -> bytes:
    """The JSON afi has always written: two-space indent, text as it is, a final line break."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(rows=rows)
def test_the_json_listing_is_the_rows_encoded_once_as_utf8_bytes(rows):
    encoded = json_render.listing(Listing("Actions", [], rows))
    assert isinstance(encoded, Encoded)
    assert encoded.data == stdlib_encoding(rows)
    assert json_render.dumps(rows).encode("utf-8") == encoded.data  # one encoding for every view


def tracker(db: Path) -> Tracker:
    return Tracker(Store.at(db), by="tester", command="test", today=date(2025, 1, 6))


def test_list_json_writes_the_same_bytes_to_stdout_and_to_a_file(runner, db: Path, tmp_path):
    tracker(db).add("I1", 'Publish "stop\tand search" – ünïcode 😀', "Insp Patel", "31/03/2025")
    tracker(db).add("I1", "second\x7f", ["DS Jones", "Insp Patel"], None)
    tracker(db).update("A1", evidence=["minutes.pdf"])
    expected = stdlib_encoding(actions_listing(Store.at(db).load(), ActionFilter(), today()).rows)
    shown = invoke(runner, "--db", str(db), "list", "-f", "json")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout_bytes == expected
    out = tmp_path / "actions.json"
    written = invoke(runner, "--db", str(db), "list", "-f", "json", "-o", str(out))
    assert written.exit_code == 0, written.output
    assert out.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".actions")] == []
    dash = invoke(runner, "--db", str(db), "list", "-f", "json", "-o", "-")
    assert dash.stdout_bytes == expected


def test_an_empty_json_list_is_an_empty_array(runner, db: Path):
    shown = invoke(runner, "--db", str(db), "list", "--owner", "Nobody", "-f", "json")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout_bytes == b"[]\n"


# -- the rows and their order: built in one loop, sorted on integer keys -----------------

statuses = st.sampled_from(["planned", "in-progress", "blocked", "done", "cancelled"])
days = st.none() | st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(date.isoformat)
handles = st.integers(0, 60).map(lambda n: f"A{n}") | st.sampled_from(["A", "Ax", "", "A007"])
actions = st.lists(
    st.fixed_dictionaries(
        {
            "id": handles,
            "item": st.sampled_from(["I1", "I2"]),
            "title": odd_text,
            # As afi writes them, or not: an empty name, a number, null, no list.
            "owners": st.lists(odd_text | st.none() | st.integers(0, 9), max_size=3) | st.none(),
            "due": days,
            "status": statuses,
            "status_reason": st.none() | odd_text,
            "created": st.none() | odd_text,
            "updated": st.none() | odd_text,
        },
        optional={
            "evidence": st.lists(st.builds(lambda ref: {"ref": ref}, odd_text), max_size=2),
            "owner": odd_text,  # an older schema's one owner
        },
    ),
    max_size=30,
)


def reference_row(action: Action, as_of: date) -> dict[str, object]:
    """The row as afi has always built it, one function call per field."""
    owners = owners_of(action)
    return {
        "id": action["id"],
        "item": action["item"],
        "title": action["title"],
        "owner": ", ".join(owners) or None,
        "due": action.get("due"),
        "status": action["status"],
        "status_reason": action.get("status_reason"),
        "overdue": action_overdue(action, as_of),
        "created": action.get("created"),
        "updated": action.get("updated"),
        "evidence": [e["ref"] for e in action.get("evidence", [])],
        "owners": owners,
    }


@settings(max_examples=300, deadline=None)
@given(actions=actions, as_of=st.dates(date(2024, 1, 1), date(2026, 12, 31)))
def test_action_rows_are_the_reference_rows_in_due_then_handle_order(
    actions: list[Action], as_of: date
) -> None:
    rows = action_rows(actions, as_of)
    assert [list(r) for r in rows] == [list(reference_row(a, as_of)) for a in actions]  # key order
    assert rows == [reference_row(a, as_of) for a in actions]
    assert [overdue_as_of(as_of)(a) for a in actions] == [action_overdue(a, as_of) for a in actions]
    handles = [a["id"] for a in actions]
    assert handle_numbers(handles) == [handle_number(h) for h in handles]
    for row, action in zip(rows, actions, strict=True):  # a row's list is not the record's
        assert row["owners"] is not action["owners"]
    ordered = _by_due_then_handle(actions)
    expected = sorted(actions, key=lambda a: (a.get("due") or "9999", handle_number(a["id"])))
    assert [id(a) for a in ordered] == [id(a) for a in expected]  # stable: ties keep their order


def test_no_filter_chooses_every_action_without_a_test_per_action(db: Path):
    for n in range(4):
        tracker(db).add("I1", f"action {n}", ["Insp Patel", "DS Jones"][n % 2], None)
    tracker(db).update("A2", status="done")
    assert ActionFilter().wanted({}, today()) is None
    everything = ActionFilter(statuses=["planned", "in-progress", "blocked", "done", "cancelled"])
    assert everything.wanted({}, today()) is not None
    listed = actions_listing(Store.at(db).load(), ActionFilter(), today()).rows
    assert listed == actions_listing(Store.at(db).load(), everything, today()).rows
    assert [r["id"] for r in listed] == ["A1", "A2", "A3", "A4"]


# -- what a listing leaves to the process's exit ------------------------------------------


class _Record:
    """Something a weak reference can follow (a dict cannot)."""


def test_records_left_to_exit_are_freed_only_by_the_cyclic_collector():
    import gc
    import weakref

    from afi_tracker.cli.root import _leave_to_exit

    record = _Record()
    gone = weakref.ref(record)
    was_on = gc.isenabled()
    gc.disable()  # as in a command (__main__.py)
    try:
        _leave_to_exit(record, [record])
        del record
        assert gone() is not None  # not freed as the command returns
    finally:
        if was_on:
            gc.enable()
    gc.collect()
    assert gone() is None  # where the collector runs (tests), garbage as any other


def test_list_leaves_its_store_and_rows_to_exit(runner, db: Path, monkeypatch):
    from afi_tracker.cli import actions as action_commands
    from afi_tracker.store.store import Snapshot

    tracker(db).add("I1", "first", "Insp Patel", None)
    left: list[tuple[object, ...]] = []
    monkeypatch.setattr(action_commands, "_leave_to_exit", lambda *records: left.append(records))
    shown = invoke(runner, "--db", str(db), "list", "-f", "json")
    assert shown.exit_code == 0, shown.output
    [(snap, view)] = left
    assert isinstance(snap, Snapshot) and isinstance(view, Listing)
    assert [r["id"] for r in view.rows] == ["A1"]
