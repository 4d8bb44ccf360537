"""Issue #12: no everyday slip loses, splits or misstates the record.

Each test here failed on main before the fix it names; docs/reliability.md
lists the guarantee each one proves.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from afi_tracker.store.store import Store
from tests.conftest import SHIPPED, invoke

AFI = [sys.executable, "-m", "afi_tracker"]
ADD = ["add", "I1", "x", "--owner", "o", "--due", "eom"]


def run(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AFI, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(extra or {})},
        timeout=120,
    )


# -- symlinks ---------------------------------------------------------------------------------


def test_a_store_reached_through_a_symlink_is_written_through_it(tmp_path, runner):
    real = tmp_path / "real"
    real.mkdir()
    target = real / "tracker.json"
    shutil.copyfile(SHIPPED, target)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = invoke(runner, "--db", str(link), *ADD)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert [a["title"] for a in Store.at(target).load().actions][-1] == "x"
    # The lock is the target's: users on either path lock against each other.
    assert (real / "tracker.json.lock").exists()
    assert not (tmp_path / "link.json.lock").exists()


# -- permissions ------------------------------------------------------------------------------


def test_a_store_with_no_write_bit_is_refused_even_for_root(db, runner):
    db.chmod(0o444)
    before = db.read_bytes()
    result = invoke(runner, "--db", str(db), *ADD)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: store {db} is read-only for this user (mode 444, owner uid {os.getuid()}); "
        "nothing was written (ask its owner to give you write access, or work on a copy)\n"
    )
    assert db.read_bytes() == before and stat.S_IMODE(db.stat().st_mode) == 0o444


def test_replacement_keeps_the_store_mode(db, runner):
    db.chmod(0o640)
    assert invoke(runner, "--db", str(db), *ADD).exit_code == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o640


AS_USER = textwrap.dedent(
    """
    import contextlib, io, os, sys
    from afi_tracker.cli.root import app
    warm, uid, gids, umask = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    args = sys.argv[5:]
    # Import every module the command needs while still root: this Python lives
    # under /root, which the other user cannot read.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        app(["--db", warm, *args[2:]], standalone_mode=False)
    groups = [int(g) for g in gids.split(",") if g]
    os.setgroups(groups)
    os.setgid(groups[0] if groups else uid)
    os.setuid(uid)
    os.umask(int(umask, 8))
    sys.exit(app(args, standalone_mode=False))
    """
)

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="switching to other real uids needs root (CI runs as root)",
)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder outside pytest's root-only tmp dirs that other uids can reach."""
    folder = Path(tempfile.mkdtemp(prefix="afi-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_user(
    uid: int, db: Path, *args: str, groups: str = "", umask: str = "022"
) -> subprocess.CompletedProcess[str]:
    warm = Path(tempfile.mkdtemp(prefix="afi-warm-")) / "tracker.json"
    shutil.copyfile(SHIPPED, warm)
    try:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                AS_USER,
                str(warm),
                str(uid),
                groups,
                umask,
                "--db",
                str(db),
                *args,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "XDG_CONFIG_HOME": str(db.parent / "no-user-config")},
            cwd=db.parent,
            timeout=120,
        )
    finally:
        shutil.rmtree(warm.parent, ignore_errors=True)


@needs_root
@pytest.mark.parametrize("case", ["own file, mode 444", "someone else's file, mode 644"])
def test_a_store_the_user_cannot_write_in_place_is_refused(shared, case):
    db = shared / "tracker.json"
    shutil.copyfile(SHIPPED, db)
    if case.startswith("own"):
        os.chown(db, 4101, 4101)
        db.chmod(0o444)
    else:
        os.chown(db, 4102, 4102)
        db.chmod(0o644)
    before = db.read_bytes()
    result = as_user(4101, db, *ADD)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"Error: store {db} is read-only for this user (mode")
    assert result.stderr.count("\n") == 1
    assert db.read_bytes() == before


@needs_root
def test_in_a_shared_folder_the_next_user_can_still_write_and_lock(shared):
    team = shared / "team"
    team.mkdir()
    os.chown(team, 0, 4200)
    team.chmod(0o2775)  # setgid: files made here belong to the team group
    db = team / "tracker.json"
    shutil.copyfile(SHIPPED, db)
    os.chown(db, 4101, 4200)
    db.chmod(0o664)
    # Both users keep their files private by default (umask 077).
    first = as_user(
        4101, db, "add", "I1", "first", "--owner", "o", "--due", "eom", groups="4200", umask="077"
    )
    assert first.returncode == 0, first.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o664 and db.stat().st_gid == 4200
    lock = Path(f"{db}.lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o664 and lock.stat().st_gid == 4200
    second = as_user(
        4102, db, "add", "I1", "second", "--owner", "o", "--due", "eom", groups="4200", umask="077"
    )
    assert second.returncode == 0, second.stderr
    assert [a["title"] for a in Store.at(db).load().actions][-2:] == ["first", "second"]


# -- lock files -------------------------------------------------------------------------------


def test_a_missing_store_leaves_no_lock_file(tmp_path, runner):
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = invoke(runner, "--db", str(fresh / "t.json"), *ADD)
    assert result.exit_code == 1
    assert list(fresh.iterdir()) == []


# -- truncation in place ----------------------------------------------------------------------

TRUNCATE_AFTER_READ = textwrap.dedent(
    """
    import os, sys
    from afi_tracker.store import storage
    from afi_tracker.cli.root import app
    read = storage.AtomicJSONStorage._bytes

    def read_then_truncate(self):
        buf = read(self)
        # Another program saves the file in place, shorter, after afi has read it.
        os.truncate(self.path, 10)
        return buf

    storage.AtomicJSONStorage._bytes = read_then_truncate
    sys.exit(app(sys.argv[1:], standalone_mode=False))
    """
)


def test_a_store_truncated_in_place_while_read_is_no_signal(db):
    result = subprocess.run(
        [sys.executable, "-c", TRUNCATE_AFTER_READ, "--db", str(db), "list", "-f", "json"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )
    # Mapped pages past the new end raised SIGBUS (returncode -7) here.
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert len(json.loads(result.stdout)) == len(Store.at(SHIPPED).load().actions)


def test_a_store_truncated_before_the_read_is_one_error_line(db, runner):
    os.truncate(db, db.stat().st_size // 2)
    result = invoke(runner, "--db", str(db), "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: store {db} is not valid JSON")


# -- kill -9 at chosen points of the write ----------------------------------------------------


@pytest.mark.parametrize(
    ("point", "outcome"),
    [("temp-partial", "before"), ("before-replace", "before"), ("after-replace", "after")],
)
def test_kill_nine_at_each_point_of_the_write_leaves_before_or_after(db, tmp_path, point, outcome):
    # Grow the store so the write goes through the table-by-table path too.
    assert run("--db", str(db), *ADD).returncode == 0
    before = db.read_bytes()
    count = len(Store.at(db).load().actions)
    mark = tmp_path / "reached"
    proc = subprocess.Popen(
        [*AFI, "--db", str(db), "add", "I1", "killed", "--owner", "o", "--due", "eom"],
        env={**os.environ, "AFI_TEST_PAUSE_AT": point, "AFI_TEST_PAUSE_FILE": str(mark)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert proc.poll() is None, f"afi ended (exit {proc.returncode}) without reaching {point}"
        assert time.monotonic() < deadline, f"{point} was never reached"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    snap = Store.at(db).load()
    if outcome == "before":
        assert db.read_bytes() == before
    else:
        assert len(snap.actions) == count + 1 and snap.actions[-1]["title"] == "killed"
    # The next write cleans whatever temporary file the kill left.
    assert run("--db", str(db), *ADD).returncode == 0
    assert sorted(p.name for p in db.parent.iterdir() if p != mark) == [
        db.name,
        f"{db.name}.lock",
    ]
