"""The three-way store merge: record by record, field by field, never losing an edit."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.errors import StoreCorrupt
from afi_tracker.store.merge import Merged, MergeRefused, merge_bytes
from afi_tracker.store.store import Store

LABELS = ("base", "ours", "theirs")


def tracker(db: Path, by: str = "tester") -> Tracker:
    return Tracker(Store.at(db), by=by, command="test", today=date(2025, 1, 6))


@pytest.fixture
def three(db: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    tracker(db).add("I1", "shared", "Insp A", "31/03/2025")
    paths = []
    for name in ("base", "ours", "theirs"):
        path = tmp_path / f"{name}.json"
        shutil.copyfile(db, path)
        paths.append(path)
    return paths[0], paths[1], paths[2]


def merged(three: tuple[Path, Path, Path], *, flip: bool = False) -> tuple[Store, Merged]:
    base, ours, theirs = three
    if flip:
        ours, theirs = theirs, ours
    result = merge_bytes(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(), LABELS)
    out = base.with_name("merged-flip.json" if flip else "merged.json")
    out.write_bytes(result.to_bytes())
    return Store.at(out), result


def test_disjoint_changes_merge_and_the_result_is_the_same_both_ways(three):
    base, ours, theirs = three
    tracker(ours, "alice").update("A1", title="renamed")
    tracker(ours, "alice").add("I2", "alice's", "Insp B", None)
    tracker(theirs, "bob").update("A1", status="in-progress", note="started")
    tracker(theirs, "bob").add("I3", "bob's", "Insp C", None)
    store, result = merged(three)
    flipped, _ = merged(three, flip=True)
    assert Path(store.label).read_bytes() == Path(flipped.label).read_bytes()
    snap = store.load()
    assert snap.action("A1")["title"] == "renamed"
    assert snap.action("A1")["status"] == "in-progress"
    assert [n["text"] for n in snap.action("A1")["notes"]] == ["started"]
    assert sorted(a["title"] for a in snap.actions) == ["alice's", "bob's", "renamed"]
    assert sorted(a["id"] for a in snap.actions) == ["A1", "A2", "A3"]
    assert result.renumbered == ["A2 was renumbered A3 in a merge"]
    renamed = next(a for a in snap.actions if a["id"] == "A3")
    assert snap.action("A2")["id"] == "A2" and renamed["former_ids"] == ["A2"]
    assert store._sections(whole=True) is not None  # fast path: CRCs valid
    assert {e["by"] for e in snap.history} >= {"alice", "bob"}
    assert result.conflicts == []


def test_a_field_changed_differently_on_both_sides_is_kept_as_a_conflict(three):
    base, ours, theirs = three
    tracker(ours, "alice").update("A1", due="30/04/2025", reason="slipped")
    tracker(theirs, "bob").update("A1", due="31/05/2025", reason="later")
    store, result = merged(three)
    action = store.load().action("A1")
    clash = action["conflicts"]["due"]
    assert [(v["value"], v["by"]) for v in clash["values"]] == [
        ("2025-04-30", "alice"),
        ("2025-05-31", "bob"),
    ] or [(v["value"], v["by"]) for v in clash["values"]] == [
        ("2025-05-31", "bob"),
        ("2025-04-30", "alice"),
    ]
    assert clash["base"] == "2025-03-31"
    assert len(action["due_history"]) == 3  # both revisions kept
    assert [(c.handle, c.field) for c in result.conflicts] == [("A1", "due")]
    tracker(Path(store.label)).update("A1", due="15/05/2025", reason="agreed")
    settled = Store.at(store.label).load().action("A1")
    assert "conflicts" not in settled and settled["due"] == "2025-05-15"


def test_delete_on_one_side_and_edit_on_the_other_keeps_the_record(three):
    base, ours, theirs = three
    tracker(ours, "alice").delete("A1")
    tracker(theirs, "bob").update("A1", title="still needed")
    store, result = merged(three)
    action = store.load().action("A1")
    assert action["title"] == "still needed"
    assert [v["value"] for v in action["conflicts"]["deleted"]["values"]] == [
        "deleted",
        "changed",
    ]


def test_bad_inputs_are_refused(three, tmp_path):
    base, ours, theirs = three
    good = ours.read_bytes()
    marked = b"<<<<<<< ours\n" + good + b"=======\n>>>>>>> theirs\n"
    with pytest.raises(StoreCorrupt, match="conflict markers"):
        merge_bytes(None, marked, good, LABELS)
    with pytest.raises(MergeRefused, match="theirs is not an afi store"):
        merge_bytes(None, good, b'{"hello": {}}', LABELS)
    v2 = (Path(__file__).parent / "fixtures" / "store-v2.json").read_bytes()
    with pytest.raises(MergeRefused, match="ours is schema 4 and theirs is schema 2"):
        merge_bytes(None, good, v2, LABELS)


def test_two_way_merge_makes_every_difference_a_conflict(three):
    base, ours, theirs = three
    tracker(ours, "alice").update("A1", owners=["Insp X"])
    tracker(theirs, "bob").update("A1", title="other")
    result = merge_bytes(None, ours.read_bytes(), theirs.read_bytes(), LABELS)
    assert sorted(c.field for c in result.conflicts) == ["owners", "title"]


def test_an_older_ancestor_is_migrated_in_memory(tmp_path):
    """Both clones upgraded afi and changed the store: the ancestor is still schema 2."""
    v2 = Path(__file__).parent / "fixtures" / "store-v2.json"
    sides = []
    for name in ("ours", "theirs"):
        path = tmp_path / f"{name}.json"
        shutil.copyfile(v2, path)
        tracker(path).add("I1", f"{name} first", "Insp Z", None)  # migrates it
        sides.append(path)
    tracker(sides[0]).update("A1", owners=["Insp A"])
    result = merge_bytes(v2.read_bytes(), sides[0].read_bytes(), sides[1].read_bytes(), LABELS)
    out = tmp_path / "merged.json"
    out.write_bytes(result.to_bytes())
    actions = sorted((a["title"], a["owners"]) for a in Store.at(out).load().actions)
    assert actions == [("ours first", ["Insp A"]), ("theirs first", ["Insp Z"])]
    assert result.renumbered == ["A1 was renumbered A2 in a merge"]
    assert result.conflicts == []  # both sides migrated the old records alike
