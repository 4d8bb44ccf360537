"""Every table view reads at any terminal width (issue #14).

Each view is drawn at 60, 80, 100, 120 and 200 columns on a store with long
item texts and long owner names: no line is wider than the terminal, no
column is empty, every handle is there, each item's words read in order, and
each red item says why.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.conftest import ROOT, invoke, on

WIDTHS = [60, 80, 100, 120, 200]
AS_OF = "02/04/2025"
WORK_DAY = "2025-01-06"  # the fixtures' work is recorded on this simulated day, before AS_OF
LONG_OWNER = "Detective Chief Superintendent Alexandra Montgomery-Smythe"


def run(runner, db, *args, width=200):
    from afi_tracker.cli import app

    env = {**os.environ, "COLUMNS": str(width)}
    result = runner.invoke(app, ["--db", str(db), *args], env=env)
    assert result.exit_code in (0, 1), result.output  # check exits 1 on failures
    return result.stdout


@pytest.fixture
def long_store(runner, db):
    add = [
        ("I1", "Deliver unconscious bias training to every response officer", LONG_OWNER),
        ("I2", "Publish quarterly stop and search disproportionality analysis", "Sgt Khan"),
        ("I2", "Commission an independent academic review of searches", LONG_OWNER),
        ("I4", "Business case for counter-corruption analysts and digital forensics", "DCI Ahmed"),
    ]
    with on(WORK_DAY):
        for item, title, owner in add:
            result = invoke(
                runner, "--db", str(db), "add", item, title, "--owner", owner, "--due", "01/03/2025"
            )
            assert result.exit_code == 0, result.output
        invoke(runner, "--db", str(db), "done", "A2", "-e", "https://example.org/analysis")
    return db


VIEWS = [
    ("status", "--as-of", AS_OF),
    ("status", "--by", "owner", "--as-of", AS_OF),
    ("list", "--as-of", AS_OF),
    ("due", "--within", "8w", "--as-of", AS_OF),
    ("items",),
    ("reports",),
    ("timeline",),
    ("log",),
    ("check", "--as-of", AS_OF),
]


def empty_columns(out: str) -> list[tuple[int, int]]:
    """Column spans (from the ─── rule under a header) that no row below fills."""
    lines = out.splitlines()
    empty = []
    for index, line in enumerate(lines):
        if not re.fullmatch(r"─+(  ─+)*", line):
            continue
        rows = []
        for below in lines[index + 1 :]:
            if not below.strip():
                break
            rows.append(below)
        for match in re.finditer(r"─+", line):
            span = (match.start(), match.end())
            if rows and not any(row[span[0] : span[1]].strip() for row in rows):
                empty.append(span)
    return empty


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: " ".join(v[:3]))
def test_every_view_fits_the_width_with_no_empty_column(runner, long_store, view, width):
    out = run(runner, long_store, *view, width=width)
    too_wide = [line for line in out.splitlines() if len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}:\n" + "\n".join(too_wide)
    assert not empty_columns(out), out


def handles(runner, db, *args):
    data = json.loads(run(runner, db, *args, "-f", "json"))
    return [row["id"] for row in data]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_handle_is_shown(runner, long_store, width):
    actions = handles(runner, long_store, "list")
    items = handles(runner, long_store, "items")
    for args, wanted in (
        (("list", "--as-of", AS_OF), actions),
        (("items",), items),
        (("status", "--as-of", AS_OF), items),
    ):
        shown = re.findall(r"^(?:[AI]\d+)\b", run(runner, long_store, *args, width=width), re.M)
        assert shown == wanted, args


def blocks(out: str) -> dict[str, str]:
    """Each item's lines: from the line starting with its handle to the next handle."""
    found: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        match = re.match(r"(I\d+)\s", line)
        if match:
            current = match.group(1)
            found[current] = []
        elif line and not line.startswith(" "):
            current = None  # a question heading or a summary line
        if current:
            found[current].append(line)
    return {handle: "\n".join(lines) for handle, lines in found.items()}


def reads_in_order(words: list[str], text: str) -> bool:
    stream = iter(text.split())
    return all(any(word == token for token in stream) for word in words)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["status", "items"])
def test_each_item_reads_in_order(runner, long_store, command, width):
    items = json.loads(run(runner, long_store, "items", "-f", "json"))
    args = (command, "--as-of", AS_OF) if command == "status" else (command,)
    shown = blocks(run(runner, long_store, *args, width=width))
    for item in items:
        words = item["text"].split()
        assert reads_in_order(words, shown[item["id"]]), (item["id"], shown[item["id"]])


@pytest.mark.parametrize("width", WIDTHS)
def test_each_red_item_says_why(runner, long_store, width):
    data = json.loads(run(runner, long_store, "status", "--as-of", AS_OF, "-f", "json"))
    red = {
        item["id"]: item["why"]
        for report in data["reports"]
        for question in report["questions"]
        for item in question["items"]
        if item["rag"] == "red"
    }
    assert {"I1", "I3", "I4"} <= set(red)  # overdue, report deadline passed, overdue
    shown = blocks(run(runner, long_store, "status", "--as-of", AS_OF, width=width))
    for handle, why in red.items():
        assert reads_in_order(why.split(), shown[handle]), (handle, why, shown[handle])


@pytest.mark.parametrize("width", WIDTHS)
def test_columns_left_out_are_shown_under_the_text(runner, long_store, width):
    """A narrow table leaves columns out but not their values: next due and owners
    of each item in status, and each action's due date and owner in list."""
    data = json.loads(run(runner, long_store, "status", "--as-of", AS_OF, "-f", "json"))
    shown = blocks(run(runner, long_store, "status", "--as-of", AS_OF, width=width))
    for question in data["reports"][0]["questions"]:
        for item in question["items"]:
            block = shown[item["id"]]
            for owner in item["owners"]:
                assert reads_in_order(owner.split(), block.replace(",", " ")), block
            if item["next_due"]:
                assert item["next_due"] in block, (item["id"], block)
            if item["actions_total"]:
                assert f"{item['actions_done']}/{item['actions_total']}" in block
    out = run(runner, long_store, "list", "--as-of", AS_OF, width=width)
    rows = re.split(r"^(?=A\d+\s)", out, flags=re.M)[1:]
    actions = json.loads(run(runner, long_store, "list", "-f", "json"))
    for action, row in zip(actions, rows, strict=True):
        assert row.startswith(action["id"]) and action["due"] in row, row
        assert reads_in_order(action["owner"].split(), row), row


@pytest.fixture
def many_reports(runner, db):
    """Nine copies of the sample report under long keys: 72 items, more than a table shows."""
    sample = str(ROOT / "samples" / "west-mercia-peel-2018-legitimacy.txt")
    with on(WORK_DAY):
        for n in range(1, 9):
            key = f"west-mercia-peel-2018-legitimacy-copy-{n}"
            result = invoke(runner, "--db", str(db), "import", sample, "--key", key, "--copy")
            assert result.exit_code == 0, result.output
        invoke(runner, "--db", str(db), "add", "I9", "Train", "--owner", "o", "--due", "01/03/2025")
    return db


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summary_of_many_reports_reads_at_any_width(runner, many_reports, width):
    out = run(runner, many_reports, "status", "--as-of", AS_OF, width=width)
    assert not [line for line in out.splitlines() if len(line) > width], out
    assert not empty_columns(out), out
    data = json.loads(run(runner, many_reports, "status", "--as-of", AS_OF, "-f", "json"))
    lines = out.splitlines()
    for report in data["reports"]:
        # The key whole at the start of its row, then the report's headline figures.
        [at] = [n for n, line in enumerate(lines) if line.split()[:1] == [report["key"]]]
        row = " ".join(lines[at : at + 4])
        rag = " ".join(f"{k[0].upper()}{report['rag'][k]}" for k in ("red", "amber", "green"))
        for figure in (f"{report['items_complete']}/{report['items_total']}", rag):
            assert figure in row, (figure, row)
        if width >= 80:  # a table: actions done/total is a column or under the key
            assert f"{report['actions_done']}/{report['actions_total']}" in row, row
    assert "All reports: 0/72 items complete" in " ".join(out.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_columns_left_out_are_folded_under_the_widest_text(runner, db, width):
    """Regression: `afi due` at 80 columns folded "Item: I3 · Status: planned" into the
    10-character Owner column, one fragment a line. Each left-out value stays whole."""
    with on(WORK_DAY):
        for item, title, owner in [
            ("I3", "Publish stop and search analysis", "DS Jones"),
            ("I2", "Joint review", "Insp Patel"),
        ]:
            result = invoke(
                runner, "--db", str(db), "add", item, title, "--owner", owner, "--due", "01/04/2025"
            )
            assert result.exit_code == 0, result.output
    out = run(runner, db, "due", "--as-of", AS_OF, width=width)
    lines = out.splitlines()
    assert not [line for line in lines if line.strip() in ("·", "Item:", "Status:")], out
    for handle, item in (("A1", "I3"), ("A2", "I2")):
        row = next(line for line in lines if re.search(rf"\b{handle}\b", line))
        assert re.search(rf"\b{item}\b", row) or any(f"Item: {item}" in line for line in lines), out


@pytest.mark.parametrize("width", WIDTHS)
def test_show_fits_the_width_without_padding(runner, long_store, width):
    """Regression: `afi show` padded every line with spaces to the terminal's width,
    in a file too. Lines now end at their last character, wrapped under the value."""
    for handle in ("I1", "A1"):
        out = run(runner, long_store, "show", handle, width=width)
        lines = out.splitlines()
        assert lines and all(line == line.rstrip() for line in lines), out
        assert all(len(line) <= width for line in lines), out
        data = json.loads(run(runner, long_store, "show", handle, "-f", "json"))
        text = data.get("text") or data.get("title")
        assert reads_in_order(text.split(), " ".join(lines)), out
