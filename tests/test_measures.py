"""Measures and commitments (issue #19): from the report's figures to outcomes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.api.measures import parse_value
from afi_tracker.domain.model import Measure, Rag, Reading
from afi_tracker.domain.rules import measure_latest, measure_missed, rag
from afi_tracker.errors import InvalidValue
from afi_tracker.reports.check import Options, evaluate
from afi_tracker.reports.progress import compute
from afi_tracker.store.store import Store
from tests.conftest import invoke, on


def ok(runner, *args: str):
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.output
    return result


def test_seed_findings_json_lists_the_four_figures_and_two_commitments(runner, db: Path):
    rows = json.loads(ok(runner, "--db", str(db), "findings", "--format", "json").stdout)
    figures = {(r["words"], r["question"]): r for r in rows if r["kind"] == "figure"}
    for words, question, phrase in [
        ("65 percent", "1", "around 65 percent of its workforce have received this training"),
        ("78 percent", "1", "Of those records, 78 percent contained reasonable grounds."),
        ("20 percent", "1", "20 percent of officers do not have up-to-date officer safety"),
        ("60 percent", "3", "PDR completion rates on the HR system are only at 60 percent"),
    ]:
        assert phrase in figures[(words, question)]["sentence"]
    assert figures[("78 percent", "1")]["of"] == 221
    assert figures[("65 percent", "1")]["items"] == ["I1", "I2", "I3"]
    deadlines = {r["deadline"] for r in rows if r["kind"] == "commitment"}
    assert {"2020-02-29", "2025-12-31"} <= deadlines


def test_a_measure_from_a_finding_through_three_readings_to_its_target(runner, db: Path):
    base = ("--db", str(db))
    # Recorded over simulated days: --as-of answers from what was recorded by then.
    with on("2024-12-02"):
        added = ok(
            runner, *base, "measure", "add", "I1", "--from-finding", "F1", "--target", "95%",
            "--by", "31/03/2026",
        )  # fmt: skip
        assert added.stdout == "M1\n"
        ok(
            runner,
            *base,
            "add",
            "I1",
            "Train every officer",
            "--owner",
            "Insp Patel",
            "--due",
            "eom",
        )
        ok(runner, *base, "done", "A1", "--evidence", "https://intranet/training")
    for value, day in (("72%", "31/03/2025"), ("85", "30/09/2025"), ("96 percent", "31/03/2026")):
        with on("-".join(reversed(day.split("/")))):  # each reading recorded on its day
            ok(
                runner,
                *base,
                "measure",
                "record",
                "M1",
                value,
                "--on",
                day,
                "--source",
                "HR system",
            )

    def measure(as_of: str) -> dict:
        rows = json.loads(
            ok(runner, *base, "measure", "list", "--as-of", as_of, "--format", "json").stdout
        )
        (row,) = rows
        return dict(row)

    before = measure("01/01/2025")
    assert (before["latest"], before["trend"], before["met"]) == (65, [65], False)
    assert before["baseline_date"] == "2019-09-27"
    assert before["source"]["finding"] == "F1"
    middle = measure("01/10/2025")
    assert (middle["latest"], middle["latest_on"], middle["trend"]) == (
        85,
        "2025-09-30",
        [65, 72, 85],
    )
    assert middle["progress"] == "not yet met"
    end = measure("01/04/2026")
    assert (end["latest"], end["met"], end["missed"]) == (96, True, None)
    assert end["sparkline"] == "▁▃▆█"

    def item1(as_of: str) -> dict:
        data = json.loads(ok(runner, *base, "status", "--as-of", as_of, "-f", "json").stdout)
        return dict(data["reports"][0]["questions"][0]["items"][0])

    assert item1("01/10/2025")["rag"] == "green"
    assert item1("01/04/2026")["measures"][0]["met"] is True
    table = ok(runner, *base, "status", "--as-of", "01/04/2026").stdout
    assert "M1 ▁▃▆█ 96% (baseline 65%, target 95% by 2026-03-31)" in table
    html = ok(runner, *base, "status", "--as-of", "01/04/2026", "-f", "html").stdout
    assert '<svg class="chart"' in html and "M1 trend" in html
    log = ok(runner, *base, "log").stdout
    assert "M1 reading + 96 on 2026-03-31" in log


def test_amber_when_actions_are_done_but_the_measure_missed_after_its_date(runner, db: Path):
    base = ("--db", str(db))
    with on("2025-12-01"):
        ok(runner, *base, "measure", "add", "I1", "Workforce trained", "--baseline", "65",
           "--baseline-date", "27/09/2019", "--target", "95", "--by", "31/03/2026")  # fmt: skip
        ok(runner, *base, "add", "I1", "Train", "--owner", "X", "--due", "31/12/2025")
        ok(runner, *base, "done", "A1", "--evidence", "x")
    with on("2026-03-01"):
        ok(runner, *base, "measure", "record", "M1", "72")

    def item1(as_of: str) -> tuple[str, str]:
        data = json.loads(ok(runner, *base, "status", "--as-of", as_of, "-f", "json").stdout)
        item = data["reports"][0]["questions"][0]["items"][0]
        return item["rag"], item["why"]

    assert item1("31/03/2026") == ("green", "actions done: propose for closure")
    assert item1("01/04/2026") == ("amber", "measure 72% < target 95%")
    with on("2026-04-15"):
        ok(runner, *base, "measure", "record", "M1", "95")
    assert item1("16/04/2026") == ("green", "actions done: propose for closure")


def test_rag_rule_and_its_boundaries():
    measure: Measure = {
        "uid": "1",
        "id": "M1",
        "item": "I1",
        "name": "officers trained",
        "source": None,
        "baseline": 65.0,
        "baseline_date": "2019-09-27",
        "target": 95.0,
        "by": "2026-03-31",
        "unit": "%",
        "direction": "higher",
        "readings": [{"value": 72.0, "on": "2026-01-10"}],
    }
    assert measure_missed(measure, date(2026, 3, 31)) is None  # its day is not over
    assert measure_missed(measure, date(2026, 4, 1)) == "measure 72% < target 95%"
    assert measure_latest(measure, date(2026, 1, 9)) == (65.0, "2019-09-27")
    readings: list[Reading] = [{"value": 30.0, "on": "2026-01-10"}]
    lower: Measure = {**measure, "direction": "lower", "target": 20.0, "baseline": 40.0}
    lower["unit"] = "days"
    lower["readings"] = readings
    assert measure_missed(lower, date(2026, 4, 1)) == "measure 30 days > target 20 days"
    readings.append({"value": 20.0, "on": "2026-02-01"})
    assert measure_missed(lower, date(2026, 4, 1)) is None
    why = "measure 72% < target 95%"
    done_args = ("in-progress", 1, 0, 0, 0, None, None, date(2026, 4, 1))
    assert rag(*done_args, measure_missed=why) == (Rag.AMBER, why)
    assert rag(*done_args) == (Rag.GREEN, "actions done: propose for closure")
    # Open work still rates by its actions; a signed-off item stays complete.
    assert rag("in-progress", 1, 1, 0, 0, None, None, date(2026, 4, 1), measure_missed=why)[0] == (
        Rag.GREEN
    )
    assert rag("complete", 1, 0, 0, 0, None, None, date(2026, 4, 1), measure_missed=why)[0] == (
        Rag.COMPLETE
    )


def _store_with_measure(db: Path, runner) -> Store:
    ok(runner, "--db", str(db), "measure", "add", "I8", "PDR completion", "--baseline", "60%",
       "--baseline-date", "27/09/2019", "--target", "90%", "--by", "31/03/2099")  # fmt: skip
    return Store.at(db)


def test_check_rules_measure_missed_and_without_reading(runner, db: Path):
    snap = _store_with_measure(db, runner).load()

    def codes(as_of: date) -> list[tuple[str, str, str]]:
        result = evaluate(snap, Options(as_of=as_of))
        return [(f.code, f.id, f.message) for f in result.findings if f.id == "M1"]

    today = date.fromisoformat(snap.measure("M1")["created"][:10])
    assert codes(today) == []
    assert codes(today + timedelta(days=92)) == [
        (
            "AFI204",
            "M1",
            f"M1 (I8) has had no reading since {today.isoformat()}: PDR completion",
        )
    ]
    late = codes(date(2099, 4, 1))
    assert (
        "AFI106",
        "M1",
        "M1 (I8) missed its target by 2099-03-31: measure 60% < target 90%: PDR completion",
    ) in late


def test_check_cli_names_the_new_rules(runner, db: Path):
    _store_with_measure(db, runner)
    result = invoke(runner, "--db", str(db), "check", "--as-of", "01/04/2099", "-f", "json")
    data = json.loads(result.stdout)
    assert "AFI106" in {f["code"] for f in data["failures"]}
    assert "AFI204" in {f["code"] for f in data["warnings"]}
    quiet = invoke(
        runner, "--db", str(db), "check", "--as-of", "01/04/2099", "--reading-after", "9999w",
        "-f", "json",
    )  # fmt: skip
    assert "AFI204" not in {f["code"] for f in json.loads(quiet.stdout)["warnings"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["measure", "record", "M1", "72 days"],
            'Error: value "72 days" is in days, but the measure is in % '
            "(give the value in %, or a bare number)",
        ),
        (
            ["measure", "record", "M1", "seventy"],
            'Error: value "seventy" is not a number (give a number, such as 72 or 72%)',
        ),
        (
            ["measure", "record", "M1", "72", "--on", "01/01/2019"],
            "Error: a reading on 2019-01-01 is before M1's baseline date 2019-09-27 "
            "(date the reading on or after the baseline date)",
        ),
        (
            ["measure", "add", "I1", "--from-finding", "F1", "--target", "50%", "--by", "eoy"],
            "Error: target 50% is below the baseline 65%, but higher is better "
            "(check the target, and --lower-is-better (given or not))",
        ),
        (
            ["measure", "add", "I1", "Days", "--baseline", "30", "--unit", "days",
             "--lower-is-better", "--target", "40", "--by", "2026-03-31"],
            "Error: target 40 days is above the baseline 30 days, but lower is better "
            "(check the target, and --lower-is-better (given or not))",
        ),
        (
            ["measure", "add", "I1", "--from-finding", "F99", "--target", "95", "--by", "eoy"],
            'Error: no finding "F99" in report west-mercia-peel-2018-legitimacy '
            "(run `afi findings --report KEY` to see its figures (F1...))",
        ),
        (
            ["measure", "record", "M9", "72"],
            'Error: no measure "M9" (run `afi measure list` to see measures)',
        ),
        (
            ["findings", "--adopt", "C9", "--owner", "X"],
            'Error: no commitment "C9" in report west-mercia-peel-2018-legitimacy '
            "(run `afi findings --report KEY` to see its commitments (C1...))",
        ),
        (
            ["findings", "--adopt", "C2", "--owner", "X"],
            "Error: C2 is under question 3, which has 4 items (I5, I6, I7, I8) "
            "(say which with --item ITEM: I5, I6, I7, I8)",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(runner, db: Path, args, message):
    ok(runner, "--db", str(db), "measure", "add", "I1", "--from-finding", "F1", "--target", "95",
       "--by", "2026-03-31")  # fmt: skip
    before = db.read_bytes()
    result = invoke(runner, "--db", str(db), *args)
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.strip() == message
    assert result.stdout == ""
    assert db.read_bytes() == before


def test_adopting_a_commitment_makes_an_action_that_quotes_it(runner, db: Path):
    base = ("--db", str(db))
    result = ok(runner, *base, "findings", "--adopt", "C1", "--owner", "Head of PSD")
    assert result.stdout == "A1\n"
    action = Store.at(db).load().action("A1")
    assert (action["item"], action["title"], action["due"]) == (
        "I4",
        "Bring all officers and staff up to date",
        "2020-02-29",
    )
    source = action.get("source")
    assert source is not None
    assert source["sentence"] == (
        "It plans to bring all officers and staff up to date by February 2020."
    )
    assert "Commitment C1 in the report" in action["notes"][0]["text"]
    ok(runner, *base, "findings", "--adopt", "C2", "--owner", "HR", "--item", "I8")
    ok(runner, *base, "undo")
    assert [a["id"] for a in Store.at(db).load().actions] == ["A1"]


def test_undo_a_reading_and_a_measure(runner, db: Path):
    base = ("--db", str(db))
    ok(runner, *base, "measure", "add", "I1", "--from-finding", "F1", "--target", "95",
       "--by", "2026-03-31")  # fmt: skip
    ok(runner, *base, "measure", "record", "M1", "70", "--on", "2025-01-01")
    ok(runner, *base, "undo")
    assert Store.at(db).load().measure("M1")["readings"] == []
    ok(runner, *base, "undo")
    assert Store.at(db).load().measures == []
    # Handles are never given twice.
    ok(runner, *base, "measure", "add", "I1", "--from-finding", "F1", "--target", "95",
       "--by", "2026-03-31")  # fmt: skip
    assert [m["id"] for m in Store.at(db).load().measures] == ["M2"]


def test_measure_completion_and_progress_library(runner, db: Path):
    from afi_tracker.cli import completion

    _store_with_measure(db, runner)
    assert completion.measures(db, "M") == [("M1", "I8: PDR completion")]
    assert completion.findings(db, "C", commitments=True)[0][0] == "C1"
    view = compute(Store.at(db).load(), date(2099, 4, 1))
    i8 = [i for q in view.reports[0].questions for i in q.items if i.id == "I8"][0]
    assert i8.measures[0].missed == "measure 60% < target 90%"


@given(
    value=st.decimals(min_value=0, max_value=10000, places=1, allow_nan=False),
    suffix=st.sampled_from(["", "%", " %", " percent", " per cent"]),
)
def test_parse_value_reads_any_number_in_its_unit(value, suffix):
    assert parse_value(f"{value}{suffix}", "%") == float(value)


@given(text=st.text(max_size=20))
def test_parse_value_refuses_or_reads_never_crashes(text):
    try:
        assert isinstance(parse_value(text, "days"), float)
    except InvalidValue as exc:
        assert exc.message.startswith(('value "', "value "))


def test_findings_csv(runner, db: Path):
    lines = ok(runner, "--db", str(db), "findings", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("kind,") and any(",C1," in line for line in lines)
