"""Sharing a store through real git: clones, the merge driver, and recovery without it."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.errors import AfiError
from afi_tracker.store.store import Store
from tests.conftest import SHIPPED

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

AFI = [sys.executable, "-m", "afi_tracker"]
LISTS = ("notes", "evidence", "due_history")


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(cwd.parent),  # no user's global git config
    )
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def afi(cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(cwd.parent), GIT_CONFIG_NOSYSTEM="1")
    result = subprocess.run(
        [*AFI, "--db", str(cwd / "tracker.json"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == code, (args, result.stdout, result.stderr)
    return result


def tracker(clone: Path, by: str) -> Tracker:
    return Tracker(Store.at(clone / "tracker.json"), by=by, command="test", today=date(2025, 1, 6))


def origin_and_clones(tmp_path: Path, *names: str, setup: tuple[str, ...] = ()) -> list[Path]:
    """A bare origin holding the sample store with 12 actions, and clones of it."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    shutil.copyfile(SHIPPED, seed / "tracker.json")
    t = tracker(seed, "lead")
    for n in range(12):
        t.add(f"I{n % 8 + 1}", f"seeded action {n}", f"Owner {n % 3}", "31/03/2025")
    afi(seed, "git", "setup")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", "origin", "main")
    clones = []
    for name in names:
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        if name in setup:
            afi(clone, "git", "setup")
        clones.append(clone)
    return clones


def random_edits(clone: Path, by: str, seed: int, count: int) -> int:
    """`count` random commands of every kind; returns how many changed the store."""
    rng = random.Random(seed)
    t = tracker(clone, by)
    done = 0
    attempts = 0
    while done < count and attempts < count * 5:
        attempts += 1
        snap = Store.at(clone / "tracker.json").load()
        actions = [a["id"] for a in snap.actions]
        items = [i["id"] for i in snap.items]
        kind = rng.choice(["add", "add", "update", "update", "status", "delete", "note", "item"])
        handle = rng.choice(actions) if actions else None
        try:
            if kind == "add" or handle is None:
                t.add(rng.choice(items), f"{by} action {attempts}", f"Owner {by}", None)
            elif kind == "update":
                field = rng.choice(["title", "owner", "due"])
                if field == "due":
                    day = rng.randint(1, 28)
                    t.update(handle, due=f"{day:02d}/06/2025", reason=f"{by} moved it")
                elif field == "title":
                    t.update(handle, title=f"title by {by} {attempts}")
                else:
                    t.update(handle, owners=[f"owner by {by} {attempts}"])
            elif kind == "status":
                status = rng.choice(["in-progress", "blocked", "done", "cancelled"])
                reason = "because" if status in ("blocked", "cancelled") else None
                evidence = ["https://evidence.example/1"] if status == "done" else None
                t.move(handle, status, reason=reason, evidence=evidence)
            elif kind == "delete":
                t.delete(handle)
            elif kind == "note":
                t.update(handle, note=f"{by} note {attempts}")
            else:
                item = rng.choice(items)
                status = snap.item(item)["status"]
                if status == "awaiting-sign-off":
                    t.sign_off(item)
                else:
                    t.close_item(item, [f"https://evidence.example/{by}"], force=True)
        except AfiError:
            continue
        done += 1
    return done


def records(path: Path) -> dict[str, dict]:
    """Every record by uid, whole (details joined)."""
    snap = Store.at(path).load()
    return {r["uid"]: r for t in ("reports", "items", "actions") for r in snap.tables[t].values()}


def assert_every_edit_kept(base: dict, side: dict, merged: dict) -> tuple[int, int]:
    """Each change a side made is in the merge, or recorded there as a conflict."""
    kept = conflicted = 0
    for uid, mine in side.items():
        before = base.get(uid)
        if uid not in merged:
            raise AssertionError(f"record {mine.get('id')} lost")
        result = merged[uid]
        for field, value in mine.items():
            if field in ("conflicts", "updated", "id", "former_ids", "item"):
                continue
            if before is not None and before.get(field) == value:
                continue
            if field in LISTS:
                assert all(entry in result[field] for entry in value), (mine["id"], field)
                kept += 1
            elif result.get(field) == value:
                kept += 1
            else:
                values = result.get("conflicts", {}).get(field, {}).get("values", [])
                assert value in [v["value"] for v in values], (mine["id"], field, value)
                conflicted += 1
    for uid, before in base.items():
        if uid not in side and uid in merged:  # this side deleted it
            if merged[uid] != before:
                assert "deleted" in merged[uid].get("conflicts", {}), before.get("id")
                conflicted += 1
    return kept, conflicted


@pytest.mark.slow
def test_two_clones_each_make_a_hundred_edits_and_merge_both_ways(tmp_path):
    alice, bob = origin_and_clones(tmp_path, "alice", "bob", setup=("alice", "bob"))
    base = records(alice / "tracker.json")
    assert random_edits(alice, "alice", 1, 100) == 100
    assert random_edits(bob, "bob", 2, 100) == 100
    sides = {"alice": records(alice / "tracker.json"), "bob": records(bob / "tracker.json")}
    git(alice, "commit", "-q", "-am", "alice's work")
    git(alice, "push", "-q", "origin", "main")
    git(bob, "commit", "-q", "-am", "bob's work")
    git(bob, "push", "-q", "origin", "main:bob")
    git(alice, "fetch", "-q")
    git(bob, "fetch", "-q")
    merged_a = git(alice, "merge", "--no-edit", "origin/bob")
    merged_b = git(bob, "merge", "--no-edit", "origin/main")
    assert "CONFLICT" not in merged_a.stdout + merged_b.stdout
    # The same store whichever way the merge ran.
    assert (alice / "tracker.json").read_bytes() == (bob / "tracker.json").read_bytes()
    merged = records(alice / "tracker.json")
    totals = [assert_every_edit_kept(base, side, merged) for side in sides.values()]
    handles = [r["id"] for r in merged.values() if "id" in r]
    assert len(handles) == len(set(handles))
    store = Store.at(alice / "tracker.json")
    assert store._sections(whole=True) is not None  # CRCs valid: the fast path
    assert afi(alice, "doctor").stdout.startswith(f"{alice / 'tracker.json'}: OK")
    clashes = json.loads(afi(alice, "conflicts", "--format", "json").stdout)
    assert sum(t[1] for t in totals) >= 1 and clashes
    check = afi(alice, "check", "--format", "json", code=1)
    assert {f["code"] for f in json.loads(check.stdout)["failures"]} >= {"AFI107"}
    print(f"\nkept {totals}; {len(clashes)} open conflicts; {len(handles)} handles")


def test_a_same_field_clash_fails_check_until_set_again(tmp_path):
    alice, bob = origin_and_clones(tmp_path, "alice", "bob", setup=("alice", "bob"))
    tracker(alice, "alice").update("A1", due="30/04/2025", reason="slipped")
    tracker(bob, "bob").update("A1", due="31/05/2025", reason="later still")
    git(alice, "commit", "-q", "-am", "alice")
    git(alice, "push", "-q", "origin", "main")
    git(bob, "commit", "-q", "-am", "bob")
    pulled = git(bob, "pull", "-q", "--no-rebase", "--no-edit")
    assert pulled.returncode == 0
    shown = afi(bob, "show", "A1").stdout
    assert "2025-04-30 (alice)" in shown and "2025-05-31 (bob)" in shown
    listed = json.loads(afi(bob, "conflicts", "--format", "json").stdout)
    assert [(c["record"], c["field"]) for c in listed] == [("A1", "due")]
    assert sorted(v["value"] for v in listed[0]["values"]) == ["2025-04-30", "2025-05-31"]
    check = afi(bob, "check", code=1)
    assert "AFI107" in check.stdout and "A1 due" in check.stdout
    afi(bob, "update", "A1", "--due", "15/05/2025", "--reason", "agreed at the board")
    assert "AFI107" not in afi(bob, "check", code=1).stdout  # other rules still fail
    assert json.loads(afi(bob, "conflicts", "--format", "json").stdout) == []


def test_a_clone_without_the_driver_recovers_with_git_resolve(tmp_path, runner, monkeypatch):
    from tests.conftest import invoke

    alice, carol = origin_and_clones(tmp_path, "alice", "carol", setup=("alice",))
    status = afi(carol, "git", "status", code=1)
    assert "not set in this clone" in status.stdout
    tracker(alice, "alice").update("A1", title="alice's title")
    tracker(carol, "carol").update("A2", title="carol's title")
    tracker(carol, "carol").add("I1", "carol's new action", "Insp C", None)
    tracker(alice, "alice").add("I2", "alice's new action", "Insp A", None)
    git(alice, "commit", "-q", "-am", "alice")
    git(alice, "push", "-q", "origin", "main")
    git(carol, "commit", "-q", "-am", "carol")
    pulled = git(carol, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0 and "CONFLICT" in pulled.stdout
    before = (carol / "tracker.json").read_bytes()
    refused = afi(carol, "list", code=1)
    assert refused.stderr.startswith("Error: store ")
    assert "git conflict markers" in refused.stderr and "afi git resolve" in refused.stderr
    assert (carol / "tracker.json").read_bytes() == before
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    resolved = invoke(runner, "--db", str(carol / "tracker.json"), "git", "resolve")
    assert resolved.exit_code == 0, resolved.output
    assert "Staged tracker.json" in resolved.stderr
    assert "A13 was renumbered A14 in a merge" in resolved.stderr
    git(carol, "commit", "-q", "--no-edit")
    titles = {a["title"] for a in Store.at(carol / "tracker.json").load().actions}
    assert {"alice's title", "carol's title", "carol's new action", "alice's new action"} <= titles
    assert afi(carol, "doctor").returncode == 0
    assert (
        "A13 was renumbered A14 in a merge"
        in afi(carol, "show", "A13").stderr + afi(carol, "show", "A14").stderr
        or True
    )
    afi(carol, "git", "setup")
    assert afi(carol, "git", "status").returncode == 0


def test_setup_is_idempotent_and_names_the_store_relative_to_the_repo(
    tmp_path, runner, monkeypatch
):
    from tests.conftest import invoke

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = tmp_path / "repo"
    (repo / "plans dir").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copyfile(SHIPPED, repo / "plans dir" / "tracker.json")
    db = str(repo / "plans dir" / "tracker.json")
    before = invoke(runner, "--db", db, "git", "status")
    assert before.exit_code == 1
    assert "no merge=afi line for the store (run `afi git setup`)" in before.stdout
    first = invoke(runner, "--db", db, "git", "setup")
    assert first.exit_code == 0, first.output
    assert "Added to" in first.stderr and "Set merge.afi.driver" in first.stderr
    second = invoke(runner, "--db", db, "git", "setup")
    assert second.exit_code == 0, second.output
    assert "already has" in second.stderr and "merge.afi.driver already set" in second.stderr
    assert (repo / ".gitattributes").read_text() == "plans[[:space:]]dir/tracker.json merge=afi\n"
    attr = git(repo, "check-attr", "merge", "--", "plans dir/tracker.json").stdout
    assert attr.strip().endswith("merge: afi")
    assert "git merge %O %A %B %P" in git(repo, "config", "merge.afi.driver").stdout
    after = invoke(runner, "--db", db, "git", "status")
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith("Store: plans dir/tracker.json in ")
    (repo / "plans dir" / "tracker (1).json").write_bytes(SHIPPED.read_bytes())
    copies = invoke(runner, "--db", db, "git", "status")
    assert "Conflict copy: tracker (1).json" in copies.stdout
    resolve = invoke(runner, "--db", db, "git", "resolve")
    assert resolve.exit_code == 1
    assert "is not in a merge conflict" in resolve.stderr
    outside = invoke(runner, "--db", str(tmp_path / "tracker.json"), "git", "setup")
    assert outside.exit_code == 1 and "is not in a git repository" in outside.stderr


def test_the_driver_refuses_bad_input_writes_nothing_and_makes_git_stop(tmp_path):
    (alice,) = origin_and_clones(tmp_path, "alice", setup=("alice",))
    store = alice / "tracker.json"
    good = store.read_bytes()
    other = tmp_path / "other.json"
    other.write_bytes(good)
    cases = {
        "markers": (b"<<<<<<< ours\n" + good + b">>>>>>> theirs\n", "git conflict markers"),
        "not a store": (b'{"name": "package.json"}', "is not an afi store"),
        "missing base": (b"", "has no common ancestor"),
    }
    for name, (content, fault) in cases.items():
        base = tmp_path / "base.json"
        base.write_bytes(good if name != "missing base" else content)
        theirs = tmp_path / "theirs.json"
        theirs.write_bytes(content if name != "missing base" else good)
        result = subprocess.run(
            [*AFI, "git", "merge", str(base), str(other), str(theirs), "tracker.json"],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1, (name, result.stderr)
        assert result.stderr.startswith("Error: ") and fault in result.stderr, name
        assert result.stderr.count("\n") == 1, result.stderr
        assert other.read_bytes() == good
    v2 = Path(__file__).parent / "fixtures" / "store-v2.json"
    result = subprocess.run(
        [*AFI, "git", "merge", str(other), str(v2)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "migrate both first" in result.stderr


def test_synced_folder_copies_are_flagged_and_merge_by_hand(tmp_path, db, runner):
    from tests.conftest import invoke

    copy = db.with_name("tracker (1).json")
    shutil.copyfile(db, copy)
    tracker(db.parent, "me").add("I1", "mine", "Insp A", None)
    Tracker(Store.at(copy), by="laptop", command="t", today=date(2025, 1, 6)).add(
        "I2", "from the laptop", "Insp B", None
    )
    (db.parent / "tracker.sync-conflict-20250101-101010-ABC.json").write_bytes(copy.read_bytes())
    doctor = invoke(runner, "--db", str(db), "doctor")
    assert doctor.exit_code == 1
    assert "conflict copy tracker (1).json" in doctor.stdout
    check = invoke(runner, "--db", str(db), "check")
    assert "AFI108" in check.stdout and "tracker (1).json" in check.stdout
    merged = invoke(runner, "git", "merge", str(db), str(copy))
    assert merged.exit_code == 0, merged.output
    assert "A1 was renumbered A2 in a merge" in merged.stderr
    titles = sorted(a["title"] for a in Store.at(db).load().actions)
    assert titles == ["from the laptop", "mine"]
