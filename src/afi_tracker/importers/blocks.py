"""Finds the tracked items in a page's lines, whatever the page's format.

Each finder looks for one signal (a heading, a lead-in sentence) and reads the
block after it. Formats differ in their metadata far more than in how they
set out areas for improvement, causes of concern and recommendations, so the
finders are shared and a format module only adds what is its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from afi_tracker.importers.base import ParsedItem
from afi_tracker.importers.text import (
    ends_sentence,
    find_uk_date,
    normalise,
    strip_bullet,
    strip_joiner,
)

AFI_HEADING = re.compile(r"^areas? for improvement\s*:?$", re.IGNORECASE)
# "Area for improvement 3: The force should ..." / "Area for improvement 3" then the text.
AFI_NUMBERED = re.compile(
    r"^areas? for improvement\s+\d{1,3}\s*(?::\s*(?P<text>.*))?$", re.IGNORECASE
)
AFI_CARRIED = re.compile(
    r"\bareas? for improvement\b.*\b(?:remain|remained|remains|carried|outstanding)\b",
    re.IGNORECASE,
)
COC_HEADING = re.compile(
    r"^(?:accelerated\s+)?causes? of concern(?:\s+\d{1,2})?\s*(?::\s*(?P<area>.+))?$",
    re.IGNORECASE,
)
# Paragraphs that say what a cause of concern is, not what this one is.
COC_DEFINITION = re.compile(
    r"^(?:an?\s+)?(?:accelerated\s+)?cause of concern\s+(?:is|means|will be|may be)\b"
    r"|^(?:if|where|when)\s+we\s+(?:find|identify|have)\b.*\bcause of concern"
    r"|^we\s+(?:issue|give|raise|identify|may\s+\w+)\s+an?\s+(?:accelerated\s+)?cause of concern"
    r"\s+(?:when|if|where)\b",
    re.IGNORECASE,
)
# "In 2022 we identified one cause of concern. This was that the force does not ..."
COC_PROSE = re.compile(
    r"\bwe\s+(?:identified|found|gave|raised|issued)\s+(?:a|an|one|\d)\s+"
    r"(?:accelerated\s+)?cause\s+of\s+concern\b[^.:]*\.(?P<rest>.*)$",
    re.IGNORECASE,
)
COC_PROSE_CAUSE = re.compile(
    r"^\s*(?:this|it)\s+(?:was|is)\s+that\s+(?P<cause>.+?[.!?])(?=\s+[A-Z]|\s*$)",
    re.IGNORECASE,
)
# The force's own published response under a recommendation:
# "Northshire Fire and Rescue Service action: We have ...", "Action: Complete".
RESPONSE = re.compile(
    r"^(?P<who>(?:(?:[A-Z][\w&'’-]*|and|of|&)\s+){0,10}?)(?i:action|response|update|progress)"
    r"(?:\s+status)?\s*:\s*(?P<text>\S.*)$"
)
# A register entry's dated log: "12/03/2023 Status changed to In progress".
LOG_LINE = re.compile(
    r"^(?P<when>\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\s*[-–:]?\s+(?P<what>\S.*)$"
)
# The force's words for where a recommendation stands, and the item status each means.
# "Complete" is the force's claim, not a board's sign-off: it awaits sign-off.
RESPONSE_STATUS = {
    "complete": "awaiting-sign-off",
    "completed": "awaiting-sign-off",
    "closed": "awaiting-sign-off",
    "discharged": "awaiting-sign-off",
    "in progress": "in-progress",
    "ongoing": "in-progress",
    "partially complete": "in-progress",
    "on track": "in-progress",
    "not started": "open",
    "open": "open",
}
# "... about the force's failure to:" then fragments that each complete it.
FRAGMENT_LEAD_IN = re.compile(r"\b(?:failure|failed|failing|fails)\s+to\s*:$", re.IGNORECASE)
COC_LIST = re.compile(r"\bcauses? of concern\b.*:$", re.IGNORECASE)
RECS_HEADING = re.compile(r"^recommendations?\s*:?$", re.IGNORECASE)
REC_QUOTED = re.compile(r"\bwe recommended that\b(?P<addressee>.*?)\bshould\b.*:$", re.IGNORECASE)
REC_LEADIN = re.compile(
    r"^(?P<before>.*?)\b(?P<addressee>(?i:the force|the service|the constabulary|all forces|"
    r"all chief constables|chief constables|all chief fire officers|chief fire officers)|"
    r"[A-Z][\w&’' -]*?(?:Police|Constabulary|Service))"
    r"\s+(?:should|must)\b.*:$",
)
REC_NUMBERED = re.compile(r"^Recommendation\s+(?P<n>\d+)\s*:\s*(?P<text>.+)$", re.IGNORECASE)
REC_ALONE = re.compile(r"^Recommendation\s+(?P<n>\d+)\s*:?$", re.IGNORECASE)
# A line that starts a block of its own and so never continues a wrapped entry.
_OPENS_BLOCK = re.compile(
    r"^(?:areas? for improvement|(?:accelerated\s+)?causes? of concern|recommendations?"
    r"|we set out|summary for question)\b",
    re.IGNORECASE,
)
SHOULD_SENTENCE = re.compile(r"\b(?:should|must|needs? to)\b", re.IGNORECASE)
ORIGIN = re.compile(r"\bIn (?:our|the) (?P<origin>.+?(?:report|inspection))\b", re.IGNORECASE)

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
_RELATIVE = re.compile(
    r"\bwithin\s+(?P<n>\d+|[a-z-]+)\s+(?P<unit>days?|weeks?|months?|years?)\b", re.IGNORECASE
)
_BY_DATE = re.compile(
    r"\bby\s+(?:the\s+end\s+of\s+)?(?P<when>(?:\d{1,2}(?:st|nd|rd|th)?\s+)?[A-Z][a-z]+\s+\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{4})",
    re.IGNORECASE,
)
_IMMEDIATELY = re.compile(r"\bimmediately\b", re.IGNORECASE)


@dataclass
class Line:
    number: int  # index in the page's lines
    text: str  # stripped


def resolve_deadline(text: str, anchor: date | None) -> tuple[str | None, str | None]:
    """(ISO date or None, the words that set it or None).

    A fixed date resolves on its own (a month alone to its last day); a relative
    period or "immediately" only from the page's own date, else the date stays empty.
    """
    match = _BY_DATE.search(text)
    if match:
        found = find_uk_date(match.group("when"))
        if found:
            return found[0].isoformat(), match.group(0)
    match = _RELATIVE.search(text)
    if match:
        raw = match.group("n").lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if count is None:
            return None, match.group(0)
        unit = match.group("unit").lower().rstrip("s")
        if anchor is None:
            return None, match.group(0)
        step = {
            "day": relativedelta(days=count),
            "week": relativedelta(weeks=count),
            "month": relativedelta(months=count),
            "year": relativedelta(years=count),
        }[unit]
        return (anchor + step).isoformat(), match.group(0)
    match = _IMMEDIATELY.search(text)
    if match:
        return (anchor.isoformat() if anchor else None), match.group(0)
    return None, None


class BlockReader:
    """Walks a page's lines once and collects items in the order they appear."""

    def __init__(self, lines: list[str], anchor: date | None) -> None:
        self.lines = lines
        self.anchor = anchor
        self.items: list[ParsedItem] = []
        # (first, last) line of each entry the last block read, for ParsedItem.lines.
        self._spans: list[tuple[int, int]] = []
        self.has_coc_headings = any(COC_HEADING.match(normalise(ln)) for ln in lines)

    # -- low-level reading -------------------------------------------------------------

    def _next_nonblank(self, start: int) -> int:
        i = start
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        return i

    def read_bullets(self, start: int) -> tuple[list[tuple[str, bool]], int]:
        """Bulleted entries from `start` (blank lines between them allowed).

        Returns [(text, truncated)], and the index after the block. A line
        starting with a lower-case letter right after an unfinished entry is a
        hard-wrapped continuation of it.
        """
        entries: list[list[str]] = []
        spans: list[list[int]] = []
        i = self._next_nonblank(start)
        while i < len(self.lines):
            raw = self.lines[i]
            if not raw.strip():
                nxt = self._next_nonblank(i)
                if nxt < len(self.lines) and strip_bullet(self.lines[nxt])[0]:
                    i = nxt
                    continue
                break
            bulleted, body = strip_bullet(raw)
            if bulleted:
                entries.append([body.strip()])
                spans.append([i, i])
            elif entries and self._continues(i, entries[-1][-1]):
                entries[-1].append(body.strip())
                spans[-1][1] = i
            else:
                break
            i += 1
        self._spans.extend((a, b) for a, b in spans)
        return [self._finish(" ".join(parts)) for parts in entries], i

    def _continues(self, i: int, before: str) -> bool:
        """Line `i` is the wrapped rest of the entry that so far ends `before`.

        Lower case continues an entry that has not ended its last sentence (one
        ending `;` may go on); anything else does when the entry is unfinished
        and the line does not open a block of its own.
        """
        text = normalise(self.lines[i])
        if text[:1].islower() and not before.rstrip().endswith((".", "!", "?", '."', ".”")):
            return True  # "...proactively;" wrapped before "and can fully monitor ..."
        if ends_sentence(before):
            return False
        return bool(self.lines[i - 1].strip()) and not _OPENS_BLOCK.match(text)

    def read_plain(self, start: int, *, one: bool = False) -> tuple[list[tuple[str, bool]], int]:
        """Entries with no bullet: each line (or paragraph) that reads as a demand."""
        entries: list[tuple[str, bool]] = []
        i = self._next_nonblank(start)
        while i < len(self.lines):
            text = self.lines[i].strip()
            if not text:
                break
            if not SHOULD_SENTENCE.search(text) and not one:
                break
            if text.lower().startswith("we set out"):
                break
            entries.append(self._finish(text))
            self._spans.append((i, i))
            i += 1
            if one:
                break
        return entries, i

    def read_entries(self, start: int) -> tuple[list[tuple[str, bool]], int]:
        first = self._next_nonblank(start)
        if first < len(self.lines) and strip_bullet(self.lines[first])[0]:
            return self.read_bullets(first)
        return self.read_plain(first)

    def _finish(self, text: str) -> tuple[str, bool]:
        text = normalise(text)
        # An entry that stops without ending its sentence was cut off by the copy.
        joined = strip_joiner(text)
        truncated = joined == text and not ends_sentence(text)
        return joined, truncated

    # -- finders ---------------------------------------------------------------------------

    def _add(self, kind: str, entries: list[tuple[str, bool]], question: str | None) -> None:
        for text, truncated in entries:
            self.items.append(ParsedItem(kind, text, question=question, truncated=truncated))

    def areas_for_improvement(self, start: int, question: str | None) -> int:
        entries, end = self.read_entries(start)
        self._add("area-for-improvement", entries, question)
        return end

    def cause_of_concern(self, start: int, question: str | None) -> int:
        first = self._next_nonblank(start)
        while first < len(self.lines) and COC_DEFINITION.match(normalise(self.lines[first])):
            first = self._next_nonblank(first + 1)  # explains the term: not an item
        if first < len(self.lines):
            lead_in = normalise(self.lines[first])
            nxt = self._next_nonblank(first + 1)
            if FRAGMENT_LEAD_IN.search(lead_in) and nxt < len(self.lines):
                if strip_bullet(self.lines[nxt])[0]:
                    return self.causes_listed(nxt, question, lead_in)
        entries, end = self.read_plain(first, one=True)
        self._add("cause-of-concern", entries, question)
        return end

    def causes_listed(self, start: int, question: str | None, lead_in: str = "") -> int:
        entries, end = self.read_bullets(start)
        if FRAGMENT_LEAD_IN.search(lead_in):
            # Each fragment completes the lead-in: the cause is the whole sentence.
            stem = lead_in.rstrip(" :")
            entries = [(f"{stem} {text}", truncated) for text, truncated in entries]
        self._add("cause-of-concern", entries, question)
        return end

    def cause_in_prose(self, i: int, rest: str, question: str | None) -> int:
        """`... one cause of concern. This was that the force ...`: the cause is that clause."""
        at = i
        if not rest.strip():
            at = self._next_nonblank(i + 1)
            rest = normalise(self.lines[at]) if at < len(self.lines) else ""
        found = COC_PROSE_CAUSE.match(rest)
        if not found:
            return i + 1
        cause = found.group("cause")
        self._spans.append((i, at))
        self._add("cause-of-concern", [(cause[:1].upper() + cause[1:], False)], question)
        return at + 1

    def _current_cause(self) -> int | None:
        for index in range(len(self.items) - 1, -1, -1):
            if self.items[index].kind == "cause-of-concern":
                return index
        return None

    def quoted_recommendation(self, lead_in: str, start: int, question: str | None) -> int:
        """`we recommended that all forces should:` + bullets: one item, its bullets its parts."""
        entries, end = self.read_bullets(start)
        if not entries:
            return start
        raw_bullets = [
            normalise(strip_bullet(self.lines[i])[1])
            for i in range(start, end)
            if self.lines[i].strip()
        ]
        text = normalise(lead_in + " " + " ".join(raw_bullets))
        parts = [t for t, _ in entries]
        deadline, deadline_text = resolve_deadline(" ".join(raw_bullets), self.anchor)
        quoted = REC_QUOTED.search(lead_in)
        origin = ORIGIN.search(lead_in)
        self.items.append(
            ParsedItem(
                "recommendation",
                text,
                question=question,
                deadline=deadline,
                deadline_text=deadline_text,
                addressee=normalise(quoted.group("addressee")) if quoted else None,
                origin=origin.group("origin") if origin else None,
                parts=parts,
                truncated=entries[-1][1],
            )
        )
        return end

    def recommendations(self, lead_in: str, start: int, question: str | None) -> int:
        """A lead-in such as `Within three months, the force should:` + one item per bullet."""
        entries, end = self.read_entries(start)
        deadline, deadline_text = resolve_deadline(lead_in, self.anchor)
        match = REC_LEADIN.match(lead_in)
        addressee = match.group("addressee") if match else None
        for text, truncated in entries:
            own_deadline, own_text = resolve_deadline(text, self.anchor)
            self.items.append(
                ParsedItem(
                    "recommendation",
                    text,
                    question=question,
                    deadline=deadline or own_deadline,
                    deadline_text=deadline_text or own_text,
                    addressee=addressee,
                    cause=self._current_cause(),
                    parts=[],
                    truncated=truncated,
                )
            )
        return end

    def numbered_recommendation(self, line: str, question: str | None) -> None:
        match = REC_NUMBERED.match(line)
        assert match
        text, truncated = self._finish(match.group("text"))
        deadline, deadline_text = resolve_deadline(text, self.anchor)
        lead = REC_LEADIN.match(text + ":")
        self.items.append(
            ParsedItem(
                "recommendation",
                text,
                question=question,
                deadline=deadline,
                deadline_text=deadline_text,
                addressee=lead.group("addressee") if lead else None,
                cause=self._current_cause(),
                truncated=truncated,
            )
        )

    def scan(self, start: int, end: int, question: str | None) -> None:
        """Read every block that opens between `start` and `end`."""
        i = start
        while i < end:
            before = len(self.items)
            self._spans = []
            after = max(self.scan_line(i, question), i + 1)
            self._note_lines(self.items[before:], i)
            i = after

    def _note_lines(self, new: list[ParsedItem], at: int) -> None:
        """Each new item's source lines: its own entry's, else the whole block's."""
        if len(self._spans) == len(new):
            for item, (first, last) in zip(new, self._spans, strict=True):
                item.lines = (first + 1, last + 1)
            return
        first = min([at, *(a for a, _ in self._spans)])
        last = max([at, *(b for _, b in self._spans)])
        for item in new:
            item.lines = (first + 1, last + 1)

    def _is_lead_in(self, index: int) -> bool:
        if index >= len(self.lines):
            return False
        text = normalise(self.lines[index])
        return text.endswith(":") and not strip_bullet(self.lines[index])[0]

    def _status_words(self, text: str) -> str | None:
        words = re.sub(r"^status\s+(?:changed\s+)?(?:to\s*)?:?\s*", "", text, flags=re.I)
        return RESPONSE_STATUS.get(words.strip(" .").lower())

    def response(self, i: int, text: str) -> int | None:
        """A response line under the last recommendation: its status or its note."""
        match = RESPONSE.match(text)
        last = self.items[-1] if self.items else None
        if not match or last is None or last.kind != "recommendation" or last.lines is None:
            return None
        if i - last.lines[1] > 12:
            return None  # too far below to be this recommendation's response
        said = match.group("text").strip()
        status = self._status_words(said)
        if status is not None:
            last.status, last.status_words = status, said.rstrip(".")
        else:
            last.force_response = " ".join(filter(None, [last.force_response, said]))
        return i + 1

    def register_entry(self, i: int, question: str | None) -> int:
        """A recommendation sentence with no heading, then its dated log of status
        changes: the sentence is the item, the log its status history."""
        log: list[dict[str, str]] = []
        j = self._next_nonblank(i + 1)
        last = i
        while j < len(self.lines):
            match = LOG_LINE.match(normalise(self.lines[j]))
            if not match:
                break
            found = find_uk_date(match.group("when"))
            log.append(
                {
                    "date": found[0].isoformat() if found else match.group("when"),
                    "text": match.group("what"),
                }
            )
            last = j
            j = self._next_nonblank(j + 1)
        text, truncated = self._finish(self.lines[i])
        deadline, deadline_text = resolve_deadline(text, self.anchor)
        lead = REC_LEADIN.match(text + ":")
        item = ParsedItem(
            "recommendation",
            text,
            question=question,
            deadline=deadline,
            deadline_text=deadline_text,
            addressee=lead.group("addressee") if lead else None,
            truncated=truncated,
            status_log=log,
        )
        for entry in log:
            status = self._status_words(entry["text"])
            if status is not None:
                item.status, item.status_words = status, entry["text"]
        self._spans.append((i, last))
        self.items.append(item)
        return last + 1

    def scan_line(self, i: int, question: str | None) -> int:
        """Look at line `i`; if it opens a block, read it. Returns where to go on."""
        text = normalise(self.lines[i])
        answered = self.response(i, text)
        if answered is not None:
            return answered
        if text and SHOULD_SENTENCE.search(text) and not strip_bullet(self.lines[i])[0]:
            nxt = self._next_nonblank(i + 1)
            if nxt < len(self.lines) and LOG_LINE.match(normalise(self.lines[nxt])):
                return self.register_entry(i, question)
        if AFI_HEADING.match(text):
            return self.areas_for_improvement(i + 1, question)
        numbered = AFI_NUMBERED.match(text)
        if numbered:
            if numbered.group("text"):
                self._add("area-for-improvement", [self._finish(numbered.group("text"))], question)
                return i + 1
            entries, end = self.read_plain(i + 1, one=True)
            self._add("area-for-improvement", entries, question)
            return end
        if COC_HEADING.match(text):
            return self.cause_of_concern(i + 1, question)
        if REC_NUMBERED.match(text):
            self.numbered_recommendation(text, question)
            return i + 1
        if RECS_HEADING.match(text) or REC_ALONE.match(text):
            nxt = self._next_nonblank(i + 1)
            if self._is_lead_in(nxt):
                return nxt
            if REC_ALONE.match(text) and nxt < len(self.lines):
                self.numbered_recommendation(
                    f"{text.rstrip(':')}: {normalise(self.lines[nxt])}", question
                )
                return nxt + 1
            return self.recommendations(text, i + 1, question)
        prose = COC_PROSE.search(text)
        if prose and not text.endswith(":"):
            return self.cause_in_prose(i, prose.group("rest"), question)
        if not text.endswith(":") and not AFI_CARRIED.search(text):
            return i + 1
        nxt = self._next_nonblank(i + 1)
        bullet_follows = nxt < len(self.lines) and strip_bullet(self.lines[nxt])[0]
        if AFI_CARRIED.search(text) and not RECS_HEADING.match(text):
            if bullet_follows or SHOULD_SENTENCE.search(
                self.lines[nxt] if nxt < len(self.lines) else ""
            ):
                return self.areas_for_improvement(i + 1, question)
            return i + 1
        if COC_LIST.search(text):
            if self.has_coc_headings:
                # A summary of the causes set out in full under their own headings.
                return self.read_bullets(i + 1)[1]
            return self.causes_listed(i + 1, question, text)
        if REC_QUOTED.search(text) and bullet_follows:
            return self.quoted_recommendation(text, nxt, question)
        if REC_LEADIN.match(text) or RECS_HEADING.match(text) or "recommendation" in text.lower():
            if self._is_lead_in(nxt):
                # "Recommendations" / "... had two accompanying recommendations:" then
                # "Within three months, the force should:": the second line leads the bullets.
                return nxt
            return self.recommendations(text, i + 1, question)
        return i + 1
