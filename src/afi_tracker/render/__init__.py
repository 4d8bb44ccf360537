"""One module per output format behind one interface.

Each command offers the formats that make sense for what it prints; every
format named here has a module of the same name in this package.
"""

from __future__ import annotations

from enum import StrEnum
from importlib import import_module
from types import ModuleType


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


class CheckFormat(StrEnum):
    """Formats for `afi check`."""

    text = "text"
    json = "json"
    github = "github"
    junit = "junit"


# Format names that are not module names: plain text for people is the Rich module.
_MODULE = {"text": "table"}


def renderer(fmt: StrEnum | str) -> ModuleType:
    """The module that renders `fmt`; imported only when that format is asked for."""
    name = str(fmt)
    return import_module(f".{_MODULE.get(name, name)}", __name__)
