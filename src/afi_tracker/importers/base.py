"""What an importer produces: a report as read from its text, not yet stored."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ParsedQuestion:
    number: str
    text: str
    judgement: str | None = None


@dataclass
class ParsedSection:
    """The page's own text under one question (None: before the first question),
    one paragraph or bullet per line, kept so figures can be read from it later."""

    question: str | None
    text: str


@dataclass
class ParsedItem:
    kind: str
    text: str
    question: str | None = None
    deadline: str | None = None
    deadline_text: str | None = None
    addressee: str | None = None
    origin: str | None = None
    parts: list[str] = field(default_factory=list)
    cause: int | None = None  # index in ParsedReport.items of the cause of concern it answers
    truncated: bool = False
    lines: tuple[int, int] | None = None  # first and last source line, 1-based
    # The force's own published response, and where it says the item stands.
    force_response: str | None = None
    status: str | None = None  # an item status, from the force's words; only for new items
    status_words: str | None = None
    status_log: list[dict[str, str]] = field(default_factory=list)  # [{date, text}]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedReport:
    title: str
    format: str
    force: str = ""
    programme: str = ""
    year: str = ""
    subject: str = ""
    published: str | None = None
    judgement: str | None = None
    questions: list[ParsedQuestion] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    body: list[ParsedSection] = field(default_factory=list)
    merged: int = 0  # repeated items dropped (the page pasted twice)

    def default_key(self) -> str:
        from afi_tracker.importers.text import slugify

        # From the page's own title line (and pillar), not from names afi works
        # out, so the key stays the same when the importer learns more.
        parts = [self.title]
        if self.subject and self.subject.lower() not in self.title.lower():
            parts.append(self.subject)
        return slugify(" ".join(parts)) or "report"
