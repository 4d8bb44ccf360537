"""`afi check`: rules that fail a CI pipeline when the improvement plan slips.

Each rule has a stable code and name. Failures make the check fail (exit 1);
warnings do not, unless --strict. Rules can be ignored or re-graded in the
config file ([check] ignore / error / warning) and by flags, which win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any

from afi_tracker.domain.model import (
    ITEM_CLOSED,
    Action,
    Item,
    ItemKind,
    ItemStatus,
    Measure,
    owners_of,
    owners_text,
)
from afi_tracker.domain.rules import (
    action_due_soon,
    action_overdue,
    is_live,
    is_open,
    is_overdue,
    is_stale,
    last_read,
    measure_missed,
    needs_action,
    proposer,
    real_evidence,
)
from afi_tracker.domain.safetext import shorten
from afi_tracker.errors import AfiError, InvalidValue, StoreCorrupt, StoreError
from afi_tracker.store.layout import DETAILS
from afi_tracker.store.store import Snapshot, Store, rewind
from afi_tracker.store.validate import problems


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # "error" or "warning"
    summary: str


RULES = (
    Rule("AFI100", "store-invalid", "error", "the store does not validate"),
    Rule("AFI101", "action-overdue", "error", "an open action is past its deadline"),
    Rule("AFI102", "item-without-action", "error", "an open item has no action planned"),
    Rule("AFI103", "action-without-owner", "error", "an open action has no owner"),
    Rule(
        "AFI104",
        "recommendation-past-deadline",
        "error",
        "a recommendation is past its own deadline and not complete",
    ),
    Rule(
        "AFI105",
        "sign-off-stale",
        "error",
        "an item has awaited sign-off for longer than the stale period",
    ),
    Rule(
        "AFI106",
        "measure-missed-target",
        "error",
        "a measure's target date has passed and its latest reading misses the target",
    ),
    Rule(
        "AFI107",
        "merge-conflict",
        "error",
        "a git merge left a field with two values (afi conflicts lists them)",
    ),
    Rule(
        "AFI108",
        "sync-conflict-copy",
        "error",
        "a synced folder left a conflict copy of the store beside it",
    ),
    Rule("AFI201", "action-due-soon", "warning", "an open action is due within the warn window"),
    Rule(
        "AFI202",
        "action-stale",
        "warning",
        "an open action has not been updated within the stale period",
    ),
    Rule(
        "AFI203",
        "closed-without-evidence",
        "warning",
        "an item was proposed for closure or completed with no evidence",
    ),
    Rule(
        "AFI204",
        "measure-without-reading",
        "warning",
        "a measure has had no reading for longer than the reading period",
    ),
    Rule(
        "AFI205",
        "recommendation-without-response",
        "warning",
        "a recommendation has no recorded response this long after its report was published",
    ),
    Rule(
        "AFI206",
        "closed-without-second-person",
        "warning",
        "an item was signed off by the person who proposed it, or on placeholder evidence",
    ),
)
_BY_CODE = {r.code: r for r in RULES}
_BY_NAME = {r.name: r for r in RULES}


def rule_code(text: str) -> str:
    """`AFI101` or `action-overdue` -> `AFI101`."""
    key = text.strip()
    if key.upper() in _BY_CODE:
        return key.upper()
    if key.lower() in _BY_NAME:
        return _BY_NAME[key.lower()].code
    raise InvalidValue(
        f'unknown rule "{text}"', hint="rules: " + ", ".join(f"{r.code} {r.name}" for r in RULES)
    )


@dataclass
class Options:
    as_of: date
    warn_within: timedelta = timedelta(days=14)
    stale_after: timedelta = timedelta(days=30)
    reading_after: timedelta = timedelta(days=90)
    # A PCC's s55 response is due 56 days after publication (Police Act 1996 s55(5A)).
    respond_within: timedelta = timedelta(days=56)
    severity: dict[str, str | None] = field(default_factory=dict)  # code -> error/warning/None
    report: str | None = None
    strict: bool = False
    # Judge the store as it was recorded by the end of this day (from the history), not now.
    recorded_by: date | None = None

    def grade(self, code: str) -> str | None:
        return self.severity.get(code, _BY_CODE[code].severity)


def severities(
    file_ignore: list[str],
    file_error: list[str],
    file_warning: list[str],
    ignore: list[str],
    error: list[str],
    warning: list[str],
) -> dict[str, str | None]:
    """Re-grading from the config file, then from flags, which win code by code."""
    graded: dict[str, str | None] = {}
    for codes, grade in (
        (file_ignore, None),
        (file_error, "error"),
        (file_warning, "warning"),
        (ignore, None),
        (error, "error"),
        (warning, "warning"),
    ):
        for code in codes:
            graded[rule_code(code)] = grade
    return graded


@dataclass(slots=True)
class Finding:
    code: str
    name: str
    severity: str
    report: str | None
    item: str | None
    id: str
    message: str


@dataclass
class CheckResult:
    as_of: str
    store: str
    strict: bool
    findings: list[Finding]
    items: dict[str, list[str]]  # report key -> item handles checked, for JUnit test cases

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.failures and not (self.strict and self.warnings)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


class CheckUnreadable(StoreCorrupt):
    """The store cannot be read at all, so nothing can be checked (exit 2)."""

    exit_code = 2


def run(store: Store, options: Options) -> CheckResult:
    try:
        # Tables are parsed as they are first read, so a damaged one may show
        # only during evaluation: it is the same unreadable store then.
        return _run(store, options)
    except StoreCorrupt:
        # Parses but does not validate (AFI100, a finding), or does not parse (exit 2).
        try:
            data = store.read_raw()
        except StoreError as exc:
            raise CheckUnreadable(exc.message, exc.hint, code=exc.code, **exc.data) from None
        findings = [
            Finding(
                "AFI100", "store-invalid", "error", None, None, "store", f"store {store.label}: {p}"
            )
            for p in problems(data)
        ]
        findings = [f for f in findings if options.grade("AFI100")]
        return CheckResult(options.as_of.isoformat(), store.label, options.strict, findings, {})
    except StoreError as exc:
        raise CheckUnreadable(exc.message, exc.hint, code=exc.code, **exc.data) from None


def _run(store: Store, options: Options) -> CheckResult:
    snap = store.load()
    if options.recorded_by is not None:
        snap = rewind(snap, options.recorded_by)
    if options.report is not None:
        snap.report(options.report)
    result = evaluate(snap, options, store.label)
    path = getattr(store.storage, "path", None)
    if path is not None and options.grade("AFI108"):
        from afi_tracker.store.synced import conflict_copies

        for copy in conflict_copies(path):
            result.findings.append(
                Finding(
                    "AFI108",
                    "sync-conflict-copy",
                    options.grade("AFI108") or "error",
                    None,
                    None,
                    copy.name,
                    f"{copy.name} is a synced folder's conflict copy of {path.name}: "
                    "merge it in, then delete it",
                )
            )
    return result


def evaluate(snap: Snapshot, options: Options, label: str = "store") -> CheckResult:
    as_of = options.as_of
    items = snap.ordered_items(options.report)
    # The rules read each action's hot fields; only the evidence rules (AFI203,
    # AFI206) need details, and only for items awaiting sign-off or complete: at
    # 100k actions, joining every action's notes and evidence was most of a check.
    # One pass over the hot actions, in the order they lie in memory: each item's
    # open actions, and one of its live actions if it has any (all needs_action
    # asks). Judged item by item, every action was visited again, out of order.
    opened_of: dict[str, list[Action]] = {}
    live_of: dict[str, tuple[Action]] = {}
    for action in snap.hot_action_records():
        on = action["item"]
        if is_open(action):
            opened_of.setdefault(on, []).append(action)
        if on not in live_of and is_live(action):
            live_of[on] = (action,)
    closing = {i["id"] for i in items if i.get("status") in _EVIDENCED}
    evidenced: dict[str, list[Action]] = {}
    if closing:
        for action in snap.actions_where(lambda a: a["item"] in closing):
            evidenced.setdefault(action["item"], []).append(action)
    else:  # no action's details are needed, but damaged ones are still unreadable (exit 2)
        snap.check_table(DETAILS["actions"])
    findings: list[Finding] = []
    checked: dict[str, list[str]] = {}
    # Graded once per check, not once per finding (tens of thousands at 100k actions).
    graded = {code: (rule.name, options.grade(code)) for code, rule in _BY_CODE.items()}
    keep = findings.append

    def add(code: str, report: str | None, item: str | None, rid: str, message: str) -> None:
        name, grade = graded[code]
        if grade is not None:
            keep(Finding(code, name, grade, report, item, rid, message))

    published_on: dict[str, date | None] = {}
    by_measured: dict[str, list[Measure]] = {}
    for measure in snap.measures:
        by_measured.setdefault(measure["item"], []).append(measure)

    # The statuses and kinds as plain strings: a str compared with a StrEnum
    # member takes three times as long as with a str (for each of 33k items).
    recommendation = ItemKind.RECOMMENDATION.value
    awaiting, complete = ItemStatus.AWAITING_SIGN_OFF.value, ItemStatus.COMPLETE.value
    set_aside = frozenset({ItemStatus.SUPERSEDED.value, ItemStatus.NO_FURTHER_ACTION.value})
    closed = frozenset(s.value for s in ITEM_CLOSED)
    warn_within, stale_after = options.warn_within, options.stale_after
    stale: dict[str, date | None] = {}  # each `updated` stamp's day when stale, else None
    none: list[Action] = []
    nothing: tuple[Action, ...] = ()
    handles: list[str] = []
    report_key = None
    for item in items:
        key, handle = item["report"], item["id"]
        if key != report_key:  # items come report by report
            handles = checked.setdefault(key, [])
            report_key = key
        handles.append(handle)
        status = item.get("status", ItemStatus.OPEN)
        if needs_action(item, live_of.get(handle, nothing)):
            add("AFI102", key, handle, handle, f"{handle} has no action: {_short(item['text'])}")
        deadline = item.get("deadline")
        is_recommendation = item["kind"] == recommendation
        if is_recommendation and deadline and status not in closed and is_overdue(deadline, as_of):
            add(
                "AFI104",
                key,
                handle,
                handle,
                f"{handle} is past its deadline {deadline} and not complete",
            )
        if status == awaiting:
            since = _proposed_on(item, snap)
            if since is not None and is_stale(since, as_of, options.stale_after):
                add(
                    "AFI105",
                    key,
                    handle,
                    handle,
                    f"{handle} has awaited sign-off since {since.isoformat()}",
                )
        measured = by_measured.get(handle)
        if measured and status not in set_aside:
            for measure in sorted(measured, key=lambda m: m["id"]):
                mid = measure["id"]
                missed = measure_missed(measure, as_of)
                if missed:
                    add(
                        "AFI106",
                        key,
                        handle,
                        mid,
                        f"{mid} ({handle}) missed its target by {measure['by']}: {missed}: "
                        f"{_short(measure['name'])}",
                    )
                since = last_read(measure)
                if status != complete and is_stale(since, as_of, options.reading_after):
                    add(
                        "AFI204",
                        key,
                        handle,
                        mid,
                        f"{mid} ({handle}) has had no reading since {since.isoformat()}: "
                        f"{_short(measure['name'])}",
                    )
        if is_recommendation and not item.get("response"):
            if key not in published_on:  # once per report, not once per item
                published_on[key] = _published(snap, key)
            published = published_on[key]
            if published is not None and as_of > published + options.respond_within:
                add(
                    "AFI205",
                    key,
                    handle,
                    handle,
                    f"{handle} has no response {(as_of - published).days} days after "
                    f"publication ({published.isoformat()})",
                )
        done = status == complete
        if done or status == awaiting:
            whole = evidenced.get(handle, none)
            if not _has_evidence(item, whole):
                add("AFI203", key, handle, handle, f"{handle} is {status} with no evidence")
            elif done and not real_evidence(item, whole):
                add("AFI206", key, handle, handle, f"{handle} was closed on placeholder evidence")
        if done:
            signer, maker = item.get("signed_off_by"), proposer(item)
            if signer and maker and signer == maker:
                add(
                    "AFI206",
                    key,
                    handle,
                    handle,
                    f"{handle} was proposed and signed off by {signer}",
                )
        # Only open actions are judged: sorted by id (as text), the others not at all.
        opened = opened_of.get(handle, none)
        if len(opened) > 1:
            opened.sort(key=_ID)
        for action in opened:
            aid = action["id"]
            due = action.get("due")
            owners = owners_of(action)
            if action_overdue(action, as_of):
                add(
                    "AFI101",
                    key,
                    handle,
                    aid,
                    f"{aid} ({handle}) is overdue: due "
                    f"{due}, owner {owners_text(action) or 'none'}: "
                    f"{_short(action['title'])}",
                )
            elif action_due_soon(action, as_of, warn_within):
                add(
                    "AFI201",
                    key,
                    handle,
                    aid,
                    f"{aid} ({handle}) is due {due}, "
                    f"owner {owners_text(action) or 'none'}: {_short(action['title'])}",
                )
            if not owners:
                add("AFI103", key, handle, aid, f"{aid} ({handle}) has no owner")
            stamp = action.get("updated") or action.get("created") or ""
            if stamp in stale:
                updated = stale[stamp]
            else:
                updated = _day(stamp)
                if updated is not None and not is_stale(updated, as_of, stale_after):
                    updated = None
                stale[stamp] = updated
            if updated is not None:
                add(
                    "AFI202",
                    key,
                    handle,
                    aid,
                    f"{aid} ({handle}) has not been updated since {updated.isoformat()}",
                )
    if options.grade("AFI107"):
        from afi_tracker.reports.conflicts import open_conflicts

        for clash in open_conflicts(snap):
            on_item = clash.record if clash.table == "items" else None
            add("AFI107", None, on_item, clash.record, f"merge conflict: {clash.describe()}")
    return CheckResult(as_of.isoformat(), label, options.strict, findings, checked)


_ID = itemgetter("id")

# The item statuses whose closure the evidence rules judge (AFI203, AFI206).
_EVIDENCED = frozenset({ItemStatus.COMPLETE, ItemStatus.AWAITING_SIGN_OFF})


def _published(snap: Snapshot, key: str) -> date | None:
    """When a police report was published; None for fire reports (s55 is for police)."""
    from afi_tracker.reports.progress import response_due

    try:
        report = snap.report(key)
    except AfiError:
        return None
    if response_due(report) is None:
        return None
    return _day(report.get("published"))


def _short(text: str, width: int = 70) -> str:
    return shorten(text, width)


def _day(stamp: str | None) -> date | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _proposed_on(item: Item, snap: Snapshot) -> date | None:
    if item.get("proposed_at"):
        return _day(item["proposed_at"])
    # Stores written before proposed_at was kept: the history knows.
    latest = None
    for entry in snap.history:
        if (
            entry.get("uid") == item.get("uid")
            and entry["op"] == "update"
            and any(
                c["field"] == "status" and c.get("new") == ItemStatus.AWAITING_SIGN_OFF
                for c in entry.get("changes", [])
            )
        ):
            latest = entry["at"]
    return _day(latest)


def _has_evidence(item: Item, actions: list[Action]) -> bool:
    return bool(item.get("evidence")) or any(a.get("evidence") for a in actions)


def as_data(result: CheckResult) -> dict[str, Any]:
    """The stable JSON form: {"ok", "failures", "warnings"}, each entry with code, id, message."""

    def entry(f: Finding) -> dict[str, Any]:
        return {
            "code": f.code,
            "rule": f.name,
            "id": f.id,
            "item": f.item,
            "report": f.report,
            "message": f.message,
        }

    return {
        "ok": result.ok,
        "as_of": result.as_of,
        "strict": result.strict,
        "failures": [entry(f) for f in result.failures],
        "warnings": [entry(f) for f in result.warnings],
    }
