"""`afi status` totals each report without a progress record per item
(progress.tally_items), and builds the per-item records (the questions) only
when a format shows items. The totals must be exactly what adding up every
item's progress_of gives, and the text summary of many reports must not build
a single item's progress."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from afi_tracker.cli import app
from afi_tracker.domain import counts
from afi_tracker.domain.model import ItemKind, ItemStatus
from afi_tracker.domain.rules import is_overdue, iso_day, overdue_among
from afi_tracker.reports import progress
from afi_tracker.reports.progress import Totals, compute, progress_of, tally_items
from afi_tracker.store.storage import dump_store
from afi_tracker.store.store import Store

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2025, 3, 1)
_days = st.sampled_from(
    [None, "2025-02-28", "2025-03-01", "2025-03-02", "2025-03-15", "2025-03-16", "2025-06-01"]
)

_action = st.fixed_dictionaries(
    {
        "item": st.sampled_from(["I1", "I2", "I3", "I4"]),
        "status": st.sampled_from(["planned", "in-progress", "blocked", "done", "cancelled"]),
        "due": _days,
        "owners": st.lists(st.sampled_from(["Insp A", "DS B"]), max_size=2),
    }
)


@st.composite
def _item(draw: Any, number: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"I{number}",
        "kind": draw(st.sampled_from(list(ItemKind))),
        "text": "t",
        "report": "r",
        "status": draw(st.sampled_from(list(ItemStatus))),
    }
    deadline = draw(_days)
    if deadline:
        item["deadline"] = deadline
    if draw(st.booleans()):
        item["proposed_at"] = "2025-02-01T10:00:00+00:00"
    return item


@st.composite
def _measure(draw: Any, number: int) -> dict[str, Any]:
    return {
        "id": f"M{number}",
        "item": draw(st.sampled_from(["I1", "I2", "I3", "I4"])),
        "name": "m",
        "unit": "%",
        "direction": draw(st.sampled_from(["higher", "lower"])),
        "baseline": 50.0,
        "baseline_date": "2024-01-01",
        "target": draw(st.sampled_from([40.0, 60.0])),
        "by": draw(st.sampled_from(["2025-01-01", "2025-12-31"])),
        "readings": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "value": st.sampled_from([30.0, 55.0, 70.0]),
                        "on": st.sampled_from(["2024-06-01", "2025-02-01", "2025-05-01"]),
                    }
                ),
                max_size=2,
            )
        ),
    }


def _one_by_one(items: Any, by_item: Any, as_of: date, amber: int, measures: Any) -> Totals:
    """The per-item way: a progress record for each item, added up."""
    totals = Totals()
    for item in items:
        tally = by_item.get(item["id"], counts.empty())
        totals.add(progress_of(item, tally, as_of, amber, measures.get(item["id"])))
    return totals


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 4), unique=True).flatmap(
        lambda numbers: st.tuples(*[_item(n) for n in numbers])
    ),
    st.lists(_action, max_size=10),
    st.lists(st.integers(1, 3), unique=True).flatmap(
        lambda numbers: st.tuples(*[_measure(n) for n in numbers])
    ),
    st.sampled_from([DAY, date(2025, 3, 16), date(2024, 12, 31)]),
    st.sampled_from([0, 14, 30]),
)
def test_totals_without_per_item_records_equal_adding_up_each_items_progress(
    items, actions, measure_list, as_of, amber
):
    by_item = counts.by_item(actions)
    measures: dict[str, list[Any]] = {}
    for m in measure_list:
        measures.setdefault(m["item"], []).append(m)
    fast = tally_items(items, by_item, as_of, amber, measures)
    assert fast == _one_by_one(items, by_item, as_of, amber, measures)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bench store (bench/generate.py): 6 reports, 3,000 actions."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    data, _ = generate.build(3000, 6, seed=11)
    path = tmp_path_factory.mktemp("gen") / "store.json"
    path.write_bytes(dump_store(data))
    return path


@pytest.mark.parametrize("as_of", [date(2019, 1, 1), date(2023, 6, 30), date(2026, 11, 25)])
def test_status_totals_equal_the_per_item_ones_on_a_generated_store(generated: Path, as_of):
    snap = Store.at(generated).load()
    view = compute(snap, as_of, amber_days=14)
    by_item = counts.by_item(snap.actions)
    measures: dict[str, list[Any]] = {}
    for m in snap.measures:
        measures.setdefault(m["item"], []).append(m)
    overall = Totals()
    assert len(view.reports) == 6
    for report in view.reports:
        expected = _one_by_one(snap.ordered_items(report.key), by_item, as_of, 14, measures)
        assert report.totals == expected
        overall.merge(expected)
        # The questions, built on demand, hold their items in reading order.
        ordered = snap.ordered_items(report.key)
        loose = [i["id"] for i in ordered if not i.get("question")]
        wanted = [loose] if loose else []
        for q in snap.report(report.key).get("questions", []):
            wanted.append([i["id"] for i in ordered if i.get("question") == q["number"]])
        assert [[i.id for i in q.items] for q in report.questions] == wanted
    assert view.totals == overall


def test_the_text_summary_builds_no_items_progress(generated: Path, monkeypatch):
    """Many reports with many items: the table shows a line per report, so no
    item's progress record is made (the questions are never built)."""
    made: list[str] = []
    judged: list[str] = []
    real, real_judge = progress._progress, progress.judge

    def spy(item: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(item["id"])
        return real(item, *args, **kwargs)

    def spy_judge(item: Any, *args: Any, **kwargs: Any) -> Any:
        judged.append(item["id"])
        return real_judge(item, *args, **kwargs)

    monkeypatch.setattr(progress, "_progress", spy)
    monkeypatch.setattr(progress, "judge", spy_judge)
    result = CliRunner().invoke(app, ["--db", str(generated), "status", "--as-of", "1/6/2020"])
    assert result.exit_code == 0, result.output
    assert "6 reports, as of 2020-06-01" in result.output
    assert made == []
    everyone = len(Store.at(generated).load().items)
    assert len(judged) == len(set(judged)) == everyone
    # The formats that show items build every item's record, once, from the
    # judgement the totals were made from (no item is judged twice).
    judged.clear()
    result = CliRunner().invoke(app, ["--db", str(generated), "status", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert len(made) == len(set(made)) == everyone
    assert len(judged) == len(set(judged)) == everyone


def test_questions_are_built_once_when_asked_for(generated: Path):
    view = compute(Store.at(generated).load(), DAY - timedelta(days=2000))
    report = view.reports[0]
    assert not report.questions_built
    first = report.questions
    assert report.questions_built
    assert report.questions is first


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["2024-12-31", "2025-02-28", "2025-03-01", "2025-03-02", "2026-01-01"])
    ),
    st.sampled_from([date(2025, 3, 1), date(2025, 3, 2), date(2020, 1, 1), date(2030, 1, 1)]),
)
def test_overdue_among_sorted_dues_counts_what_is_overdue_says(dues, as_of):
    dues.sort()
    assert overdue_among(dues, as_of) == sum(is_overdue(due, as_of) for due in dues)


def test_status_leaves_its_store_and_view_to_exit(generated: Path, monkeypatch):
    """Freeing 33k items and their counts object by object as the command
    returns is work the process's exit does whole (cli.root._leave_to_exit)."""
    from afi_tracker.cli import reporting
    from afi_tracker.reports.progress import StatusView
    from afi_tracker.store.store import Snapshot

    left: list[tuple[object, ...]] = []
    monkeypatch.setattr(reporting, "_leave_to_exit", lambda *records: left.append(records))
    result = CliRunner().invoke(app, ["--db", str(generated), "status"])
    assert result.exit_code == 0, result.output
    [(snap, view)] = left
    assert isinstance(snap, Snapshot) and isinstance(view, StatusView)
    assert len(view.reports) == 6


@given(st.dates(), st.integers(0, 86399))
def test_iso_day_is_the_days_own_iso_form(day, seconds):
    assert iso_day(day) == day.isoformat()
    moment = datetime.combine(day, time()) + timedelta(seconds=seconds)
    assert iso_day(moment) == moment.isoformat()  # a datetime is never taken for its day
