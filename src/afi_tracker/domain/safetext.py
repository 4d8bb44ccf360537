"""User text is data: make it safe to show on a terminal or put in a file.

Report text and people's notes may hold anything a copy-paste can carry:
escape sequences, bidi overrides, spreadsheet formulas, HTML, table pipes.
"""

from __future__ import annotations

import re

# ESC-based sequences (CSI, OSC, others) first, then single control characters:
# C0 except tab/newline, DEL, C1, and the bidi controls that reorder what a reader sees.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """Text with every terminal control removed (tabs and newlines kept)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """The text's words, one space apart, terminal controls removed. A printable
    string holds no control (isprintable is false for every one for_terminal
    removes), so most text skips the two regular expressions."""
    if text.isprintable():
        return " ".join(text.split())
    return " ".join(for_terminal(text).split())


def shorten(text: str, width: int) -> str:
    text = one_line(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


# A spreadsheet runs a CSV cell that starts with one of these (spaces before it
# too) as a formula; the full-width forms are read as the same characters.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def guard_formula(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs: a leading apostrophe before a
    formula trigger. A real number, negative ones included, stays a number."""
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS) and not _NUMBER.match(text):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """`guard_formula` undone, so a CSV afi wrote reads back as the text it holds."""
    if text.startswith("'") and guard_formula(text[1:]) == text:
        return text[1:]
    return text
