"""Guarantees under concurrency, crashes, I/O faults and damaged files.

Each test here fails if the protection it names is removed; docs/reliability.md
records what they measured. The long ones are marked `slow` and run in CI all the same.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from afi_tracker.store.store import Store
from tests.conftest import SHIPPED

AFI = [sys.executable, "-m", "afi_tracker"]


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "AFI_USER": "tester", "NO_COLOR": "1", **extra}


def afi(db: Path, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AFI, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env(**kw.pop("extra_env", {})),
        timeout=120,
        **kw,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.json"
    shutil.copyfile(SHIPPED, path)
    return path


# -- 1. concurrency --------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from afi_tracker.cli.root import app
    db, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    failures = 0
    for n in range(count):
        code = app(["--db", db, "add", "I1", f"{name}-{n}", "--owner", name, "--due", "eom"],
                   standalone_mode=False)
        failures += code != 0
    sys.exit(failures)
    """
)

READER = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from afi_tracker.store.storage import AtomicJSONStorage
    from afi_tracker.store.store import Store
    db, stop = sys.argv[1], sys.argv[2]
    reads = torn = 0
    while not os.path.exists(stop):
        try:
            # Every table parsed, every CRC checked: a torn file cannot pass.
            snap = Store.at(db).load()
            for name in ("reports", "items", "actions", "history"):
                getattr(snap, name)
            sections = AtomicJSONStorage(Path(db)).sections()
            if sections is None or not sections.intact():
                raise AssertionError("not a whole file as afi wrote it")
            reads += 1
        except Exception as exc:
            torn += 1
            print(repr(exc), file=sys.stderr)
        time.sleep(0.005)  # a reader, not a CPU hog: the writers need the cores
    print(json.dumps({"reads": reads, "torn": torn}))
    """
)


@pytest.mark.slow
def test_eight_writers_two_hundred_commands_each_lose_nothing(db, tmp_path):
    writers, count = 8, 200
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )
        for _ in range(2)
    ]
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), f"w{k}", str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(AFI_LOCK_TIMEOUT="120"),
        )
        for k in range(writers)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    elapsed = time.monotonic() - started
    stop.touch()
    seen = [json.loads(r.communicate(timeout=60)[0]) for r in readers]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    snap = Store.at(db).load()
    titles = sorted(a["title"] for a in snap.actions)
    assert titles == sorted(f"w{k}-{n}" for k in range(writers) for n in range(count))
    assert len({a["id"] for a in snap.actions}) == writers * count
    assert sum(s["torn"] for s in seen) == 0 and all(s["reads"] > 0 for s in seen)
    print(
        f"\n{writers}x{count} writes in {elapsed:.1f}s; reads beside them: "
        f"{sum(s['reads'] for s in seen)}, torn: 0"
    )


def test_lock_contention_times_out_naming_the_lock_file(db):
    from filelock import FileLock

    before = db.read_bytes()
    with FileLock(f"{db}.lock"):
        result = afi(
            db,
            "add",
            "I1",
            "x",
            "--owner",
            "o",
            "--due",
            "eom",
            extra_env={"AFI_LOCK_TIMEOUT": "0.5"},
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: store is locked by another afi process (lock file "
        f"{db}.lock) (waited 0.5s; retry when the other command has "
        "finished)\n"
    )
    assert db.read_bytes() == before


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from afi_tracker.store.store import Store
    with Store.at(sys.argv[1]).transaction("hold", "holder"):
        Path(sys.argv[2]).touch()
        time.sleep(600)
    """
)


def test_lock_of_a_killed_process_does_not_block_the_next(db, tmp_path):
    holding = tmp_path / "holding"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(holding)], env=env())
    deadline = time.monotonic() + 30
    while not holding.exists():
        assert time.monotonic() < deadline and holder.poll() is None
        time.sleep(0.05)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    # With the killed holder's lock still held, this add would time out after 5 s
    # and fail with exit 1: the exit code says it, with no timing to flake on.
    result = afi(
        db,
        "add",
        "I1",
        "after the kill",
        "--owner",
        "o",
        "--due",
        "eom",
        extra_env={"AFI_LOCK_TIMEOUT": "5"},
    )
    assert result.returncode == 0, result.stderr


# -- 2. crashes ------------------------------------------------------------------------------


def _grow(db: Path, actions: int) -> None:
    """Make writes take long enough that kills land inside them."""
    data = json.loads(db.read_text())
    store = Store.at(db)
    with store.transaction("grow", "tester") as tx:
        for n in range(actions):
            tx.insert(
                "actions",
                {
                    "uid": f"grow{n}",
                    "item": "I2",
                    "title": f"bulk action {n} " + "x" * 200,
                    "owner": "o",
                    "due": None,
                    "status": "planned",
                    "updated": tx.at,
                    "created": tx.at,
                },
            )
    assert data


@pytest.mark.slow
def test_kill_nine_at_random_points_leaves_before_or_after(db):
    _grow(db, 3000)
    rng = random.Random(1234)
    probe = time.monotonic()
    assert afi(db, "add", "I1", "probe", "--owner", "o", "--due", "eom").returncode == 0
    duration = time.monotonic() - probe
    outcomes = {"before": 0, "after": 0}
    for n in range(100):
        before = db.read_bytes()
        count_before = len(Store.at(db).load().actions)
        proc = subprocess.Popen(
            [*AFI, "--db", str(db), "add", "I1", f"crash-{n}", "--owner", "o", "--due", "eom"],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0, duration * 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        snap = Store.at(db).load()  # always parses and validates
        if db.read_bytes() == before:
            outcomes["before"] += 1
        else:
            assert len(snap.actions) == count_before + 1
            assert [a["title"] for a in snap.actions][-1] == f"crash-{n}"
            outcomes["after"] += 1
    print(f"\n100 kills: {outcomes}; one write took {duration:.2f}s")
    assert outcomes["before"] + outcomes["after"] == 100
    # whatever temp files the kills left are cleaned by the next write
    assert afi(db, "add", "I1", "clean up", "--owner", "o", "--due", "eom").returncode == 0
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name, f"{db.name}.lock"]


# -- 3. I/O faults ---------------------------------------------------------------------------


def test_file_size_limit_is_a_clear_error_and_the_store_is_intact(db):
    before = db.read_bytes()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) // 2, len(before) // 2))

    result = subprocess.run(
        [*AFI, "--db", str(db), "add", "I1", "x", "--owner", "o", "--due", "eom"],
        capture_output=True,
        text=True,
        env=env(),
        preexec_fn=small_files,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: could not write store {db}: File too large (the previous "
        "file is unchanged; free disk space or fix permissions and "
        "retry)\n"
    )
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name, f"{db.name}.lock"]


@pytest.mark.parametrize("failing", ["fsync", "replace", "fdopen"])
def test_oserror_from_write_fsync_or_replace_is_exit_1_and_intact(db, failing, monkeypatch, runner):
    from tests.conftest import invoke

    before = db.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, failing, boom)
    result = invoke(runner, "--db", str(db), "add", "I1", "x", "--owner", "o", "--due", "eom")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: could not write store {db}: Input/output error")
    assert db.read_bytes() == before


# -- 4. corrupt or hand-edited stores --------------------------------------------------------


def _shipped() -> dict:
    return json.loads(SHIPPED.read_text())


def _first(data: dict, table: str) -> dict:
    return data[table][min(data[table])]


def _edited(change) -> str:
    data = _shipped()
    change(data)
    return json.dumps(data)


CORRUPT = {
    "truncated JSON": (SHIPPED.read_text()[:777], "is not valid JSON"),
    "empty file": ("", "is empty"),
    "null": ("null", "top level is null"),
    "a list instead of tables": ("[]", "top level is a list"),
    "UTF-8 BOM": ("\ufeff" + SHIPPED.read_text(), "byte-order mark"),
    "NaN": (SHIPPED.read_text().replace('"position":0', '"position":NaN', 1), "NaN"),
    "duplicate keys": (
        SHIPPED.read_text().replace('"kind":', '"kind":"x","kind":', 1),
        'duplicate key "kind"',
    ),
    "non-integer document id": (
        _edited(lambda d: d["items"].update({"I9": _first(d, "items")})),
        "items[I9]: document id is not a positive whole number",
    ),
    "wrong field type": (
        _edited(lambda d: _first(d, "items").update(text=["a"])),
        f"items[{min(_shipped()['items'])}].text: is a list",
    ),
    "unknown status": (
        _edited(lambda d: _first(d, "items").update(status="finished")),
        f'items[{min(_shipped()["items"])}].status: "finished" is not an allowed value',
    ),
    "newer schema": (
        _edited(lambda d: d["meta"]["1"].update(schema=99)),
        "schema version 99 is newer than this afi understands",
    ),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_damaged_store_is_refused_with_file_and_fault_and_never_overwritten(tmp_path, case, runner):
    from tests.conftest import invoke

    content, fault = CORRUPT[case]
    db = tmp_path / "tracker.json"
    db.write_text(content, encoding="utf-8")
    before = db.read_bytes()
    for args in (
        ["list"],
        ["add", "I1", "x", "--owner", "o", "--due", "eom"],
        ["import", str(SHIPPED.parent / "samples" / "west-mercia-peel-2018-legitimacy.txt")],
    ):
        result = invoke(runner, "--db", str(db), *args)
        assert result.exit_code == 1, (case, result.output)
        assert result.stderr.startswith(f"Error: store {db} ")
        assert fault in result.stderr and result.stderr.count("\n") == 1
        assert db.read_bytes() == before
    doctor = invoke(runner, "--db", str(db), "doctor")
    assert doctor.exit_code == 1 and fault in doctor.stdout


def test_doctor_lists_every_problem_with_its_location(tmp_path, runner):
    from afi_tracker.store.keys import doc_key
    from tests.conftest import invoke

    data = _shipped()
    key = {doc["id"]: k for k, doc in data["items"].items()}
    data["items"][key["I2"]]["kind"] = "wish"
    data["items"][key["I3"]]["text"] = None
    data["actions"] = {
        "1": {
            "uid": "a",
            "id": "A7",
            "item": "I99",
            "title": "t",
            "owners": [],
            "due": None,
            "status": "planned",
        }
    }
    db = tmp_path / "tracker.json"
    db.write_text(json.dumps(data))
    result = invoke(runner, "--db", str(db), "doctor", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        *sorted(
            [
                f'items[{key["I2"]}].kind: "wish" is not an allowed value',
                f"items[{key['I3']}].text: is null",
            ]
        ),
        "actions[1]: document id does not match its uid",
    ]
    data["items"][key["I2"]]["kind"] = "area-for-improvement"
    data["items"][key["I3"]]["text"] = "fixed"
    action = dict(data["actions"].pop("1"), id="7")
    data["actions"][doc_key("a")] = action
    data["actions"][doc_key("b")] = dict(action, uid="b", id="I3", item="I1")
    db.write_text(json.dumps(data))
    result = invoke(runner, "--db", str(db), "doctor", "-f", "json")
    assert sorted(json.loads(result.stdout)["problems"]) == [
        f'actions[{doc_key("a")}].id: "7" is not a handle like A12',
        f'actions[{doc_key("a")}].item: no item "I99"',
        f'actions[{doc_key("b")}].id: "I3" is not a handle like A12',
    ]
    ok = invoke(runner, "--db", str(SHIPPED), "doctor")
    assert ok.exit_code == 0 and "OK (schema 4;" in ok.stdout


# -- 5. schema versions ----------------------------------------------------------------------


def test_older_store_is_migrated_on_first_write_with_a_backup(tmp_path, runner):
    from tests.conftest import ROOT, invoke

    db = tmp_path / "tracker.json"
    shutil.copyfile(ROOT / "tests" / "fixtures" / "store-v1.json", db)
    original = db.read_bytes()
    listed = invoke(runner, "--db", str(db), "list", "-f", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 2
    assert db.read_bytes() == original  # reading never writes
    result = invoke(runner, "--db", str(db), "start", "A2")
    assert result.exit_code == 0, result.output
    backup = tmp_path / "tracker.json.bak-v1"
    assert f"Migrated {db} from schema 1 to 4; the old file is kept as {backup}" in result.stderr
    assert backup.read_bytes() == original
    data = json.loads(db.read_text())
    assert data["meta"]["1"]["schema"] == 4
    assert sorted(a["id"] for a in data["actions"].values()) == ["A1", "A2"]
    assert all("notes" in d for d in data["action_details"].values())
    note_change = next(
        c for e in data["history"].values() for c in e.get("changes", []) if c["field"] == "notes"
    )
    assert note_change == {
        "field": "notes",
        "added": [
            {"text": "second note", "by": "Fixture Maker", "at": note_change["added"][0]["at"]}
        ],
    }
    # history written by the old version still reads, and undo still works across it
    shown = invoke(runner, "--db", str(db), "show", "A1").stdout
    assert "A1 notes + second note" in shown
    again = invoke(runner, "--db", str(db), "undo")
    assert "Migrated" not in again.stderr


def test_schema_2_store_migrates_the_same_in_every_clone(tmp_path, runner):
    """Two clones that migrate one store write the same bytes: a merge sees no change."""
    from tests.conftest import ROOT, invoke

    written = []
    for clone in ("a", "b"):
        folder = tmp_path / clone
        folder.mkdir()
        db = folder / "tracker.json"
        shutil.copyfile(ROOT / "tests" / "fixtures" / "store-v2.json", db)
        original = db.read_bytes()
        result = invoke(
            runner, "--db", str(db), "item", "set", "I1", "--status", "in-progress", "--reason", "x"
        )
        assert result.exit_code == 0, result.output
        assert f"from schema 2 to 4; the old file is kept as {db}.bak-v2" in result.stderr
        assert (folder / "tracker.json.bak-v2").read_bytes() == original
        data = json.loads(db.read_text())
        written.append({t: v for t, v in data.items() if t not in ("meta", "history")})
        old = json.loads(original)
        assert len(data["history"]) == len(old["history"]) + 1
        assert sorted(i["id"] for i in data["items"].values()) == sorted(
            i["id"] for i in old["items"].values()
        )
        assert data["meta"]["1"]["next"]["items"] == old["meta"]["1"]["next"]["items"]
        doctor = invoke(runner, "--db", str(db), "doctor")
        assert doctor.exit_code == 0, doctor.output
    assert written[0] == written[1]


# -- 6. hostile text on import ---------------------------------------------------------------


def test_invalid_utf8_import_is_refused_and_nothing_written(db, tmp_path, runner):
    from tests.conftest import invoke

    bad = tmp_path / "page.txt"
    bad.write_bytes(b"Areas for improvement\n- The force should \xff\xfe do x.\n")
    before = db.read_bytes()
    result = invoke(runner, "--db", str(db), "import", str(bad))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {bad} is not UTF-8 text (byte 41 cannot be read as UTF-8) (save it as "
        "UTF-8 (in Notepad: Save as, Encoding UTF-8) and import that)\n",
    )
    assert db.read_bytes() == before


def test_very_long_lines_import_cleanly(tmp_path, runner):
    from tests.conftest import invoke

    page = tmp_path / "long.txt"
    long_item = "The force should " + "really " * 150_000 + "improve."
    page.write_text(f"Areas for improvement\n- {long_item}\n" + "x" * 2_000_000 + "\n")
    db = tmp_path / "t.json"
    result = invoke(runner, "--db", str(db), "import", str(page), "-f", "json")
    assert result.exit_code == 0, result.output[-500:]
    [item] = json.loads(result.stdout)["items"]
    assert item["text"] == long_item
