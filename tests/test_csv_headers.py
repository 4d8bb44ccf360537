"""A CSV listing has the same header whether or not anything matched.

`afi list -f csv`, `afi due -f csv` and `afi status --by owner -f csv` took
their header from the first row, and with no row from the table's columns:
fewer keys, in another order. A script reading `afi list --overdue -f csv`
in CI then met other columns on the day nothing was overdue."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.store.store import Store
from tests.conftest import invoke

COMMANDS = [("list",), ("due",), ("status", "--by", "owner")]


def header(runner, db: Path, *command: str) -> list[str]:
    result = invoke(runner, "--db", str(db), *command, "-f", "csv")
    assert result.exit_code == 0, result.output
    return next(csv.reader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_csv_listing_with_no_row_has_the_header_its_rows_would_have(runner, db, command):
    empty = header(runner, db, *command)
    tracker = Tracker(Store.at(db), by="tester", command="test", today=date(2025, 1, 6))
    tracker.add("I1", "Publish the analysis", ["Insp Patel"], "01/01/2020")
    assert header(runner, db, *command) == empty
