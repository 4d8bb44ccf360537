"""By hand, for what no importer reads: report add, item add, item edit."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SAMPLE_2018, invoke


def afi(runner, db: Path, *args: str):
    return invoke(runner, "--db", str(db), *args)


def test_a_report_and_its_items_by_hand(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    made = afi(
        runner, db, "report", "add", "Northshire Police PEEL 2023", "--force",
        "Northshire Police", "--programme", "PEEL", "--published", "01/06/2023",
        "--judgement", "requires improvement", "--format", "json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    report = json.loads(made.stdout)
    assert (report["key"], report["published"], report["year"], report["judgement"]) == (
        "northshire-police-peel-2023",
        "2023-06-01",
        "2023",
        "Requires improvement",
    )
    added = afi(
        runner, db, "item", "add", "northshire-police-peel-2023", "--kind", "rec", "--text",
        "The force should  publish its plan.", "--deadline", "03/04/2024", "--format", "json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    item = json.loads(added.stdout)
    assert (item["id"], item["kind"], item["text"], item["deadline"]) == (
        "I1",
        "recommendation",
        "The force should publish its plan.",
        "2024-04-03",
    )
    assert added.stderr == "Added I1 to northshire-police-peel-2023\n"
    listed = afi(runner, db, "items", "--format", "json")
    assert [i["id"] for i in json.loads(listed.stdout)] == ["I1"]


def test_item_edit_keeps_the_old_value_in_the_history(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    assert afi(runner, db, "import", str(SAMPLE_2018)).exit_code == 0
    edited = afi(
        runner, db, "item", "edit", "I2", "--text", "The force should do better.",
        "--deadline", "30/09/2025", "--format", "json",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    item = json.loads(edited.stdout)
    assert (item["text"], item["deadline"]) == ("The force should do better.", "2025-09-30")
    log = afi(runner, db, "log", "--format", "json")
    changes = json.loads(log.stdout)[0]["changes"]
    assert changes[0].startswith("I2 text: The force should better understand its stop")
    assert changes[0].endswith("-> The force should do better.")
    assert any(c.startswith("I2 deadline: ") and c.endswith("2025-09-30") for c in changes)


def test_item_add_with_a_question_the_report_lacks_is_refused(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    assert afi(runner, db, "import", str(SAMPLE_2018)).exit_code == 0
    before = db.read_bytes()
    result = afi(
        runner, db, "item", "add", "west-mercia-peel-2018-legitimacy", "--kind", "afi",
        "--text", "The force should act.", "--question", "7",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        'Error: report west-mercia-peel-2018-legitimacy has no question "7" '
        "(its questions are 1, 2, 3)\n"
    )
    assert db.read_bytes() == before


def test_bad_input_by_hand_is_one_line_and_writes_nothing(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    assert afi(runner, db, "report", "add", "Northshire 2023").exit_code == 0
    before = db.read_bytes()
    cases = [
        (
            ("report", "add", "Northshire 2023"),
            'Error: a report "northshire-2023" already exists (choose another with --key KEY, '
            "or add items to it: afi item add northshire-2023 ...)\n",
        ),
        (
            ("report", "add", "Other", "--judgement", "fine"),
            'Error: unknown judgement "fine" (use one of: Outstanding, Good, Adequate, '
            "Requires improvement, Inadequate)\n",
        ),
        (
            ("item", "add", "northshire-2023", "--kind", "thing", "--text", "x"),
            'Error: unknown kind "thing" (use one of: area-for-improvement, cause-of-concern, '
            "recommendation (or afi, coc, rec))\n",
        ),
        (
            ("item", "add", "northshire-2023", "--kind", "afi", "--text", "  "),
            "Error: the item text must not be empty\n",
        ),
        (
            ("item", "edit", "I1"),
            'Error: no item "I1" (run `afi items` to see item handles)\n',
        ),
    ]
    for args, expected in cases:
        result = afi(runner, db, *args)
        assert result.exit_code in (1, 2), result.output
        assert result.stderr == expected
        assert db.read_bytes() == before
    afi(runner, db, "item", "add", "northshire-2023", "--kind", "afi", "--text", "Act.")
    nothing = afi(runner, db, "item", "edit", "I1")
    assert nothing.exit_code == 2
    assert nothing.stderr == "Error: nothing to change (give --text TEXT and/or --deadline DATE)\n"


def test_undo_restores_an_edited_item(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    assert afi(runner, db, "import", str(SAMPLE_2018)).exit_code == 0
    before = json.loads(afi(runner, db, "items", "--format", "json").stdout)[0]["text"]
    assert afi(runner, db, "item", "edit", "I1", "--text", "X.").exit_code == 0
    assert afi(runner, db, "undo").exit_code == 0
    assert json.loads(afi(runner, db, "items", "--format", "json").stdout)[0]["text"] == before
