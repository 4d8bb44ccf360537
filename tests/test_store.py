"""The store: one write per command, never reuses handles, never overwrites a bad file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from afi_tracker.domain.model import new_item
from afi_tracker.errors import StoreCorrupt, StoreLocked, StoreMissing
from afi_tracker.store.store import Store


@pytest.fixture(params=["memory", "file"])
def store(request, tmp_path: Path) -> Store:
    if request.param == "memory":
        return Store.in_memory()
    return Store.at(tmp_path / "tracker.json")


def add_item(store: Store, text: str) -> str:
    with store.transaction("test", "tester", create=True) as tx:
        return tx.insert("items", new_item(report="r", text=text))["id"]


def test_handles_are_never_reused_after_delete(store: Store):
    first, second = add_item(store, "one"), add_item(store, "two")
    assert (first, second) == ("I1", "I2")
    with store.transaction("delete", "tester") as tx:
        tx.delete("items", tx.item("I2"))
    assert add_item(store, "three") == "I3"
    keys = [i["uid"] for i in store.load().items]
    assert len(set(keys)) == len(keys) == 2


def test_a_failed_command_writes_nothing(store: Store):
    add_item(store, "one")
    with pytest.raises(RuntimeError), store.transaction("x", "tester") as tx:
        tx.insert("items", new_item(report="r", text="two"))
        raise RuntimeError("boom")
    assert [i["text"] for i in store.load().items] == ["one"]


def test_every_change_is_in_the_history_with_who_and_command(store: Store):
    add_item(store, "one")
    with store.transaction("afi edit", "alice") as tx:
        tx.update("items", tx.item("I1"), text="uno")
    history = store.load().history
    assert [(h["op"], h["by"], h["command"]) for h in history] == [
        ("create", "tester", "test"),
        ("update", "alice", "afi edit"),
    ]
    # Transaction ids grow with time and are never minted twice (two clones of
    # a store in git cannot collide): no counter is kept.
    assert history[0]["txn"] < history[1]["txn"]
    assert history[1]["changes"] == [{"field": "text", "old": "one", "new": "uno"}]


def test_missing_store_is_reported(tmp_path: Path):
    with pytest.raises(StoreMissing, match=f"no store at {tmp_path / 'none.json'}"):
        Store.at(tmp_path / "none.json").load()


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        ("null", "top level is null"),
        ("[]", "top level is a list"),
        ('{"meta": {"1": {"schema": 99}}}', "schema version 99 is newer"),
        (
            '{"meta": {"1": {"schema": 1}}, "items": {"x": {}}}',
            "items[x]: document id is not a positive whole number",
        ),
        ('{"meta": {"1": {"schema": 1}}, "items": []}', 'table "items" is a list'),
        (
            '{"meta": {"1": {"schema": 1}}, "items": {"1": {"uid": "u", "report": "r", '
            '"kind": "area-for-improvement", "text": 5, "status": "open", "question": null, '
            '"deadline": null}}}',
            "items[1].text: is a number",
        ),
    ],
)
def test_invalid_store_is_refused_and_left_byte_for_byte(tmp_path: Path, content, fault):
    path = tmp_path / "tracker.json"
    path.write_text(content)
    store = Store.at(path)
    with pytest.raises(StoreCorrupt) as err:
        store.load()
    assert fault in err.value.message and str(path) in err.value.message
    with pytest.raises(StoreCorrupt), store.transaction("x", "tester", create=True) as tx:
        tx.insert("items", new_item(report="r", text="x"))
    assert path.read_text() == content


def test_lock_timeout_names_the_lock_file(tmp_path: Path):
    from filelock import FileLock

    path = tmp_path / "tracker.json"
    add_item(Store.at(path), "one")
    with FileLock(f"{path}.lock"):
        with pytest.raises(StoreLocked, match=f"lock file {path}.lock"):
            with Store.at(path, timeout=0.2).transaction("x", "tester"):
                pass


WRITER = textwrap.dedent(
    """
    import sys
    from afi_tracker.domain.model import new_item
    from afi_tracker.store.store import Store
    store = Store.at(sys.argv[1], timeout=60)
    for n in range(int(sys.argv[3])):
        with store.transaction("w", sys.argv[2], create=True) as tx:
            tx.insert("items", new_item(report="r", text=f"{sys.argv[2]}-{n}"))
    """
)


def test_two_concurrent_writer_processes_lose_nothing(tmp_path: Path):
    path = tmp_path / "tracker.json"
    count = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(count)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    texts = sorted(i["text"] for i in Store.at(path).load().items)
    assert texts == sorted(f"{w}-{n}" for w in "ab" for n in range(count))
    data = json.loads(path.read_text())
    assert len(data["items"]) == 2 * count
