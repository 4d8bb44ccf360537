"""What renderers draw: plain data shapes that know nothing of any format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Column:
    key: str
    header: str
    width: int | None = None  # shorten text to this many characters in tables
    justify: str = "left"
    wrap: bool = False


@dataclass
class Listing:
    """Rows of records; `rows` are what JSON and CSV carry, `columns` what tables show."""

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    empty: str = "Nothing to show."


@dataclass
class Detail:
    """One record: labelled fields, then optional sections of lines (e.g. history)."""

    title: str
    fields: list[tuple[str, Any]]
    data: dict[str, Any]
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


def display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(display(v) for v in value) or "—"
    return str(value)


def bar(done: int, total: int, width: int = 10) -> str:
    """`███░░░░░░░`: readable without colour, in a file, and in an SVG."""
    if total <= 0:
        return "░" * width
    filled = round(width * done / total)
    return "█" * filled + "░" * (width - filled)


def percent(done: int, total: int) -> str:
    return f"{round(100 * done / total)}%" if total else "—"


KIND_LABEL = {
    "area-for-improvement": "AFI",
    "cause-of-concern": "Cause of concern",
    "recommendation": "Recommendation",
}


def summary_line(totals: Any) -> str:
    """The one-line summary under each report and for the whole store."""
    return (
        f"{totals.items_total} items: {totals.items_complete} complete, "
        f"{totals.items_without_action} with no action; "
        f"actions {totals.actions_done}/{totals.actions_total} done "
        f"({percent(totals.actions_done, totals.actions_total)}), "
        f"{totals.actions_overdue} overdue"
    )


def report_facts(report: Any) -> list[str]:
    """`Judgement: Good`, `published 2019-09-27`, `response due 2019-11-22`: unescaped."""
    facts = [f"Judgement: {report.judgement or 'not graded'}"]
    if report.published:
        facts.append(f"published {report.published}")
    if report.response_due:
        facts.append(f"response due {report.response_due}")
    return facts
