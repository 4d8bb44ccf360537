"""Importers: report text in, a ParsedReport out; `apply` writes one into the store.

Each format is a module with `looks_like(lines)` and `parse(lines)`; FORMATS
lists them in the order they are tried. A new format is a new module here.
"""

from __future__ import annotations

from typing import Protocol

from afi_tracker.errors import NothingToImport
from afi_tracker.importers import concern, pillar
from afi_tracker.importers.base import ParsedItem, ParsedQuestion, ParsedReport, ParsedSection


# Tried in order; the first that finds items wins. A new format is a new module
# with looks_like(lines) and parse(lines), added here.
class ReportFormat(Protocol):
    def looks_like(self, lines: list[str]) -> bool: ...

    def parse(self, lines: list[str]) -> ParsedReport: ...


FORMATS: tuple[ReportFormat, ...] = (pillar, concern)

__all__ = [
    "FORMATS",
    "ParsedItem",
    "ParsedQuestion",
    "ParsedReport",
    "ParsedSection",
    "parse_text",
    "read_lines",
]


def read_lines(text: str) -> list[str]:
    # CRLF and lone CR copies happen when a page is saved on Windows or a Mac.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_text(text: str, source: str = "") -> ParsedReport:
    """The report in `text`, by the first format that finds items in it."""
    lines = read_lines(text)
    for fmt in FORMATS:
        if fmt.looks_like(lines):
            report = fmt.parse(lines)
            if report.items:
                if not report.body:
                    from afi_tracker.importers.metadata import body_text

                    report.body = [ParsedSection(None, body_text(lines, 0, len(lines)))]
                merge_repeats(report)
                return report
    where = f" in {source}" if source else ""
    raise NothingToImport(
        f"no inspection report found{where}: no areas for improvement, causes of concern "
        "or recommendations",
        hint="check it is the text of an HMICFRS report page; see docs/import-formats.md",
    )


def merge_repeats(report: ParsedReport) -> None:
    """Drop what a page pasted twice (or more) into one file repeats.

    A question asked again is the same question; an item of the same kind with
    the same normalised text under the same question is the same item. What is
    dropped is counted in `report.merged`, so the user is told.
    """
    from afi_tracker.importers.text import match_key

    first_number: dict[str, str] = {}
    renumber: dict[str, str] = {}
    questions: list[ParsedQuestion] = []
    for question in report.questions:
        key = match_key(question.text)
        if key in first_number:
            renumber[question.number] = first_number[key]
        else:
            first_number[key] = question.number
            questions.append(question)
    kept: list[ParsedItem] = []
    new_index: dict[int, int] = {}
    seen_items: dict[tuple[str, str | None, str, tuple[str, ...]], int] = {}
    for index, item in enumerate(report.items):
        if item.question is not None:
            item.question = renumber.get(item.question, item.question)
        item_key = (
            item.kind,
            item.question,
            match_key(item.text),
            tuple(match_key(p) for p in item.parts),
        )
        if item_key in seen_items:
            new_index[index] = seen_items[item_key]
            continue
        seen_items[item_key] = new_index[index] = len(kept)
        kept.append(item)
    for item in kept:
        if item.cause is not None:
            item.cause = new_index[item.cause]
    report.merged = len(report.items) - len(kept)
    report.questions = questions
    report.items = kept
