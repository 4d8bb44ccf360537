"""The PCC's published response to an HMICFRS report (Police Act 1996 s55).

s55(5A): a PCC must publish comments on a report within 56 days of its
publication. s55(5B): for each recommendation, the comments must say what
action has been or will be taken, or why none will be. This view holds
exactly that: the report, its publication and 56-day dates, each
recommendation verbatim (and, when asked, each cause of concern and area for
improvement), its response, the actions with lead and target date or the
reason for no action, and a closing section on how progress is scrutinised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from afi_tracker.domain.model import (
    VERDICT_LABEL,
    ActionStatus,
    ItemKind,
    ItemStatus,
    owners_of,
    owners_text,
)
from afi_tracker.domain.rules import handle_number
from afi_tracker.reports.progress import response_due
from afi_tracker.store.store import Snapshot

DEFAULT_SCRUTINY = (
    "Progress against every action in this response is recorded in the force's "
    "improvement tracker and reported to the Police and Crime Commissioner's "
    "accountability board each quarter. An action is closed only with evidence "
    "of the work done and the sign-off of a named chief officer; any change to a "
    "target date is recorded with its reason. Where an action falls behind, the "
    "board asks the lead officer to explain and agree a recovery plan. The "
    "Commissioner will publish an update on progress, and HMICFRS will review "
    "it at its next inspection."
)

_NO_ACTION = (ItemStatus.SUPERSEDED, ItemStatus.NO_FURTHER_ACTION)


@dataclass
class S55Action:
    id: str
    title: str
    lead: str | None
    target: str | None
    status: str
    leads: list[str] = field(default_factory=list)  # every owner; `lead` joins them


@dataclass
class S55Entry:
    id: str
    kind: str
    text: str
    parts: list[str]
    deadline: str | None
    response: str | None  # accepted, partly-accepted, not-accepted
    response_text: str | None
    actions: list[S55Action]
    no_action_reason: str | None  # why no action will be taken, when none is

    @property
    def response_label(self) -> str:
        if self.response is None:
            return "No response recorded"
        return VERDICT_LABEL.get(self.response, self.response)


@dataclass
class S55Report:
    key: str
    title: str
    force: str
    published: str | None
    response_due: str | None
    entries: list[S55Entry] = field(default_factory=list)


@dataclass
class S55View:
    made_on: str
    reports: list[S55Report]
    scrutiny: str
    include_all: bool

    @property
    def missing(self) -> list[str]:
        """Recommendations with no response, as `KEY I3`, for the person making the paper."""
        return [
            f"{r.key} {e.id}"
            for r in self.reports
            for e in r.entries
            if e.kind == ItemKind.RECOMMENDATION and e.response is None
        ]


def build(
    snap: Snapshot,
    made_on: date,
    report_key: str | None = None,
    *,
    include_all: bool = False,
    scrutiny: str | None = None,
) -> S55View:
    by_item = snap.actions_by_item()
    reports = []
    for report in snap.sorted_reports(report_key):
        packed = S55Report(
            report["key"],
            report["title"],
            report.get("force", ""),
            report.get("published"),
            response_due(report),
        )
        for item in snap.ordered_items(report["key"]):
            if not include_all and item["kind"] != ItemKind.RECOMMENDATION:
                continue
            actions = sorted(
                (a for a in by_item.get(item["id"], []) if a["status"] != ActionStatus.CANCELLED),
                key=lambda a: handle_number(a["id"]),
            )
            response = item.get("response")
            verdict = response["verdict"] if response else None
            said = response["text"] if response else None
            reason = None
            if not actions:
                if item.get("status") in _NO_ACTION:
                    reason = item.get("status_reason")
                elif verdict == "not-accepted":
                    reason = said
            packed.entries.append(
                S55Entry(
                    item["id"],
                    item["kind"],
                    item["text"],
                    list(item.get("parts", [])),
                    item.get("deadline"),
                    verdict,
                    said,
                    [
                        S55Action(
                            a["id"],
                            a["title"],
                            owners_text(a) or None,
                            a.get("due"),
                            a["status"],
                            owners_of(a),
                        )
                        for a in actions
                    ],
                    reason,
                )
            )
        reports.append(packed)
    return S55View(made_on.isoformat(), reports, scrutiny or DEFAULT_SCRUTINY, include_all)


def long_date(iso: str | None) -> str:
    """`2019-09-27` -> `27 September 2019`, the way a published paper writes it."""
    if not iso:
        return "not known"
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {day.strftime('%B %Y')}"


def header_facts(report: Any, made_on: str | None) -> list[tuple[str, str]]:
    """The facts at the head of a response paper, the same in every format (unescaped)."""
    facts = [
        ("Force", report.force),
        ("Report published", long_date(report.published)),
        ("Response due (56 days, Police Act 1996 s55)", long_date(report.response_due)),
        ("Response prepared", long_date(made_on)),
    ]
    return [(label, value) for label, value in facts if value]


KIND_HEADING: dict[str, str] = {
    ItemKind.RECOMMENDATION: "Recommendation",
    ItemKind.CAUSE_OF_CONCERN: "Cause of concern",
    ItemKind.AREA_FOR_IMPROVEMENT: "Area for improvement",
}


def entry_lines(entry: S55Entry) -> list[tuple[str, str]]:
    """What every format shows under an item's text: label and value."""
    lines = [
        (
            "Response",
            entry.response_label + (f": {entry.response_text}" if entry.response_text else ""),
        )
    ]
    if not entry.actions:
        lines.append(
            (
                "Action",
                f"No action will be taken: {entry.no_action_reason}"
                if entry.no_action_reason
                else "No action has been recorded yet.",
            )
        )
    return lines
