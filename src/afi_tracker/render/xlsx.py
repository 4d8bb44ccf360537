"""Excel workbooks for boards: a summary sheet of `afi status` figures, then one sheet per report.

Each report's sheet has a row per action (an item with none still has its
row): RAG as a cell fill, deadlines as real dates, a frozen header, an
autofilter and set widths. Its headings are ones `afi import-plan` knows, and
it carries item and action handles, so importing the workbook back changes
nothing. Text is always written as text, never as a formula.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any, Final

from afi_tracker.domain.model import Rag
from afi_tracker.domain.safetext import for_terminal
from afi_tracker.render.base import KIND_LABEL
from afi_tracker.reports.pack import PackAction, PackItem, PackReport, PackView
from afi_tracker.reports.progress import Totals

RAG_FILL: Final[dict[str, str]] = {
    Rag.RED: "FFC7CE",
    Rag.AMBER: "FFEB9C",
    Rag.GREEN: "C6EFCE",
    Rag.COMPLETE: "D9D9D9",
    Rag.CLOSED: "D9D9D9",
}
HEADER_FILL: Final = "1F3864"

# Heading, width, and whether the column holds long text (wrapped).
REPORT_COLUMNS: Final = (
    ("Report", 22, False),
    ("Item", 7, False),
    ("Kind", 14, False),
    ("Item text", 60, True),
    ("Item status", 14, False),
    ("RAG", 9, False),
    ("Response", 30, True),
    ("Action ID", 9, False),
    ("Action", 40, True),
    ("Owner", 20, False),
    ("Target date", 12, False),
    ("Status", 12, False),
    ("Latest update", 40, True),
    ("Signed off by", 18, False),
    ("Closure evidence", 30, True),
)
SUMMARY_COLUMNS: Final = (
    ("Report", 30),
    ("Title", 40),
    ("Published", 12),
    ("Response due", 13),
    ("Items", 7),
    ("Complete", 9),
    ("Without action", 9),
    ("Actions", 8),
    ("Done", 7),
    ("Overdue", 8),
    ("% done", 8),
    ("Red", 6),
    ("Amber", 7),
    ("Green", 7),
    ("Signed off", 10),
    ("Closed", 7),
)
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _text(value: str) -> str:
    # Control characters are not allowed in the XML at all.
    return for_terminal(value)


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _text(value)
        # Stored as a string, never a formula, whatever it starts with (= + - @).
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _date(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def _sheet_title(key: str, taken: set[str]) -> str:
    base = _BAD_TITLE.sub("-", key)[:31] or "Report"
    title, n = base, 2
    while title.casefold() in taken or title.casefold() == "summary":
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _header(ws: Any, headings: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for column, (heading, width) in enumerate(zip(headings, widths, strict=True), 1):
        cell = _put(ws, 1, column, heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"


def _summary_row(key: str, title: str, published: Any, due: Any, totals: Totals) -> list[Any]:
    return [
        key,
        title,
        _date(published),
        _date(due),
        totals.items_total,
        totals.items_complete,
        totals.items_without_action,
        totals.actions_total,
        totals.actions_done,
        totals.actions_overdue,
        totals.percent_done,
        *(totals.rag.get(r, 0) for r in Rag),
    ]


def _summary(ws: Any, view: PackView) -> None:
    from openpyxl.styles import Font

    _header(ws, [c[0] for c in SUMMARY_COLUMNS], [c[1] for c in SUMMARY_COLUMNS])
    rows = [
        _summary_row(r.key, r.title, r.published, r.response_due, r.totals or Totals())
        for r in view.reports
    ]
    if len(view.reports) > 1:
        rows.append(_summary_row("Total", "", None, None, view.totals or Totals()))
    for number, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            cell = _put(ws, number, column, value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            if values[0] == "Total":
                cell.font = Font(bold=True)
    last = len(rows) + 1
    _put(ws, last + 2, 1, f"As of {view.made_on}; RAG rules in docs/status.md")
    ws.auto_filter.ref = f"A1:P{max(last, 2)}"


def _action_cells(action: PackAction | None) -> list[Any]:
    if action is None:
        return [None, None, None, None, None, None]
    return [
        action.id,
        action.title,
        action.plan_owner,
        _date(action.due),
        action.status,
        action.latest_update,
    ]


def _item_cells(report: PackReport, item: PackItem) -> list[Any]:
    from afi_tracker.domain.model import VERDICT_LABEL

    response = None
    if item.response:
        label = VERDICT_LABEL.get(item.response, item.response)
        response = f"{label}: {item.response_text or ''}".rstrip(": ")
    return [
        report.key,
        item.id,
        KIND_LABEL.get(item.kind, item.kind),
        item.text,
        item.status,
        item.rag,
        response,
    ]


def _report_sheet(ws: Any, report: PackReport) -> None:
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    _header(ws, [c[0] for c in REPORT_COLUMNS], [c[1] for c in REPORT_COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    rag_column = [c[0] for c in REPORT_COLUMNS].index("RAG") + 1
    number = 1
    for item in report.items:
        closure = [
            (
                f"{item.signed_off_by} on {item.signed_off_at[:10]}"
                if item.signed_off_by and item.signed_off_at
                else item.signed_off_by
            ),
            "; ".join(item.closure_evidence) or None,
        ]
        rows: list[PackAction | None] = list(item.actions) or [None]
        for action in rows:
            number += 1
            values = _item_cells(report, item) + _action_cells(action) + closure
            for column, value in enumerate(values, 1):
                cell = _put(ws, number, column, value)
                cell.alignment = wrap if REPORT_COLUMNS[column - 1][2] else top
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
            fill = RAG_FILL.get(item.rag or "")
            if fill:
                ws.cell(row=number, column=rag_column).fill = PatternFill("solid", fgColor=fill)
    last = get_column_letter(len(REPORT_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{max(number, 2)}"


def pack(view: PackView) -> bytes:
    """The workbook as bytes: Summary, then a sheet per report."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, view)
    taken: set[str] = set()
    for report in view.reports:
        _report_sheet(book.create_sheet(_sheet_title(report.key, taken)), report)
    book.properties.creator = "afi"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
