"""The board's and the PCC's papers: responses, the pack's closure details, the xlsx workbook."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.errors import InvalidValue
from afi_tracker.reports.pack import build
from afi_tracker.reports.progress import compute
from afi_tracker.store.store import Store
from tests.conftest import SHIPPED

TODAY = date(2025, 4, 2)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.json"
    shutil.copyfile(SHIPPED, path)
    return path


def tracker(path: Path, by: str = "alice") -> Tracker:
    return Tracker(Store.at(path), by=by, command="afi test", today=TODAY)


def worked(path: Path) -> None:
    """Actions, a note, a closed and signed-off item, a superseded one, and responses."""
    t = tracker(path)
    t.add("I3", "Publish analysis", "Supt Patel", "30/06/2025", note="Draft with analysts")
    t.move("A1", "done", evidence=["https://example.org/analysis"])
    t.close_item("I3", ["https://example.org/board-minute-12"], description="Board minute")
    tracker(path, by="ACC Jones").sign_off("I3")
    t.add("I1", '=HYPERLINK("http://evil")', "@owner", "31/12/2025")
    t.set_item("I4", "superseded", "covered by the 2021 report")
    t.respond("I3", "accepted", "We accept this and have published our analysis.")


def test_respond_is_recorded_in_the_history_and_replaced_by_a_later_one(store_path):
    t = tracker(store_path)
    t.respond("I3", "partly-accepted", "We accept the analysis but not publication by July.")
    t.respond("I3", "accepted", "We accept it in full.")
    snap = Store.at(store_path).load()
    response = snap.item("I3").get("response")
    assert response is not None and response["verdict"] == "accepted"
    changes = [
        c
        for e in snap.history
        if e["record"] == "I3"
        for c in e.get("changes", [])
        if c["field"] == "response"
    ]
    assert len(changes) == 2
    before = store_path.read_bytes()
    t.respond("I3", "accepted", "We accept it in full.")
    assert store_path.read_bytes() == before  # the same response again changes nothing


@pytest.mark.parametrize(
    ("verdict", "text", "message"),
    [
        ("maybe", "x", 'unknown response "maybe"'),
        ("accepted", "  ", "a response needs its text"),
    ],
)
def test_respond_refuses_bad_values(store_path, verdict, text, message):
    with pytest.raises(InvalidValue) as err:
        tracker(store_path).respond("I3", verdict, text)
    assert err.value.message == message


def test_status_carries_the_response(store_path):
    tracker(store_path).respond("I3", "not-accepted", "The force disagrees.")
    view = compute(Store.at(store_path).load(), TODAY)
    items = {i.id: i for q in view.reports[0].questions for i in q.items}
    assert (items["I3"].response, items["I1"].response) == ("not-accepted", None)


def pack_text(path: Path, fmt: str) -> str:
    from afi_tracker.render import renderer

    result = renderer(fmt, "pack")(build(Store.at(path).load(), TODAY))
    assert isinstance(result, str)
    return result


@pytest.mark.parametrize("fmt", ["markdown", "html", "csv", "json"])
def test_pack_shows_sign_off_closure_evidence_notes_and_response_in_every_format(store_path, fmt):
    worked(store_path)
    text = pack_text(store_path, fmt)
    for needle in (
        "ACC Jones",
        "https://example.org/board-minute-12",
        "Board minute",
        "Draft with analysts",
        "We accept this and have published our analysis.",
        "covered by the 2021 report",
    ):
        assert needle in text, (fmt, needle)


def test_pack_markdown_closure_lines(store_path):
    worked(store_path)
    text = pack_text(store_path, "markdown")
    assert "- **Response:** Accepted: We accept this and have published our analysis.\n" in text
    assert "- **Signed off by:** ACC Jones on " in text
    assert "- **Reason:** covered by the 2021 report\n" in text


def test_pack_csv_keeps_columns_and_neutralises_formulas(store_path):
    worked(store_path)
    rows = list(csv.DictReader(io.StringIO(pack_text(store_path, "csv"))))
    i3 = next(r for r in rows if r["item"] == "I3")
    assert (i3["signed_off_by"], i3["response"]) == ("ACC Jones", "accepted")
    i1 = next(r for r in rows if r["item"] == "I1")
    assert i1["action_title"].startswith("'=HYPERLINK")
    assert i1["owner"] == "'@owner"


def test_pack_json_has_totals(store_path):
    worked(store_path)
    data = json.loads(pack_text(store_path, "json"))
    assert data["totals"]["items_total"] == 8
    assert data["reports"][0]["totals"]["items_complete"] == 1


# -- xlsx -----------------------------------------------------------------------------------


def export_xlsx(store_path: Path, tmp_path: Path) -> Path:
    from afi_tracker.render import renderer

    data = renderer("xlsx", "pack")(build(Store.at(store_path).load(), TODAY))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    return path


def test_xlsx_has_summary_and_a_sheet_per_report_with_fills_dates_filter_and_frozen_header(
    store_path, tmp_path
):
    from openpyxl import load_workbook

    worked(store_path)
    book = load_workbook(export_xlsx(store_path, tmp_path))
    assert book.sheetnames == ["Summary", "west-mercia-peel-2018-legitimac"]
    summary = book["Summary"]
    assert [c.value for c in summary[1]][:6] == [
        "Report",
        "Title",
        "Published",
        "Response due",
        "Items",
        "Complete",
    ]
    assert [c.value for c in summary[2]][4:6] == [8, 1]
    assert summary["C2"].value.date() == date(2019, 9, 27)
    ws = book["west-mercia-peel-2018-legitimac"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:O9"
    assert ws.column_dimensions["D"].width == 60
    headers = [str(c.value) for c in ws[1]]
    rows: list[dict[str, Any]] = [
        dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(2)
    ]
    i3 = next(r for r in rows if r["Item"] == "I3")
    assert i3["Target date"].date() == date(2025, 6, 30)
    assert i3["Signed off by"].startswith("ACC Jones on ")
    assert i3["Latest update"] == "Draft with analysts"
    rag = headers.index("RAG") + 1
    fills = {
        ws.cell(row=n, column=2).value: ws.cell(row=n, column=rag).fill.fgColor.rgb
        for n in range(2, ws.max_row + 1)
    }
    assert fills["I3"] == "00D9D9D9"  # complete: grey
    assert fills["I2"] == "00FFC7CE"  # open with no action: red


def test_xlsx_text_is_never_a_formula(store_path, tmp_path):
    from openpyxl import load_workbook

    worked(store_path)
    ws = load_workbook(export_xlsx(store_path, tmp_path))["west-mercia-peel-2018-legitimac"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://evil")')
    assert cell.data_type == "s"


def test_xlsx_round_trip_through_import_plan_changes_nothing(store_path, tmp_path):
    worked(store_path)
    t = tracker(store_path)
    t.move("A2", "blocked", reason="waiting for budget")
    t.update("A2", note="=cmd|' /C calc'!A0")
    before = store_path.read_bytes()
    outcome = t.import_plan(export_xlsx(store_path, tmp_path))
    assert not outcome.problems
    assert (len(outcome.of("new")), len(outcome.of("changed"))) == (0, 0)
    assert len(outcome.of("unchanged")) == 2
    assert not outcome.written
    assert store_path.read_bytes() == before
    assert outcome.notes == ["sheet Summary: no recognisable columns; passed over"]
