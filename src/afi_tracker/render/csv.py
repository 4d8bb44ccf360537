"""CSV for spreadsheets, with formula injection neutralised.

A cell starting with = + - @ (or their full-width forms), tab, CR or LF would be
run as a formula by Excel or LibreOffice; such a cell gets a leading apostrophe.
A real number, negative ones included, stays a number.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from afi_tracker.domain.safetext import for_terminal, guard_formula
from afi_tracker.render.base import Listing

if TYPE_CHECKING:  # types only: `afi list -f csv` loads neither
    from afi_tracker.reports.pack import PackView
    from afi_tracker.reports.progress import StatusView, Totals


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        value = "; ".join(cell(v) for v in value)
    return guard_formula(for_terminal(str(value)))


def _cell(key: str, value: Any) -> str:
    if key in _JOINED and isinstance(value, list):
        return cell(_JOINED[key].join(str(v) for v in value))
    return cell(value)


def listing(view: Listing) -> str:
    if view.rows:
        keys = list(view.rows[0])
    else:  # the header a row would have given: the same columns, matched or not
        keys = list(view.keys) if view.keys else [c.key for c in view.columns]
    return _write(keys, view.rows)


# Lists shown joined otherwise than by "; ": an action's owners read "Insp Patel, DS Jones".
_JOINED = {"owners": ", "}


def _write(keys: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([_cell(k, row.get(k)) for k in keys])
    return out.getvalue()


def status(view: StatusView) -> str:
    """One row per item, with its report and question; then each question's and
    each report's figures in rows of their own (`level`), so a spreadsheet has
    the headline figures too. Filter on `level` = item for the items alone."""
    keys = [
        "report",
        "question",
        "judgement",
        "id",
        "kind",
        "text",
        "status",
        "rag",
        "why",
        "actions_done",
        "actions_total",
        "actions_overdue",
        "next_due",
        "owners",
        "deadline",
        # Added for the headline figures: columns are only ever added at the end.
        "level",
        "items_complete",
        "items_total",
        "red",
        "amber",
        "green",
        "response_due",
        "response_passed",
    ]

    def figures(totals: Totals) -> dict[str, Any]:
        return {
            "items_complete": totals.items_complete,
            "items_total": totals.items_total,
            "actions_done": totals.actions_done,
            "actions_total": totals.actions_total,
            "actions_overdue": totals.actions_overdue,
            "red": totals.rag["red"],
            "amber": totals.rag["amber"],
            "green": totals.rag["green"],
        }

    rows = []
    for report in view.reports:
        for q in report.questions:
            for item in q.items:
                row = {k: getattr(item, k, None) for k in keys}
                row.update(
                    report=report.key, question=q.number, judgement=q.judgement, level="item"
                )
                rows.append(row)
        for q in report.questions:
            if q.number is not None:
                rows.append(
                    dict(
                        figures(q.totals),
                        report=report.key,
                        question=q.number,
                        judgement=q.judgement,
                        text=q.text,
                        level="question",
                    )
                )
        rows.append(
            dict(
                figures(report.totals),
                report=report.key,
                judgement=report.judgement,
                text=report.title,
                level="report",
                response_due=report.response_due,
                response_passed=report.response_passed,
            )
        )
    return _write(keys, rows)


def pack(view: PackView) -> str:
    """One row per action; an item with no action still has its row."""
    keys = [
        "report",
        "report_title",
        "published",
        "response_due",
        "question",
        "judgement",
        "item",
        "kind",
        "item_text",
        "item_status",
        "deadline",
        "response",
        "response_text",
        "item_status_reason",
        "closure_evidence",
        "signed_off_by",
        "signed_off_at",
        "action",
        "action_title",
        "owner",
        "due",
        "action_status",
        "evidence",
        "action_status_reason",
        "notes",
        # Added so the CSV reads back like the XLSX: the last note alone, which
        # import-plan reads as the update (columns are only ever added at the end).
        "latest_update",
    ]
    rows = []
    for report in view.reports:
        for item in report.items:
            base: dict[str, Any] = {
                "report": report.key,
                "report_title": report.title,
                "published": report.published,
                "response_due": report.response_due,
                "question": item.question,
                "judgement": item.judgement,
                "item": item.id,
                "kind": item.kind,
                "item_text": item.text,
                "item_status": item.status,
                "deadline": item.deadline,
                "response": item.response,
                "response_text": item.response_text,
                "item_status_reason": item.status_reason,
                "closure_evidence": item.closure_evidence,
                "signed_off_by": item.signed_off_by,
                "signed_off_at": item.signed_off_at,
            }
            actions: list[Any] = list(item.actions) or [None]
            for action in actions:
                row = dict(base)
                if action is not None:
                    row.update(
                        action=action.id,
                        action_title=action.title,
                        owner=action.plan_owner,
                        due=action.due,
                        action_status=action.status,
                        evidence=action.evidence,
                        action_status_reason=action.status_reason,
                        notes=action.notes,
                        latest_update=action.latest_update,
                    )
                rows.append(row)
    return _write(keys, rows)
