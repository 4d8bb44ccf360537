"""Per-item action counts (domain/counts.py) and the store's item_counts table
(store/derived.py): status reads them instead of the actions, so they must
always equal counting the actions, and never be trusted when they might not."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afi_tracker.api.tracker import Tracker
from afi_tracker.domain import counts
from afi_tracker.reports.progress import COUNTED, compute
from afi_tracker.store import derived
from afi_tracker.store.storage import AtomicJSONStorage, Sections, dump_store
from afi_tracker.store.store import Store

DAY = date(2025, 3, 1)

_actions = st.lists(
    st.fixed_dictionaries(
        {
            "item": st.sampled_from(["I1", "I2", "I3", "I10", "i2", "X4", "I0"]),
            "status": st.sampled_from(["planned", "in-progress", "blocked", "done", "cancelled"]),
            "due": st.one_of(
                st.none(), st.sampled_from(["2025-02-28", "2025-03-01", "2025-03-02"])
            ),
            "owners": st.lists(
                st.sampled_from(["Insp A", "insp a", "DS B", "Ch Supt C"]), max_size=2
            ),
        }
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(_actions, st.data())
def test_adjusting_the_counts_for_changed_actions_equals_counting_again(actions, data):
    """A write adjusts only the touched items' lines; the result must be what
    counting every action afresh gives (dropped lines for items left with none)."""
    after = list(actions)
    changed_before, changed_after = [], []
    for n in data.draw(st.lists(st.integers(0, max(len(after) - 1, 0)), unique=True)):
        if n < len(after):
            changed_before.append(after[n])
    replacements = data.draw(_actions)
    for old in changed_before:
        after.remove(old)
    after += replacements
    changed_after = replacements
    stored = derived.table_of(actions)
    patch = derived.adjusted(stored, changed_before, changed_after)
    patched = {k: v for k, v in {**stored, **patch}.items() if v is not None}
    assert dict(sorted(patched.items())) == derived.table_of(after)


def test_counts_follow_the_rules_of_progress():
    actions = [
        {"item": "I1", "status": "planned", "due": "2025-02-28", "owners": ["DS B"]},
        {"item": "I1", "status": "blocked", "due": "2025-03-01", "owners": ["insp a"]},
        {"item": "I1", "status": "done", "due": "2025-01-01", "owners": ["Insp A"]},
        {"item": "I1", "status": "cancelled", "due": "2024-01-01", "owners": ["Nobody"]},
    ]
    tally = counts.tally(actions)  # type: ignore[arg-type]
    assert (tally["live"], tally["done"], tally["open"], tally["blocked"]) == (3, 1, 2, 1)
    # Due on the day itself is not overdue: only the one due the day before.
    assert counts.overdue(tally, DAY) == 1
    assert counts.next_due(tally) == "2025-02-28"
    # The cancelled action's owner is not counted; names differing in case stay apart.
    assert counts.owner_names(tally) == ["DS B", "Insp A", "insp a"]


def tracker(db: Path) -> Tracker:
    return Tracker(Store.at(db), by="tester", command="test", today=date(2025, 1, 6))


def _plan(db: Path) -> None:
    t = tracker(db)
    for n in range(6):
        t.add(f"I{1 + n % 3}", f"action {n}", ["Insp A", "DS B"][n % 2], "28/02/2025")
    t.update("A2", status="done")
    t.update("A3", status="blocked", reason="waiting for IT")
    t.update("A4", status="cancelled", reason="superseded")


def _whole(db: Path):
    """Progress counted from every whole action, never from stored counts."""
    snap = Store.at(db).load()
    snap.actions  # noqa: B018  (materialised: the stored counts are not used)
    return compute(snap, DAY)


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    table, project = Sections.table, Sections.project

    def spy_table(self: Sections, name: str):
        parsed.append(name)
        return table(self, name)

    def spy_project(self: Sections, name: str, fields):
        parsed.append(name)
        return project(self, name, fields)

    monkeypatch.setattr(Sections, "table", spy_table)
    monkeypatch.setattr(Sections, "project", spy_project)
    return parsed


def _canonical(db: Path) -> bool:
    raw = db.read_bytes()
    return dump_store(json.loads(raw)) == raw


def test_status_reads_the_stored_counts_and_no_action(db: Path, monkeypatch):
    _plan(db)
    assert _canonical(db)  # each write kept the counts exactly as counting again gives
    expected = _whole(db)
    parsed = _parsed(monkeypatch)
    assert compute(Store.at(db).load(), DAY) == expected
    assert derived.COUNTS in parsed
    assert "actions" not in parsed and "action_details" not in parsed


def test_a_hand_edited_action_is_counted_not_the_stale_counts(db: Path, monkeypatch):
    _plan(db)
    raw = db.read_bytes()
    assert raw.count(b'"status":"blocked"') == 1
    db.write_bytes(raw.replace(b'"status":"blocked"', b'"status":"done"'))
    parsed = _parsed(monkeypatch)
    view = compute(Store.at(db).load(), DAY)
    assert "actions" in parsed
    assert view == _whole(db)
    assert view.totals.actions_done == 2  # A2 and the edited A3
    tracker(db).add("I1", "after the edit", "Insp A", None)
    assert _canonical(db)  # the next write rebuilt them


def test_hand_edited_counts_are_not_trusted(db: Path, monkeypatch):
    _plan(db)
    raw = db.read_bytes()
    start = raw.index(b'"item_counts":{')
    live = raw.index(b'"live":', start)
    db.write_bytes(raw[:live] + b'"live":99' + raw[raw.index(b",", live) :])
    parsed = _parsed(monkeypatch)
    assert compute(Store.at(db).load(), DAY) == _whole(db)
    assert "actions" in parsed


def test_counts_an_afi_did_not_keep_are_ignored_and_rebuilt(db: Path, monkeypatch):
    """An afi from before the counts (or any writer that copies them untouched)
    changes actions and leaves item_counts and meta.counts_of as they were."""
    _plan(db)
    with monkeypatch.context() as m:
        m.setattr("afi_tracker.store.store._recount", lambda *args: None)
        tracker(db).update("A1", status="done")
    meta = json.loads(db.read_text())["meta"]["1"]
    assert meta[derived.COUNTS_OF] != meta["crc"]["actions"]
    assert not _canonical(db)
    assert compute(Store.at(db).load(), DAY) == _whole(db)
    assert compute(Store.at(db).load(), DAY).totals.actions_done == 2
    tracker(db).update("A5", note="a note changes no count")
    assert compute(Store.at(db).load(), DAY) == _whole(db)
    tracker(db).update("A5", status="in-progress")
    assert _canonical(db)


def test_a_store_without_counts_is_counted_and_gets_them_on_the_next_write(db: Path):
    _plan(db)
    data = json.loads(db.read_text())
    del data[derived.COUNTS]
    del data["meta"]["1"][derived.COUNTS_OF]
    storage = AtomicJSONStorage(db)
    sections = storage.sections()
    assert sections is not None
    # Laid out as afi writes it, without the table: as an older afi left it.
    old = dump_store(data)
    cut = old.index(b',\n"item_counts":{')
    end = old.index(b"\n}", cut + 3) + 2
    old = old[:cut] + old[end:]
    head = json.loads(old[old.index(b'"1":') + 4 : old.index(b"\n}")])
    head.pop(derived.COUNTS_OF)
    head["crc"].pop(derived.COUNTS)
    head["len"].pop(derived.COUNTS)
    old = (
        old[: old.index(b'"1":') + 4]
        + json.dumps(head, separators=(",", ":")).encode()
        + old[old.index(b"\n}") :]
    )
    db.write_bytes(old)
    assert Store.at(db).load().item_counts(COUNTED) == counts.by_item(_whole_actions(db))
    assert compute(Store.at(db).load(), DAY) == _whole(db)
    tracker(db).add("I2", "one more", "DS B", None)
    assert _canonical(db)


def _whole_actions(db: Path):
    return Store.at(db).load().actions
