"""Measures: outcomes against the report's own baselines, and the force's dated
commitments turned into actions.

A measure belongs to an item. It starts from a baseline (often a figure in the
report: `afi findings`), aims at a target by a date, in a direction (higher or
lower is better), and gathers dated readings. Each change is one transaction,
so the history, undo and --as-of work as they do for actions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from afi_tracker.api import actions
from afi_tracker.domain.model import (
    ITEM_CLOSED,
    UNITS,
    Action,
    CommitmentSource,
    FindingSource,
    Item,
    Measure,
    Reading,
    new_key,
)
from afi_tracker.domain.rules import measure_text
from afi_tracker.errors import AfiError, InvalidValue, NotFound
from afi_tracker.importers.findings import Commitment, Figure, Findings, extract
from afi_tracker.store.store import Snapshot, Transaction


class MeasureRefused(AfiError):
    """A measure or reading that contradicts itself (a target behind the baseline,
    a reading before the baseline)."""


_UNIT_WORDS = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "pc": "%",
    "days": "days",
    "day": "days",
    "d": "days",
    "count": "count",
}
_VALUE = re.compile(r"^(?P<n>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>[a-z% ]*)$")


def unit_of(text: str) -> str:
    unit = _UNIT_WORDS.get(text.strip().lower())
    if unit is None:
        raise InvalidValue(f'unknown unit "{text}"', hint=f"use one of: {', '.join(UNITS)}")
    return unit


def parse_value(text: str, unit: str, what: str = "value") -> float:
    """ "72", "72%", "72 percent", "34 days": a number in the measure's unit."""
    raw = " ".join(text.strip().lower().split())
    match = _VALUE.match(raw)
    if match is None:
        raise InvalidValue(
            f'{what} "{text[:40]}" is not a number', hint="give a number, such as 72 or 72%"
        )
    written = match.group("unit").strip()
    if written:
        given = _UNIT_WORDS.get(written)
        if given != unit:
            shown = f'"{written}"' if given is None else given
            raise InvalidValue(
                f'{what} "{text[:40]}" is in {shown}, but the measure is in {unit}',
                hint=f"give the {what} in {unit}, or a bare number",
            )
    value = float(match.group("n").replace(",", ""))
    if unit in ("count", "days") and value < 0:
        raise InvalidValue(f"{what} {value:g} is negative; a {unit} cannot be")
    return value


# -- findings ------------------------------------------------------------------------------


def findings_of(snap: Snapshot, report_key: str) -> Findings:
    """The report's figures and commitments, each with the items of its question."""
    report = snap.report(report_key)
    found = extract(report["key"], snap.text_of(report["key"]))
    items: dict[str | None, list[str]] = {}
    for item in snap.ordered_items(report["key"]):
        items.setdefault(item.get("question"), []).append(item["id"])
    for fig in found.figures:
        fig.items = list(items.get(fig.question, []))
    for commitment in found.commitments:
        commitment.items = list(items.get(commitment.question, []))
    return found


def report_for(snap: Snapshot, report_key: str | None, item: str | None) -> str:
    """The report a finding handle is read in: named, the item's, or the only one."""
    if report_key is not None:
        return str(snap.report(report_key)["key"])
    if item is not None:
        return str(snap.item(item)["report"])
    keys = [r["key"] for r in snap.sorted_reports() if snap.text_of(r["key"])]
    if len(keys) == 1:
        return str(keys[0])
    raise InvalidValue(
        f"{len(keys)} reports have findings; finding handles are per report",
        code="which-report",
        reports=", ".join(keys),
    )


def figure(snap: Snapshot, report_key: str, handle: str) -> Figure:
    found = findings_of(snap, report_key).figure(handle)
    if found is None:
        raise NotFound(f'no finding "{handle}" in report {report_key}', code="unknown-finding")
    return found


def commitment(snap: Snapshot, report_key: str, handle: str) -> Commitment:
    found = findings_of(snap, report_key).commitment(handle)
    if found is None:
        raise NotFound(
            f'no commitment "{handle}" in report {report_key}', code="unknown-commitment"
        )
    return found


# -- measures ------------------------------------------------------------------------------


@dataclass
class MeasureSpec:
    """What `measure add` was given, before it is checked against the item and finding."""

    item: str
    name: str | None
    target: str
    by: date
    baseline: str | None = None
    baseline_date: date | None = None
    unit: str | None = None
    lower_is_better: bool = False
    finding: str | None = None


def _item_open(tx: Transaction, handle: str) -> Item:
    item = tx.item(handle)
    if item.get("status") in ITEM_CLOSED:
        raise MeasureRefused(
            f"item {item['id']} is {item['status']}; no new measures can be added",
            code="item-closed",
            item=item["id"],
        )
    return item


def add(tx: Transaction, spec: MeasureSpec) -> Measure:
    item = _item_open(tx, spec.item)
    source: FindingSource | None = None
    name: str | None
    if spec.finding is not None:
        found = figure(tx, item["report"], spec.finding)
        report = tx.report(item["report"])
        published = report.get("published")
        unit = "%" if found.unit == "of" else ("count" if found.unit == "count" else found.unit)
        if spec.unit is not None and unit_of(spec.unit) != unit:
            raise InvalidValue(
                f"finding {found.handle} is in {unit}, not {unit_of(spec.unit)}",
                code="finding-unit",
                unit=unit,
            )
        value = found.value
        if found.unit == "of" and found.of:
            value = round(100 * found.value / found.of, 1)
        baseline = value if spec.baseline is None else parse_value(spec.baseline, unit, "baseline")
        on = spec.baseline_date or (date.fromisoformat(published) if published else None)
        name = spec.name or found.name
        source = {
            "report": item["report"],
            "finding": found.handle,
            "sentence": found.sentence,
            "question": found.question,
        }
    else:
        unit = unit_of(spec.unit or "%")
        if spec.baseline is None:
            raise InvalidValue("a measure needs a baseline or a finding", code="baseline-required")
        baseline = parse_value(spec.baseline, unit, "baseline")
        on = spec.baseline_date
        name = spec.name
    if on is None:
        on = date.fromisoformat(tx.at[:10])
    if not name or not name.strip():
        raise InvalidValue("a measure needs a name")
    target = parse_value(spec.target, unit, "target")
    direction = "lower" if spec.lower_is_better else "higher"
    if (direction == "higher" and target <= baseline) or (
        direction == "lower" and target >= baseline
    ):
        better = "lower" if direction == "lower" else "higher"
        side = "equals" if target == baseline else ("is above" if target > baseline else "is below")
        raise MeasureRefused(
            f"target {measure_text(target, unit)} {side} the baseline "
            f"{measure_text(baseline, unit)}, but {better} is better",
            code="target-wrong-side",
            direction=direction,
        )
    if spec.by <= on:
        raise MeasureRefused(
            f"target date {spec.by.isoformat()} is not after the baseline date {on.isoformat()}",
            hint="give a target date after the baseline's",
        )
    record: Measure = {
        "uid": new_key(),
        "id": "",
        "item": item["id"],
        "name": " ".join(name.split()),
        "unit": unit,
        "direction": direction,
        "baseline": baseline,
        "baseline_date": on.isoformat(),
        "target": target,
        "by": spec.by.isoformat(),
        "source": source,
        "readings": [],
        "created": tx.at,
        "updated": tx.at,
    }
    return tx.insert("measures", record)


def record_reading(
    tx: Transaction, handle: str, value: str, on: date, source: str | None = None
) -> Measure:
    measure = tx.measure(handle)
    number = parse_value(value, measure["unit"])
    if on.isoformat() < measure["baseline_date"]:
        raise MeasureRefused(
            f"a reading on {on.isoformat()} is before {measure['id']}'s baseline date "
            f"{measure['baseline_date']}",
            hint="date the reading on or after the baseline date",
        )
    reading: Reading = {
        "value": number,
        "on": on.isoformat(),
        "source": source.strip() if source and source.strip() else None,
        "by": tx.by,
        "at": tx.at,
    }
    return tx.update(
        "measures", measure, readings=measure.get("readings", []) + [reading], updated=tx.at
    )


def adopt(
    tx: Transaction,
    report_key: str | None,
    item_handle: str | None,
    handle: str,
    owners: str | Sequence[str],
) -> Action:
    """An action, due on the commitment's deadline, that quotes the sentence it came from."""
    key = report_for(tx, report_key, item_handle)
    found = commitment(tx, key, handle)
    if item_handle is None:
        if len(found.items) != 1:
            where = f"question {found.question}" if found.question else "the report"
            raise InvalidValue(
                f"{found.handle} is under {where}, which has "
                f"{len(found.items)} items ({', '.join(found.items) or 'none'})",
                code="which-item",
                items=", ".join(found.items),
            )
        item_handle = found.items[0]
    note = f'Commitment {found.handle} in the report: "{found.sentence}"'
    source: CommitmentSource = {
        "report": key,
        "commitment": found.handle,
        "sentence": found.sentence,
        "deadline_text": found.deadline_text,
    }
    due = date.fromisoformat(found.deadline)
    return actions.add(tx, item_handle, found.what, owners, due, note=note, source=source)
