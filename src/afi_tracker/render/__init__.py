"""One module per output format behind one interface; `FORMATS` maps names to them."""

from __future__ import annotations

from enum import StrEnum
from importlib import import_module
from types import ModuleType


class Format(StrEnum):
    table = "table"
    json = "json"


def renderer(fmt: Format | str) -> ModuleType:
    """The module that renders `fmt`; imported only when that format is asked for."""
    return import_module(f".{Format(fmt).value}", __name__)
