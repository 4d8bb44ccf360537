"""Status, due, timeline and export as a board or a CI job sees them."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from afi_tracker.render import ListFormat, PackFormat
from tests.conftest import invoke, on

AS_OF = "02/04/2025"
# The simulated day the fixtures' work is recorded: before every --as-of date read below,
# since --as-of answers from what was recorded by the end of that day.
WORK_DAY = "2025-01-06"


def run(runner, db, *args, code=0):
    result = invoke(runner, "--db", str(db), *args)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def busy(runner, db):
    """The shipped report with some work done on WORK_DAY, one action overdue as of AS_OF."""
    with on(WORK_DAY):
        run(
            runner,
            db,
            *("add", "I1", "Train supervisors", "--owner", "Insp Patel", "--due", "01/03/2025"),
        )
        run(runner, db, "add", "I2", "Audit searches", "--owner", "Sgt Khan", "--due", "10/04/2025")
        run(runner, db, "add", "I2", "Publish data", "--owner", "Sgt Khan", "--due", "30/06/2025")
        run(runner, db, "done", "A2", "-e", "audit.pdf")
    return db


def status_json(runner, db, *args):
    return json.loads(run(runner, db, "status", "--as-of", AS_OF, *args, "-f", "json").stdout)


def test_fresh_store_status_shows_everything_red_with_no_action(runner, db):
    data = status_json(runner, db)
    [report] = data["reports"]
    assert [(q["number"], q["judgement"]) for q in report["questions"]] == [
        ("1", "Requires improvement"),
        ("2", "Good"),
        ("3", "Requires improvement"),
    ]
    items = [i for q in report["questions"] for i in q["items"]]
    assert len(items) == 8 and {i["rag"] for i in items} == {"red"}
    assert report["items_without_action"] == 8


def test_status_json_schema_and_numbers_after_work(runner, busy):
    data = status_json(runner, busy)
    assert data["as_of"] == "2025-04-02"
    [report] = data["reports"]
    for key in (
        "key",
        "items_total",
        "items_complete",
        "items_without_action",
        "actions_total",
        "actions_done",
        "actions_overdue",
    ):
        assert key in report
    assert (
        report["actions_total"],
        report["actions_done"],
        report["actions_overdue"],
        report["items_without_action"],
    ) == (3, 1, 1, 6)
    items = {i["id"]: i for q in report["questions"] for i in q["items"]}
    for row in items.values():
        assert {"id", "status", "rag", "actions_total", "actions_done", "next_due"} <= set(row)
    assert (items["I1"]["rag"], items["I1"]["actions_overdue"]) == ("red", 1)
    assert (items["I2"]["rag"], items["I2"]["next_due"], items["I2"]["actions_done"]) == (
        "green",
        "2025-06-30",
        1,
    )
    assert data["totals"]["percent_done"] == 33


def test_status_table_shows_bars_numbers_and_rag(runner, busy):
    out = run(runner, busy, "status", "--as-of", AS_OF).stdout
    row_i2 = next(line for line in out.splitlines() if line.startswith("I2 "))
    assert row_i2.split()[:2] == ["I2", "GREEN"] and " 1/2 " in row_i2
    assert "0/8 items complete · actions 1/3 done, 1 overdue · 7 red, 1 green" in out
    assert "response due 2019-11-22 (passed)" in out


def test_as_of_is_deterministic(runner, busy):
    first = run(runner, busy, "status", "--as-of", AS_OF, "-f", "markdown").stdout
    assert run(runner, busy, "status", "--as-of", "2025-04-02", "-f", "markdown").stdout == first
    assert run(runner, busy, "status", "--as-of", "03/04/2025", "-f", "markdown").stdout != first


@pytest.mark.parametrize("fmt", list(ListFormat))
@pytest.mark.parametrize("command", ["status", "list", "due"])
def test_every_format_renders_every_reporting_command(runner, busy, command, fmt):
    out = run(runner, busy, command, "--format", fmt.value, "--as-of", AS_OF).stdout
    check_format(fmt.value, out)
    # status lists items; list and due list actions.
    assert ("I1" if command == "status" else "A1") in out


@pytest.mark.parametrize("fmt", [f for f in PackFormat if f is not PackFormat.xlsx])
def test_every_export_format(runner, busy, fmt):
    out = run(runner, busy, "export", "--format", fmt.value).stdout
    check_format(fmt.value, out)
    assert "The force should review its approach to unconscious bias" in out


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def check_format(fmt: str, out: str) -> None:
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out)))
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "@page { size: A4" in out
        assert "http://" not in out and "https://" not in out.replace("audit.pdf", "")
        parser = _Collect()
        parser.feed(out)
        assert "script" not in parser.tags and "link" not in parser.tags
    elif fmt == "svg":
        ET.fromstring(out)
    elif fmt == "markdown":
        assert "|---|" in out
    else:
        assert "\x1b" not in out


def test_owner_view_and_due_digest(runner, busy):
    owners = json.loads(
        run(runner, busy, "status", "--by", "owner", "--as-of", AS_OF, "-f", "json").stdout
    )
    assert [(o["owner"], o["open"], o["overdue"], o["due_soon"], o["done"]) for o in owners] == [
        ("Insp Patel", 1, 1, 0, 0),
        ("Sgt Khan", 1, 0, 0, 1),
    ]
    due = json.loads(
        run(runner, busy, "due", "--within", "2w", "--as-of", AS_OF, "-f", "json").stdout
    )
    assert [(d["owner"], d["id"], d["when"]) for d in due] == [
        ("Insp Patel", "A1", "32 days overdue")
    ]
    due = json.loads(
        run(runner, busy, "due", "--within", "100d", "--as-of", AS_OF, "-f", "json").stdout
    )
    assert [d["id"] for d in due] == ["A1", "A3"]


def test_timeline_by_month(runner, busy):
    rows = json.loads(run(runner, busy, "timeline", "-f", "json").stdout)
    assert [(r["month"], r["id"]) for r in rows] == [
        ("2018-07", "I3"),
        ("2025-03", "A1"),
        ("2025-04", "A2"),
        ("2025-06", "A3"),
    ]


def test_output_file(runner, busy, tmp_path):
    target = tmp_path / "board.html"
    result = run(runner, busy, "status", "--as-of", AS_OF, "-f", "html", "-o", str(target))
    assert result.stdout == "" and f"Wrote {target}" in result.stderr
    assert target.read_text().startswith("<!DOCTYPE html>")
    target = tmp_path / "status.txt"
    run(runner, busy, "status", "--as-of", AS_OF, "-o", str(target))
    assert "West Mercia PEEL 2018" in target.read_text() and "\x1b" not in target.read_text()


def test_export_pack_reads_well_outside_the_force(runner, busy):
    out = run(runner, busy, "export", "-f", "markdown").stdout
    assert "# West Mercia PEEL 2018" in out
    assert "- **Response due (s55, 56 days):** 2019-11-22" in out
    assert "| A2: Audit searches | Sgt Khan | 2025-04-10 | done | audit.pdf |" in out
    assert "No action recorded yet." in out
    rows = list(csv.DictReader(io.StringIO(run(runner, busy, "export", "-f", "csv").stdout)))
    assert len(rows) == 9  # 6 items with no action + 3 actions
    assert {r["item"] for r in rows} == {f"I{n}" for n in range(1, 9)}


HOSTILE = "<script>alert(1)</script> | [b]x[/b] *y* =cmd() \x1b[31m\u202e"


def test_hostile_titles_are_escaped_in_every_format(runner, db):
    with on(WORK_DAY):
        run(runner, db, "add", "I1", HOSTILE, "--owner", "=HYPERLINK(1)|x", "--due", "01/03/2025")
    md = run(runner, db, "list", "--as-of", AS_OF, "-f", "markdown").stdout
    row = next(line for line in md.splitlines() if line.startswith("| A1"))
    assert row.count(" | ") == 6  # seven columns, none split by the title's pipe
    assert "<script>" not in md and "\\<script\\>" in md
    html = run(runner, db, "list", "--as-of", AS_OF, "-f", "html").stdout
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    rows = list(csv.DictReader(io.StringIO(run(runner, db, "list", "-f", "csv").stdout)))
    assert rows[0]["owner"] == "'=HYPERLINK(1)|x"
    for fmt in ("table", "markdown", "html", "csv", "svg"):
        out = run(runner, db, "status", "--as-of", AS_OF, "-f", fmt).stdout
        assert "\x1b" not in out and "\u202e" not in out, fmt
    table = run(runner, db, "list", "--as-of", AS_OF).stdout
    assert "[b]x[/b] *y* =cmd()" in table


def test_unknown_report_key_is_exit_1(runner, db):
    for command in ("status", "due", "timeline", "export"):
        result = run(runner, db, command, "--report", "nope", code=1)
        assert (
            result.stderr == 'Error: no report "nope" (run `afi reports` to see the report keys)\n'
        )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # I1's action is due 01/03/2025; I2's open one 30/06/2025; I3 is due by July 2018.
        # (The amber report-deadline rule needs an action older than the deadline: see
        # tests/test_rules.py.)
        ("14/02/2025", {"I1": ("green", "on track"), "I2": ("green", "on track")}),
        ("15/02/2025", {"I1": ("amber", "action due 1 Mar 2025")}),  # 14 days ahead
        ("01/03/2025", {"I1": ("amber", "action due 1 Mar 2025")}),  # due today: not yet late
        ("02/03/2025", {"I1": ("red", "1 overdue action")}),
        ("16/06/2025", {"I2": ("amber", "action due 30 Jun 2025")}),
        ("15/06/2025", {"I2": ("green", "on track")}),
        ("01/07/2025", {"I2": ("red", "1 overdue action"), "I4": ("red", "no action")}),
        ("01/08/2018", {"I3": ("red", "report deadline 31 Jul 2018 passed")}),
    ],
)
def test_rag_reasons_move_with_as_of(runner, busy, as_of, expected):
    data = json.loads(run(runner, busy, "status", "--as-of", as_of, "-f", "json").stdout)
    rated = {
        i["id"]: (i["rag"], i["why"]) for q in data["reports"][0]["questions"] for i in q["items"]
    }
    assert {handle: rated[handle] for handle in expected} == expected


def test_awaiting_sign_off_says_for_how_long(runner, busy):
    run(runner, busy, "done", "A1", "-e", "training-register.xlsx")
    run(runner, busy, "item", "close", "I1", "-e", "board-minutes.pdf")
    data = json.loads(run(runner, busy, "status", "--as-of", "31/12/2099", "-f", "json").stdout)
    [i1] = [i for q in data["reports"][0]["questions"] for i in q["items"] if i["id"] == "I1"]
    from datetime import date

    days = (date(2099, 12, 31) - date.today()).days
    assert (i1["rag"], i1["why"]) == ("green", f"awaiting sign-off {days} days")


def test_response_date_is_marked_passed_only_without_a_published_response(runner, db):
    """The 56-day date is "(passed)" until each recommendation has a recorded
    response, as of the --as-of date: one recorded later does not count."""
    from datetime import date

    today = date.today().strftime("%d/%m/%Y")

    def passed(as_of):
        data = json.loads(run(runner, db, "status", "--as-of", as_of, "-f", "json").stdout)
        table = run(runner, db, "status", "--as-of", as_of).stdout
        shown = "response due 2019-11-22 (passed)" in " ".join(table.split())
        assert data["reports"][0]["response_passed"] is shown
        return shown

    assert passed("22/11/2019") is False  # the 56th day itself
    assert passed("23/11/2019") is True
    run(runner, db, "item", "respond", "I3", "--accepted", "--text", "We accept this.")
    assert passed(today) is False
    assert passed("23/11/2019") is True  # the response came later than that
