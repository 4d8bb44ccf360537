"""import-plan, item respond, export xlsx and export s55 through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

HAND_WRITTEN = ROOT / "tests" / "fixtures" / "plans" / "west-mercia-plan.csv"


def afi(runner, db: Path, *args: str):
    return invoke(runner, "--db", str(db), *args)


def test_import_plan_says_which_column_it_took_and_lists_rows(runner, db):
    result = afi(runner, db, "import-plan", str(HAND_WRITTEN), "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        'Columns: "Ref" as ref, "Area for improvement" as text, "Action" as action, '
        '"Lead" as owner, "Target date" as due, "Status" as status, "Latest update" as update'
    ) in result.stderr
    assert "6 new, 0 changed, 0 unchanged, 0 skipped (dry run: nothing written)" in result.stderr
    assert "Refresh unconscious bias training package" in result.stdout


def test_import_plan_json_lists_new_changed_unchanged_skipped(runner, db):
    first = afi(runner, db, "import-plan", str(HAND_WRITTEN), "-f", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert [len(data[k]) for k in ("new", "changed", "unchanged", "skipped")] == [6, 0, 0, 0]
    assert data["new"][0]["score"] == 84.8 and data["written"] is True
    before = db.read_bytes()
    again = afi(runner, db, "import-plan", str(HAND_WRITTEN), "-f", "json")
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert [len(data[k]) for k in ("new", "changed", "unchanged", "skipped")] == [0, 0, 6, 0]
    assert "(nothing changed)" in again.stderr
    assert db.read_bytes() == before


def test_import_plan_problems_one_line_each_with_the_status_map_that_fixes_them(
    runner, db, tmp_path
):
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "Ref,Area for improvement,Action,Lead,Target date,Status\n"
        "I1,,Refresh training,Lowe,31/03/2025,Slipping\n"
        ",Improve the canteen menu,Menu,Chef,31/03/2025,\n",
        encoding="utf-8",
    )
    before = db.read_bytes()
    result = afi(runner, db, "import-plan", str(plan))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-4:] == [
        'Problem: row 2: status "Slipping" not understood',
        "Problem: row 3: weak match (best I6 at 63): Improve the canteen menu",
        'Status "Slipping" (row 2) is not understood: add --status-map "Slipping=STATUS" '
        "(planned, in-progress, blocked, done, cancelled)",
        f"Error: 2 row problems in {plan}; nothing was written (fix the rows in the sheet, "
        "teach words with --status-map WORD=STATUS, or skip rows with --skip ROW)",
    ]
    assert db.read_bytes() == before
    fixed = afi(
        runner, db, "import-plan", str(plan), "--status-map", "Slipping=blocked", "--skip", "3"
    )
    assert fixed.exit_code == 0, fixed.output
    assert "1 new, 0 changed, 0 unchanged, 1 skipped" in fixed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--map", "Tasking"), 'Error: --map wants COLUMN=FIELD, not "Tasking"'),
        (("--map", "Tasking=lead"), 'Error: "lead" is not a plan field (in Tasking=lead)'),
        (("--status-map", "Slipping=late"), 'Error: "late" is not an action status'),
    ],
)
def test_import_plan_bad_maps(runner, db, args, message):
    result = afi(runner, db, "import-plan", str(HAND_WRITTEN), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_import_plan_no_columns(runner, db, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("Colour,Shape\nred,square\n", encoding="utf-8")
    result = afi(runner, db, "import-plan", str(plan))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: plan.csv has no recognisable columns")
    assert "(name the columns with --map COLUMN=FIELD (fields: report, ref," in result.stderr


def test_item_respond_shows_in_show_status_json_and_history(runner, db):
    result = afi(runner, db, "item", "respond", "I3", "--partly", "--text", "Publication later.")
    assert result.exit_code == 0, result.output
    assert result.stderr == "I3 response recorded: partly-accepted\n"
    show = afi(runner, db, "show", "I3")
    assert "Partly accepted: Publication later. (tester, " in show.stdout
    status = json.loads(afi(runner, db, "status", "-f", "json").stdout)
    items = {i["id"]: i for q in status["reports"][0]["questions"] for i in q["items"]}
    assert items["I3"]["response"] == "partly-accepted"
    log = afi(runner, db, "log", "-f", "json")
    assert "item respond I3" in log.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--text", "x"), "Error: give exactly one of --accepted, --partly, --not-accepted"),
        (("--accepted", "--partly", "--text", "x"), "Error: give exactly one of"),
        (("--accepted",), "Error: Missing option '--text'"),
    ],
)
def test_item_respond_usage(runner, db, args, message):
    before = db.read_bytes()
    result = afi(runner, db, "item", "respond", "I3", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert db.read_bytes() == before


def test_export_xlsx_by_extension_round_trips_through_import_plan(runner, db, tmp_path):
    assert afi(runner, db, "import-plan", str(HAND_WRITTEN)).exit_code == 0
    book = tmp_path / "board.xlsx"
    result = afi(runner, db, "export", "-o", str(book))
    assert result.exit_code == 0, result.output
    assert book.read_bytes()[:2] == b"PK"
    before = db.read_bytes()
    again = afi(runner, db, "import-plan", str(book), "-f", "json")
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert (len(data["new"]), len(data["changed"]), len(data["unchanged"])) == (0, 0, 6)
    assert db.read_bytes() == before


def test_export_xlsx_to_a_terminal_is_a_usage_error(runner, db):
    result = afi(runner, db, "export", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the xlsx format is a file: add -o FILE")


def test_export_s55_docx_holds_each_recommendation_and_the_56_day_date(runner, db, tmp_path):
    from docx import Document

    out = tmp_path / "s55.docx"
    result = afi(runner, db, "export", "s55", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        "No response recorded for recommendation west-mercia-peel-2018-legitimacy I3 "
        "(record one with `afi item respond ITEM --accepted --text ...`)"
    ) in result.stderr
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Response due (56 days, Police Act 1996 s55): 22 November 2019" in text
    assert "Report published: 27 September 2019" in text
    snap = json.loads(db.read_text(encoding="utf-8"))
    recommendations = [i for i in snap["items"].values() if i["kind"] == "recommendation"]
    assert recommendations
    for item in recommendations:
        assert item["text"] in text
    # areas for improvement only with --all
    assert "unconscious bias" not in text
    assert "How progress will be scrutinised" in text


def test_export_s55_with_response_actions_and_all(runner, db, tmp_path):
    afi(runner, db, "add", "I3", "Publish analysis", "--owner", "Supt Patel", "--due", "30/06/2025")
    afi(runner, db, "item", "respond", "I3", "--accepted", "--text", "We <accept> this.")
    afi(runner, db, "item", "set", "I4", "--status", "superseded", "--reason", "Covered by 2021")
    html = afi(runner, db, "export", "s55", "--all", "--format", "html")
    assert html.exit_code == 0, html.output
    assert html.stderr == ""
    out = html.stdout
    assert "<strong>Response:</strong> Accepted: We &lt;accept&gt; this.</p>" in out
    assert "<td>Publish analysis</td><td>Supt Patel</td><td>30 June 2025</td>" in out
    assert "No action will be taken: Covered by 2021" in out
    assert "unconscious bias" in out
    md = afi(runner, db, "export", "s55", "-o", str(tmp_path / "r.md"))
    assert md.exit_code == 0, md.output
    assert "| Publish analysis | Supt Patel | 30 June 2025 | planned |" in (
        tmp_path / "r.md"
    ).read_text(encoding="utf-8")


def test_export_s55_docx_to_a_terminal_is_a_usage_error(runner, db):
    result = afi(runner, db, "export", "s55", "--format", "docx")
    assert result.exit_code == 2
    assert "Error: the docx format is a file: add -o FILE" in result.stderr


def test_export_s55_docx_has_the_action_table_and_the_response(runner, db, tmp_path):
    from docx import Document

    afi(runner, db, "add", "I3", "Publish analysis", "--owner", "Supt Patel", "--due", "30/06/2025")
    afi(runner, db, "item", "respond", "I3", "--not-accepted", "--text", "We\x07 disagree.")
    out = tmp_path / "s55.docx"
    result = afi(runner, db, "export", "s55", "--all", "-o", str(out), "--scrutiny", "Quarterly.")
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Response: Not accepted: We disagree." in text
    assert "Area for improvement (I1)" in text and "Quarterly." in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert cells == [
        ["Action", "Lead", "Target date", "Status"],
        ["Publish analysis", "Supt Patel", "30 June 2025", "planned"],
    ]


def test_export_xlsx_round_trips_two_actions_with_one_title(runner, db, tmp_path):
    """The Action ID column tells two same-titled actions of one item apart."""
    for owner, due in (("Insp Patel", "03/04/2027"), ("DS Jones", "03/05/2027")):
        added = afi(runner, db, "add", "I1", "Training review", "--owner", owner, "--due", due)
        assert added.exit_code == 0, added.output
    book = tmp_path / "p.xlsx"
    assert afi(runner, db, "export", "-o", str(book)).exit_code == 0
    before = db.read_bytes()
    again = afi(runner, db, "import-plan", str(book), "--dry-run", "-f", "json")
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert (len(data["new"]), len(data["changed"])) == (0, 0)
    assert [r["action"] for r in data["unchanged"]] == ["A1", "A2"]
    assert db.read_bytes() == before


def test_import_plan_the_same_action_handle_twice_repeats(runner, db, tmp_path):
    afi(runner, db, "add", "I1", "Training review", "--owner", "Insp Patel", "--due", "03/04/2027")
    plan = tmp_path / "p.csv"
    plan.write_text(
        "Item,Action ID,Action,Owner\n"
        "I1,A1,Training review,Insp Patel\n"
        "I1,A1,Training review again,Insp Patel\n"
        "I1,,Training review,Insp Patel\n",
        encoding="utf-8",
    )
    result = afi(runner, db, "import-plan", str(plan), "--dry-run")
    assert result.exit_code == 1
    assert "Problem: row 3: repeats row 2 (same action A1)" in result.stderr
    assert "Problem: row 4: repeats row 2 (same item I1 and action)" in result.stderr


def test_export_csv_round_trips_through_import_plan(runner, db, tmp_path):
    """afi's own CSV reads back like its XLSX: `action` is the handle, `action_title`
    the title, `due` the action's date (not the item's `deadline`), `owner` every owner."""
    assert afi(runner, db, "import-plan", str(HAND_WRITTEN)).exit_code == 0
    edited = afi(runner, db, "item", "edit", "I1", "--deadline", "01/06/2027")
    assert edited.exit_code == 0, edited.output
    owners = afi(runner, db, "update", "A1", "--owner", "Insp Patel", "--owner", "DS Jones")
    assert owners.exit_code == 0, owners.output
    out = tmp_path / "p.csv"
    assert afi(runner, db, "export", "-f", "csv", "-o", str(out)).exit_code == 0
    before = db.read_bytes()
    again = afi(runner, db, "import-plan", str(out), "--dry-run")
    assert again.exit_code == 0, again.output
    assert (
        'Columns: "report" as report, "item" as ref, "item_text" as text, "action" as '
        'action_id, "action_title" as action, "owner" as owner, "due" as due, '
        '"action_status" as status, "latest_update" as update'
    ) in again.stderr
    assert (
        f"Would import plan {out}: 0 new, 0 changed, 6 unchanged, 3 skipped "
        "(dry run: nothing written)"
    ) in again.stderr
    assert afi(runner, db, "import-plan", str(out)).exit_code == 0
    assert db.read_bytes() == before
    # A board member's edits to the CSV come back in as changes, as from the XLSX.
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    edited_row = next(r for r in rows if r["action"] == "A2")
    edited_row.update(due="2027-06-30", action_status="Complete", latest_update="Delivered")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buffer.getvalue(), encoding="utf-8")
    changed = afi(runner, db, "import-plan", str(out), "-f", "json")
    assert changed.exit_code == 0, changed.output
    data = json.loads(changed.stdout)
    assert (len(data["new"]), len(data["unchanged"])) == (0, 5)
    assert [(r["action"], r["changes"]) for r in data["changed"]] == [
        ("A2", ["due", "note", "status"])
    ]


def test_a_column_of_action_handles_is_never_read_as_titles(runner, db, tmp_path):
    plan = tmp_path / "p.csv"
    plan.write_text(
        "Item,Action,Lead,Target date\nI1,A1,Insp Patel,03/04/2027\nI2,A2,DS Jones,03/05/2027\n",
        encoding="utf-8",
    )
    before = db.read_bytes()
    result = afi(runner, db, "import-plan", str(plan))
    assert result.exit_code == 0, result.output
    assert (
        '"Action" holds action handles (A1, A2...), not titles: not read as the action'
    ) in result.stderr
    assert 'Columns: "Item" as ref, "Action" as action_id, "Lead" as owner' in result.stderr
    assert "0 new, 0 changed, 0 unchanged, 2 skipped (nothing changed)" in result.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("export", "-o", "out.pdf"),
            "Error: cannot write out.pdf: this command writes .md, .markdown, .html, .htm, "
            ".csv, .json or .xlsx files, or give --format (see `afi export -h`)\n",
        ),
        (
            ("export", "s55", "-o", "s55.PDF"),
            "Error: cannot write s55.PDF: this command writes .md, .markdown, .html, .htm, "
            ".json or .docx files, or give --format (see `afi export s55 -h`)\n",
        ),
        (
            ("export", "s55", "-o", "s55.csv"),
            "Error: cannot write s55.csv: this command writes .md, .markdown, .html, .htm, "
            ".json or .docx files, or give --format (see `afi export s55 -h`)\n",
        ),
    ],
)
def test_export_to_an_extension_it_does_not_write_is_a_usage_error(
    runner, db, tmp_path, args, line
):
    result = afi(runner, db, *args)
    assert (result.exit_code, result.stderr, result.stdout) == (2, line, "")
    assert list(tmp_path.glob("*.pdf")) + list(tmp_path.glob("*.PDF")) == []
    assert not (tmp_path / "s55.csv").exists()


def test_export_format_given_wins_over_the_name_and_no_extension_is_the_default(
    runner, db, tmp_path
):
    named = afi(runner, db, "export", "-f", "html", "-o", "pack.pdf")
    assert named.exit_code == 0, named.output
    assert (tmp_path / "pack.pdf").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bare = afi(runner, db, "export", "-o", "pack")
    assert bare.exit_code == 0, bare.output
    assert (tmp_path / "pack").read_text(encoding="utf-8") == afi(runner, db, "export").stdout


def test_output_dash_is_stdout(runner, db, tmp_path):
    result = afi(runner, db, "export", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout == afi(runner, db, "export").stdout
    assert result.stderr == ""
    status = afi(runner, db, "status", "-f", "json", "-o", "-")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)
    assert not (tmp_path / "-").exists()
    book = afi(runner, db, "export", "-f", "xlsx", "-o", "-")
    assert book.exit_code == 2
    assert book.stderr == "Error: the xlsx format is a file: add -o FILE (see `afi export -h`)\n"
    assert not (tmp_path / "-").exists()


def test_a_row_whose_action_was_deleted_never_updates_its_same_titled_twin(runner, db, tmp_path):
    """A1 and A2 share a title; A1 is deleted after the export. Row A1 must not fall
    back to the title and rewrite A2 (which row A2 is about): it is a new action."""
    for owner, due in (("Insp Patel", "03/04/2027"), ("DS Jones", "03/05/2027")):
        afi(runner, db, "add", "I1", "Training review", "--owner", owner, "--due", due)
    book = tmp_path / "p.xlsx"
    assert afi(runner, db, "export", "-o", str(book)).exit_code == 0
    assert afi(runner, db, "delete", "A1", "--yes").exit_code == 0
    result = afi(runner, db, "import-plan", str(book), "--dry-run", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["row"], r["action"]) for r in data["new"]] == [(2, "A3")]
    assert [(r["row"], r["action"]) for r in data["unchanged"]] == [(3, "A2")]
    assert data["changed"] == []


def test_export_csv_round_trips_cells_guarded_against_formulas(runner, db, tmp_path):
    """The CSV guards `=...`, `+...`, `@...` with an apostrophe; import-plan reads the
    text back without it, so the round trip changes nothing."""
    added = afi(
        runner, db, "add", "I1", "=SUM(A1) review", "--owner", "+Insp Patel", "--owner",
        "@DS Jones", "--due", "03/04/2027",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    out = tmp_path / "p.csv"
    assert afi(runner, db, "export", "-f", "csv", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert ",A1,'=SUM(A1) review,'+Insp Patel; @DS Jones," in text
    before = db.read_bytes()
    again = afi(runner, db, "import-plan", str(out), "-f", "json")
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert (len(data["new"]), len(data["changed"]), len(data["unchanged"])) == (0, 0, 1)
    assert db.read_bytes() == before
