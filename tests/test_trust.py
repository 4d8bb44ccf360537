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
from tests.conftest import SHIPPED, invoke, on

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
    uid: int,
    db: Path,
    *args: str,
    groups: str = "",
    umask: str = "022",
    config_home: str | None = None,
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
            env={**os.environ, "XDG_CONFIG_HOME": config_home or str(db.parent / "no-config")},
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


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["31/12/9999", "01/01/0001", "1899-12-31", "2201-01-01"])
def test_dates_outside_1900_to_2200_are_a_usage_error_everywhere(db, runner, when):
    before = db.read_bytes()
    for args in (
        ["status", "--as-of", when],
        ["list", "--as-of", when],
        ["due", "--as-of", when],
        ["add", "I1", "x", "--owner", "o", "--due", when],
        ["update", "A1", "--due", when, "--reason", "r"],
    ):
        result = invoke(runner, "--db", str(db), *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith(f'Error: cannot read "{when}" as a date: outside 1900-2200')
        assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    assert db.read_bytes() == before


def test_a_deadline_over_a_year_past_is_kept_with_a_warning(db, runner):
    from datetime import date, timedelta

    long_ago = (date.today() - timedelta(days=400)).strftime("%d/%m/%Y")
    result = invoke(runner, "--db", str(db), "add", "I1", "late", "--owner", "o", "--due", long_ago)
    assert result.exit_code == 0, result.output
    iso = (date.today() - timedelta(days=400)).isoformat()
    assert result.stderr.endswith(
        f"Warning: the deadline {iso} is more than a year in the past; check the year\n"
    )
    recent = invoke(runner, "--db", str(db), "add", "I1", "ok", "--owner", "o", "--due", "today")
    assert "Warning" not in recent.stderr


# -- -o never replaces the store ---------------------------------------------------------------


def test_output_never_replaces_the_store_its_files_or_any_store(db, runner, tmp_path):
    other = tmp_path / "other.json"
    shutil.copyfile(SHIPPED, other)
    link = tmp_path / "alias.json"
    link.symlink_to(db)
    (tmp_path / "sub").mkdir()
    spellings = [
        str(db),
        str(tmp_path / "sub" / ".." / db.name),
        "./" + db.name,  # the tests run in tmp_path
        str(link),
        f"{db}.lock",
        f"{db}.bak-v1",
        str(other),
    ]
    invoke(runner, "--db", str(db), *ADD)  # makes the lock file
    Path(f"{db}.bak-v1").write_bytes(b"old store")
    kept = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for target in spellings:
        for args in (["export", "-f", "json"], ["status", "-f", "json"], ["list", "-f", "csv"]):
            result = invoke(runner, "--db", str(db), *args, "-o", target)
            assert result.exit_code == 1, (target, args, result.output)
            assert result.stderr.startswith(f"Error: will not write {Path(target)}: it ")
            assert result.stderr.count("\n") == 1
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == kept
    fine = invoke(
        runner, "--db", str(db), "export", "-f", "json", "-o", str(tmp_path / "pack.json")
    )
    assert fine.exit_code == 0, fine.output
    again = invoke(
        runner, "--db", str(db), "export", "-f", "json", "-o", str(tmp_path / "pack.json")
    )
    assert again.exit_code == 0, again.output


# -- undo -------------------------------------------------------------------------------------


def test_undo_refuses_someone_elses_command_unless_forced(db, runner):
    made = invoke(
        runner,
        "--db",
        str(db),
        "add",
        "I1",
        "theirs",
        "--owner",
        "o",
        "--due",
        "eom",
        "--by",
        "Alice Smith",
    )
    assert made.exit_code == 0, made.output
    before = db.read_bytes()
    refused = invoke(runner, "--db", str(db), "undo", "--by", "Bob Jones")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "Error: the last command was made by Alice Smith, not Bob Jones: afi --db "
    )
    assert "add I1 theirs" in refused.stderr
    assert refused.stderr.endswith("(ask them, or add --force to revert it anyway)\n")
    assert db.read_bytes() == before
    forced = invoke(runner, "--db", str(db), "undo", "--by", "Bob Jones", "--force")
    assert forced.exit_code == 0, forced.output
    assert "theirs" not in [a["title"] for a in Store.at(db).load().actions]
    own = invoke(runner, "--db", str(db), "add", "I1", "mine", "--owner", "o", "--due", "eom")
    assert own.exit_code == 0
    assert invoke(runner, "--db", str(db), "undo").exit_code == 0


# -- bare commands, messages, prompts ----------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["item"], ["config"]])
def test_a_bare_command_prints_usage_and_exits_0(args):
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert "Usage: afi" in result.stdout and result.stderr == ""


def test_an_unterminated_string_is_worded_once(tmp_path, runner):
    db = tmp_path / "t.json"
    db.write_text('{"meta": {"1": {"schema": 2, "next": "oops}}}')
    result = invoke(runner, "--db", str(db), "list")
    assert result.exit_code == 1
    assert "Unterminated string starting at line 1 column 38 (" in result.stderr
    assert "at at" not in result.stderr


def test_delete_checks_the_handle_before_asking(db, runner, monkeypatch):
    monkeypatch.setattr("afi_tracker.cli.root._interactive", lambda: True)
    result = invoke(runner, "--db", str(db), "delete", "A999", input="y\n")
    assert result.exit_code == 1
    assert "Delete action" not in result.output
    assert result.stderr == 'Error: no action "A999" (run `afi list` to see actions)\n'


def test_the_quickstart_import_path_exists():
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "quickstart.md").read_text()
    paths = [line.split()[3] for line in text.splitlines() if line.startswith("$ afi import ")]
    assert paths and all((ROOT / p).is_file() for p in paths), paths


@needs_root
def test_an_unreadable_user_config_is_a_clear_error(shared):
    db = shared / "tracker.json"
    shutil.copyfile(SHIPPED, db)
    private = shared / "private"
    (private / "afi").mkdir(parents=True)
    (private / "afi" / "config.toml").write_text('user = "x"\n')
    private.chmod(0o700)  # root's: the user cannot look inside
    result = as_user(4101, db, *ADD, config_home=str(private))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"Error: {private}/afi/config.toml: cannot read: Permission denied\n")


# -- segregation of duties --------------------------------------------------------------------


@pytest.mark.parametrize("evidence", ["n/a", "N/A", "none", "-", "tbc"])
def test_closure_on_placeholder_evidence_is_refused(db, runner, evidence):
    before = db.read_bytes()
    result = invoke(
        runner,
        "--db",
        str(db),
        "item",
        "close",
        "I1",
        "--evidence",
        evidence,
        "--by",
        "Alice Smith",
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: evidence '{evidence}' names nothing a second person could check (give a link "
        "or file path, or set sign_off.allow_placeholder_evidence = true in afi.toml)\n"
    )
    assert db.read_bytes() == before


def test_sign_off_by_the_proposer_is_refused_unless_allowed(db, runner, tmp_path):
    close = ["item", "close", "I1", "--evidence", "https://intranet/board-minutes-12"]
    assert invoke(runner, "--db", str(db), *close, "--by", "Alice Smith").exit_code == 0
    before = db.read_bytes()
    refused = invoke(runner, "--db", str(db), "item", "sign-off", "I1", "--by", "Alice Smith")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: Alice Smith proposed I1 for closure and cannot also sign it off (someone else "
        "must sign it off, or set sign_off.allow_self = true in afi.toml)\n"
    )
    assert db.read_bytes() == before
    other = invoke(runner, "--db", str(db), "item", "sign-off", "I1", "--by", "ACC Jones")
    assert other.exit_code == 0, other.output
    check = invoke(runner, "--db", str(db), "check", "-f", "json")
    assert "AFI206" not in check.stdout


def test_check_flags_closures_without_a_second_person(db, runner, tmp_path):
    (tmp_path / "afi.toml").write_text(
        "[sign_off]\nallow_self = true\nallow_placeholder_evidence = true\n"
    )
    for handle, evidence in (("I1", "https://intranet/minutes"), ("I2", "n/a")):
        made = invoke(
            runner,
            "--db",
            str(db),
            "item",
            "close",
            handle,
            "--evidence",
            evidence,
            "--by",
            "Alice Smith",
        )
        assert made.exit_code == 0, made.output
        signed = invoke(runner, "--db", str(db), "item", "sign-off", handle, "--by", "Alice Smith")
        assert signed.exit_code == 0, signed.output
    result = invoke(runner, "--db", str(db), "check", "-f", "json")
    flagged = [
        (w["code"], w["message"])
        for w in json.loads(result.stdout)["warnings"]
        if w["code"] == "AFI206"
    ]
    assert flagged == [
        ("AFI206", "I1 was proposed and signed off by Alice Smith"),
        ("AFI206", "I2 was closed on placeholder evidence"),
        ("AFI206", "I2 was proposed and signed off by Alice Smith"),
    ]


# -- --as-of answers from the record of that day ----------------------------------------------


def test_as_of_answers_from_what_was_recorded_by_that_day(tmp_path, runner):
    from tests.conftest import SAMPLE_2018

    db = tmp_path / "built.json"

    def afi(*args: str) -> None:
        result = invoke(runner, "--db", str(db), *args)
        assert result.exit_code == 0, result.output

    with on("2026-01-02"):
        afi("import", str(SAMPLE_2018))
    with on("2026-01-10"):
        afi("add", "I1", "Train supervisors", "--owner", "Insp Patel", "--due", "31/03/2026")
    with on("2026-02-10"):
        afi("start", "A1")
        afi("update", "A1", "--owner", "Sgt Khan")
    with on("2026-03-10"):
        afi("update", "A1", "--due", "30/06/2026", "--reason", "new system late")
        afi("add", "I2", "Publish data", "--owner", "Ms Lee", "--due", "30/09/2026")
    with on("2026-04-10"):
        afi("done", "A1", "--evidence", "https://intranet/training-log")
    with on("2026-04-20"):
        afi("item", "close", "I1", "--evidence", "https://intranet/board-minutes")
    with on("2026-04-25"):
        afi("item", "sign-off", "I1", "--by", "ACC Smith")

    def listed(day: str) -> list[tuple[str, str, str | None, str]]:
        result = invoke(runner, "--db", str(db), "list", "--as-of", day, "-f", "json")
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        return [(a["id"], a["status"], a["due"], a["owner"]) for a in json.loads(result.stdout)]

    assert listed("09/01/2026") == []
    assert listed("10/01/2026") == [("A1", "planned", "2026-03-31", "Insp Patel")]
    assert listed("15/02/2026") == [("A1", "in-progress", "2026-03-31", "Sgt Khan")]
    assert listed("15/03/2026") == [
        ("A1", "in-progress", "2026-06-30", "Sgt Khan"),
        ("A2", "planned", "2026-09-30", "Ms Lee"),
    ]
    assert listed("15/04/2026")[0][1] == "done"
    for day, total, done in (("15/02/2026", 1, 0), ("15/04/2026", 2, 1)):
        status = invoke(runner, "--db", str(db), "status", "--as-of", day, "-f", "json")
        assert status.exit_code == 0, status.output
        totals = json.loads(status.stdout)["totals"]
        assert (totals["actions_total"], totals["actions_done"]) == (total, done), day
    # before the import there was nothing: no report, no item, and nothing to say about it
    early = invoke(runner, "--db", str(db), "status", "--as-of", "01/01/2026", "-f", "json")
    assert early.exit_code == 0, early.output
    assert json.loads(early.stdout)["reports"] == []
    assert early.stderr == (
        "Note: nothing was recorded in this store by 2026-01-01: its history starts on 2026-01-02\n"
    )

    def shown(handle: str, day: str) -> dict:
        result = invoke(runner, "--db", str(db), "show", handle, "--as-of", day, "-f", "json")
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout))

    a1 = shown("A1", "15/02/2026")
    assert (a1["status"], a1["owners"], a1["due"]) == ("in-progress", ["Sgt Khan"], "2026-03-31")
    assert shown("A1", "15/04/2026")["status"] == "done"

    # sign-offs as they were: proposed on the 20th, signed off on the 25th
    def item1(day: str) -> tuple[str, str, str]:
        result = invoke(runner, "--db", str(db), "status", "--as-of", day, "-f", "json")
        assert result.exit_code == 0, result.output
        i1 = json.loads(result.stdout)["reports"][0]["questions"][0]["items"][0]
        return i1["status"], i1["rag"], i1["why"]

    assert [item1(day) for day in ("15/04/2026", "22/04/2026", "26/04/2026")] == [
        ("in-progress", "green", "actions done: propose for closure"),
        ("awaiting-sign-off", "green", "awaiting sign-off 2 days"),
        ("complete", "complete", "signed off"),
    ]
    assert shown("I1", "22/04/2026")["status"] == "awaiting-sign-off"
    later = invoke(runner, "--db", str(db), "show", "A2", "--as-of", "15/02/2026")
    assert later.exit_code == 1
    assert later.stderr == (
        "Error: action A2 was recorded after 2026-02-15 "
        "(--as-of shows the record as it stood that day: give a later date)\n"
    )

    def check(day: str) -> list[str]:
        result = invoke(runner, "--db", str(db), "check", "--as-of", day, "-f", "json")
        assert result.stderr == ""
        return sorted(
            f["item"] for f in json.loads(result.stdout)["failures"] if f["code"] == "AFI102"
        )

    assert check("09/01/2026") == [f"I{n}" for n in range(1, 9)]
    assert check("15/03/2026") == [f"I{n}" for n in range(3, 9)]
    # due: on 15 Feb A1 was Sgt Khan's, due 31 Mar (moved to 30 Jun and done later)
    due = invoke(
        runner, "--db", str(db), "due", "--within", "8w", "--as-of", "15/02/2026", "-f", "json"
    )
    assert due.exit_code == 0, due.output
    assert [(d["owner"], d["id"]) for d in json.loads(due.stdout)] == [("Sgt Khan", "A1")]
    # --as-recorded, which used to ask for this, is still accepted and changes nothing
    for args in (("list",), ("status",)):
        plain = invoke(runner, "--db", str(db), *args, "--as-of", "15/02/2026", "-f", "json")
        alias = invoke(
            runner, "--db", str(db), *args, "--as-of", "15/02/2026", "--as-recorded", "-f", "json"
        )
        assert (alias.exit_code, alias.stdout) == (0, plain.stdout), alias.output


def test_as_of_before_the_history_begins_says_so(tmp_path, runner):
    """A store from before history was kept: --as-of cannot know what was recorded by then.
    It shows the records as the history first knew them and says so in one exact line."""
    from tests.conftest import ROOT

    db = tmp_path / "tracker.json"
    data = json.loads((ROOT / "tests" / "fixtures" / "store-v1.json").read_text())
    data["history"] = {}  # a store from before history was kept
    db.write_text(json.dumps(data))
    before = db.read_bytes()
    empty = (
        "Note: this store has no history, so it cannot say what was recorded by 2020-01-01; "
        "shown as they are now: 1 report, 8 items and 2 actions\n"
    )
    for args in (
        ("list", "-f", "json"),
        ("status",),
        ("due",),
        ("measure", "list"),
        ("check",),
        ("show", "A1"),
    ):
        result = invoke(runner, "--db", str(db), *args, "--as-of", "01/01/2020")
        assert result.exit_code in (0, 1), result.output  # check fails on items with no action
        assert result.stderr == empty, args
    listed = invoke(runner, "--db", str(db), "list", "--as-of", "01/01/2020", "-f", "json")
    assert [a["id"] for a in json.loads(listed.stdout)] == ["A1", "A2"]
    assert db.read_bytes() == before
    # Its first command (migrating it) starts the history: before that day the same note,
    # naming the day; from that day on the history can say, and nothing is noted.
    with on("2026-01-10"):
        added = invoke(
            runner, "--db", str(db), "add", "I3", "Publish", "--owner", "X", "--due", "eom"
        )
        assert added.exit_code == 0, added.output
    early = invoke(runner, "--db", str(db), "list", "--as-of", "01/01/2020", "-f", "json")
    assert early.exit_code == 0, early.output
    assert early.stderr == (
        "Note: this store's history starts on 2026-01-10, so it cannot say what was recorded "
        "by 2020-01-01; shown as they were on 2026-01-10: 1 report, 8 items and 2 actions\n"
    )
    assert [a["id"] for a in json.loads(early.stdout)] == ["A1", "A2"]  # A3 came later
    # a record added after the day is an error saying so, in one line
    shown = invoke(runner, "--db", str(db), "show", "A3", "--as-of", "01/01/2020")
    assert shown.exit_code == 1
    assert shown.stderr == (
        "Error: action A3 was recorded after 2020-01-01 "
        "(--as-of shows the record as it stood that day: give a later date)\n"
    )
    for day in ("10/01/2026", "11/01/2026"):
        known = invoke(runner, "--db", str(db), "list", "--as-of", day, "-f", "json")
        assert known.exit_code == 0, known.output
        assert known.stderr == ""
        assert [a["id"] for a in json.loads(known.stdout)] == ["A1", "A2", "A3"]


def test_papers_and_timeline_as_of_come_from_the_record_of_that_day(tmp_path, runner):
    """The board pack, the PCC's s55 response and the timeline, made again for a past day."""
    from tests.conftest import SAMPLE_2018

    db = tmp_path / "built.json"

    def afi(*args: str):
        result = invoke(runner, "--db", str(db), *args)
        assert result.exit_code == 0, result.output
        return result

    with on("2026-01-02"):
        afi("import", str(SAMPLE_2018))
    with on("2026-01-10"):
        afi("add", "I1", "Train supervisors", "--owner", "Insp Patel", "--due", "31/03/2026")
    with on("2026-02-01"):
        afi("item", "respond", "I3", "--accepted", "--text", "We accept this.")
    with on("2026-03-10"):
        afi("update", "A1", "--due", "30/06/2026", "--reason", "new system late")

    def pack(day: str) -> list[tuple[str, str]]:
        data = json.loads(afi("export", "-f", "json", "--as-of", day).stdout)
        assert data["made_on"] == "-".join(reversed(day.split("/")))
        items = data["reports"][0]["items"]
        return [(a["id"], a["due"]) for i in items for a in i["actions"]]

    assert pack("09/01/2026") == []
    assert pack("15/01/2026") == [("A1", "2026-03-31")]
    assert pack("15/03/2026") == [("A1", "2026-06-30")]
    missing = (
        "No response recorded for recommendation west-mercia-peel-2018-legitimacy I3 "
        "(record one with `afi item respond ITEM --accepted --text ...`)\n"
    )
    before = afi("export", "s55", "--as-of", "15/01/2026")
    assert before.stderr == missing and "We accept this." not in before.stdout
    after = afi("export", "s55", "--as-of", "15/02/2026")
    assert after.stderr == "" and "**Response:** Accepted: We accept this." in after.stdout

    def timeline(day: str) -> list[tuple[str, str]]:
        rows = json.loads(afi("timeline", "-f", "json", "--as-of", day).stdout)
        return [(r["id"], r["date"]) for r in rows]

    assert timeline("09/01/2026") == [("I3", "2018-07-31")]
    assert timeline("15/01/2026") == [("I3", "2018-07-31"), ("A1", "2026-03-31")]
    assert timeline("15/03/2026") == [("I3", "2018-07-31"), ("A1", "2026-06-30")]


def test_as_of_leaves_out_a_back_dated_reading_recorded_later(db, runner):
    """A reading dated 1 January but recorded on 10 March was not in January's paper."""

    def afi(*args: str):
        result = invoke(runner, "--db", str(db), *args)
        assert result.exit_code == 0, result.output
        return result

    with on("2025-12-01"):
        afi("measure", "add", "I1", "Trained", "--baseline", "65", "--baseline-date",
            "27/09/2019", "--target", "95", "--by", "31/03/2026")  # fmt: skip
    with on("2026-03-10T09:30:00Z"):
        afi("measure", "record", "M1", "80", "--on", "01/01/2026")

    def latest(day: str):
        rows = json.loads(afi("measure", "list", "--as-of", day, "-f", "json").stdout)
        return rows[0]["latest"], rows[0]["latest_on"]

    assert latest("15/01/2026") == (65, "2019-09-27")  # not yet recorded then
    assert latest("10/03/2026") == (80, "2026-01-01")
    log = json.loads(afi("log", "-f", "json").stdout)
    # newest first; the hook's time is kept to the second, a date alone is noon UTC
    assert [entry["at"] for entry in log[:2]] == ["2026-03-10T09:30:00Z", "2025-12-01T12:00:00Z"]
