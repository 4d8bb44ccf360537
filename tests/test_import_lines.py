"""A dry run shows where in the source each item was read, to check against the page."""

from __future__ import annotations

import json
from pathlib import Path

from afi_tracker.importers import parse_text
from tests.conftest import SAMPLE_2018, invoke


def test_each_item_knows_its_source_lines():
    lines = [i.lines for i in parse_text(SAMPLE_2018.read_text(encoding="utf-8")).items]
    # Bullets one line each; the quoted 2017 recommendation is its lead-in and 3 bullets.
    assert lines == [(38, 38), (39, 39), (101, 105), (122, 122), (171, 171), (172, 172),
                     (173, 173), (174, 174)]  # fmt: skip
    source = SAMPLE_2018.read_text(encoding="utf-8").splitlines()
    assert source[100].startswith("In our 2017 legitimacy report")
    assert source[104].strip().startswith("• publish the analysis")


def test_a_wrapped_bullet_spans_its_lines():
    text = (
        "Areas for improvement\n\n• The force should review its approach to\n"
        "  unconscious bias training.\n• The force should act.\n"
    )
    assert [i.lines for i in parse_text(text).items] == [(3, 4), (5, 5)]


def test_dry_run_shows_line_ranges_in_table_and_json(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    table = invoke(runner, "--db", str(db), "import", str(SAMPLE_2018), "--dry-run")
    assert table.exit_code == 0, table.output
    assert "Lines" in table.stdout and "101-105" in table.stdout
    result = invoke(
        runner, "--db", str(db), "import", str(SAMPLE_2018), "--dry-run", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [i["source_lines"] for i in data["items"]][:3] == [[38, 38], [39, 39], [101, 105]]
    assert not db.exists()
