"""Figures and dated commitments in a report's own words.

Inspectors set out their evidence in figures ("around 65 percent of its
workforce have received this training", "Of those records, 78 percent
contained reasonable grounds") and record what the force said it would do and
by when ("It plans to bring all officers and staff up to date by February
2020"). This module reads both from the text an import keeps, question by
question; it is pure (text in, records out) so it can be tested on any page.

Deadlines resolve as report deadlines do: a month alone means its last day, a
year alone 31 December, a financial year (2020/21) 31 March of its end.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from afi_tracker.importers.text import end_of_month, find_uk_date, strip_bullet

# -- figures -----------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_PERCENT = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})\s*(?:percent\b|per\s+cent\b|%)", re.I)
_N_OF_M = re.compile(
    rf"(?<![\w.,/£$])(?P<n>{_NUMBER})\s+(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+)?"
    rf"(?P<m>{_NUMBER})(?![\w.,/%]|\s*(?:percent|per\s+cent))",
    re.I,
)
_DAYS = re.compile(rf"(?<![\w.,/£$])(?P<n>{_NUMBER})\s+(?:working\s+|calendar\s+)?days?\b", re.I)
# A whole number and the noun phrase it counts: "221 stop and search records".
_COUNT = re.compile(
    r"(?<![\w.,/£$‘'“\"-])(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
    r"\s+(?P<what>[a-z][a-z-]*(?:\s+(?:and\s+)?[a-z][a-z-]*){0,4})"
)
_NOT_COUNTED = frozenset(
    "percent per cent of out days day working calendar weeks week months month years year "
    "hours hour minutes minute seconds second times am pm and or to".split()
)
_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_STOP_AFTER = frozenset(
    "that which who were was are is have has had in on at for by with from during "
    "across over since because but as within than".split()
)
_BACK_REFERENCE = re.compile(r"^(?:of\s+(?:those|these|them|this)|among\s+(?:those|these))\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])[’”\"')]?\s+(?=[A-Z‘“\"(0-9])")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|Mr|Mrs|Ms|Dr|No|St|vs)\.$")
_LEAD_WORDS = frozenset("of in its the their all a an around about approximately some only".split())
_VERBS = re.compile(
    r"\s+(?:(?:took|takes|take|taking)(?:\s+(?:an\s+average\s+of|on\s+average))?"
    r"|(?:is|are|was|were|had|has|have|stood|stands|remain(?:s|ed)?|reached)"
    r"(?:\s+(?:only|just|still|currently|now|around|about))*(?:\s+(?:at|to))?)\s*$",
    re.I,
)


@dataclass
class Figure:
    """A number the report gives as evidence."""

    handle: str  # F1, F2 ... in reading order within the report
    value: float
    unit: str  # "%", "count", "of" (N of M), "days"
    words: str  # the figure as written: "78 percent", "12 of 20"
    sentence: str  # verbatim
    question: str | None
    name: str  # a short suggested measure name
    of: float | None = None  # N of M: M; a percentage of a sample: its size
    base: str | None = None  # what `of` counts: "stop and search records"
    context: str | None = None  # the sentence before, when this one refers back to it
    items: list[str] = field(default_factory=list)  # the question's items (filled by the caller)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = number(self.value)
        data["of"] = None if self.of is None else number(self.of)
        return data


@dataclass
class Commitment:
    """Something the force said it would do, and by when."""

    handle: str  # C1, C2 ...
    what: str  # "Bring all officers and staff up to date"
    deadline: str  # ISO date
    deadline_text: str  # "by February 2020"
    sentence: str  # verbatim
    question: str | None
    items: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Findings:
    report: str
    figures: list[Figure] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)

    def figure(self, handle: str) -> Figure | None:
        return next((f for f in self.figures if f.handle == handle.strip().upper()), None)

    def commitment(self, handle: str) -> Commitment | None:
        return next((c for c in self.commitments if c.handle == handle.strip().upper()), None)


def number(value: float) -> float | int:
    """65.0 -> 65: whole numbers show as whole numbers."""
    return int(value) if float(value).is_integer() else value


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def sentences(paragraph: str) -> list[str]:
    """A paragraph split into sentences, each verbatim."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        piece = paragraph[start : match.start()].rstrip()
        if _ABBREVIATIONS.search(piece):
            continue
        parts.append(paragraph[start : match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", text))


def _words_after(sentence: str, end: int, limit: int = 9) -> list[str]:
    clause = re.split(r"[.,;:!?()]|\s[–-]\s|\s+and\s+\d", sentence[end:], maxsplit=1)[0]
    return clause.split()[:limit]


def _tidy(words: list[str]) -> str:
    while words and words[0].lower() in _LEAD_WORDS:
        words = words[1:]
    while words and words[-1].lower() in _STOP_AFTER | {"and", "or", "the", "a", "its", "of"}:
        words = words[:-1]
    text = " ".join(words).strip("‘’“”\"' ")
    text = re.sub(r"\b(?:do|does|did) not have\b", "without", text)
    return " ".join(text.split()[:6])


def _subject_before(sentence: str, start: int) -> str:
    """ "PDR completion rates on the HR system are only at" -> "PDR completion rates"."""
    before = sentence[:start]
    before = re.split(r"[,;:]\s*|\b(?:But|However|And|So)\s+", before)[-1]
    before = _VERBS.sub("", before)
    before = re.split(r"\s+(?:on|in|at|for|across|within|from)\s+(?:the|its|their)\b", before)[0]
    return _tidy(before.split()[-6:])


def suggest_name(sentence: str, start: int, end: int, unit: str) -> str:
    """A short measure name from the words around a figure."""
    after = _words_after(sentence, end)
    if unit == "count":
        return _tidy(after[:5])
    if after and after[0].lower() in ("of", "in", "for"):
        name = _tidy(after)
        if name:
            return name
    tail = _tidy(after)
    if tail and after and after[0].lower() not in _STOP_AFTER:
        return tail
    subject = _subject_before(sentence, start)
    return subject or tail or "measure"


def _spans_overlap(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _count_base(sentence: str) -> tuple[float, str] | None:
    """The sample a sentence counts: "a representative sample of 221 stop and search records"."""
    for match in _COUNT.finditer(sentence):
        words = match.group("what").split()
        if words and words[0].lower() not in _NOT_COUNTED | _MONTH_NAMES:
            if not _is_year(match.group("n")):
                return _value(match.group("n")), _tidy(_count_words(words))
    return None


def _count_words(words: list[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        if word.lower() in _STOP_AFTER:
            break
        kept.append(word)
    return kept


def figures_in(
    sentence: str, question: str | None, before: list[str] | None = None
) -> list[Figure]:
    """Every figure in one sentence, in the order written.

    `before` is the paragraph's earlier sentences: "Of those records, 78
    percent ..." takes its sample size from the nearest one that counts something.
    """
    found: list[tuple[int, Figure]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, fig: Figure) -> None:
        taken.append((start, end))
        found.append((start, fig))

    for match in _PERCENT.finditer(sentence):
        fig = Figure(
            "",
            _value(match.group("n")),
            "%",
            match.group(0),
            sentence,
            question,
            suggest_name(sentence, match.start(), match.end(), "%"),
        )
        if before and _BACK_REFERENCE.match(sentence):
            for previous in reversed(before[-3:]):
                base = _count_base(previous)
                if base is not None:
                    fig.of, fig.base = base
                    fig.context = previous
                    break
        if fig.base:
            fig.name = " ".join(f"{fig.base} that {fig.name}".split()[:8])
        add(match.start(), match.end(), fig)
    for match in _N_OF_M.finditer(sentence):
        if _spans_overlap(match.span(), taken) or _is_year(match.group("m")):
            continue
        name = suggest_name(sentence, match.start(), match.end(), "of")
        fig = Figure(
            "",
            _value(match.group("n")),
            "of",
            match.group(0),
            sentence,
            question,
            name,
            of=_value(match.group("m")),
        )
        add(match.start(), match.end(), fig)
    for match in _DAYS.finditer(sentence):
        if _spans_overlap(match.span(), taken):
            continue
        name = _subject_before(sentence, match.start()) or "days"
        add(
            match.start(),
            match.end(),
            Figure("", _value(match.group("n")), "days", match.group(0), sentence, question, name),
        )
    for match in _COUNT.finditer(sentence):
        n, words = match.group("n"), match.group("what").split()
        end = match.start("what") + len(words[0])
        if (
            _spans_overlap((match.start(), end), taken)
            or _is_year(n)
            or words[0].lower() in _NOT_COUNTED | _MONTH_NAMES
            or sentence[match.end("n") : match.end("n") + 1] not in (" ",)
        ):
            continue
        what = _tidy(_count_words(words)) or words[0]
        add(
            match.start(),
            match.start("what") + len(" ".join(_count_words(words)) or words[0]),
            Figure("", _value(n), "count", f"{n} {what}", sentence, question, what),
        )
    return [fig for _, fig in sorted(found, key=lambda pair: pair[0])]


# -- commitments -------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WHEN = rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+\d{{4}}|\d{{4}}/\d{{2}}|\d{{4}})"
_BY = re.compile(rf"\b[Bb]y\s+(?:the\s+end\s+of\s+)?(?P<when>{_WHEN})\b")
_FROM = re.compile(rf"\b[Ff]rom\s+(?P<when>(?:\d{{1,2}}\s+)?{_MONTH}\s+\d{{4}})\b")
_PLANS = re.compile(
    r"\b(?:plans?|planned|planning|intends?|intended|aims?|aimed|expects?|expected|"
    r"commit(?:s|ted)?|undertakes?|undertook|is\s+due|are\s+due|"
    r"(?:is|are|was|were)\s+(?:going|on\s+track|scheduled|set))\s+to\s+(?P<what>[^.;]+?)"
    r"(?=\s+by\s+(?:the\s+end\s+of\s+)?\d|\s+by\s+(?:the\s+end\s+of\s+)?[A-Z]|[.;]|$)"
    r"|\bwill\s+(?P<will>[^.;]+?)(?=\s+by\s+|[.;]|$)"
    r"|\b(?:vision|ambition|aspiration|target|goal|aim|plan|commitment)\s+(?:of|is|to)\s+"
    r"(?P<vision>[^.;]+?)(?=\s+by\s+|[.;]|$)"
)
_DEMAND = re.compile(r"\b(?:should|must|we\s+recommend(?:ed)?)\b", re.I)


def resolve_when(text: str) -> date | None:
    """ "February 2020" -> 29 Feb 2020; "2025" -> 31 Dec 2025; "2020/21" -> 31 Mar 2021."""
    text = text.strip()
    financial = re.fullmatch(r"(\d{4})/(\d{2})", text)
    if financial:
        start = int(financial.group(1))
        end = start // 100 * 100 + int(financial.group(2))
        return date(end, 3, 31) if end == start + 1 else None
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return date(year, 12, 31) if 1900 < year < 2200 else None
    found = find_uk_date(text)
    if found is None:
        return None
    day, _ = found
    return day


def _capital(text: str) -> str:
    text = text.strip(" ,")
    return text[:1].upper() + text[1:]


def commitment_in(sentence: str, question: str | None) -> Commitment | None:
    """The dated commitment a sentence records, if it records one."""
    if _DEMAND.search(sentence):
        return None  # the inspectorate's demand, not the force's own commitment
    plan = _PLANS.search(sentence)
    if plan is None:
        return None
    what = plan.group("what") or plan.group("will") or plan.group("vision") or ""
    by = _BY.search(sentence, plan.start()) or _BY.search(sentence[: plan.start()])
    when_match = by
    if by is None:
        when_match = _FROM.search(sentence)
        if when_match is None or when_match.start() > plan.start():
            return None
    assert when_match is not None
    day = resolve_when(when_match.group("when"))
    if day is None:
        return None
    words = when_match.group(0)
    what = re.sub(rf"\s+{re.escape(words)}.*$", "", what)
    return Commitment("", _capital(what), day.isoformat(), words, sentence, question)


# -- the report ----------------------------------------------------------------------------


def extract(report: str, sections: list[dict[str, Any]]) -> Findings:
    """Figures and commitments in a report's text ([{question, text}], as an import keeps it)."""
    result = Findings(report)
    for section in sections:
        question = section.get("question")
        for line in str(section.get("text", "")).split("\n"):
            bulleted, body = strip_bullet(line)
            before: list[str] = []
            for sentence in sentences(body.strip()):
                result.figures.extend(figures_in(sentence, question, before))
                if not bulleted:
                    found = commitment_in(sentence, question)
                    if found is not None:
                        result.commitments.append(found)
                before.append(sentence)
    for n, fig in enumerate(result.figures, start=1):
        fig.handle = f"F{n}"
    for n, commitment in enumerate(result.commitments, start=1):
        commitment.handle = f"C{n}"
    return result


__all__ = [
    "Commitment",
    "Figure",
    "Findings",
    "commitment_in",
    "end_of_month",
    "extract",
    "figures_in",
    "resolve_when",
    "sentences",
]
