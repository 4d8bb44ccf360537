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


@dataclass
class ItemLine:
    id: str
    kind: str
    text: str
    status: str
    deadline: str | None
    truncated: bool


@dataclass
class QuestionBlock:
    number: str | None
    text: str
    judgement: str | None
    items: list[ItemLine]


@dataclass
class ReportBlock:
    key: str
    title: str
    judgement: str | None
    published: str | None
    blocks: list[QuestionBlock]


def display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(display(v) for v in value) or "—"
    return str(value)
