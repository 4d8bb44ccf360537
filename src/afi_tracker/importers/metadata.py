"""Page metadata shared by every format: title, force or service, programme and
year, the page's own date, and its overall judgement."""

from __future__ import annotations

import re
from datetime import date

from afi_tracker.importers.base import ParsedReport
from afi_tracker.importers.text import (
    find_uk_date,
    is_noise,
    judgement_in_prose,
    judgement_line,
    normalise,
)

_TITLE = re.compile(
    r"^(?P<force>.+?)\s+(?P<programme>PEEL)?\s*"
    r"(?P<year>\d{4}(?:\s*[/–-]\s*\d{2,4})?)$"
)
_PEEL_PREFIX = re.compile(r"^PEEL\s*:\s*(?P<rest>.+)$")
_DATE_LINE = re.compile(
    r"^(?P<label>last updated|published on|published|sent on|date of publication|date)"
    r"\s*:?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"^(?:last updated|published on|published|sent on|date of publication)\s*:?$", re.IGNORECASE
)
_BODY_NAME = re.compile(
    r"\b(?P<name>(?:[A-Z][\w’'&-]*[ \t]+){1,4}?(?:Fire and Rescue Service|Fire & Rescue Service|"
    r"Police|Constabulary))\b"
)


def content_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines that carry text: not blank, not navigation."""
    return [i for i, ln in enumerate(lines) if ln.strip() and not is_noise(ln)]


def body_text(lines: list[str], start: int, end: int) -> str:
    """Lines `start` to `end` as the page says them: one paragraph or bullet a line."""
    return "\n".join(
        normalise(lines[i])
        for i in range(start, min(end, len(lines)))
        if lines[i].strip() and not is_noise(lines[i])
    )


def page_date(lines: list[str], content: list[int]) -> date | None:
    """The page's own date: "Last updated 27/09/2019", "Published on: 29 March 2022"."""
    for pos, i in enumerate(content[:60]):
        text = normalise(lines[i])
        match = _DATE_LINE.match(text)
        if match:
            found = find_uk_date(match.group("rest"))
            if found:
                return found[0]
        if _DATE_LABEL.match(text) and pos + 1 < len(content):
            # "Sent on" / "Published on" with the date on the next line, no colon.
            found = find_uk_date(normalise(lines[content[pos + 1]]))
            if found:
                return found[0]
    return None


def read(lines: list[str], fmt: str) -> tuple[ParsedReport, date | None]:
    content = content_lines(lines)
    title = normalise(lines[content[0]]) if content else ""
    report = ParsedReport(title=title, format=fmt)
    peel = _PEEL_PREFIX.match(title)
    if peel:
        # "PEEL: Staffordshire Police cause of concern – Responding to vulnerable people"
        report.programme = "PEEL"
        rest = peel.group("rest")
        named = _BODY_NAME.search(rest)
        report.force = named.group("name") if named and named.start() == 0 else ""
        report.subject = rest[len(report.force) :].strip(" –-:") if report.force else rest
    else:
        match = _TITLE.match(title)
        if match:
            report.force = match.group("force").strip()
            report.programme = match.group("programme") or ""
            report.year = re.sub(r"\s+", "", match.group("year"))
    anchor = page_date(lines, content)
    if anchor:
        report.published = anchor.isoformat()
        report.year = report.year or str(anchor.year)
    if len(content) > 1 and not report.subject:
        second = normalise(lines[content[1]])
        if (
            len(second.split()) <= 6
            and not second.endswith((".", "?", ":"))
            and not _DATE_LINE.match(second)
            and not judgement_line(second)
        ):
            report.subject = second
    _name_the_body(report, lines, content)
    return report, anchor


def _name_the_body(report: ParsedReport, lines: list[str], content: list[int]) -> None:
    """ "Shropshire" in a title becomes "Shropshire Fire and Rescue Service" when the
    page names it so; the programme follows from what kind of body it is."""
    body = "\n".join(normalise(lines[i]) for i in content[:80])
    if report.force:
        full = re.search(
            re.escape(report.force) + r"(?:\s+(?:Fire and Rescue Service|"
            r"Fire & Rescue Service|Police|Constabulary))\b",
            body,
        )
        if full:
            report.force = full.group(0)
    else:
        named = _BODY_NAME.search(body)
        if named:
            report.force = named.group("name").strip()
    if not report.programme:
        is_fire = "fire" in report.force.lower() or "fire and rescue" in body.lower()[:2000]
        report.programme = "Fire and rescue inspection" if is_fire else "Inspection"


def overall_judgement(
    lines: list[str], content: list[int], before: int, *, prose: bool = False
) -> str | None:
    """A judgement on a line of its own before the first graded question; with
    `prose`, else one stated there in a sentence about the body ("<Force> is good at")."""
    stated: str | None = None
    for i in content:
        if i >= before or normalise(lines[i]).lower().startswith("questions for"):
            break
        found = judgement_line(lines[i])
        if found:
            return found
        if prose and stated is None and _ABOUT_THE_BODY.match(normalise(lines[i])):
            stated = judgement_in_prose(normalise(lines[i]))
    return stated


# "Northshire Police is good at ...", "The force requires improvement in ..."
_ABOUT_THE_BODY = re.compile(
    r"^(?:the (?:force|service|constabulary)|(?:[A-Z][\w&'’-]*\s+){1,6}?"
    r"(?:Police|Constabulary|Service))\s+(?:is|was|requires)\b"
)
