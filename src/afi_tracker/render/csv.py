"""CSV for spreadsheets, with formula injection neutralised.

A cell starting with = + - @ (or their full-width forms), tab, CR or LF would be
run as a formula by Excel or LibreOffice; such a cell gets a leading apostrophe.
A real number, negative ones included, stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from ..safetext import for_terminal
from .base import Listing

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        value = "; ".join(cell(v) for v in value)
    text = for_terminal(str(value))
    if text.lstrip(" ").startswith(_TRIGGERS) and not _NUMBER.match(text):
        return "'" + text
    return text


def listing(view: Listing) -> str:
    out = io.StringIO()
    keys = list(view.rows[0]) if view.rows else [c.key for c in view.columns]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in view.rows:
        writer.writerow([cell(row.get(k)) for k in keys])
    return out.getvalue()
