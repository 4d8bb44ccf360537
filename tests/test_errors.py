"""The library says what is wrong; only the CLI names its commands and flags."""

from __future__ import annotations

import re

import pytest

from afi_tracker.cli.hints import HINTS, hint_for
from afi_tracker.errors import AfiError, NotFound
from tests.conftest import ROOT, invoke

LIBRARY = [
    p
    for p in (ROOT / "src" / "afi_tracker").rglob("*.py")
    if "cli" not in p.relative_to(ROOT / "src" / "afi_tracker").parts
]


def test_no_library_error_hint_names_a_flag_or_command():
    offenders = []
    for path in LIBRARY:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "hint=" in line and re.search(r"--[a-z]|`afi |afi\.toml|AFI_DB", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_code_the_library_raises_has_a_cli_hint():
    raised = set()
    for path in LIBRARY:
        raised |= set(re.findall(r'code="([a-z-]+)"', path.read_text(encoding="utf-8")))
    raised |= {"unknown-item", "unknown-action"}  # built as f"unknown-{noun}"
    assert raised <= set(HINTS), sorted(raised - set(HINTS))


def test_the_hint_is_worded_from_the_error_data():
    error = NotFound("no item", code="not-proposed", item="I3")
    assert hint_for(error) == "propose it first: afi item close I3 --evidence REF"
    assert hint_for(AfiError("x", hint="own hint")) == "own hint"
    assert hint_for(AfiError("x")) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("show", "I99"), 'Error: no item "I99" (run `afi items` to see item handles)\n'),
        (("show", "A99"), 'Error: no action "A99" (run `afi list` to see actions)\n'),
        (
            ("status", "--report", "nope"),
            'Error: no report "nope" (run `afi reports` to see the report keys)\n',
        ),
    ],
)
def test_cli_words_the_hint(runner, db, args, expected):
    result = invoke(runner, "--db", str(db), *args)
    assert result.exit_code == 1
    assert result.stderr == expected
