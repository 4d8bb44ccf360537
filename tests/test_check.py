"""`afi check`: every rule both ways, every exit code and format, config precedence."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from afi_tracker.render import CheckFormat
from afi_tracker.reports.check import Options, evaluate, severities
from afi_tracker.store.store import Snapshot, empty_data
from tests.conftest import invoke, on

AS_OF = date(2025, 4, 2)
# The simulated day the command tests' work is recorded: --as-of 02/04/2025 answers from
# what was recorded by then, and 13 days on no action is stale yet.
WORK_DAY = "2025-03-20"


def snapshot(items=(), actions=(), history=()):
    data = empty_data()
    data["reports"]["1"] = {
        "key": "r",
        "title": "R",
        "questions": [],
        "judgement": None,
        "published": None,
    }
    for n, item in enumerate(items, 1):
        data["items"][str(n)] = {
            "uid": f"i{n}",
            "id": f"I{n}",
            "report": "r",
            "kind": "area-for-improvement",
            "text": f"item {n}",
            "status": "in-progress",
            "question": None,
            "deadline": None,
            "position": n,
            **item,
        }
    for n, action in enumerate(actions, 1):
        data["actions"][str(n)] = {
            "uid": f"a{n}",
            "id": f"A{n}",
            "item": "I1",
            "title": "t",
            "owner": "o",
            "due": "2025-06-30",
            "status": "planned",
            "updated": "2025-04-01T09:00:00Z",
            **action,
        }
    for n, entry in enumerate(history, 1):
        data["history"][str(n)] = entry
    return Snapshot(data)


def codes(snap, **kw):
    options = Options(as_of=kw.pop("as_of", AS_OF), **kw)
    return sorted((f.code, f.id) for f in evaluate(snap, options).findings)


ONE_ITEM: list[dict[str, object]] = [{}]


@pytest.mark.parametrize(
    ("name", "fires", "quiet"),
    [
        (
            "AFI101 overdue",
            snapshot(ONE_ITEM, [{"due": "2025-04-01"}]),
            snapshot(ONE_ITEM, [{"due": "2025-04-01", "status": "done"}]),
        ),
        ("AFI101 due today is not overdue", None, snapshot(ONE_ITEM, [{"due": "2025-06-02"}])),
        ("AFI102 no action", snapshot([{"status": "open"}]), snapshot([{"status": "open"}], [{}])),
        (
            "AFI102 only cancelled",
            snapshot(ONE_ITEM, [{"status": "cancelled"}]),
            snapshot([{"status": "no-further-action"}]),
        ),
        (
            "AFI103 no owner",
            snapshot(ONE_ITEM, [{"owner": ""}]),
            snapshot(ONE_ITEM, [{"owner": " ", "status": "done"}]),
        ),
        (
            "AFI104 recommendation late",
            snapshot([{"kind": "recommendation", "deadline": "2025-04-01"}], [{}]),
            snapshot(
                [
                    {
                        "kind": "recommendation",
                        "deadline": "2025-04-01",
                        "status": "complete",
                        "evidence": [{"ref": "x"}],
                    }
                ]
            ),
        ),
        ("AFI104 only for recommendations", None, snapshot([{"deadline": "2025-04-01"}], [{}])),
        (
            "AFI105 sign-off stale",
            snapshot(
                [
                    {
                        "status": "awaiting-sign-off",
                        "proposed_at": "2025-02-01T10:00:00Z",
                        "evidence": [{"ref": "x"}],
                    }
                ]
            ),
            snapshot(
                [
                    {
                        "status": "awaiting-sign-off",
                        "proposed_at": "2025-03-10T10:00:00Z",
                        "evidence": [{"ref": "x"}],
                    }
                ]
            ),
        ),
        (
            "AFI105 from history",
            snapshot(
                [{"status": "awaiting-sign-off", "evidence": [{"ref": "x"}]}],
                history=[
                    {
                        "txn": 1,
                        "at": "2025-01-05T10:00:00Z",
                        "op": "update",
                        "table": "items",
                        "uid": "i1",
                        "record": "I1",
                        "changes": [{"field": "status", "old": "open", "new": "awaiting-sign-off"}],
                    }
                ],
            ),
            None,
        ),
        (
            "AFI201 due soon",
            snapshot(ONE_ITEM, [{"due": "2025-04-16"}]),
            snapshot(ONE_ITEM, [{"due": "2025-04-17"}]),
        ),
        (
            "AFI202 stale",
            snapshot(ONE_ITEM, [{"updated": "2025-03-01T10:00:00Z"}]),
            snapshot(ONE_ITEM, [{"updated": "2025-03-05T10:00:00Z"}]),
        ),
        (
            "AFI203 no evidence",
            snapshot([{"status": "complete"}]),
            snapshot([{"status": "complete"}], [{"status": "done", "evidence": [{"ref": "x"}]}]),
        ),
    ],
)
def test_each_rule_fires_and_stays_quiet(name, fires, quiet):
    code = name.split()[0]
    if fires is not None:
        assert code in {c for c, _ in codes(fires)}, name
    if quiet is not None:
        assert code not in {c for c, _ in codes(quiet)}, name


def test_store_that_does_not_validate_fails_with_afi100(runner, tmp_path):
    db = tmp_path / "tracker.json"
    db.write_text('{"meta": {"1": {"schema": 1}}, "items": {"1": {"text": 5}}}')
    result = invoke(runner, "--db", str(db), "check", "-f", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert not data["ok"] and {f["code"] for f in data["failures"]} == {"AFI100"}
    assert any("items[1].text: is a number" in f["message"] for f in data["failures"])


@pytest.mark.parametrize("content", ["", "{not json", None])
def test_unreadable_or_missing_store_is_exit_2(runner, tmp_path, content):
    db = tmp_path / "tracker.json"
    if content is not None:
        db.write_text(content)
    result = invoke(runner, "--db", str(db), "check")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_a_table_damaged_by_hand_is_exit_2_like_a_damaged_file(runner, db):
    """Regression: tables are parsed as first read, and a stray comma inside `items`
    surfaced mid-check as exit 1 (a failed check) instead of 2 (nothing checked)."""
    text = db.read_text()
    start = text.index('"items":{\n') + len('"items":{\n')
    end = text.index("\n", start)
    db.write_text(text[:end] + "," + text[end:])
    before = db.read_bytes()
    result = invoke(runner, "--db", str(db), "check")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: store {db} is not valid JSON: ")
    assert result.stderr.count("\n") == 1
    assert db.read_bytes() == before


def test_warn_window_and_stale_period_are_adjustable():
    snap = snapshot(ONE_ITEM, [{"due": "2025-04-20", "updated": "2025-03-20T10:00:00Z"}])
    assert codes(snap) == []
    assert codes(snap, warn_within=timedelta(days=30), stale_after=timedelta(days=7)) == [
        ("AFI201", "A1"),
        ("AFI202", "A1"),
    ]


def test_regrading_and_ignoring():
    snap = snapshot(ONE_ITEM, [{"due": "2025-04-10"}])
    options = Options(as_of=AS_OF, severity=severities([], [], [], [], ["action-due-soon"], []))
    [finding] = evaluate(snap, options).findings
    assert (finding.code, finding.severity) == ("AFI201", "error")
    options = Options(as_of=AS_OF, severity=severities([], [], [], ["AFI201"], [], []))
    assert evaluate(snap, options).findings == []


def test_as_of_is_deterministic():
    snap = snapshot(ONE_ITEM, [{"due": "2025-04-10"}])
    assert codes(snap, as_of=date(2025, 4, 2)) == [("AFI201", "A1")]
    assert codes(snap, as_of=date(2025, 4, 11)) == [("AFI101", "A1")]
    assert codes(snap, as_of=date(2025, 3, 1)) == []


# -- through the command --------------------------------------------------------------------


@pytest.fixture
def planned(runner, db):
    """Every item with an action due well after AS_OF, added on WORK_DAY: the check passes."""
    with on(WORK_DAY):
        for n in range(1, 9):
            result = invoke(
                runner,
                "--db",
                str(db),
                "add",
                f"I{n}",
                f"Action {n}",
                "--owner",
                "Insp Patel",
                "--due",
                "30/06/2025",
            )
            assert result.exit_code == 0, result.output
    return db


def check(runner, db, *args):
    return invoke(runner, "--db", str(db), "check", "--as-of", "02/04/2025", *args)


def test_exit_codes_on_a_prepared_store(runner, planned):
    result = check(runner, planned, "--ignore", "AFI104", "--ignore", "AFI202")
    assert result.exit_code == 0, result.output
    assert "check passed: 0 failures, 1 warning" in result.stdout
    # the shipped recommendation has no PCC response, years after publication
    assert (
        "! WARN AFI205 recommendation-without-response  I3 has no response 2014 days after "
        "publication (2019-09-27)" in result.stdout
    )
    result = check(
        runner, planned, "--ignore", "AFI104", "--ignore", "AFI202", "--ignore", "AFI205"
    )
    assert "check passed: 0 failures, 0 warnings" in result.stdout
    # the shipped 2017 recommendation's deadline (July 2018) has long passed
    result = check(runner, planned, "--ignore", "AFI202")
    assert result.exit_code == 1
    assert (
        "AFI104 recommendation-past-deadline  I3 is past its deadline 2018-07-31" in result.stdout
    )
    # a warning alone passes, and fails with --strict
    args = [
        "--ignore",
        "AFI104",
        "--ignore",
        "AFI202",
        "--ignore",
        "AFI205",
        "--warn-within",
        "100d",
    ]
    assert check(runner, planned, *args).exit_code == 0
    assert check(runner, planned, *args, "--strict").exit_code == 1
    # usage errors
    assert check(runner, planned, "--ignore", "AFI999").exit_code == 2
    assert check(runner, planned, "--warn-within", "soon").exit_code == 2
    assert check(runner, planned, "--format", "xml").exit_code == 2


def test_shipped_store_fails_until_every_item_has_an_action(runner, db):
    result = check(runner, db, "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert sorted((f["code"], f["id"]) for f in data["failures"]) == sorted(
        [("AFI102", f"I{n}") for n in range(1, 9)] + [("AFI104", "I3")]
    )


@pytest.mark.parametrize("fmt", list(CheckFormat))
def test_every_format(runner, planned, fmt):
    result = check(runner, planned, "--warn-within", "100d", "-f", fmt.value)
    assert result.exit_code == 1, result.output
    out = result.stdout
    if fmt is CheckFormat.json:
        data = json.loads(out)
        assert set(data) >= {"ok", "failures", "warnings"} and data["ok"] is False
        for entry in data["failures"] + data["warnings"]:
            assert set(entry) >= {"code", "id", "message"}
        assert [f["code"] for f in data["failures"]] == ["AFI104"]
        assert len(data["warnings"]) == 9
        assert sum(w["code"] == "AFI205" for w in data["warnings"]) == 1
    elif fmt is CheckFormat.junit:
        root = ET.fromstring(out)
        cases = root.findall("./testsuite/testcase")
        assert len(cases) == 8 and root.get("failures") == "1"
        failing = [c.get("name") for c in cases if c.find("failure") is not None]
        assert failing == ["I3"]
        out = cases[0].find("system-out")
        assert out is not None and (out.text or "").startswith("warning AFI201 action-due-soon")
    elif fmt is CheckFormat.github:
        lines = out.splitlines()
        errors = [line for line in lines if line.startswith("::error file=")]
        assert len(errors) == 1 and errors[0].endswith(
            ",title=AFI104 recommendation-past-deadline::I3 is past its deadline 2018-07-31 "
            "and not complete"
        )
        assert sum(line.startswith("::warning file=") for line in lines) == 9
        assert lines[-1] == "afi check failed: 1 failures, 9 warnings, as of 2025-04-02"
    else:
        assert "✗ FAIL AFI104" in out and "! WARN AFI201" in out


def test_github_escapes_newlines_and_percent(runner, db):
    with on(WORK_DAY):
        invoke(
            runner,
            "--db",
            str(db),
            "add",
            "I1",
            "50% done\nnext",
            "--owner",
            "o",
            "--due",
            "03/04/2025",
        )
    out = check(runner, db, "-f", "github").stdout
    line = next(x for x in out.splitlines() if "A1 (I1)" in x)
    assert "50%25 done next" in line  # message shortened to one line, % escaped


def test_config_file_and_flag_precedence(runner, planned, tmp_path, monkeypatch):
    base = ["--ignore", "AFI202", "--warn-within", "100d"]
    monkeypatch.chdir(tmp_path)
    # pyproject [tool.afi] is read when there is no afi.toml
    (tmp_path / "pyproject.toml").write_text(
        '[tool.afi.check]\nignore = ["recommendation-past-deadline"]\n'
    )
    assert check(runner, planned, *base).exit_code == 0
    # afi.toml wins over pyproject.toml
    (tmp_path / "afi.toml").write_text('[check]\nerror = ["AFI201"]\nignore = ["AFI104"]\n')
    assert check(runner, planned, *base).exit_code == 1
    # a flag wins over the file for the same rule
    assert check(runner, planned, *base, "--warning", "AFI201").exit_code == 0
    # the file's warn window applies when no flag is given, the flag when it is
    (tmp_path / "afi.toml").write_text(
        '[check]\nwarn_within = "100d"\nerror = ["AFI201"]\nignore = ["AFI104", "AFI202"]\n'
    )
    assert check(runner, planned).exit_code == 1
    assert check(runner, planned, "--warn-within", "7d").exit_code == 0


def test_invalid_config_names_file_and_key(runner, planned, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afi.toml").write_text('[check]\nwarn_within = "soon"\n')
    result = check(runner, planned)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'afi.toml'}: check.warn_within must be a "
        "period like 14d or 2w (got 'soon') (fix the file, or see `afi "
        "config show`)\n"
    )


def test_afi204_counts_from_publication_and_respects_the_period(runner, planned):
    from afi_tracker.api.tracker import Tracker
    from afi_tracker.store.store import Store

    late = check(runner, planned, "-f", "json", "--respond-within", "3000d")
    assert "AFI205" not in late.stdout
    with on(WORK_DAY):  # a response recorded after the --as-of day would not count
        Tracker(Store.at(planned), by="pcc", command="t").respond("I3", "accepted", "Agreed.")
    assert "AFI205" not in check(runner, planned, "-f", "json").stdout
