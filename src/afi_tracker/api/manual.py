"""Reports and items added by hand: for what no importer reads.

A report added here is like an imported one with no source file; an item added
here joins the end of its report. Editing an item's text or deadline keeps the
old value in the store's history (`afi log`). A later import of the same report
key treats hand-added items like any other: matched by their text.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from afi_tracker.domain.model import ITEM_KINDS, JUDGEMENTS, Item, Report, new_item, new_report
from afi_tracker.errors import InvalidValue
from afi_tracker.importers.text import slugify
from afi_tracker.store.store import Transaction

# What people type for each kind, besides its full name.
KIND_ALIASES: Final = {
    "afi": "area-for-improvement",
    "area": "area-for-improvement",
    "coc": "cause-of-concern",
    "cause": "cause-of-concern",
    "rec": "recommendation",
}


def report_key(title: str, key: str | None) -> str:
    chosen = (key if key is not None else slugify(title)).strip()
    if not chosen:
        raise InvalidValue("the report key must not be empty", code="report-key-empty")
    return chosen


def judgement(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    by_lower = {j.lower(): j for j in JUDGEMENTS}
    found = by_lower.get(" ".join(text.split()).lower())
    if found is None:
        raise InvalidValue(
            f'unknown judgement "{text}"', hint="use one of: " + ", ".join(JUDGEMENTS)
        )
    return found


def kind(text: str) -> str:
    value = KIND_ALIASES.get(text.strip().lower(), text.strip().lower())
    if value not in ITEM_KINDS:
        raise InvalidValue(
            f'unknown kind "{text}"',
            hint="use one of: " + ", ".join(ITEM_KINDS) + " (or afi, coc, rec)",
        )
    return value


def _text(value: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidValue(f"the {what} must not be empty")
    return text


def add_report(
    tx: Transaction,
    *,
    title: str,
    key: str | None = None,
    force: str = "",
    programme: str = "",
    year: str = "",
    published: date | None = None,
    judgement_text: str | None = None,
) -> Report:
    title = _text(title, "report title")
    chosen = report_key(title, key)
    if any(r["key"] == chosen for r in tx.reports):
        raise InvalidValue(f'a report "{chosen}" already exists', code="report-exists", key=chosen)
    return tx.insert(
        "reports",
        new_report(
            key=chosen,
            title=title,
            force=" ".join(force.split()),
            programme=" ".join(programme.split()),
            year=year.strip() or (str(published.year) if published else ""),
            published=published.isoformat() if published else None,
            judgement=judgement(judgement_text),
            source="added by hand",
            format="by-hand",
        ),
    )


def add_item(
    tx: Transaction,
    report: str,
    *,
    kind_text: str,
    text: str,
    question: str | None = None,
    deadline: date | None = None,
) -> Item:
    stored = tx.report(report)
    numbers = [str(q.get("number")) for q in stored.get("questions") or []]
    if question is not None:
        question = question.strip()
        if numbers and question not in numbers:
            raise InvalidValue(
                f'report {stored["key"]} has no question "{question}"',
                hint="its questions are " + ", ".join(numbers),
            )
    siblings = tx.items_of(stored["key"])
    position = max((i.get("position", 0) for i in siblings), default=-1) + 1
    return tx.insert(
        "items",
        new_item(
            report=stored["key"],
            kind=kind(kind_text),
            text=_text(text, "item text"),
            question=question or None,
            deadline=deadline.isoformat() if deadline else None,
            deadline_text="set by hand" if deadline else None,
            position=position,
        ),
    )


def edit_item(
    tx: Transaction, handle: str, *, text: str | None = None, deadline: date | None = None
) -> Item:
    item = tx.item(handle)
    if text is None and deadline is None:
        raise InvalidValue("nothing to change", code="item-edit-nothing")
    changes: dict[str, object] = {}
    if text is not None:
        changes["text"] = _text(text, "item text")
        changes["truncated"] = False
    if deadline is not None:
        changes["deadline"] = deadline.isoformat()
        changes["deadline_text"] = "set by hand"
    return tx.update("items", item, **changes)
