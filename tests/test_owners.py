"""Several owners per action (issue #12 item 7), through the `afi` command.

`--owner` is repeatable and every one is kept; `--owners "A, B"` splits at its
commas, and nothing else is ever split. Filters and groupings match any of an
action's owners; JSON carries the list; a schema-3 store (one `owner`) is
migrated to `owners` with a byte-for-byte copy kept.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

FIXTURES = ROOT / "tests" / "fixtures"
V3_SHIPPED = FIXTURES / "store-v3.json"  # tracker.json as shipped in schema 3
V3_OWNERS = FIXTURES / "store-v3-owners.json"  # schema 3 with actions, owner changes, a delete


def run(runner, db, *args, code=0, input=None):  # noqa: A002
    result = invoke(runner, "--db", str(db), *args, input=input)
    assert result.exit_code == code, result.output
    return result


def shown(runner, db, handle="A1"):
    return json.loads(run(runner, db, "show", handle, "-f", "json").stdout)


def test_a_second_owner_flag_adds_an_owner_instead_of_replacing_the_first(runner, db):
    added = run(
        runner,
        db,
        "add",
        "I1",
        "Joint review",
        "--owner",
        "Insp Patel",
        "--owner",
        "DS Jones",
        "--due",
        "31/12/2030",
    )
    assert "owners Insp Patel, DS Jones" in added.stderr
    assert shown(runner, db)["owners"] == ["Insp Patel", "DS Jones"]
    (stored,) = json.loads(db.read_text())["actions"].values()
    assert stored["owners"] == ["Insp Patel", "DS Jones"] and "owner" not in stored


def test_owners_splits_at_commas_only_when_asked(runner, db):
    run(runner, db, "add", "I1", "a", "--owners", "Insp Patel, DS Jones,Sgt Khan", "--due", "eom")
    run(runner, db, "add", "I1", "b", "--owner", "Patel, A", "--due", "eom")
    run(runner, db, "add", "I1", "c", "--owner", "Lowe", "--owners", "Patel, lowe", "--due", "eom")
    assert shown(runner, db, "A1")["owners"] == ["Insp Patel", "DS Jones", "Sgt Khan"]
    assert shown(runner, db, "A2")["owners"] == ["Patel, A"]
    # A name given twice (in any case) is kept once, as first given.
    assert shown(runner, db, "A3")["owners"] == ["Lowe", "Patel"]


@pytest.mark.parametrize(
    "args",
    [
        ["--owner", ""],
        ["--owner", "   "],
        ["--owners", "A,,"],
        ["--owners", "A, ,B"],
        ["--owner", "A", "--owners", ","],
    ],
)
def test_an_empty_owner_name_is_a_usage_error_and_nothing_is_written(runner, db, args):
    before = db.read_bytes()
    result = run(runner, db, "add", "I1", "t", *args, "--due", "eom", code=2)
    assert result.stderr == (
        "Error: an owner's name must not be empty "
        '(give each owner a name: --owner "Insp Patel" --owner "DS Jones")\n'
    )
    assert db.read_bytes() == before


def test_filters_and_groupings_match_any_owner(runner, db):
    run(runner, db, "add", "I1", "Joint", "--owners", "Insp Patel, DS Jones", "--due", "01/01/2030")
    run(runner, db, "add", "I2", "Solo", "--owner", "DS Jones", "--due", "02/01/2030")
    run(runner, db, "add", "I3", "Other", "--owner", "Sgt Khan", "--due", "03/01/2030")

    def listed(*args):
        rows = json.loads(run(runner, db, "list", *args, "-f", "json").stdout)
        return [r["id"] for r in rows]

    assert listed("--owner", "Insp Patel") == ["A1"]
    assert listed("--owner", "ds jones") == ["A1", "A2"]
    assert listed("--owner", "Sgt Khan") == ["A3"]
    assert listed("--owner", "Patel") == []  # a whole name, not a part of one

    by_owner = json.loads(
        run(runner, db, "status", "--by", "owner", "-f", "json", "--as-of", "01/12/2029").stdout
    )
    assert {r["owner"]: r["open_actions"] for r in by_owner} == {
        "DS Jones": ["A1", "A2"],
        "Insp Patel": ["A1"],
        "Sgt Khan": ["A3"],
    }
    due = json.loads(
        run(runner, db, "due", "--within", "8w", "-f", "json", "--as-of", "01/12/2029").stdout
    )
    assert [(r["owner"], r["id"]) for r in due] == [
        ("DS Jones", "A1"),
        ("DS Jones", "A2"),
        ("Insp Patel", "A1"),
        ("Sgt Khan", "A3"),
    ]


def test_json_shows_a_list_and_other_formats_join_the_names(runner, db):
    run(runner, db, "add", "I1", "Joint", "--owners", "Insp Patel, <b>DS Jones</b>", "--due", "eom")
    (row,) = json.loads(run(runner, db, "list", "-f", "json").stdout)
    assert row["owners"] == ["Insp Patel", "<b>DS Jones</b>"]
    assert row["owner"] == "Insp Patel, <b>DS Jones</b>"  # as before: the names, joined
    (line,) = csv.DictReader(io.StringIO(run(runner, db, "list", "-f", "csv").stdout))
    assert line["owner"] == line["owners"] == "Insp Patel, <b>DS Jones</b>"
    html = run(runner, db, "list", "-f", "html").stdout
    assert "Insp Patel, &lt;b&gt;DS Jones&lt;/b&gt;" in html and "<b>DS" not in html
    table = run(runner, db, "show", "A1").stdout
    assert "Owners" in table and "Insp Patel, <b>DS Jones</b>" in table
    pack = json.loads(run(runner, db, "export", "-f", "json").stdout)
    (action,) = [a for r in pack["reports"] for i in r["items"] for a in i["actions"]]
    assert action["owners"] == ["Insp Patel", "<b>DS Jones</b>"]
    assert action["owner"] == "Insp Patel, <b>DS Jones</b>"


def test_update_replaces_adds_and_removes_owners_with_history_and_undo(runner, db):
    run(runner, db, "add", "I1", "t", "--owner", "Insp Patel", "--due", "eom")
    run(runner, db, "update", "A1", "--owner", "DS Jones", "--owner", "Sgt Khan")
    assert shown(runner, db)["owners"] == ["DS Jones", "Sgt Khan"]
    run(runner, db, "update", "A1", "--add-owner", "Insp Patel", "--remove-owner", "ds jones")
    assert shown(runner, db)["owners"] == ["Sgt Khan", "Insp Patel"]
    run(runner, db, "update", "A1", "--owners", "Lowe, Ahmed")
    assert shown(runner, db)["owners"] == ["Lowe", "Ahmed"]
    log = run(runner, db, "log", "-f", "json").stdout
    assert "A1 owners: Insp Patel -> DS Jones, Sgt Khan" in log
    assert "A1 owners: Sgt Khan, Insp Patel -> Lowe, Ahmed" in log
    run(runner, db, "undo")
    assert shown(runner, db)["owners"] == ["Sgt Khan", "Insp Patel"]
    run(runner, db, "update", "A1", "--owners", "sgt khan, Insp Patel", "--add-owner", "Sgt Khan")
    assert shown(runner, db)["owners"] == ["sgt khan", "Insp Patel"]  # as typed this time

    before = db.read_bytes()
    gone = run(runner, db, "update", "A1", "--remove-owner", "Nobody", code=1)
    assert gone.stderr == (
        "Error: Nobody is not an owner of A1 (owners: sgt khan, Insp Patel) "
        "(run `afi show A1` to see its owners)\n"
    )
    last = run(
        runner,
        db,
        "update",
        "A1",
        "--remove-owner",
        "Sgt Khan",
        "--remove-owner",
        "Insp Patel",
        code=1,
    )
    assert last.stderr.startswith("Error: A1 would have no owner left (")
    empty = run(runner, db, "update", "A1", "--add-owner", " ", code=2)
    assert empty.stderr.startswith("Error: an owner's name must not be empty (")
    assert db.read_bytes() == before


def test_owner_completion_offers_each_owner(runner, db):
    from afi_tracker.cli.completion import owners

    run(runner, db, "add", "I1", "t", "--owners", "Insp Patel, DS Jones", "--due", "eom")
    assert owners(db, "") == [("DS Jones", "owner"), ("Insp Patel", "owner")]
    assert owners(db, "ins") == [("Insp Patel", "owner")]


def test_shipped_schema_3_store_migrates_with_a_byte_for_byte_copy(runner, tmp_path):
    db = tmp_path / "tracker.json"
    shutil.copyfile(V3_SHIPPED, db)
    original = db.read_bytes()
    assert json.loads(run(runner, db, "list", "-f", "json").stdout) == []
    assert db.read_bytes() == original  # reading never writes
    result = run(runner, db, "add", "I1", "t", "--owner", "A", "--owner", "B", "--due", "eom")
    assert f"Migrated {db} from schema 3 to 4; the old file is kept as {db}.bak-v3" in (
        result.stderr
    )
    assert (tmp_path / "tracker.json.bak-v3").read_bytes() == original
    data = json.loads(db.read_text())
    assert data["meta"]["1"]["schema"] == 4
    assert [a["owners"] for a in data["actions"].values()] == [["A", "B"]]
    assert "OK (schema 4;" in run(runner, db, "doctor").stdout


def test_schema_3_store_with_owners_migrates_records_and_history(runner, tmp_path):
    db = tmp_path / "tracker.json"
    shutil.copyfile(V3_OWNERS, db)
    original = db.read_bytes()
    # Read as it is, before any write: every owner is there, none split.
    rows = json.loads(run(runner, db, "list", "-f", "json").stdout)
    assert {r["id"]: r["owners"] for r in rows} == {
        "A1": ["DS Jones"],
        "A2": ["Patel, A"],
        "A4": ["PS Ahmed"],
    }
    run(runner, db, "update", "A2", "--add-owner", "DS Jones")
    assert (tmp_path / "tracker.json.bak-v3").read_bytes() == original
    data = json.loads(db.read_text())
    assert all("owner" not in a for a in data["actions"].values())
    entries = data["history"].values()
    changes = [c for e in entries for c in e.get("changes", []) if "owner" in c["field"]]
    assert {"field": "owners", "old": ["Insp Patel"], "new": ["DS Jones"]} in changes
    created = [e["after"] for e in entries if e["op"] == "create" and e["table"] == "actions"]
    assert all("owners" in a and "owner" not in a for a in created)
    deleted = [e["before"] for e in entries if e["op"] == "delete"]
    assert [a["owners"] for a in deleted] == [["Ch Insp Khan"]]
    assert run(runner, db, "list", "--owner", "ds jones", "-f", "json").stdout.count('"id"') == 2
    log = run(runner, db, "log").stdout
    assert "A1 owners: Insp Patel -> DS Jones" in log
    # Undo walks back across the migration: the added owner, then A4's start.
    run(runner, db, "undo")
    assert shown(runner, db, "A2")["owners"] == ["Patel, A"]
    # --as-recorded rewinds through the migrated history: A1 as first recorded.
    past = json.loads(
        run(runner, db, "list", "-f", "json", "--as-of", "01/01/2020", "--as-recorded").stdout
    )
    assert past == []
    assert "OK (schema 4;" in run(runner, db, "doctor").stdout


def test_a_migrated_clone_merges_with_one_not_yet_migrated(tmp_path):
    from afi_tracker.api.tracker import Tracker
    from afi_tracker.store.merge import merge_bytes
    from afi_tracker.store.store import Store

    ours = tmp_path / "ours.json"
    shutil.copyfile(V3_OWNERS, ours)
    Tracker(Store.at(ours), by="alice", command="t").update("A1", add_owners=["Sgt Khan"])
    v3 = V3_OWNERS.read_bytes()
    result = merge_bytes(v3, ours.read_bytes(), v3, ("base", "ours", "theirs"))
    assert result.conflicts == []
    merged = tmp_path / "merged.json"
    merged.write_bytes(result.to_bytes())
    snap = Store.at(merged).load()
    assert snap.meta["schema"] == 4
    assert snap.action("A1")["owners"] == ["DS Jones", "Sgt Khan"]


def test_both_clones_change_owners_differently_is_a_conflict_shown_as_names(tmp_path, runner):
    from afi_tracker.api.tracker import Tracker
    from afi_tracker.store.merge import merge_bytes
    from afi_tracker.store.store import Store

    base = tmp_path / "base.json"
    shutil.copyfile(V3_OWNERS, base)
    Tracker(Store.at(base), by="x", command="t").update("A2", note="migrate")
    sides = []
    for who, name in (("alice", "Sgt Khan"), ("bob", "Lowe")):
        side = tmp_path / f"{who}.json"
        shutil.copyfile(base, side)
        Tracker(Store.at(side), by=who, command="t").update("A1", add_owners=[name])
        sides.append(side.read_bytes())
    result = merge_bytes(base.read_bytes(), sides[0], sides[1], ("base", "ours", "theirs"))
    assert [c.field for c in result.conflicts] == ["owners"]
    merged = tmp_path / "merged.json"
    merged.write_bytes(result.to_bytes())
    out = run(runner, merged, "show", "A1").stdout
    assert "A1 owners: DS Jones, Sgt Khan (alice) | DS Jones, Lowe (bob)" in out


def test_plan_import_splits_owner_cells_only_at_semicolons_and_line_breaks(runner, db):
    plan = Path("plan.csv")
    plan.write_text(
        "Ref,Action,Lead,Target date\n"
        'I1,Joint review,"Insp Patel; DS Jones",31/03/2030\n'
        'I2,Train staff,"Patel, A",31/03/2030\n'
        'I3,Audit,"Sgt Khan\nLowe;",31/03/2030\n',
        encoding="utf-8",
    )
    run(runner, db, "import-plan", str(plan))
    owners = {
        r["title"]: r["owners"] for r in json.loads(run(runner, db, "list", "-f", "json").stdout)
    }
    assert owners == {
        "Joint review": ["Insp Patel", "DS Jones"],
        "Train staff": ["Patel, A"],
        "Audit": ["Sgt Khan", "Lowe"],
    }
    # The same sheet again changes nothing: the lists compare equal.
    again = run(runner, db, "import-plan", str(plan))
    assert "0 new, 0 changed, 3 unchanged" in again.stderr


def test_papers_join_the_names_and_sheets_read_back_keep_them_apart(runner, db, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    run(runner, db, "add", "I3", "Joint", "--owners", "Insp Patel, DS Jones", "--due", "31/12/2030")
    run(runner, db, "add", "I3", "Solo", "--owner", "Patel, A", "--due", "31/12/2030")
    md = run(runner, db, "export", "-f", "markdown").stdout
    assert "Insp Patel, DS Jones" in md
    s55 = tmp_path / "s55.docx"
    run(runner, db, "export", "s55", "-o", str(s55))
    cells = [c.text for t in Document(str(s55)).tables for r in t.rows for c in r.cells]
    assert "Insp Patel, DS Jones" in cells and "Patel, A" in cells
    # The pack's XLSX is read back by import-plan, which splits a cell at ";"
    # and never at a comma: there the names are joined with "; ".
    book = tmp_path / "board.xlsx"
    run(runner, db, "export", "-o", str(book))
    sheets = load_workbook(book).worksheets
    values = [c for ws in sheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "Insp Patel; DS Jones" in values and "Patel, A" in values
    before = db.read_bytes()
    again = json.loads(run(runner, db, "import-plan", str(book), "-f", "json").stdout)
    assert (len(again["new"]), len(again["changed"]), len(again["unchanged"])) == (0, 0, 2)
    assert db.read_bytes() == before
    # The pack's CSV reads back too (#12), so it joins them with "; " like the XLSX.
    out = tmp_path / "pack.csv"
    run(runner, db, "export", "-f", "csv", "-o", str(out))
    lines = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["owner"] for r in lines if r["action"]} == {"Insp Patel; DS Jones", "Patel, A"}
    again = json.loads(run(runner, db, "import-plan", str(out), "-f", "json").stdout)
    assert (len(again["new"]), len(again["changed"]), len(again["unchanged"])) == (0, 0, 2)
    assert db.read_bytes() == before


def test_split_owners_is_exact_for_any_text():
    from hypothesis import given
    from hypothesis import strategies as st

    from afi_tracker.domain.model import owner_names, split_owners
    from afi_tracker.errors import InvalidValue

    # No control characters: owner_names refuses them (tested below).
    unseen = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    letters = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="," + unseen)
    names = st.text(letters, min_size=1, max_size=12).filter(str.strip)

    @given(st.lists(names, min_size=1, max_size=5), st.sampled_from([",", ", ", " , "]))
    def joined_names_come_back(given_names, sep):
        assert split_owners(sep.join(given_names)) == owner_names(given_names)

    @given(st.text(max_size=40))
    def any_text_is_names_or_refused(text):
        try:
            got = split_owners(text)
        except InvalidValue as exc:
            assert exc.exit_code == 2
            if exc.code == "owner-control":
                assert any(unicodedata.category(c) == "Cc" or c in unseen for c in text)
            else:
                assert exc.code == "owner-empty"
                assert any(not part.strip() for part in text.split(","))
            return
        assert got and all(n == " ".join(n.split()) and "," not in n for n in got)
        assert len({n.casefold() for n in got}) == len(got)

    joined_names_come_back()
    any_text_is_names_or_refused()


def test_a_hand_edited_owners_field_is_named_by_doctor_and_check(runner, db):
    run(runner, db, "add", "I1", "t", "--owner", "Insp Patel", "--due", "31/12/2030")
    data = json.loads(db.read_text(encoding="utf-8"))
    (key,) = data["actions"]
    data["actions"][key]["owners"] = ["Insp Patel", ""]
    db.write_text(json.dumps(data), encoding="utf-8")
    before = db.read_bytes()
    doctor = run(runner, db, "doctor", "-f", "json", code=1)
    assert json.loads(doctor.stdout)["problems"] == [
        f"actions[{key}].owners: is not a list of names"
    ]
    refused = run(runner, db, "update", "A1", "--add-owner", "DS Jones", code=1)
    assert f"actions[{key}].owners: is not a list of names" in refused.stderr
    assert db.read_bytes() == before


# -- defects found by a new-user review (issue #12) --------------------------------------


def joint_review(runner, db):
    run(runner, db, "add", "I2", "Joint review", "--owner", "Insp Patel", "--owner", "ds jones",
        "--due", "31/12/2030")  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "owners"),
    [
        ("ds jones", "DS Jones", ["Insp Patel", "DS Jones"]),
        ("DS JONES", "DS Jones", ["Insp Patel", "DS Jones"]),
        ("insp patel", "Insp  PATEL", ["Insp PATEL", "ds jones"]),
    ],
)
def test_removing_a_name_and_adding_it_respelt_keeps_the_owner(runner, db, old, new, owners):
    # Before: the add was taken for a duplicate of the name being removed and
    # dropped, then the remove ran, leaving one owner with exit 0.
    joint_review(runner, db)
    run(runner, db, "update", "A1", "--remove-owner", old, "--add-owner", new)
    assert shown(runner, db)["owners"] == owners  # respelt in its place
    log = run(runner, db, "log", "-f", "json").stdout
    assert f"A1 owners: Insp Patel, ds jones -> {', '.join(owners)}" in log


def test_a_one_letter_owner_respelt_is_kept(runner, db):
    run(runner, db, "add", "I2", "t", "--owner", "a", "--owner", "c", "--due", "31/12/2030")
    run(runner, db, "update", "A1", "--remove-owner", "c", "--add-owner", "C")
    assert shown(runner, db)["owners"] == ["a", "C"]


@pytest.mark.parametrize("name", ["Q", "ds jones"])
def test_the_same_name_added_and_removed_is_refused_as_contradictory(runner, db, name):
    joint_review(runner, db)
    before = db.read_bytes()
    result = run(runner, db, "update", "A1", "--add-owner", name, "--remove-owner", name, code=2)
    assert result.stderr == (
        f"Error: {name} is both added and removed as an owner of A1 (give it to --add-owner "
        "or --remove-owner, not both; to respell an owner, remove the old spelling and add "
        "the new: --remove-owner OLD --add-owner NEW)\n"
    )
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["--add-owner", "DS Jones"],  # already an owner, in another case
        ["--add-owner", "ds  jones", "--add-owner", "insp patel"],
        ["--title", "Joint review"],
        ["--owners", "Insp Patel, ds jones"],
        ["--owner", "Insp Patel", "--owner", "ds jones"],
        ["--due", "31/12/2030", "--reason", "x"],  # was "nothing to change", exit 2
        ["--status", "planned"],
        ["--title", "Joint review", "--owners", "Insp Patel, ds jones", "--due", "2030-12-31"],
    ],
)
def test_an_update_that_changes_nothing_writes_nothing_and_says_so(runner, db, args):
    joint_review(runner, db)
    before = db.read_bytes()
    result = run(runner, db, "update", "A1", *args, "-f", "json")
    assert result.stderr == "A1 unchanged: it already has those values\n"
    assert json.loads(result.stdout)["owners"] == ["Insp Patel", "ds jones"]
    assert db.read_bytes() == before  # no history entry, `updated` as it was
    # ... so `afi undo` still reverts the command before: the add.
    run(runner, db, "undo")
    assert run(runner, db, "show", "A1", code=1).stderr.startswith('Error: no action "A1"')


def test_an_update_asking_for_nothing_is_still_a_usage_error(runner, db):
    joint_review(runner, db)
    for args in ([], ["--reason", "x"], ["--note", ""]):
        result = run(runner, db, "update", "A1", *args, code=2)
        assert result.stderr == (
            "Error: nothing to change on A1 (give at least one of --title, --owner, --due, "
            "--status, --note, --evidence)\n"
        )


def test_owner_names_come_before_owners_names_whatever_the_command_line_order(runner, db):
    # Typer hands the two options over separately: the documented rule is every
    # --owner in the order given, then the names of each --owners.
    added = run(runner, db, "add", "I1", "W", "--owners", "A, B", "--owner", "C", "--due", "+2w")
    assert "owners C, A, B" in added.stderr
    assert shown(runner, db)["owners"] == ["C", "A", "B"]
    run(runner, db, "update", "A1", "--owners", "D, E", "--owner", "F", "--owners", "G")
    assert shown(runner, db)["owners"] == ["F", "D", "E", "G"]


@pytest.mark.parametrize(
    ("name", "shown_as"),
    [
        ("Ann\nBob", "Ann\\nBob"),
        ("Ann\tBob", "Ann\\tBob"),
        ("\x1b[31mRED", "\\x1b[31mRED"),
        ("Sgt \u202eevil\x9b", "Sgt \\u202eevil\\x9b"),  # bidi override, C1 CSI
    ],
)
@pytest.mark.parametrize(
    "args",
    [
        ["add", "I1", "t", "--due", "eom", "--owner"],
        ["add", "I1", "t", "--due", "eom", "--owners"],
        ["update", "A1", "--add-owner"],
        ["update", "A1", "--remove-owner"],
        ["update", "A1", "--owner"],
        ["list", "--owner"],
    ],
)
def test_an_owner_name_with_a_control_character_is_refused(runner, db, args, name, shown_as):
    # Before: stored raw, shown cleaned, and then not found by the name shown.
    joint_review(runner, db)
    before = db.read_bytes()
    result = run(runner, db, *args, name, code=2)
    assert result.stderr == (
        "Error: an owner's name must not contain a tab, line break or other control "
        f'character: "{shown_as}" (type the name on one line, without tabs or terminal '
        "escapes)\n"
    )
    assert result.stdout == ""
    assert db.read_bytes() == before


def test_runs_of_spaces_in_an_owner_name_are_one_space(runner, db):
    run(runner, db, "add", "I1", "t", "--owner", "  Insp    Patel ", "--due", "eom")
    assert shown(runner, db)["owners"] == ["Insp Patel"]
    listed = run(runner, db, "list", "--owner", "insp  PATEL", "-f", "json").stdout
    assert [a["id"] for a in json.loads(listed)] == ["A1"]


def test_a_name_stored_with_a_line_break_before_they_were_refused_is_found(runner, db):
    joint_review(runner, db)
    data = json.loads(db.read_text(encoding="utf-8"))
    (record,) = data["actions"].values()
    record["owners"] = ["Ann\nBob"]
    db.write_text(json.dumps(data), encoding="utf-8")
    listed = run(runner, db, "list", "--owner", "Ann Bob", "-f", "json").stdout
    assert [a["id"] for a in json.loads(listed)] == ["A1"]
    run(runner, db, "update", "A1", "--remove-owner", "ann bob", "--add-owner", "Ann Bob")
    assert shown(runner, db)["owners"] == ["Ann Bob"]


@pytest.mark.parametrize("name", ["", "  "])
def test_listing_by_an_empty_owner_is_a_usage_error(runner, db, name):
    result = run(runner, db, "list", "--owner", name, code=2)
    assert result.stderr == (
        "Error: --owner needs a name (leave it out to list everyone's actions) "
        "(see `afi list -h`)\n"
    )
    assert result.stdout == ""


def test_a_plan_owner_cell_with_a_terminal_escape_is_a_row_problem(runner, db):
    plan = Path("plan.csv")
    plan.write_text(
        "Ref,Action,Lead,Target date\n"
        'I1,Joint review,"\x1b[31mRED; DS Jones",31/03/2030\n'
        "I3,Audit,Lowe,31/03/2030\n",
        encoding="utf-8",
    )
    before = db.read_bytes()
    result = run(runner, db, "import-plan", str(plan), code=1)
    assert (
        "row 2: an owner's name must not contain a tab, line break or other control "
        'character: "\\x1b[31mRED" (owner)'
    ) in result.stderr
    assert "\x1b" not in result.output
    assert db.read_bytes() == before


def test_blocked_again_with_another_reason_records_it_and_the_same_is_unchanged(runner, db):
    # Before: --status with the current status was skipped whatever the reason,
    # so a new reason was dropped while the command said "Updated".
    joint_review(runner, db)
    run(runner, db, "block", "A1", "--reason", "Awaiting IT")
    before = db.read_bytes()
    same = run(runner, db, "update", "A1", "--status", "blocked", "--reason", "Awaiting IT")
    assert same.stderr == "A1 unchanged: it already has those values\n"
    assert db.read_bytes() == before
    moved = run(runner, db, "update", "A1", "--status", "blocked", "--reason", "Awaiting budget")
    assert moved.stderr == "Updated A1 (blocked)\n"
    assert shown(runner, db)["status_reason"] == "Awaiting budget"
