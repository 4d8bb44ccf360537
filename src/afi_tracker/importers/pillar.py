"""HMICFRS inspection pages: PEEL pillar pages (2014-2019, numbered or not),
fire and rescue pillar pages, and cause-of-concern pages.

Metadata comes from the page head (title line, subject, "Last updated" or
"Published on" date); graded questions are either numbered (2018/19: a line
holding only the number) or found as the question lines that follow the
pillar's own question (2014-2017 and fire pages).
"""

from __future__ import annotations

import re
from datetime import date

from .base import ParsedQuestion, ParsedReport
from .blocks import AFI_HEADING, COC_HEADING, BlockReader
from .text import find_uk_date, is_noise, judgement_in_prose, judgement_line, normalise

NAME = "hmicfrs-page"

_TITLE = re.compile(
    r"^(?:(?P<prefix>PEEL)\s*:\s*)?(?P<force>.+?)\s+(?P<programme>PEEL)?\s*"
    r"(?P<year>\d{4}(?:\s*[/–-]\s*\d{2,4})?)$"
)
_DATE_LINE = re.compile(
    r"^(?P<label>last updated|published on|published|sent on|date of publication)"
    r"\s*:?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(?:to what extent|how well|how effective|how efficient|how good|how)\b", re.IGNORECASE
)
_PEEL_TITLE = re.compile(r"^PEEL\s*:\s*(?P<rest>.+)$")
_QUESTIONS_FOR = re.compile(r"^questions for\b", re.IGNORECASE)


def looks_like(lines: list[str]) -> bool:
    """Worth trying: the page has at least one heading or lead-in afi reads."""
    return any(
        AFI_HEADING.match(t) or COC_HEADING.match(t) or "recommend" in t.lower()
        for t in (normalise(ln) for ln in lines)
    )


def parse(lines: list[str]) -> ParsedReport:
    content = [i for i, ln in enumerate(lines) if ln.strip() and not is_noise(ln)]
    title = normalise(lines[content[0]]) if content else ""
    report = ParsedReport(title=title, format=NAME)
    _read_title(report, title)

    anchor: date | None = None
    for i in content[:40]:
        dated = _DATE_LINE.match(normalise(lines[i]))
        if dated:
            when = find_uk_date(dated.group("rest"))
            if when:
                anchor = when[0]
                report.published = anchor.isoformat()
                break

    if report.published and not report.year:
        report.year = report.published[:4]
    if len(content) > 1 and not report.subject:
        second = normalise(lines[content[1]])
        if len(second.split()) <= 6 and not second.endswith((".", "?", ":")) \
                and not _DATE_LINE.match(second):
            report.subject = second

    questions = _find_questions(lines, content)
    first_q = min((q[0] for q in questions), default=len(lines))
    for i in content:
        if i >= first_q or _QUESTIONS_FOR.match(normalise(lines[i])):
            break
        found = judgement_line(lines[i])
        if found:
            report.judgement = found
            break

    reader = BlockReader(lines, anchor)
    bounds = [q[0] for q in questions] + [len(lines)]
    # Before the first question: page-level items (cause-of-concern pages, letters).
    _scan(reader, 0, bounds[0], None)
    for index, (start, body_start, number, text) in enumerate(questions):
        end = bounds[index + 1]
        judgement = _question_judgement(lines, body_start, end)
        report.questions.append(ParsedQuestion(number, text, judgement))
        _scan(reader, body_start, end, number)
        del start
    report.items = reader.items
    return report


def _read_title(report: ParsedReport, title: str) -> None:
    peel = _PEEL_TITLE.match(title)
    if peel:
        report.programme = "PEEL"
        rest = peel.group("rest")
        report.force = _force_from_phrase(rest)
        report.subject = rest[len(report.force):].strip(" –-:") if report.force else rest
        return
    match = _TITLE.match(title)
    if match:
        report.force = match.group("force").strip()
        report.programme = match.group("programme") or "Fire and rescue inspection"
        report.year = re.sub(r"\s+", "", match.group("year"))


def _force_from_phrase(text: str) -> str:
    match = re.match(r"^(?P<force>.+?(?:Police|Constabulary|Fire and Rescue Service))\b", text)
    return match.group("force") if match else ""


def _find_questions(lines: list[str], content: list[int]) -> list[tuple[int, int, str, str]]:
    """[(line where the question starts, line after its text, number, text)]."""
    numbered: list[tuple[int, int, str, str]] = []
    for pos, i in enumerate(content[:-1]):
        text = lines[i].strip()
        if text.isdigit() and len(text) <= 2:
            nxt = content[pos + 1]
            question = normalise(lines[nxt])
            if question.endswith("?") or _QUESTION_START.match(question):
                numbered.append((i, nxt + 1, text, question))
    if numbered:
        return numbered
    # Unnumbered pages: the first question line is the pillar's own question.
    asked = [i for i in content if _QUESTION_START.match(normalise(lines[i]))
             and (normalise(lines[i]).endswith("?") or len(lines[i].strip()) < 120)]
    found: list[tuple[int, int, str, str]] = []
    for n, i in enumerate(asked[1:], start=1):
        found.append((i, i + 1, str(n), normalise(lines[i])))
    return found


def _question_judgement(lines: list[str], start: int, end: int) -> str | None:
    """The judgement line under a question, else one stated in its opening prose."""
    prose: str | None = None
    for i in range(start, end):
        text = normalise(lines[i])
        if not text:
            continue
        if AFI_HEADING.match(text) or text.lower().startswith("we set out"):
            break
        found = judgement_line(text)
        if found:
            return found
        if prose is None:
            prose = judgement_in_prose(text)
    return prose


def _scan(reader: BlockReader, start: int, end: int, question: str | None) -> None:
    i = start
    while i < end:
        i = max(reader.scan_line(i, question), i + 1)
