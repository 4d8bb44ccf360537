"""Line-level helpers shared by every importer: bullets, noise, judgements, dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from afi_tracker.domain.model import JUDGEMENTS

# Every bullet people meet in a copied page: symbols (•, ▪, ○, ·), the private-use
# bullets Word and PDFs produce (U+F0B7, U+F0A7), Word's "o", dashes and stars,
# numbers ("1.", "2)", "(3)"), letters ("a)", "(b)") and roman numerals ("(iv)").
BULLET_RE = re.compile(
    r"^\s*(?:"
    r"[•●▪◦‣∙·○■□►▸➢✓\uf0b7\uf0a7\uf076\uf0d8\uf0fc]"
    r"|[-*–—o](?=\s)"
    r"|\(?\d{1,2}[.)](?=\s)"
    r"|\(?[a-z]\)(?=\s)|\([a-z]\)"
    r"|\(?(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)\)(?=\s)|\((?:ii|iii|iv|vi|vii|viii|ix|xi|xii)\)"
    r")\s*"
)
NOISE = frozenset(
    {
        "skip to content",
        "print this document",
        "contents",
        "back to top",
        "share this page",
        "404 page not found",
        "page not found",
    }
)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_JUDGEMENT_BY_LOWER = {j.lower(): j for j in JUDGEMENTS}
_TERMINAL = (".", "!", "?", ":", ";", ".”", '."', ")")


def normalise(text: str) -> str:
    """Collapse runs of whitespace; nothing else in the text changes."""
    return " ".join(text.split())


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def match_key(text: str) -> str:
    """What two copies of one item share, however they were copied.

    Bullets, runs of whitespace, line wrapping, curly or straight quotes,
    dashes, case and a joining or closing mark at the end do not count:
    re-importing a page copied another way must not rewrite its items.
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = strip_bullet(text)[1]
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = strip_joiner(text).rstrip(" .;,:")
    return text.casefold()


def is_noise(line: str) -> bool:
    return normalise(line).lower().rstrip(".") in NOISE


def strip_bullet(line: str) -> tuple[bool, str]:
    match = BULLET_RE.match(line)
    if match:
        return True, line[match.end() :]
    return False, line


def strip_joiner(text: str) -> str:
    """`monitor data; and` -> `monitor data`: joining words are not the item's text."""
    return re.sub(r"\s*;\s*(?:and|or)?\s*$", "", text)


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def judgement_line(line: str) -> str | None:
    return _JUDGEMENT_BY_LOWER.get(normalise(line).rstrip(".").lower())


_PROSE = re.compile(
    r"\b(?:is|was|are|were|remains?)\s+(outstanding|good|adequate|inadequate)\b"
    r"|\b(requires?)\s+improvement\b",
    re.IGNORECASE,
)


def judgement_in_prose(sentence: str) -> str | None:
    """`West Mercia Police requires improvement in ...` -> `Requires improvement`."""
    match = _PROSE.search(sentence)
    if not match:
        return None
    if match.group(2):
        return "Requires improvement"
    return match.group(1).capitalize()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_WORDY = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def find_uk_date(text: str) -> tuple[date, bool] | None:
    """The first date in `text`: `27/09/2019`, `29 March 2022` or `July 2018`.

    Returns the date and whether the day was given (a month alone means its end).
    Slashed dates are day-first, as on every UK inspectorate page.
    """
    for match in _NUMERIC.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day), True
        except ValueError:
            continue
    for match in _WORDY.finditer(text):
        day_text, month_name, year_text = match.groups()
        found_month = _MONTHS.get(month_name.lower())
        if found_month is None:
            continue
        month = found_month
        year = int(year_text)
        if day_text is None:
            return end_of_month(year, month), False
        try:
            return date(year, month, int(day_text)), True
        except ValueError:
            continue
    return None
