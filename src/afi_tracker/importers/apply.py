"""Puts a parsed report into the store, matching items already there.

Re-importing a report updates it in place: each item keeps its handle, status
and actions when its text is unchanged or only reworded in the same place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from afi_tracker.domain.model import Item, ItemStatus, Report, new_item, new_key, new_report
from afi_tracker.domain.rules import is_live
from afi_tracker.errors import InvalidValue, NothingToImport, TransitionRefused
from afi_tracker.importers import ParsedItem, ParsedReport, parse_text
from afi_tracker.importers.sources import read_source
from afi_tracker.importers.text import match_key
from afi_tracker.store.store import Store, Transaction

# Fields the report sets on an item; anything else (status, evidence) is the user's.
_REPORT_FIELDS = (
    "kind",
    "text",
    "question",
    "deadline",
    "deadline_text",
    "addressee",
    "origin",
    "parts",
    "truncated",
    "position",
    "force_response",
    "status_log",
)
# Set only where the page has them, so stores from before them see no change.
_OPTIONAL_FIELDS = ("force_response", "status_log")


@dataclass
class ImportOutcome:
    report: Report
    items: list[Item]
    created: bool
    dry_run: bool
    new: list[Item] = field(default_factory=list)
    changed: list[tuple[Item, list[str]]] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)
    merged: int = 0  # items repeated in the file (a page pasted twice), imported once
    # Item handle -> (first line, last line) of the source it was read from, 1-based.
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else ("Imported" if self.created else "Re-imported")
        merged = (
            f"; {self.merged} repeated item{'s' if self.merged != 1 else ''} in the file "
            "merged (the page appears more than once)"
            if self.merged
            else ""
        )
        return (
            f"{verb} {self.report['title']} as {self.report['key']}: {len(self.new)} new, "
            f"{len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged"
            + merged
            + (" (dry run: nothing written)" if self.dry_run else "")
        )


def import_file(
    store: Store,
    path: Path,
    *,
    key: str | None,
    dry_run: bool,
    by: str,
    command: str,
    allow_supersede: bool = False,
    allow_copy: bool = False,
) -> ImportOutcome:
    text, source = read_source(path)
    parsed = parse_text(text, source)
    return import_parsed(
        store,
        parsed,
        source,
        key=key,
        dry_run=dry_run,
        by=by,
        command=command,
        allow_supersede=allow_supersede,
        allow_copy=allow_copy,
    )


def import_parsed(
    store: Store,
    parsed: ParsedReport,
    source: str,
    *,
    key: str | None,
    dry_run: bool,
    by: str,
    command: str,
    allow_supersede: bool = False,
    allow_copy: bool = False,
) -> ImportOutcome:
    if key is not None and not key.strip():
        raise InvalidValue("the report key must not be empty")
    report_key = (key or parsed.default_key()).strip()
    with store.transaction(command, by, create=True, dry_run=dry_run) as tx:
        return apply(
            tx,
            parsed,
            report_key,
            source,
            dry_run=dry_run,
            allow_supersede=allow_supersede,
            allow_copy=allow_copy,
        )


def _same_report_elsewhere(tx: Transaction, parsed: ParsedReport, key: str) -> str | None:
    """The key of a report already stored under another key that this one repeats.

    Same title, subject and date, or at least half its items word for word (in
    the normalised sense of `match_key`), is the same report.
    """
    if any(r["key"] == key for r in tx.reports):
        return None
    wanted = {(i.kind, match_key(i.text)) for i in parsed.items}
    for report in tx.reports:
        same_page = (
            report.get("title") == parsed.title
            and (report.get("subject") or "") == parsed.subject
            and report.get("published") == parsed.published
        )
        stored = {(i["kind"], match_key(i["text"])) for i in tx.items_of(report["key"])}
        if same_page or (wanted and len(wanted & stored) * 2 >= len(wanted)):
            return str(report["key"])
    return None


def apply(
    tx: Transaction,
    parsed: ParsedReport,
    key: str,
    source: str,
    *,
    dry_run: bool = False,
    allow_supersede: bool = False,
    allow_copy: bool = False,
) -> ImportOutcome:
    elsewhere = None if allow_copy else _same_report_elsewhere(tx, parsed, key)
    if elsewhere is not None:
        raise NothingToImport(
            f"this report is already in the store as {elsewhere}; nothing was imported",
            code="report-elsewhere",
            key=elsewhere,
        )
    fields: dict[str, Any] = {
        "key": key,
        "title": parsed.title,
        "force": parsed.force,
        "programme": parsed.programme,
        "year": parsed.year,
        "subject": parsed.subject,
        "published": parsed.published,
        "judgement": parsed.judgement,
        "source": source,
        "format": parsed.format,
        "questions": [
            {"number": q.number, "text": q.text, "judgement": q.judgement} for q in parsed.questions
        ],
    }
    existing_report = next((r for r in tx.reports if r["key"] == key), None)
    if existing_report is None:
        report = tx.insert("reports", new_report(**fields))
    else:
        report = tx.update("reports", existing_report, **fields)

    _keep_text(tx, key, parsed)
    old_items = sorted(tx.items_of(key), key=lambda i: i.get("position", 0))
    pairs = _match(parsed.items, old_items)
    outcome = ImportOutcome(
        report, [], created=existing_report is None, dry_run=dry_run, merged=parsed.merged
    )
    matched = {id(old) for _, old in pairs if old is not None}
    actions_by_item = tx.actions_by_item()
    if not allow_supersede:
        at_risk = [
            old["id"]
            for old in old_items
            if id(old) not in matched
            and any(is_live(a) for a in actions_by_item.get(old["id"], []))
        ]
        if at_risk:
            raise TransitionRefused(
                f"re-importing would mark {', '.join(at_risk)} superseded, but "
                f"{'they have' if len(at_risk) > 1 else 'it has'} actions; "
                "nothing was imported",
                code="would-supersede",
                items=", ".join(at_risk),
            )
    stored: list[Item] = []
    for position, (p_item, old) in enumerate(pairs):
        values = _item_fields(p_item, position)
        for optional in _OPTIONAL_FIELDS:
            if not values[optional] and (old is None or optional not in old):
                del values[optional]
        if old is not None:
            _keep_stored_wording(old, values)
        if old is None:
            if p_item.status is not None and p_item.status != ItemStatus.OPEN:
                # Where the force's published response says it stands; never on re-import.
                values["status"] = p_item.status
                values["status_reason"] = f"the force's published response: {p_item.status_words}"
            record = tx.insert("items", new_item(report=key, **values))
            outcome.new.append(record)
        else:
            what = [
                f
                for f in _REPORT_FIELDS
                if f in values and old.get(f) != values[f] and f != "position"
            ]
            record = tx.update("items", old, **values)
            (outcome.changed.append((record, what)) if what else outcome.unchanged.append(record))
        stored.append(record)
        if p_item.lines is not None:
            outcome.lines[record["id"]] = p_item.lines
    # Link recommendations to the cause of concern they answer, by handle.
    for index, p_item in enumerate(parsed.items):
        cause = stored[p_item.cause]["id"] if p_item.cause is not None else None
        if stored[index].get("cause") != cause:
            stored[index] = tx.update("items", stored[index], cause=cause)
    with_actions = set(actions_by_item)
    for old in old_items:
        if id(old) in matched:
            continue
        outcome.removed.append(old)
        if old["id"] in with_actions or old.get("status") != ItemStatus.OPEN:
            # Work recorded against it must stay readable.
            tx.update(
                "items",
                old,
                status=ItemStatus.SUPERSEDED,
                status_reason=f"no longer in the report as imported on {tx.at[:10]}",
            )
        else:
            tx.delete("items", old)
    outcome.items = stored
    return outcome


def _keep_text(tx: Transaction, key: str, parsed: ParsedReport) -> None:
    """The report's own words, question by question, once per report: `afi findings`
    reads its figures and commitments from them."""
    sections = [{"question": s.question, "text": s.text} for s in parsed.body]
    existing = next((t for t in tx.tables["texts"].values() if t["report"] == key), None)
    if existing is None:
        record = {"uid": new_key(), "key": f"{key} text", "report": key, "sections": sections}
        tx.insert("texts", record)
    else:
        tx.update("texts", existing, sections=sections)


def _item_fields(item: ParsedItem, position: int) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "text": item.text,
        "question": item.question,
        "deadline": item.deadline,
        "deadline_text": item.deadline_text,
        "addressee": item.addressee,
        "origin": item.origin,
        "parts": list(item.parts),
        "truncated": item.truncated,
        "position": position,
        "force_response": item.force_response,
        "status_log": [dict(entry) for entry in item.status_log],
    }


def _keep_stored_wording(old: Item, values: dict[str, Any]) -> None:
    """The same words copied another way (bullets, quotes, wrapping) are no change."""
    if values["text"] != old.get("text") and match_key(values["text"]) == match_key(
        old.get("text", "")
    ):
        values["text"] = old["text"]
    old_parts = old.get("parts") or []
    if values["parts"] != old_parts and [match_key(p) for p in values["parts"]] == [
        match_key(p) for p in old_parts
    ]:
        values["parts"] = list(old_parts)


def _match(parsed: list[ParsedItem], old: list[Item]) -> list[tuple[ParsedItem, Item | None]]:
    """Pair each parsed item with the stored item it continues, one to one.

    First by identical kind and text; then by kind and normalised text (another
    bullet, other quotes or wrapping, never the bullet itself); then, for reworded
    items, by kind and question in order of appearance. Identical texts pair in order, so two
    near-identical or even identical items both survive.
    """
    free = list(old)
    result: list[tuple[ParsedItem, Item | None]] = []
    for item in parsed:
        hit = next((o for o in free if o["kind"] == item.kind and o["text"] == item.text), None)
        if hit is not None:
            free.remove(hit)
        result.append((item, hit))
    for index, (item, hit) in enumerate(result):
        if hit is not None:
            continue
        key = match_key(item.text)
        same_words = next(
            (o for o in free if o["kind"] == item.kind and match_key(o["text"]) == key), None
        )
        if same_words is not None:
            free.remove(same_words)
            result[index] = (item, same_words)
    for index, (item, hit) in enumerate(result):
        if hit is not None:
            continue
        same_place = next(
            (o for o in free if o["kind"] == item.kind and o.get("question") == item.question),
            None,
        )
        if same_place is not None:
            free.remove(same_place)
            result[index] = (item, same_place)
    return result
