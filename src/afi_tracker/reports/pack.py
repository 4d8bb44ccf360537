"""The publication pack: every item verbatim with the actions against it.

Written for readers outside the force (a PCC's published response, a board
paper): nothing is shortened, every action shows its owner, deadline, status
and evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from afi_tracker.domain.model import Record
from afi_tracker.domain.rules import handle_number
from afi_tracker.reports.progress import response_due
from afi_tracker.store.store import Snapshot


@dataclass
class PackAction:
    id: str
    title: str
    owner: str | None
    due: str | None
    status: str
    evidence: list[str]


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


def _evidence(action: Record) -> list[str]:
    return [
        e["ref"] + (f" ({e['description']})" if e.get("description") else "")
        for e in action.get("evidence", [])
    ]


def build(snap: Snapshot, made_on: date, report_key: str | None = None) -> PackView:
    by_item = snap.actions_by_item()
    reports = []
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
        for item in snap.ordered_items(report["key"]):
            q = questions.get(item.get("question") or "")
            actions = sorted(by_item.get(item["id"], []), key=lambda a: handle_number(a["id"]))
            packed.items.append(
                PackItem(
                    item["id"],
                    item["kind"],
                    item["text"],
                    item.get("question"),
                    q["text"] if q else None,
                    q.get("judgement") if q else None,
                    item.get("status", "open"),
                    item.get("deadline"),
                    item.get("deadline_text"),
                    list(item.get("parts", [])),
                    bool(item.get("truncated")),
                    [
                        PackAction(
                            a["id"],
                            a["title"],
                            a.get("owner"),
                            a.get("due"),
                            a["status"],
                            _evidence(a),
                        )
                        for a in actions
                    ],
                )
            )
        reports.append(packed)
    return PackView(made_on.isoformat(), reports)
