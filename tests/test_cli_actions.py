"""A newcomer's session with actions, through the `afi` command."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.conftest import invoke, on


def run(runner, db, *args, code=0, input=None):  # noqa: A002
    result = invoke(runner, "--db", str(db), *args, input=input)
    assert result.exit_code == code, result.output
    return result


def test_newcomer_flow_add_progress_revise_close_sign_off_history_undo(runner, db):
    first = run(
        runner,
        db,
        "add",
        "I3",
        "Publish stop and search analysis",
        "--owner",
        "Insp Patel",
        "--due",
        "30/06/2030",
    )
    assert first.stdout == "A1\n"
    assert first.stderr == (
        "Added A1 to I3, due 2030-06-30 (Sunday 30 June 2030), owner Insp Patel\n"
    )
    run(
        runner,
        db,
        "add",
        "I3",
        "Review IAG sample selection",
        "--owner",
        "Sgt Khan",
        "--due",
        "2030-05-31",
        "--note",
        "Ask IAG chair",
    )

    run(runner, db, "start", "A1")
    done = run(
        runner,
        db,
        "done",
        "A1",
        "--evidence",
        "https://intranet/ss-analysis.pdf",
        "--description",
        "Published analysis",
        "--format",
        "json",
    )
    assert json.loads(done.stdout)["evidence"][0]["ref"] == "https://intranet/ss-analysis.pdf"

    refused = run(runner, db, "update", "A2", "--due", "31/07/2030", code=2)
    assert refused.stderr == (
        "Error: changing the deadline of A2 needs a reason (add --reason "
        "TEXT; the original deadline and every revision are kept)\n"
    )
    run(
        runner,
        db,
        "update",
        "A2",
        "--due",
        "31/07/2030",
        "--reason",
        "IAG meets in July",
        "--by",
        "Sgt Khan",
    )

    refused = run(runner, db, "item", "close", "I3", "--evidence", "board-paper.pdf", code=1)
    assert refused.stderr == (
        "Error: item I3 has open actions: A2 (finish or cancel them "
        "first, or add --force (it is recorded))\n"
    )
    run(runner, db, "done", "A2", "-e", "iag-minutes.pdf")
    run(runner, db, "item", "close", "I3", "--evidence", "board-paper.pdf")
    signed = run(runner, db, "item", "sign-off", "I3", "--by", "ACC Smith", "-f", "json")
    assert json.loads(signed.stdout)["signed_off_by"] == "ACC Smith"

    shown = run(runner, db, "show", "A2").stdout
    assert "2030-05-31 (set when added)" in shown
    assert "Sgt Khan: 2030-07-31 (IAG meets in July)" in shown
    assert "A2 due: 2030-05-31 -> 2030-07-31" in shown

    log = json.loads(run(runner, db, "log", "-f", "json").stdout)
    assert log[0]["command"] == f"afi --db {db} item sign-off I3 --by 'ACC Smith' -f json"
    assert log[0]["changes"] == [
        "I3 status: awaiting-sign-off -> complete",
        "I3 signed_off_by: — -> ACC Smith",
        f"I3 signed_off_at: — -> {log[0]['at']}",
    ]
    assert log[0]["by"] == "ACC Smith"

    undone = run(runner, db, "undo", "--by", "ACC Smith")  # only the maker may, unforced
    assert "I3 status: complete -> awaiting-sign-off" in undone.stderr
    item = json.loads(run(runner, db, "show", "I3", "-f", "json").stdout)
    assert item["status"] == "awaiting-sign-off"

    listed = json.loads(run(runner, db, "list", "--item", "I3", "-f", "json").stdout)
    assert [(a["id"], a["item"], a["owner"], a["due"], a["status"]) for a in listed] == [
        ("A1", "I3", "Insp Patel", "2030-06-30", "done"),
        ("A2", "I3", "Sgt Khan", "2030-07-31", "done"),
    ]
    for row in listed:
        assert {"id", "item", "title", "owner", "due", "status"} <= set(row)


@pytest.fixture
def planned(runner, db):
    """Three actions and one done, recorded on a simulated day before the --as-of read below."""
    with on("2025-01-06"):
        run(
            runner,
            db,
            *("add", "I1", "Train supervisors", "--owner", "Insp Patel", "--due", "01/03/2025"),
        )
        run(runner, db, "add", "I2", "Audit searches", "--owner", "Sgt Khan", "--due", "20/03/2025")
        run(runner, db, "add", "I2", "Publish data", "--owner", "insp patel", "--due", "30/06/2025")
        run(runner, db, "done", "A2")
    return db


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["A1", "A2", "A3"]),
        (["--owner", "INSP PATEL"], ["A1", "A3"]),
        (["--item", "I2"], ["A2", "A3"]),
        (["--report", "west-mercia-peel-2018-legitimacy"], ["A1", "A2", "A3"]),
        (["--status", "done"], ["A2"]),
        (["--status", "planned", "--status", "done"], ["A1", "A2", "A3"]),
        (["--overdue"], ["A1"]),
        (["--due-within", "2w"], ["A1"]),
        (["--due-within", "120d"], ["A1", "A3"]),
        (["--due-before", "15/03/2025"], ["A1"]),
        (["--owner", "Insp Patel", "--overdue"], ["A1"]),
        (["--owner", "nobody"], []),
    ],
)
def test_list_filters_combine(runner, planned, args, expected):
    rows = json.loads(
        run(runner, planned, "list", "--as-of", "10/03/2025", *args, "-f", "json").stdout
    )
    assert [r["id"] for r in rows] == expected


def test_empty_list_is_not_an_error(runner, db):
    result = run(runner, db, "list")
    assert "No actions match." in result.stdout


def test_user_text_is_stored_exactly_and_shown_literally(runner, db):
    title = "[bold red]Urgent[/] :smile: [link=http://evil]x[/link]"
    hostile = "Sgt \x1b[31mRed\x1b]8;;http://evil\x07 \u202eevil\x9b"
    # An owner name is looked up by what people see, so one with controls in it
    # is refused at entry (test_owners.py); a note keeps them, shown cleaned.
    refused = run(runner, db, "add", "I1", title, "--owner", hostile, "--due", "eom", code=2)
    assert "\x1b" not in refused.stderr and "\u202e" not in refused.stderr
    run(runner, db, "add", "I1", title, "--owner", "Sgt Red", "--note", hostile, "--due", "eom")
    record = json.loads(run(runner, db, "show", "A1", "-f", "json").stdout)
    assert (record["title"], record["notes"][0]["text"]) == (title, hostile)
    for args in (["list"], ["show", "A1"], ["show", "I1"], ["log"]):
        out = run(runner, db, *args).stdout
        assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out, args
    out = run(runner, db, "show", "A1").stdout
    assert title in out
    assert "Sgt Red evil" in out


def test_csv_neutralises_formulas_but_keeps_numbers(runner, db):
    run(runner, db, "add", "I1", '=HYPERLINK("http://evil")', "--owner", "+44 7700", "--due", "eom")
    run(runner, db, "add", "I1", "--owner", "＝1+1", "--due", "eom", "--", "-42")
    rows = list(csv.DictReader(io.StringIO(run(runner, db, "list", "-f", "csv").stdout)))
    assert [(r["title"], r["owner"]) for r in rows] == [
        ('\'=HYPERLINK("http://evil")', "'+44 7700"),
        ("-42", "'＝1+1"),
    ]


def test_unknown_handles(runner, db):
    result = run(runner, db, "show", "A99", code=1)
    assert result.stderr == 'Error: no action "A99" (run `afi list` to see actions)\n'
    result = run(runner, db, "add", "I99", "x", "--owner", "o", "--due", "eom", code=1)
    assert result.stderr == 'Error: no item "I99" (run `afi items` to see item handles)\n'
    result = run(runner, db, "start", "A1", code=1)
    assert result.stderr == 'Error: no action "A1" (run `afi list` to see actions)\n'


def test_bad_date_is_a_usage_error_and_writes_nothing(runner, db):
    before = db.read_bytes()
    result = run(runner, db, "add", "I1", "x", "--owner", "o", "--due", "13/13/2025", code=2)
    assert result.stderr.startswith(
        'Error: cannot read "13/13/2025" as a date: 13 is not a month (dates are day first: '
        "DD/MM/YYYY) (use 2025-04-03, 03/04/2025 (day first), 3 April 2025"
    )
    assert db.read_bytes() == before


def test_bad_status_and_refused_transition(runner, db):
    run(runner, db, "add", "I1", "x", "--owner", "o", "--due", "eom")
    result = run(runner, db, "update", "A1", "--status", "finished", code=2)
    assert result.stderr == (
        'Error: unknown status "finished" (use one of: planned, '
        "in-progress, blocked, done, cancelled)\n"
    )
    run(runner, db, "done", "A1")
    result = run(runner, db, "start", "A1", code=1)
    assert result.stderr == (
        "Error: action A1 cannot go from done to in-progress (reopen it first: afi reopen A1)\n"
    )


def test_missing_values_without_a_terminal_are_usage_errors(runner, db):
    result = run(runner, db, "add", "I1", "x", "--owner", "o", code=2)
    assert result.stderr == (
        "Error: Missing option '--due' (no terminal to ask on) (see `afi add -h`)\n"
    )


def test_missing_values_are_prompted_for_on_a_terminal(runner, db, monkeypatch):
    monkeypatch.setattr("afi_tracker.cli.root._interactive", lambda: True)
    result = run(runner, db, "add", "I1", input="Train staff\nInsp Patel\n+2w\n")
    assert result.stdout.endswith("A1\n")
    action = json.loads(run(runner, db, "show", "A1", "-f", "json").stdout)
    assert (action["title"], action["owners"]) == ("Train staff", ["Insp Patel"])


def test_a_refused_answer_on_a_terminal_is_asked_again(runner, db, monkeypatch):
    """Regression: a bad date typed at the prompt ended the command (exit 2) and the
    title and owner already typed were lost; a blank title or owner did the same."""
    monkeypatch.setattr("afi_tracker.cli.root._interactive", lambda: True)
    answers = "  \nTrain staff\n \nInsp Patel\n31/02/2025\n+2w\n"
    result = run(runner, db, "add", "I1", input=answers)
    assert result.stdout.endswith("A1\n")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors[0] == "Error: title must not be empty"
    assert errors[1].startswith("Error: an owner's name must not be empty")
    assert errors[2].startswith('Error: cannot read "31/02/2025" as a date: no such day')
    assert len(errors) == 3
    action = json.loads(run(runner, db, "show", "A1", "-f", "json").stdout)
    assert (action["title"], action["owners"]) == ("Train staff", ["Insp Patel"])


def test_delete_needs_yes_without_a_terminal_and_confirmation_on_one(runner, db, monkeypatch):
    run(runner, db, "add", "I1", "x", "--owner", "o", "--due", "eom")
    result = run(runner, db, "delete", "A1", code=2)
    assert result.stderr == (
        "Error: deleting needs --yes when there is no terminal to ask on (see `afi delete -h`)\n"
    )
    monkeypatch.setattr("afi_tracker.cli.root._interactive", lambda: True)
    run(runner, db, "delete", "A1", input="n\n", code=1)
    assert json.loads(run(runner, db, "list", "-f", "json").stdout) != []
    run(runner, db, "delete", "A1", input="y\n")
    assert json.loads(run(runner, db, "list", "-f", "json").stdout) == []
    run(runner, db, "undo")
    assert json.loads(run(runner, db, "list", "-f", "json").stdout)[0]["id"] == "A1"


def test_audit_user_comes_from_by_then_afi_user(runner, db, monkeypatch):
    monkeypatch.setenv("AFI_USER", "Env User")
    run(runner, db, "add", "I1", "x", "--owner", "o", "--due", "eom")
    run(runner, db, "start", "A1", "--by", "Flag User")
    history = json.loads(run(runner, db, "log", "-f", "json").stdout)
    assert [h["by"] for h in history[:2]] == ["Flag User", "Env User"]


def test_block_needs_a_reason_and_records_it(runner, db):
    run(runner, db, "add", "I1", "Train officers", "--owner", "Insp Patel", "--due", "30/06/2025")
    refused = run(runner, db, "block", "A1", code=2)
    assert refused.stderr == "Error: blocked needs a reason (add --reason TEXT)\n"
    result = run(runner, db, "block", "A1", "--reason", "Awaiting IT supplier", "-f", "json")
    assert result.stderr == "A1 is blocked\n"
    action = json.loads(result.stdout)
    assert (action["status"], action["status_reason"]) == ("blocked", "Awaiting IT supplier")


def test_cancel_then_reopen_brings_an_action_back(runner, db):
    run(runner, db, "add", "I1", "Train officers", "--owner", "Insp Patel", "--due", "30/06/2025")
    assert run(runner, db, "cancel", "A1", code=2).stderr == (
        "Error: cancelled needs a reason (add --reason TEXT)\n"
    )
    assert run(runner, db, "cancel", "A1", "--reason", "Covered by A2").stderr == (
        "A1 is cancelled\n"
    )
    refused = run(runner, db, "start", "A1", code=1)
    assert refused.stderr == (
        "Error: action A1 cannot go from cancelled to in-progress "
        "(reopen it first: afi reopen A1)\n"
    )
    assert run(runner, db, "reopen", "A1", "--reason", "Needed after all").stderr == (
        "A1 is in-progress again\n"
    )
    shown = json.loads(run(runner, db, "show", "A1", "-f", "json").stdout)
    assert shown["status"] == "in-progress"


def test_reopen_refuses_an_open_action(runner, db):
    run(runner, db, "add", "I1", "Train officers", "--owner", "Insp Patel", "--due", "30/06/2025")
    refused = run(runner, db, "reopen", "A1", code=1)
    assert refused.stderr == (
        "Error: action A1 is planned; only done or cancelled actions reopen\n"
    )


def test_item_set_needs_a_settable_status_and_a_reason(runner, db):
    refused = run(runner, db, "item", "set", "I4", "--status", "complete", "--reason", "x", code=2)
    assert refused.stderr == (
        'Error: cannot set an item to "complete" directly (use one of: superseded, '
        "no-further-action, open, in-progress; closure goes through `afi item close` "
        "and `afi item sign-off`)\n"
    )
    no_reason = run(runner, db, "item", "set", "I4", "--status", "superseded", code=2)
    assert no_reason.stderr == (
        "Error: setting an item to superseded needs a reason (add --reason TEXT)\n"
    )
    result = run(runner, db, "item", "set", "I4", "--status", "superseded", "--reason", "Replaced")
    assert result.stderr == "I4 is superseded\n"
    assert json.loads(run(runner, db, "show", "I4", "-f", "json").stdout)["status"] == "superseded"
    refused_add = run(runner, db, "add", "I4", "x", "--owner", "o", "--due", "30/06/2025", code=1)
    assert refused_add.stderr == (
        "Error: item I4 is superseded; no new actions can be added "
        "(reopen it first: afi item set I4 --status in-progress --reason ...)\n"
    )


def test_a_long_listing_shows_every_row(runner, db):
    # Above 60 rows the table is drawn plainly (Rich is slow to lay out); no row may be lost.
    for n in range(61):
        run(runner, db, "add", "I2", f"Action number {n}", "--owner", "Supt Jones", "--due", "eom")
    out = run(runner, db, "list").stdout
    assert re.findall(r"\bA(\d+)\b", out) == [str(n + 1) for n in range(61)]
    assert re.findall(r"Action number (\d+)\b", out) == [str(n) for n in range(61)]
