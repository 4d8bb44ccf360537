"""What `afi findings` and `afi measure list` show, and the sparkline every format shares."""

from __future__ import annotations

from datetime import date
from typing import Any

from afi_tracker.api.measures import findings_of
from afi_tracker.domain.rules import handle_number, measure_text
from afi_tracker.importers.findings import number
from afi_tracker.render.base import Column, Listing, sparkline
from afi_tracker.reports.progress import MeasureProgress, measure_progress
from afi_tracker.store.store import Snapshot


def progress_words(m: MeasureProgress) -> str:
    """ "missed: measure 72% < target 95%", "met", "on track"."""
    if m.missed:
        return f"missed: {m.missed}"
    return "met" if m.met else "not yet met"


def measure_row(m: MeasureProgress, item: str) -> dict[str, Any]:
    return {
        "id": m.id,
        "item": item,
        "name": m.name,
        "unit": m.unit,
        "direction": m.direction,
        "baseline": number(m.baseline),
        "baseline_date": m.baseline_date,
        "latest": number(m.latest),
        "latest_on": m.latest_on,
        "target": number(m.target),
        "by": m.by,
        "trend": [number(v) for v in m.trend],
        "sparkline": sparkline(m.trend, m.target),
        "met": m.met,
        "missed": m.missed,
        "progress": progress_words(m),
    }


def measure_cells(m: MeasureProgress) -> dict[str, str]:
    """The measure in words, for tables: `65% → 80% (target 95% by 31 Dec 2025)`."""
    return {
        "baseline": measure_text(m.baseline, m.unit),
        "latest": measure_text(m.latest, m.unit),
        "target": measure_text(m.target, m.unit),
    }


def measures_listing(
    snap: Snapshot, as_of: date, report: str | None = None, item: str | None = None
) -> Listing:
    """Every measure as of a date: baseline, latest reading, target, trend."""
    if report is not None:
        snap.report(report)
    wanted = snap.item(item)["id"] if item is not None else None
    report_of = {i["id"]: i["report"] for i in snap.items}
    rows = []
    for measure in sorted(snap.measures, key=lambda m: handle_number(m.get("id", ""))):
        if wanted is not None and measure["item"] != wanted:
            continue
        if report is not None and report_of.get(measure["item"]) != report:
            continue
        m = measure_progress(measure, as_of)
        row = measure_row(m, measure["item"])
        row.update(
            {f"{k}_text": v for k, v in measure_cells(m).items()},
            source=measure.get("source"),
            readings=measure.get("readings", []),
        )
        rows.append(row)
    return Listing(
        title=f"Measures as of {as_of.isoformat()}",
        columns=[
            Column("id", "ID"),
            Column("item", "Item"),
            Column("name", "Measure", width=40, wrap=True),
            Column("sparkline", "Trend"),
            Column("latest_text", "Latest"),
            Column("target_text", "Target"),
            Column("by", "By"),
            Column("baseline_text", "Baseline"),
            Column("progress", "Progress", width=30, wrap=True),
        ],
        rows=rows,
        empty="No measures yet: afi findings, then afi measure add ITEM --from-finding F1 ...",
    )


def findings_listing(snap: Snapshot, report: str | None = None, item: str | None = None) -> Listing:
    """The figures (F1...) and dated commitments (C1...) in each report's text."""
    keys = [report] if report is not None else [r["key"] for r in snap.sorted_reports()]
    question = None
    if item is not None:
        chosen = snap.item(item)
        keys, question = [chosen["report"]], chosen.get("question")
    rows: list[dict[str, Any]] = []
    for key in keys:
        found = findings_of(snap, key)
        for fig in found.figures:
            if item is None or fig.question == question:
                row = {"kind": "figure", "report": key, **fig.to_dict()}
                row["shown"] = fig.words + (
                    f" of {number(fig.of):,} {fig.base}" if fig.base and fig.of else ""
                )
                rows.append(row)
        for c in found.commitments:
            if item is None or c.question == question:
                row = {"kind": "commitment", "report": key, **c.to_dict()}
                row.update(shown=f"{c.deadline_text} ({c.deadline})", name=c.what)
                rows.append(row)
    return Listing(
        title="Findings in the report's text",
        columns=[
            Column("handle", "ID"),
            Column("question", "Q"),
            Column("shown", "Figure or deadline"),
            Column("name", "Suggested measure or commitment", width=80, wrap=True),
            Column("items", "Items"),
            Column("sentence", "Sentence", width=60, wrap=True),
        ],
        rows=rows,
        empty="No figures or dated commitments found (re-import a report to keep its text).",
    )
