"""Derived figures: how far each item and report is, as of a date, and its RAG rating.

RAG rules (documented in docs/status.md):
- complete: the item is signed off; closed: superseded or no further action.
- red: an open action is overdue, or the item is open with no live action, or
  the item's own deadline (a recommendation's) has passed.
- amber: an open action or the item's deadline falls within the amber window
  (default 14 days), or an action is blocked.
- green: otherwise (on track; awaiting sign-off counts as on track).
Cancelled actions do not count towards an item's total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import cast

from afi_tracker.domain import counts
from afi_tracker.domain.counts import Counts
from afi_tracker.domain.model import (
    RAG_ORDER,
    Action,
    Item,
    ItemStatus,
    Measure,
    Rag,
    Report,
)
from afi_tracker.domain.plain import Plain
from afi_tracker.domain.rules import (
    AMBER_DAYS,
    handle_number,
    is_overdue,
    measure_latest,
    measure_missed,
    meets_target,
    rag,
    reading_key,
    response_outstanding,
)
from afi_tracker.store.store import Snapshot

# What domain.counts reads of an action: when the store's counts do not match
# its actions, status counts these alone, never 100k whole actions at once.
COUNTED = ("item", "status", "due", "owners", "owner")

_OPEN = ItemStatus.OPEN  # read off the class once, not once an item

# A PCC must publish a response within 56 days of a police report (Police Act 1996 s55(5A)).
S55_DAYS = 56


@dataclass
class MeasureProgress:
    """A measure as of the view's date: where it started, where it is, where it must get."""

    id: str
    name: str
    unit: str
    direction: str
    baseline: float
    baseline_date: str
    target: float
    by: str
    latest: float
    latest_on: str
    trend: list[float]  # the baseline, then each reading up to the view's date
    met: bool
    missed: str | None  # the reason, once its date has passed without meeting the target


def measure_progress(measure: Measure, as_of: date) -> MeasureProgress:
    latest, latest_on = measure_latest(measure, as_of)
    day = as_of.isoformat()
    readings = sorted(
        (r for r in measure.get("readings", []) if r["on"] <= day), key=lambda r: r["on"]
    )
    return MeasureProgress(
        id=measure["id"],
        name=measure["name"],
        unit=measure["unit"],
        direction=measure.get("direction", "higher"),
        baseline=float(measure["baseline"]),
        baseline_date=measure["baseline_date"],
        target=float(measure["target"]),
        by=measure["by"],
        latest=latest,
        latest_on=latest_on,
        trend=[float(measure["baseline"])] + [float(r["value"]) for r in readings],
        met=meets_target(measure, latest),
        missed=measure_missed(measure, as_of),
    )


@dataclass(slots=True)  # one per item: 33k of them at 100k actions
class ItemProgress:
    id: str
    kind: str
    text: str
    question: str | None
    status: str
    deadline: str | None
    truncated: bool
    actions_total: int
    actions_done: int
    actions_overdue: int
    actions_blocked: int
    next_due: str | None
    owners: list[str]
    rag: str
    why: str
    measures: list[MeasureProgress] = field(default_factory=list)
    response: str | None = None  # the published response's verdict (accepted...)


# QuestionProgress, ReportProgress and StatusView are plain classes, not
# dataclasses: @dataclass compiles their methods at each start-up (domain/plain.py).
# The others stay dataclasses: the JSON renderers take them apart with asdict.
class QuestionProgress(Plain):
    FIELDS = ("number", "text", "judgement", "items", "totals")

    def __init__(
        self,
        number: str | None,
        text: str,
        judgement: str | None,
        items: list[ItemProgress],
        totals: Totals | None = None,
    ) -> None:
        self.number = number
        self.text = text
        self.judgement = judgement
        self.items = items
        self.totals = Totals() if totals is None else totals


@dataclass
class Totals:
    items_total: int = 0
    items_complete: int = 0
    items_without_action: int = 0
    actions_total: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    rag: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RAG_ORDER, 0))

    @property
    def percent_done(self) -> int | None:
        if not self.actions_total:
            return None
        return round(100 * self.actions_done / self.actions_total)

    def add(self, item: ItemProgress) -> None:
        self.count(
            item.status, item.actions_total, item.actions_done, item.actions_overdue, item.rag
        )

    def count(self, status: str, live: int, done: int, overdue: int, rating: str) -> None:
        """Count one item in: its status, live, done and overdue actions and RAG."""
        self.items_total += 1
        self.items_complete += status == "complete"
        self.items_without_action += live == 0 and rating not in ("complete", "closed")
        self.actions_total += live
        self.actions_done += done
        self.actions_overdue += overdue
        self.rag[rating] += 1

    def merge(self, other: Totals) -> None:
        for name in (
            "items_total",
            "items_complete",
            "items_without_action",
            "actions_total",
            "actions_done",
            "actions_overdue",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for rating, count in other.rag.items():
            self.rag[rating] += count


class ReportProgress(Plain):
    FIELDS = (
        "key",
        "title",
        "force",
        "judgement",
        "published",
        "response_due",
        "questions",
        "totals",
        "response_passed",
    )

    def __init__(
        self,
        key: str,
        title: str,
        force: str,
        judgement: str | None,
        published: str | None,
        response_due: str | None,
        # Built on first use when a function: the text summary of many reports
        # shows their totals alone, and never asks for 33k items' progress.
        questions: list[QuestionProgress] | Callable[[], list[QuestionProgress]],
        totals: Totals,
        # The PCC's 56-day response date has passed (as of the view's date) with no
        # published response recorded (rules.response_outstanding).
        response_passed: bool = False,
    ) -> None:
        self.key = key
        self.title = title
        self.force = force
        self.judgement = judgement
        self.published = published
        self.response_due = response_due
        self._questions = questions
        self.totals = totals
        self.response_passed = response_passed

    @property
    def questions(self) -> list[QuestionProgress]:
        if callable(self._questions):
            self._questions = self._questions()
        return self._questions

    @property
    def questions_built(self) -> bool:
        """Whether anything has asked for the questions (and so the items' progress)."""
        return not callable(self._questions)


class StatusView(Plain):
    FIELDS = ("as_of", "reports", "totals", "details")

    def __init__(
        self,
        as_of: str,
        reports: list[ReportProgress],
        totals: Totals,
        details: bool = False,  # tables: every item even when there are hundreds
    ) -> None:
        self.as_of = as_of
        self.reports = reports
        self.totals = totals
        self.details = details


def item_progress(
    item: Item,
    actions: list[Action],
    as_of: date,
    amber_days: int = AMBER_DAYS,
    measures: list[Measure] | None = None,
) -> ItemProgress:
    return progress_of(item, counts.tally(actions), as_of, amber_days, measures)


def progress_of(
    item: Item,
    tally: Counts,
    as_of: date,
    amber_days: int = AMBER_DAYS,
    measures: list[Measure] | None = None,
) -> ItemProgress:
    """An item's progress from the counts of its actions (domain.counts)."""
    return _progress(item, tally, judge(item, tally, as_of, amber_days, measures))


def _progress(item: Item, tally: Counts, judged: Judged) -> ItemProgress:
    status, overdue, next_due, gauges, rating, why = judged
    return ItemProgress(
        id=item["id"],
        kind=item["kind"],
        text=item["text"],
        question=item.get("question"),
        status=status,
        deadline=item.get("deadline"),
        truncated=bool(item.get("truncated")),
        actions_total=tally["live"],
        actions_done=tally["done"],
        actions_overdue=overdue,
        actions_blocked=tally["blocked"],
        next_due=next_due,
        owners=counts.owner_names(tally),
        rag=rating,
        why=why,
        measures=gauges,
        response=_verdict(item),
    )


# What judge() makes of an item: its status, overdue actions, next due date,
# measures, RAG rating and the reason for it.
Judged = tuple[str, int, str | None, list[MeasureProgress], Rag, str]


def judge(
    item: Item,
    tally: Counts,
    as_of: date,
    amber_days: int = AMBER_DAYS,
    measures: list[Measure] | None = None,
) -> Judged:
    """What progress_of and tally_items make of an item: its status, overdue
    actions, next due date, measures, RAG rating and the reason for it. This runs
    for every item of every report, 33k items in a large store."""
    next_due = counts.next_due(tally)
    overdue = counts.overdue(tally, as_of) if next_due is not None else 0
    status = item.get("status", _OPEN)
    # Most items have no measure: no sort, no list to build for them.
    gauges = (
        [measure_progress(m, as_of) for m in sorted(measures, key=_by_handle)] if measures else []
    )
    missed = next((g.missed for g in gauges if g.missed), None) if gauges else None
    proposed = item.get("proposed_at")
    rating, why = rag(
        status,
        tally["live"],
        tally["open"],
        overdue,
        tally["blocked"],
        next_due,
        item.get("deadline"),
        as_of,
        amber_days,
        proposed=date.fromisoformat(proposed[:10]) if proposed else None,
        measure_missed=missed,
    )
    return status, overdue, next_due, gauges, rating, why


def tally_items(
    items: Iterable[Item],
    by_item: Mapping[str, Counts],
    as_of: date,
    amber_days: int = AMBER_DAYS,
    measures: Mapping[str, list[Measure]] | None = None,
    judged: list[Judged] | None = None,
) -> Totals:
    """The totals of `items`, as adding each one's progress_of would make them,
    without building a progress record per item (judge() rates each). Each
    item's judgement is appended to `judged`, if given, for a progress record
    made later (_questions) not to judge it again."""
    totals = Totals()
    count = totals.count
    none = counts.empty()
    gauges = measures or {}
    keep = judged.append if judged is not None else None
    for item in items:
        tally = by_item.get(item["id"], none)
        verdict = judge(item, tally, as_of, amber_days, gauges.get(item["id"]))
        if keep is not None:
            keep(verdict)
        count(verdict[0], tally["live"], tally["done"], verdict[1], verdict[4])
    return totals


def _verdict(item: Item) -> str | None:
    response = item.get("response")
    return response["verdict"] if response else None


def _by_handle(record: Measure) -> int:
    return handle_number(record.get("id", ""))


def response_due(report: Report) -> str | None:
    """Publication + 56 days, for police reports (a PCC's s55 response date)."""
    published = report.get("published")
    if not published or "fire" in (report.get("programme", "") + report.get("force", "")).lower():
        return None
    return (date.fromisoformat(published) + timedelta(days=S55_DAYS)).isoformat()


def compute(
    snap: Snapshot, as_of: date, report_key: str | None = None, amber_days: int = AMBER_DAYS
) -> StatusView:
    # One grouping pass each: actions by item, items by report. Each report's
    # totals come from tally_items; its questions (a progress record per item,
    # in reading order) are built only when a format asks for them: the text
    # summary of many reports shows totals alone.
    # Status counts actions: it needs neither their notes and evidence nor their order.
    by_item = snap.item_counts(COUNTED)
    measures: dict[str, list[Measure]] = {}
    for measure in snap.measures:
        measures.setdefault(measure["item"], []).append(measure)
    chosen = snap.sorted_reports(report_key)
    # The file's order, grouped by report: reading_order() sorts a report's items
    # when its questions are asked for.
    items_by_report: dict[str, list[Item]] = {r["key"]: [] for r in chosen}
    for item in cast(dict[str, Item], snap.tables["items"]).values():
        mine = items_by_report.get(item["report"])
        if mine is not None:
            mine.append(item)
    overall = Totals()
    reports = []
    for report in chosen:
        items = items_by_report[report["key"]]
        judged: list[Judged] = []
        totals = tally_items(items, by_item, as_of, amber_days, measures, judged)
        due = response_due(report)
        reports.append(
            ReportProgress(
                report["key"],
                report["title"],
                report.get("force", ""),
                report.get("judgement"),
                report.get("published"),
                due,
                partial(_questions, report, items, judged, by_item),
                totals,
                response_passed=is_overdue(due, as_of) and response_outstanding(items, as_of),
            )
        )
        overall.merge(totals)
    return StatusView(as_of.isoformat(), reports, overall)


def _questions(
    report: Report, items: list[Item], judged: list[Judged], by_item: Mapping[str, Counts]
) -> list[QuestionProgress]:
    """A report's questions with each item's progress, in reading order, from
    the judgements tally_items made of `items` (one each, in the same order)."""
    none = counts.empty()
    loose: list[ItemProgress] = []
    by_question: dict[str | None, list[ItemProgress]] = {}
    for item, verdict in sorted(zip(items, judged, strict=True), key=lambda p: reading_key(p[0])):
        p = _progress(item, by_item.get(item["id"], none), verdict)
        if p.question:
            by_question.setdefault(p.question, []).append(p)
        else:
            loose.append(p)
    questions: list[QuestionProgress] = []
    if loose:
        questions.append(QuestionProgress(None, "", None, loose))
    for q in report.get("questions", []):
        questions.append(
            QuestionProgress(
                q["number"], q["text"], q.get("judgement"), by_question.get(q["number"], [])
            )
        )
    for question in questions:
        for p in question.items:
            question.totals.add(p)
    return questions
