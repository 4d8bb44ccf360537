"""Every RAG rule in docs/status.md, as a user meets it: made with afi commands
and seen through `afi status --as-of` (issue #14). The documented reasons and
these cases are checked against each other, so neither can drift."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from tests.conftest import ROOT, invoke, on
from tests.test_widths import blocks, reads_in_order

DUE = ("--owner", "Insp Patel", "--due")
IN_45_DAYS = (date.today() + timedelta(days=45)).strftime("%d/%m/%Y")

# (the reason documented, the commands that make it, the item, the --as-of date, its rating)
CASES = [
    (
        "signed off",
        [
            ("add", "I1", "Train", *DUE, "01/03/2025"),
            ("done", "A1", "-e", "register.xlsx"),
            ("item", "close", "I1", "-e", "minutes.pdf"),
            ("item", "sign-off", "I1", "--by", "ACC Smith"),
        ],
        "I1",
        "02/04/2025",
        "complete",
    ),
    (
        "superseded",
        [("item", "set", "I4", "--status", "superseded", "--reason", "the 2021 AFI")],
        "I4",
        "02/04/2025",
        "closed",
    ),
    (
        "no-further-action",
        [("item", "set", "I4", "--status", "no-further-action", "--reason", "met")],
        "I4",
        "02/04/2025",
        "closed",
    ),
    (
        "2 overdue actions",
        [("add", "I1", "Train", *DUE, "01/03/2025"), ("add", "I1", "Audit", *DUE, "31/03/2025")],
        "I1",
        "02/04/2025",
        "red",
    ),
    (
        "report deadline 31 Jul 2018 passed",
        [("add", "I3", "Publish analysis", *DUE, "30/06/2030")],
        "I3",
        "01/08/2018",
        "red",
    ),
    ("no action", [], "I5", "02/04/2025", "red"),
    (
        "no open action",
        [
            ("add", "I1", "Train", *DUE, "01/03/2025"),
            ("done", "A1", "-e", "register.xlsx"),
            ("item", "set", "I1", "--status", "open", "--reason", "more to do"),
        ],
        "I1",
        "02/04/2025",
        "red",
    ),
    (
        "1 blocked",
        [("add", "I4", "Business case", *DUE, "30/06/2030"), ("block", "A1", "--reason", "budget")],
        "I4",
        "02/04/2025",
        "amber",
    ),
    (
        "action due 10 Apr 2025",
        [("add", "I2", "Audit", *DUE, "10/04/2025")],
        "I2",
        "02/04/2025",
        "amber",
    ),
    (
        "report deadline 31 Jul 2018",
        [("add", "I3", "Publish analysis", *DUE, "30/06/2030")],
        "I3",
        "20/07/2018",
        "amber",
    ),
    (
        "measure 72% < target 90%",
        [
            ("add", "I8", "Independent members", *DUE, "01/03/2025"),
            ("done", "A1", "-e", "boards.pdf"),
            (
                "measure",
                "add",
                "I8",
                "PDR completion",
                *("--baseline", "60%", "--baseline-date", "01/01/2025"),
                *("--target", "90%", "--by", "31/03/2025"),
            ),
            ("measure", "record", "M1", "72%", "--on", "15/03/2025"),
        ],
        "I8",
        "02/04/2025",
        "amber",
    ),
    (
        "awaiting sign-off 45 days",
        [
            ("add", "I1", "Train", *DUE, "01/03/2025"),
            ("done", "A1", "-e", "register.xlsx"),
            ("item", "close", "I1", "-e", "minutes.pdf"),
        ],
        "I1",
        IN_45_DAYS,
        "green",
    ),
    (
        "actions done: propose for closure",
        [("add", "I2", "Audit", *DUE, "01/03/2025"), ("done", "A1", "-e", "audit.pdf")],
        "I2",
        "02/04/2025",
        "green",
    ),
    ("on track", [("add", "I2", "Audit", *DUE, "30/06/2030")], "I2", "02/04/2025", "green"),
]


def documented_reasons() -> dict[str, str]:
    """reason -> rating, from the table under "RAG rules" in docs/status.md."""
    text = (ROOT / "docs" / "status.md").read_text(encoding="utf-8")
    table = text.split("### RAG rules", 1)[1].split("\n\n", 2)[2]
    found = {}
    for row in table.split("\n\n", 1)[0].splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        rating = cells[0].strip("*")
        for reason in re.findall(r"`([^`]+)`", cells[-1]):
            found[reason] = rating
    return found


def test_every_documented_reason_has_a_case_and_no_case_is_undocumented():
    assert documented_reasons() == {reason: rating for reason, _, _, _, rating in CASES}


@pytest.mark.parametrize(
    ("why", "commands", "handle", "as_of", "rag"), CASES, ids=[c[0] for c in CASES]
)
def test_each_rag_reason_through_status_as_of(
    runner, db, monkeypatch, why, commands, handle, as_of, rag
):
    # --as-of answers from what was recorded by then: the case's commands are recorded
    # on the simulated day before it (or today, when that is earlier).
    seen = date(*reversed([int(part) for part in as_of.split("/")]))
    with on(min(seen - timedelta(days=1), date.today()).isoformat()):
        for args in commands:
            result = invoke(runner, "--db", str(db), *args)
            assert result.exit_code == 0, result.output
    result = invoke(runner, "--db", str(db), "status", "--as-of", as_of, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rated = {
        i["id"]: (i["rag"], i["why"]) for q in data["reports"][0]["questions"] for i in q["items"]
    }
    assert rated[handle] == (rag, why)
    # And the table says it too, at 80 columns, on the item's own lines.
    monkeypatch.setenv("COLUMNS", "80")
    table = invoke(runner, "--db", str(db), "status", "--as-of", as_of)
    assert reads_in_order(why.split(), blocks(table.stdout)[handle]), table.stdout
