"""What renderers draw: plain data shapes that know nothing of any format."""

from __future__ import annotations

from typing import Any, Final

from afi_tracker.domain.model import RAG_COUNTED, ItemKind
from afi_tracker.domain.plain import Plain

# Plain classes, not dataclasses: every command loads these (domain/plain.py).


class Encoded:
    """Text a data format has already encoded as UTF-8 (orjson encodes to bytes).

    Written as it is to stdout's byte stream or to a file: never decoded into a
    `str` only to be encoded again on the way out (at 100k actions, 39 MB of
    JSON twice over). Unlike plain `bytes` (a spreadsheet, a Word file), it may
    go to a terminal."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Encoded) and other.data == self.data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Encoded({len(self.data)} bytes)"


class Column(Plain):
    FIELDS = ("key", "header", "width", "justify", "wrap")

    def __init__(
        self,
        key: str,
        header: str,
        width: int | None = None,  # shorten text to this many characters in tables
        justify: str = "left",
        wrap: bool = False,
    ) -> None:
        self.key = key
        self.header = header
        self.width = width
        self.justify = justify
        self.wrap = wrap


class Listing(Plain):
    """Rows of records; `rows` are what JSON and CSV carry, `columns` what tables show.

    `keys`: the keys every row has, in order, where they are more than the
    columns: CSV's header when there is no row, so that a script reading the
    file finds the same columns whether or not anything matched."""

    FIELDS = ("title", "columns", "rows", "empty", "keys")

    def __init__(
        self,
        title: str,
        columns: list[Column],
        rows: list[dict[str, Any]],
        empty: str = "Nothing to show.",
        keys: tuple[str, ...] | None = None,
    ) -> None:
        self.title = title
        self.columns = columns
        self.rows = rows
        self.empty = empty
        self.keys = keys


class Detail(Plain):
    """One record: labelled fields, then optional sections of lines (e.g. history)."""

    FIELDS = ("title", "fields", "data", "sections")

    def __init__(
        self,
        title: str,
        fields: list[tuple[str, Any]],
        data: dict[str, Any],
        sections: list[tuple[str, list[str]]] | None = None,
    ) -> None:
        self.title = title
        self.fields = fields
        self.data = data
        self.sections: list[tuple[str, list[str]]] = [] if sections is None else sections


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


_TICKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], target: float | None = None) -> str:
    """`▁▃▅▇`: each value's height between the lowest and highest of the values
    and the target, so a line that reaches the top has reached the target."""
    if not values:
        return ""
    scale = values + ([target] if target is not None else [])
    low, high = min(scale), max(scale)
    if high == low:
        return _TICKS[-1] * len(values)
    steps = len(_TICKS) - 1
    return "".join(_TICKS[round(steps * (v - low) / (high - low))] for v in values)


def measure_line(m: Any) -> str:
    """A measure under its item: `M1 ▁▃▅ 80% (baseline 65%, target 95% by 2026-03-31)
    workforce trained`, with why it missed when it did."""
    from afi_tracker.domain.rules import measure_text

    latest = measure_text(m.latest, m.unit)
    said = (
        f"{m.id} {sparkline(m.trend, m.target)} {latest} (baseline "
        f"{measure_text(m.baseline, m.unit)}, target {measure_text(m.target, m.unit)} "
        f"by {m.by}) {m.name}"
    )
    if m.missed:
        return f"{said}: missed"
    return f"{said}: met" if m.met else said


def percent(done: int, total: int) -> str:
    return f"{round(100 * done / total)}%" if total else "—"


KIND_LABEL: Final[dict[str, str]] = {
    ItemKind.AREA_FOR_IMPROVEMENT: "AFI",
    ItemKind.CAUSE_OF_CONCERN: "Cause of concern",
    ItemKind.RECOMMENDATION: "Recommendation",
}


def summary_line(totals: Any) -> str:
    """The headline figures of a report, a question or the store, in every format:
    items complete (the headline), actions done and overdue, and R/A/G counts."""
    rag = ", ".join(f"{totals.rag[k]} {k}" for k in RAG_COUNTED if totals.rag[k])
    overdue = f", {totals.actions_overdue} overdue" if totals.actions_overdue else ""
    actions = (
        f"actions {totals.actions_done}/{totals.actions_total} done{overdue}"
        if totals.actions_total
        else "no actions"  # never "0/0"
    )
    return f"{totals.items_complete}/{totals.items_total} items complete · {actions}" + (
        f" · {rag}" if rag else ""
    )


def report_facts(report: Any) -> list[str]:
    """`Judgement: Good`, `published 2019-09-27`, `response due 2019-11-22 (passed)`."""
    facts = [f"Judgement: {report.judgement or 'not graded'}"]
    if report.published:
        facts.append(f"published {report.published}")
    if report.response_due:
        passed = " (passed)" if getattr(report, "response_passed", False) else ""
        facts.append(f"response due {report.response_due}{passed}")
    return facts


def question_heading(question: Any) -> str:
    """`Q1 <text> · Good · 0/3 items complete · ...`: unescaped."""
    return (
        f"Q{question.number} {question.text} · {question.judgement or 'not graded'} · "
        f"{summary_line(question.totals)}"
    )


# The columns of an item's progress, for every format that draws a table of
# them (terminal, Markdown, HTML); CSV and JSON carry the raw fields.
STATUS_COLUMNS = ("ID", "RAG", "Item", "Why", "Actions", "Next due", "Deadline", "Owners")


def status_cells(item: Any) -> list[str]:
    """One item's values under STATUS_COLUMNS, unescaped."""
    return [
        item.id,
        item.rag.upper(),
        item.text + (" [cut off in source]" if item.truncated else ""),
        item.why,
        f"{item.actions_done}/{item.actions_total}" if item.actions_total else "—",
        item.next_due or "—",
        item.deadline or "—",
        ", ".join(item.owners) or "—",
    ]
