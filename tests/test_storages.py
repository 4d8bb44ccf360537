"""AtomicJSONStorage reads strictly and never leaves a half-written file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from afi_tracker.errors import StoreCorrupt, StoreWriteFailed
from afi_tracker.store.storage import AtomicJSONStorage, parse_store_bytes


@pytest.mark.parametrize(
    ("raw", "fault"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf{}", "starts with a UTF-8 byte-order mark"),
        (b'{"meta": {', "is not valid JSON: Expecting property name enclosed in double quotes"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a": 1, "a": 2}', 'duplicate key "a"'),
        (b'{"a": "\xff"}', "is not UTF-8"),
    ],
)
def test_unreadable_bytes_are_reported_with_path_and_fault(raw, fault):
    with pytest.raises(StoreCorrupt) as err:
        parse_store_bytes(raw, "x/tracker.json")
    assert err.value.message.startswith("store x/tracker.json ")
    assert fault in err.value.message


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path):
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write({"meta": {"1": {"schema": 1}}, "items": {"1": {"text": "é [b]"}}})
    data = storage.read()
    assert data is not None
    assert data["items"] == {"1": {"text": "é [b]"}}
    assert data["meta"]["1"]["schema"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_a_file_afi_wrote_is_trusted_and_any_edit_is_not(tmp_path: Path):
    """Per-table CRCs let afi skip re-validating its own writes, never a hand edit."""
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write({"meta": {"1": {"schema": 2}}, "items": {"1": {"text": "abc"}}, "history": {}})
    sections = storage.sections()
    assert sections is not None and sections.intact()
    assert sections.table("items") == {"1": {"text": "abc"}}
    assert sections.table("history") == {}
    path.write_bytes(path.read_bytes().replace(b'"abc"', b'"abd"'))
    edited = storage.sections()
    assert edited is not None and not edited.intact() and edited.table("items") is None
    reread = storage.read()
    assert reread is not None and reread["items"]["1"]["text"] == "abd"
    path.write_bytes(path.read_bytes().replace(b'"text":"abd"', b'"text":"abd","text":"x"'))
    with pytest.raises(StoreCorrupt, match='duplicate key "text"'):
        storage.read()
    path.write_text(json.dumps({"meta": {"1": {"schema": 2}}}, indent=2))
    assert storage.sections() is None  # reformatted by an editor: not afi's layout


def test_write_changes_copies_untouched_tables_and_appends_history(tmp_path: Path):
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write(
        {
            "meta": {"1": {"schema": 2}},
            "reports": {"1": {"key": "r"}},
            "items": {"1": {"text": "a"}},
            "history": {"1": {"n": 1}},
        }
    )
    before = storage.sections()
    assert before is not None
    storage.write_changes(
        {"schema": 2}, {"items": {"1": {"text": "b"}}}, {2: {"n": 2}, 3: {"n": 3}}, before
    )
    after = storage.sections()
    assert after is not None and after.intact()
    assert after.table("reports") == {"1": {"key": "r"}}
    assert after.table("items") == {"1": {"text": "b"}}
    assert after.table("history") == {"1": {"n": 1}, "2": {"n": 2}, "3": {"n": 3}}
    assert json.loads(path.read_text()) == {
        "meta": {"1": after.meta},
        **{n: after.table(n) for n in ("reports", "items", "history")},
    }


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_keeps_old_file_byte_for_byte(tmp_path: Path, monkeypatch, failing):
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write({"meta": {"1": {"schema": 1}}})
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(StoreWriteFailed, match="No space left on device"):
        storage.write({"meta": {"1": {"schema": 1}}, "items": {"1": {"text": "new"}}})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_written_file_keeps_its_permissions(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_text("{}")
    path.chmod(0o640)
    AtomicJSONStorage(path).write({"meta": {"1": {"schema": 1}}})
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_read_touches_only_the_tables_it_parses(tmp_path: Path, monkeypatch):
    """A 100k store is mostly history: status must not read it into memory."""
    from afi_tracker.store import storage as storage_module

    path = tmp_path / "s.json"
    history = {str(n): {"n": n, "text": "x" * 100} for n in range(1, 2000)}
    AtomicJSONStorage(path).write(
        {"meta": {"1": {"schema": 2}}, "items": {"1": {"text": "a"}}, "history": history}
    )
    read: list[tuple[int, int]] = []
    original = storage_module._File.at

    def at(self, start: int, end: int) -> bytes:
        read.append((start, end))
        return original(self, start, end)

    monkeypatch.setattr(storage_module._File, "at", at)
    sections = AtomicJSONStorage(path).sections()
    assert sections is not None and sections.table("items") == {"1": {"text": "a"}}
    start, end = sections.spans["history"]
    # At most the first 4 KiB, read to find the meta line, overlaps the history.
    assert sum(min(e, end) - max(s, start) for s, e in read if s < end and e > start) <= 4096
    assert sum(e - s for s, e in read) < path.stat().st_size // 4


def test_a_table_changed_on_disk_while_copied_fails_the_write(tmp_path: Path):
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write(
        {"meta": {"1": {"schema": 2}}, "items": {"1": {"text": "a"}}, "history": {"1": {"n": 1}}}
    )
    source = storage.sections()
    assert source is not None and source.intact()
    # Edited in place after the check (not replaced: the open file sees it).
    raw = path.read_bytes()
    with path.open("r+b") as handle:
        handle.write(raw.replace(b'{"n":1}', b'{"n":7}'))
    before = path.read_bytes()
    with pytest.raises(StoreWriteFailed, match="changed on disk"):
        storage.write_changes({"schema": 2}, {"items": {"1": {"text": "b"}}}, {}, source)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]
