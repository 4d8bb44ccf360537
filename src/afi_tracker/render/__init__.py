"""One module per output format behind one interface.

`FORMATS` is the one table of which formats each kind of view can be drawn
in. The `--format` choices of every command derive from it, and `renderer`
dispatches by it: a format listed for a view must be a module here with a
function named after the view (`json.status`, `csv.listing`...), which
tests/test_render.py checks for every pair.

A renderer returns a `str` (data formats: JSON, CSV, Markdown, HTML, SVG,
GitHub annotations, JUnit), `base.Encoded` (data already encoded as UTF-8: a
JSON listing, written out as it is), `bytes` (XLSX, DOCX: written only to a
file) or a Rich renderable (tables for people).
"""

from __future__ import annotations

from enum import StrEnum
from importlib import import_module
from typing import Any, Final, Protocol


class View(StrEnum):
    """What a command shows; each is a function name in the format modules."""

    LISTING = "listing"  # rows of records: items, actions, reports, log, due...
    DETAIL = "detail"  # one record: show
    STATUS = "status"  # progress against each report
    PACK = "pack"  # the publication pack
    CHECK = "check"  # afi check's findings
    IMPORT_OUTCOME = "import_outcome"  # what an import did or would do
    DOCTOR = "doctor"  # a store examination
    S55 = "s55"  # the PCC's response to a report (Police Act 1996 s55)
    PLAN_OUTCOME = "plan_outcome"  # what an import-plan did or would do


class RecordFormat(StrEnum):
    """Formats for one record or a command's result."""

    table = "table"
    json = "json"


class ListFormat(StrEnum):
    """Formats for lists of records and for progress reports."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    svg = "svg"


class ListDataFormat(StrEnum):
    """Formats for lists that are data rather than reports (reports, items, log)."""

    table = "table"
    json = "json"
    csv = "csv"


class PackFormat(StrEnum):
    """Formats for the publication pack."""

    markdown = "markdown"
    html = "html"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class S55Format(StrEnum):
    """Formats for the PCC's s55 response: a Word document for publication."""

    docx = "docx"
    markdown = "markdown"
    html = "html"
    json = "json"


class CheckFormat(StrEnum):
    """Formats for `afi check`."""

    text = "text"
    json = "json"
    github = "github"
    junit = "junit"


# The one table: the formats each view can be drawn in. A command's --format
# choices are one of these enums, and `renderer` refuses any pair not here.
FORMATS: Final[dict[View, type[StrEnum]]] = {
    View.LISTING: ListFormat,
    View.DETAIL: RecordFormat,
    View.STATUS: ListFormat,
    View.PACK: PackFormat,
    View.CHECK: CheckFormat,
    View.IMPORT_OUTCOME: RecordFormat,
    View.DOCTOR: RecordFormat,
    View.S55: S55Format,
    View.PLAN_OUTCOME: RecordFormat,
}

# Format names that are not module names: plain text for people is the Rich module.
_MODULE: Final = {"text": "table"}


class Renderer(Protocol):
    """A view drawn in one format: a string of data, or a Rich renderable for a terminal."""

    def __call__(self, view: Any, /) -> Any: ...


def renderer(fmt: StrEnum | str, view: View | str = View.LISTING) -> Renderer:
    """The function that draws `view` in `fmt`; its module is imported only when asked for."""
    name = str(fmt)
    if name not in set(FORMATS[View(view)]):
        raise ValueError(f"{view} has no {name} format")
    module = import_module(f".{_MODULE.get(name, name)}", __name__)
    function: Renderer = getattr(module, str(view))
    return function
