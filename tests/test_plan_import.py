"""Adopting a force's own action plan (.csv, .xlsx) through the library."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.api.plan import PlanRefused
from afi_tracker.api.tracker import Tracker
from afi_tracker.domain.model import Action
from afi_tracker.errors import AfiError, InvalidValue
from afi_tracker.importers.plan import (
    PlanUnreadable,
    header_key,
    read_date,
    read_status,
    recognise,
)
from afi_tracker.store.store import Store
from tests.conftest import ROOT, SHIPPED

TODAY = date(2025, 1, 10)
PLANS = ROOT / "tests" / "fixtures" / "plans"
HAND_WRITTEN = PLANS / "west-mercia-plan.csv"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.json"
    shutil.copyfile(SHIPPED, path)
    return path


def tracker(path: Path) -> Tracker:
    return Tracker(Store.at(path), by="alice", command="afi import-plan", today=TODAY)


def by_title(path: Path) -> dict[str, Action]:
    return {a["title"]: a for a in Store.at(path).load().actions}


def test_hand_written_plan_imports_the_right_items_owners_dates_and_statuses(store_path):
    outcome = tracker(store_path).import_plan(HAND_WRITTEN)
    assert outcome.written
    assert outcome.columns[""] == {
        "Ref": "ref",
        "Area for improvement": "text",
        "Action": "action",
        "Lead": "owner",
        "Target date": "due",
        "Status": "status",
        "Latest update": "update",
    }
    assert outcome.notes == ["read west-mercia-plan.csv as utf-8, comma-separated"]
    got = {
        t: (a["item"], ", ".join(a["owners"]), a["due"], a["status"])
        for t, a in by_title(store_path).items()
    }
    assert got == {
        "Refresh unconscious bias training package": (
            "I1",
            "Ch Insp Amy Lowe",
            "2025-03-31",
            "in-progress",
        ),
        # A blank item cell continues the item above; "Sep-25" is the end of September.
        "Deliver training to all neighbourhood officers": (
            "I1",
            "Ch Insp Amy Lowe",
            "2025-09-30",
            "planned",
        ),
        "Quarterly disproportionality analysis to scrutiny panel": (
            "I2",
            "Supt Raj Patel",
            "2025-06-30",
            "in-progress",
        ),
        # 45838 is an Excel serial date: 30 June 2025.
        "Publish stop and search analysis on force website": (
            "I3",
            "Supt Raj Patel",
            "2025-06-30",
            "done",
        ),
        "Procure IT monitoring software for ACU": (
            "I4",
            "DCI Sam Reid",
            "2025-09-30",
            "in-progress",
        ),
        "Independent review of promotion process": ("I8", "HR Director", "2025-12-31", "planned"),
    }
    notes = by_title(store_path)["Quarterly disproportionality analysis to scrutiny panel"]["notes"]
    assert [n["text"] for n in notes] == ["Analyst post vacant until May"]
    scores = {r.row: (r.item, r.matched_by, r.score) for r in outcome.rows}
    assert scores[5] == ("I1", "text", 84.8)
    assert [len(outcome.of(o)) for o in ("new", "changed", "unchanged", "skipped")] == [6, 0, 0, 0]


def test_second_import_changes_nothing_and_writes_nothing(store_path):
    tracker(store_path).import_plan(HAND_WRITTEN)
    before = store_path.read_bytes()
    outcome = tracker(store_path).import_plan(HAND_WRITTEN)
    assert not outcome.written
    assert [len(outcome.of(o)) for o in ("new", "changed", "unchanged", "skipped")] == [0, 0, 6, 0]
    assert store_path.read_bytes() == before


def test_dry_run_lists_every_row_and_writes_nothing(store_path):
    before = store_path.read_bytes()
    outcome = tracker(store_path).import_plan(HAND_WRITTEN, dry_run=True)
    assert outcome.dry_run and not outcome.written
    assert len(outcome.of("new")) == 6
    assert store_path.read_bytes() == before
    assert outcome.summary() == (
        "Would import plan "
        f"{HAND_WRITTEN}: 6 new, 0 changed, 0 unchanged, 0 skipped (dry run: nothing written)"
    )


def test_a_changed_row_updates_its_action_with_the_revision_kept(store_path, tmp_path):
    tracker(store_path).import_plan(HAND_WRITTEN)
    edited = tmp_path / "plan.csv"
    edited.write_text(
        HAND_WRITTEN.read_text(encoding="utf-8")
        .replace("31/12/2025,Not Started,", "31/01/2026,Complete,Review signed off")
        .replace("HR Director", "Director of People"),
        encoding="utf-8",
    )
    outcome = tracker(store_path).import_plan(edited)
    [changed] = outcome.of("changed")
    assert (changed.row, changed.action, changed.changes) == (
        10,
        "A6",
        ["owners", "due", "note", "status"],
    )
    action = by_title(store_path)["Independent review of promotion process"]
    assert (action["owners"], action["due"], action["status"]) == (
        ["Director of People"],
        "2026-01-31",
        "done",
    )
    assert action["due_history"][-1]["reason"] == "changed in the plan plan.csv"


def write(tmp_path: Path, text: str, name: str = "plan.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "Ref,Area for improvement,Action,Lead,Target date,Status\n"


def test_problems_are_listed_one_line_each_and_nothing_is_written(store_path, tmp_path):
    plan = write(
        tmp_path,
        HEADER
        + "I1,,Refresh training,Ch Insp Lowe,31/03/2025,Slipping\n"
        + ",Improve the canteen menu,New menu,Chef,30/06/2025,\n"
        + "I2,,Analysis,Supt Patel,31/02/2025,\n"
        + "I2,,Report,Supt Patel,31/03/2025,\n"
        + "I2,,Report,Supt Patel,31/03/2025,\n"
        + "I8,,Promotion review,,31/03/2025,\n",
    )
    before = store_path.read_bytes()
    with pytest.raises(PlanRefused) as err:
        tracker(store_path).import_plan(plan)
    assert store_path.read_bytes() == before
    assert err.value.message == f"5 row problems in {plan}; nothing was written"
    assert err.value.outcome.unknown_statuses == {"Slipping": [2]}
    assert err.value.outcome.problems == [
        'row 2: status "Slipping" not understood',
        "row 3: weak match (best I6 at 63): Improve the canteen menu",
        'row 4: cannot read "31/02/2025" as a date: no such day (target date)',
        "row 6: repeats row 5 (same item I2 and action)",
        "row 7: no lead or owner",
    ]


def test_problem_rows_named_in_skip_let_the_rest_in(store_path, tmp_path):
    plan = write(
        tmp_path,
        HEADER
        + "I1,,Refresh training,Ch Insp Lowe,31/03/2025,Slipping\n"
        + "I2,,Analysis,Supt Patel,31/03/2025,In hand\n",
    )
    outcome = tracker(store_path).import_plan(plan, skip={2})
    assert outcome.written
    assert [(r.row, r.outcome) for r in outcome.rows] == [(2, "skipped"), (3, "new")]
    assert outcome.rows[0].reason == 'skipped as asked: status "Slipping" not understood'
    assert list(by_title(store_path)) == ["Analysis"]


def test_two_similar_items_are_an_ambiguous_match_never_a_guess(store_path, tmp_path):
    plan = write(
        tmp_path, HEADER + ",Training and support for supervisors,Course,Insp Khan,30/06/2025,\n"
    )
    with pytest.raises(PlanRefused) as err:
        tracker(store_path).import_plan(plan)
    assert err.value.outcome.problems == [
        "row 2: ambiguous match: I5 (100) or I7 (100): Training and support for supervisors"
    ]


def test_status_map_teaches_a_word(store_path, tmp_path):
    plan = write(tmp_path, HEADER + "I1,,Refresh training,Ch Insp Lowe,31/03/2025,Slipping\n")
    tracker(store_path).import_plan(plan, statuses={"slipping": "blocked"})
    action = by_title(store_path)["Refresh training"]
    assert (action["status"], action["status_reason"]) == ("blocked", '"Slipping" in the plan')


def test_column_map_names_a_column_afi_does_not_know(store_path, tmp_path):
    plan = write(
        tmp_path,
        "Ref,Workstream,Tasking,Who,When\nI1,,Refresh training,Lowe,31/03/2025\n",
    )
    outcome = tracker(store_path).import_plan(plan, mapping={"Tasking": "action"})
    assert outcome.columns[""] == {"Ref": "ref", "Tasking": "action", "Who": "owner", "When": "due"}
    assert by_title(store_path)["Refresh training"]["owners"] == ["Lowe"]


def test_unknown_map_field_is_refused():
    with pytest.raises(InvalidValue, match='"lead" is not a plan field'):
        recognise(["A"], {"A": "lead"})


def test_superseded_item_row_is_a_problem(store_path, tmp_path):
    tracker(store_path).set_item("I4", "superseded", "covered by the 2021 report")
    plan = write(tmp_path, HEADER + "I4,,Buy software,DCI Reid,30/09/2025,\n")
    with pytest.raises(PlanRefused) as err:
        tracker(store_path).import_plan(plan)
    assert err.value.outcome.problems == [
        "row 2: item I4 is superseded: The force should ensure that its counter-corruption unit…"
    ]


def test_sheet_with_no_recognisable_columns(store_path, tmp_path):
    plan = write(tmp_path, "Colour,Shape\nred,square\n")
    with pytest.raises(PlanUnreadable) as err:
        tracker(store_path).import_plan(plan)
    assert err.value.code == "plan-no-columns"
    assert err.value.message.startswith("plan.csv has no recognisable columns")


def test_csv_in_cp1252_with_semicolons_is_sniffed(store_path, tmp_path):
    plan = write(
        tmp_path,
        "Ref;Area for improvement;Action;Lead;Target date;Status\n"
        "I1;;Café training – refresh;Ch Insp Lowe;31/03/2025;On track\n",
        encoding="cp1252",
    )
    outcome = tracker(store_path).import_plan(plan)
    assert outcome.notes == ["read plan.csv as cp1252, semicolon-separated"]
    assert "Café training – refresh" in by_title(store_path)


def test_encrypted_and_corrupt_workbooks_are_one_line_each(store_path, tmp_path):
    ole = write(tmp_path, "", name="locked.xlsx")
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(PlanUnreadable, match=r"^locked.xlsx is encrypted \(password-protected\)$"):
        tracker(store_path).import_plan(ole)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    with pytest.raises(PlanUnreadable, match="^broken.xlsx is damaged: cannot read it as an"):
        tracker(store_path).import_plan(broken)


def test_xlsx_plan_with_real_and_serial_dates(store_path, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.create_sheet("Plan")
    ws.append(["HMICFRS action plan"])
    ws.append(["Ref", "Recommendation", "Action", "Owner", "Deadline", "Status", "Update"])
    ws.append(
        ["I3", None, "Publish analysis", "Supt Patel", datetime(2025, 7, 31), "Complete", None]
    )
    ws.append(["I2", None, "Scrutiny panel", "Supt Patel", 45838, "In progress", "Set up"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    tracker(store_path).import_plan(path)
    got = {t: (a["due"], a["status"]) for t, a in by_title(store_path).items()}
    assert got == {
        "Publish analysis": ("2025-07-31", "done"),
        "Scrutiny panel": ("2025-06-30", "in-progress"),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2025", date(2025, 4, 3)),
        ("2025-04-03", date(2025, 4, 3)),
        ("3 April 2025", date(2025, 4, 3)),
        (45750, date(2025, 4, 3)),
        (45750.0, date(2025, 4, 3)),
        ("45750", date(2025, 4, 3)),
        ("March 2025", date(2025, 3, 31)),
        ("Sep-25", date(2025, 9, 30)),
        (datetime(2025, 4, 3, 0, 0), date(2025, 4, 3)),
        ("TBC", None),
        (None, None),
    ],
)
def test_read_date(value, expected):
    assert read_date(value, TODAY) == expected


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 12, 31)))
def test_excel_serial_dates_round_trip(day):
    serial = (day - date(1899, 12, 30)).days
    assert read_date(serial, TODAY) == day
    assert read_date(day.strftime("%d/%m/%Y"), TODAY) == day


@given(st.text(max_size=30))
def test_read_date_never_fails_but_with_invalid_value(text):
    try:
        read_date(text, TODAY)
    except InvalidValue:
        pass


@given(st.text(max_size=40))
def test_header_key_is_stable(text):
    assert header_key(header_key(text)) == header_key(text)


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Complete", "done"),
        ("On track", "in-progress"),
        ("Not started", "planned"),
        ("NOT STARTED", "planned"),
        ("Delayed", "in-progress"),
        ("On hold", "blocked"),
        ("in-progress", "in-progress"),
        ("Slipping", None),
    ],
)
def test_read_status(word, status):
    assert read_status(word, {}) == status


def test_errors_are_afi_errors():
    assert issubclass(PlanUnreadable, AfiError) and issubclass(PlanRefused, AfiError)
