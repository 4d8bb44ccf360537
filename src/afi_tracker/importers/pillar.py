"""Pages graded question by question: PEEL pillar pages (2014-2019, numbered or
not) and fire and rescue pillar pages (2018/19 on).

2018/19 pages number each question on a line of its own; earlier PEEL and fire
pages give the pillar's own question first, then each graded question, with
its judgement on a line of its own or only in the prose under it.
"""

from __future__ import annotations

import re

from afi_tracker.importers.base import ParsedQuestion, ParsedReport, ParsedSection
from afi_tracker.importers.blocks import AFI_HEADING, BlockReader
from afi_tracker.importers.metadata import body_text, content_lines, overall_judgement, read
from afi_tracker.importers.text import judgement_in_prose, judgement_line, normalise

NAME = "graded-pillar-page"

_QUESTION_START = re.compile(
    r"^(?:to what extent|how well|how effective|how efficient|how good|how)\b", re.IGNORECASE
)


def looks_like(lines: list[str]) -> bool:
    return bool(_find_questions(lines, content_lines(lines)))


def parse(lines: list[str]) -> ParsedReport:
    report, anchor = read(lines, NAME)
    content = content_lines(lines)
    questions = _find_questions(lines, content)
    first = questions[0][0] if questions else len(lines)
    report.judgement = overall_judgement(lines, content, first, prose=True)
    reader = BlockReader(lines, anchor)
    reader.scan(0, first, None)  # anything before the first question belongs to the page
    report.body.append(ParsedSection(None, body_text(lines, 0, first)))
    bounds = [q[0] for q in questions] + [len(lines)]
    for index, (_, body_start, number, text) in enumerate(questions):
        end = bounds[index + 1]
        report.questions.append(
            ParsedQuestion(number, text, _question_judgement(lines, body_start, end))
        )
        reader.scan(body_start, end, number)
        report.body.append(ParsedSection(number, body_text(lines, body_start, end)))
    report.items = reader.items
    return report


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
    asked = [
        i
        for i in content
        if _QUESTION_START.match(normalise(lines[i]))
        and (normalise(lines[i]).endswith("?") or len(lines[i].strip()) < 120)
    ]
    return [(i, i + 1, str(n), normalise(lines[i])) for n, i in enumerate(asked[1:], start=1)]


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
