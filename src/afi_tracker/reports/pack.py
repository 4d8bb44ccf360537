"""The publication pack: every item verbatim with the actions against it.

Written for readers outside the force (a PCC's published response, a board
paper): nothing is shortened, every action shows its owner, deadline, status
and evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from afi_tracker.domain.model import (
    VERDICT_LABEL,
    Action,
    Item,
    ItemStatus,
    Measure,
    owners_of,
    owners_text,
)
from afi_tracker.domain.rules import AMBER_DAYS, handle_number
from afi_tracker.reports.progress import Totals, item_progress, response_due
from afi_tracker.store.store import Snapshot


@dataclass
class PackAction:
    id: str
    title: str
    owner: str | None
    due: str | None
    status: str
    evidence: list[str]
    status_reason: str | None = None
    notes: list[str] = field(default_factory=list)  # "2025-04-02 Jo Bloggs: text"
    latest_update: str | None = None  # the last note's text alone
    updated: str | None = None
    owners: list[str] = field(default_factory=list)  # every owner; `owner` joins them

    @property
    def plan_owner(self) -> str | None:
        """The owners as a plan's owner cell: `A; B`. The pack's XLSX is read
        back by import-plan, which splits a cell at ";" but never at a comma
        (one may be inside a name), so a sheet edited and imported again keeps
        every owner apart."""
        return "; ".join(self.owners) or self.owner


@dataclass
class PackItem:
    id: str
    kind: str
    text: str
    question: str | None
    question_text: str | None
    judgement: str | None
    status: str
    deadline: str | None
    deadline_text: str | None
    parts: list[str]
    truncated: bool
    actions: list[PackAction]
    rag: str | None = None
    rag_reason: str | None = None
    status_reason: str | None = None
    # Closure: the evidence offered, who signed the item off and when.
    closure_evidence: list[str] = field(default_factory=list)
    signed_off_by: str | None = None
    signed_off_at: str | None = None
    # The published response (s55): accepted, partly-accepted or not-accepted, and its text.
    response: str | None = None
    response_text: str | None = None

    def closure(self) -> list[tuple[str, str]]:
        """Response, sign-off, closure evidence and reason: label and value, empty ones left out."""
        signed = None
        if self.signed_off_by:
            when = f" on {self.signed_off_at[:10]}" if self.signed_off_at else ""
            signed = f"{self.signed_off_by}{when}"
        response = None
        if self.response:
            label = VERDICT_LABEL.get(self.response, self.response)
            response = f"{label}: {self.response_text or ''}".rstrip(": ")
        facts = [
            ("Response", response),
            ("Reason", self.status_reason),
            ("Closure evidence", "; ".join(self.closure_evidence)),
            ("Signed off by", signed),
        ]
        return [(label, value) for label, value in facts if value]


@dataclass
class PackReport:
    key: str
    title: str
    force: str
    programme: str
    subject: str
    judgement: str | None
    published: str | None
    response_due: str | None
    items: list[PackItem] = field(default_factory=list)
    totals: Totals | None = None  # afi status's figures for the report

    def facts(self, made_on: str) -> list[tuple[str, str]]:
        """The header of the pack for this report: label and value, empty ones left out."""
        facts = [
            ("Force or service", self.force),
            ("Subject", self.subject),
            ("Overall judgement", self.judgement),
            ("Published", self.published),
            ("Response due (s55, 56 days)", self.response_due),
            ("This pack made on", made_on),
        ]
        return [(label, value) for label, value in facts if value]


@dataclass
class PackView:
    made_on: str
    reports: list[PackReport]
    totals: Totals | None = None  # afi status's figures over every report in the pack


def _evidence(record: Action | Item) -> list[str]:
    return [
        e["ref"] + (f" ({e['description']})" if e.get("description") else "")
        for e in record.get("evidence", [])
    ]


def _notes(action: Action) -> list[str]:
    return [
        f"{str(n.get('at', ''))[:10]} {n.get('by') or ''}: {n.get('text', '')}".replace(" :", ":")
        for n in action.get("notes", [])
    ]


def build(
    snap: Snapshot, made_on: date, report_key: str | None = None, amber_days: int = AMBER_DAYS
) -> PackView:
    by_item = snap.actions_by_item()
    measures: dict[str, list[Measure]] = {}
    for measure in snap.measures:
        measures.setdefault(measure["item"], []).append(measure)
    reports = []
    overall = Totals()
    for report in snap.sorted_reports(report_key):
        questions = {q["number"]: q for q in report.get("questions", [])}
        packed = PackReport(
            report["key"],
            report["title"],
            report.get("force", ""),
            report.get("programme", ""),
            report.get("subject", ""),
            report.get("judgement"),
            report.get("published"),
            response_due(report),
        )
        totals = Totals()
        for item in snap.ordered_items(report["key"]):
            q = questions.get(item.get("question") or "")
            actions = sorted(by_item.get(item["id"], []), key=lambda a: handle_number(a["id"]))
            progress = item_progress(item, actions, made_on, amber_days, measures.get(item["id"]))
            totals.add(progress)
            response = item.get("response")
            packed.items.append(
                PackItem(
                    item["id"],
                    item["kind"],
                    item["text"],
                    item.get("question"),
                    q["text"] if q else None,
                    q.get("judgement") if q else None,
                    item.get("status", ItemStatus.OPEN),
                    item.get("deadline"),
                    item.get("deadline_text"),
                    list(item.get("parts", [])),
                    bool(item.get("truncated")),
                    [
                        PackAction(
                            a["id"],
                            a["title"],
                            owners_text(a) or None,
                            a.get("due"),
                            a["status"],
                            _evidence(a),
                            status_reason=a.get("status_reason"),
                            notes=_notes(a),
                            latest_update=a["notes"][-1].get("text") if a.get("notes") else None,
                            updated=a.get("updated"),
                            owners=owners_of(a),
                        )
                        for a in actions
                    ],
                    rag=progress.rag,
                    rag_reason=progress.why,
                    status_reason=item.get("status_reason"),
                    closure_evidence=_evidence(item),
                    signed_off_by=item.get("signed_off_by"),
                    signed_off_at=item.get("signed_off_at"),
                    response=response["verdict"] if response else None,
                    response_text=response["text"] if response else None,
                )
            )
        packed.totals = totals
        overall.merge(totals)
        reports.append(packed)
    return PackView(made_on.isoformat(), reports, overall)
