"""The `afi` command as a user runs it: exit codes, exact errors, JSON contracts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from afi_tracker import __version__
from tests.conftest import SAMPLE_2018, SHIPPED, invoke
from tests.test_importers import WEST_MERCIA_AFIS


def items_json(runner, db: Path) -> list[dict]:
    result = invoke(runner, "--db", str(db), "items", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_shipped_store_lists_the_seven_afis_and_the_recommendation(runner, db):
    rows = items_json(runner, db)
    afis = [r for r in rows if r["kind"] == "area-for-improvement"]
    assert [r["text"] for r in afis] == [t for q in ("1", "2", "3") for t in WEST_MERCIA_AFIS[q]]
    recs = [r for r in rows if r["kind"] == "recommendation"]
    assert len(rows) == 8 and len(recs) == 1 and recs[0]["deadline"] == "2018-07-31"
    assert {(r["question"], r["judgement"]) for r in rows} == {
        ("1", "Requires improvement"),
        ("2", "Good"),
        ("3", "Requires improvement"),
    }
    for row in rows:
        assert {"id", "report", "kind", "question", "judgement", "text", "deadline"} <= set(row)


def test_reports_json_contract(runner, db):
    result = invoke(runner, "--db", str(db), "reports", "--format", "json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["key"] == "west-mercia-peel-2018-legitimacy"
    assert (report["title"], report["judgement"], report["published"]) == (
        "West Mercia PEEL 2018",
        "Requires improvement",
        "2019-09-27",
    )


def test_status_shows_questions_judgements_and_items(runner, db):
    result = invoke(runner, "--db", str(db), "status")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "West Mercia PEEL 2018" in out
    rows = [line.split()[0] for line in out.splitlines() if re.match(r"I\d+ ", line)]
    assert rows == [f"I{n}" for n in range(1, 9)]
    assert "Q2 How well does the force ensure that its workforce behaves" in out
    flat = " ".join(out.replace("│", " ").split())
    assert flat.count("Requires improvement") == 3  # the report and questions 1 and 3


def test_show_item(runner, db):
    result = invoke(runner, "--db", str(db), "show", "i3")
    assert result.exit_code == 0, result.output
    assert "2018-07-31 (by July 2018)" in result.stdout
    assert "2. take action on those" in result.stdout


def test_import_into_new_store_then_reimport(runner, tmp_path):
    db = tmp_path / "new.json"
    result = invoke(runner, "--db", str(db), "import", str(SAMPLE_2018))
    assert result.exit_code == 0, result.output
    assert (
        "Imported West Mercia PEEL 2018 as west-mercia-peel-2018-legitimacy: 8 new" in result.stderr
    )
    result = invoke(runner, "--db", str(db), "import", str(SAMPLE_2018), "-f", "json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["new"] == [] and len(outcome["unchanged"]) == 8
    assert items_json(runner, db) == items_json(runner, SHIPPED)


def test_dry_run_json_shows_items_and_writes_nothing(runner, tmp_path):
    db = tmp_path / "new.json"
    result = invoke(
        runner, "--db", str(db), "import", str(SAMPLE_2018), "--dry-run", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["dry_run"] is True and len(outcome["items"]) == 8
    assert not db.exists()


def test_file_with_no_report_is_exit_1_and_nothing_written(runner, db, tmp_path):
    before = db.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("Meeting notes\nNothing here.\n")
    result = invoke(runner, "--db", str(db), "import", str(notes))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no inspection report found in notes.txt: no areas for improvement, causes of "
        "concern or recommendations (check it is the text of an HMICFRS report page; see "
        "docs/import-formats.md)\n"
    )
    assert db.read_bytes() == before


def test_missing_file_and_unknown_option_are_usage_errors(runner, db):
    result = invoke(runner, "--db", str(db), "import", "nope.txt")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    result = invoke(runner, "--db", str(db), "items", "--colour")
    assert result.exit_code == 2
    assert "No such option: --colour" in result.stderr


def test_corrupt_store_is_exit_1_one_line_and_untouched(runner, tmp_path):
    db = tmp_path / "tracker.json"
    db.write_bytes(SHIPPED.read_bytes()[:500])
    before = db.read_bytes()
    for args in (["items"], ["import", str(SAMPLE_2018)]):
        result = invoke(runner, "--db", str(db), *args)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: store {db} is not valid JSON: ")
        assert result.stderr.count("\n") == 1
        assert db.read_bytes() == before


def test_missing_store(runner, tmp_path):
    result = invoke(runner, "--db", str(tmp_path / "none.json"), "status")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no store at {tmp_path / 'none.json'} (run `afi import REPORT.txt` to create "
        "one, or pass --db PATH)\n"
    )


def test_unknown_report_and_item(runner, db):
    result = invoke(runner, "--db", str(db), "items", "--report", "nope")
    assert (result.exit_code, result.stderr) == (
        1,
        'Error: no report "nope" (run `afi reports` to see the report keys)\n',
    )
    result = invoke(runner, "--db", str(db), "show", "I99")
    assert (result.exit_code, result.stderr) == (
        1,
        'Error: no item "I99" (run `afi items` to see item handles)\n',
    )


def test_afi_db_environment_variable_picks_the_store(runner, db, monkeypatch):
    monkeypatch.setenv("AFI_DB", str(db))
    result = invoke(runner, "reports", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["key"] == "west-mercia-peel-2018-legitimacy"


def test_version_and_module_entry_point(runner, db):
    result = invoke(runner, "--version")
    assert (result.exit_code, result.stdout) == (0, f"afi {__version__}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "afi_tracker", "--db", str(db), "items", "-f", "json"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 8


def test_every_sample_imports_into_one_store(runner, tmp_path):
    from tests.conftest import SAMPLES

    db = tmp_path / "all.json"
    for path in sorted(SAMPLES.glob("*.txt")):
        result = invoke(runner, "--db", str(db), "import", str(path))
        assert result.exit_code == 0, result.output
    reports = json.loads(invoke(runner, "--db", str(db), "reports", "-f", "json").stdout)
    assert [(r["key"], r["items"]) for r in reports] == [
        ("peel-staffordshire-police-cause-of-concern-responding-to-vulnerable-people", 4),
        ("shropshire-2021-22-effectiveness", 1),
        ("west-mercia-peel-2017-legitimacy", 2),
        ("west-mercia-peel-2018-legitimacy", 8),
    ]
    status = invoke(runner, "--db", str(db), "status").stdout
    assert "[cut off in source]" in status  # the Staffordshire recommendation stops at "ca"
    assert "All reports: 0/15 items complete" in status


def test_store_in_a_missing_folder_is_an_error_and_no_folder_is_made(runner, tmp_path):
    """Regression: filelock created the lock file's missing folders on a failed command."""
    target = tmp_path / "no" / "such" / "tracker.json"
    result = invoke(runner, "--db", str(target), "import", str(SAMPLE_2018))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: no store at {target}: folder {target.parent} does not exist"
    )
    assert not (tmp_path / "no").exists()


def test_output_file_is_written_whole_and_a_bad_folder_is_one_line(runner, db, tmp_path):
    out = tmp_path / "board.md"
    result = invoke(runner, "--db", str(db), "status", "-f", "markdown", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("# Progress against inspection reports")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".board")] == []
    missing = tmp_path / "nope" / "board.md"
    result = invoke(runner, "--db", str(db), "status", "-f", "markdown", "-o", str(missing))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot write {missing}: No such file or directory")
