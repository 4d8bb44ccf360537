"""A reader that stops early (`afi list -f json | head -1`) closes the pipe:
afi ends quietly, exit 1, with no traceback and no "Exception ignored" line.

`afi list -f json` writes its rows as bytes straight to stdout's byte stream
(render.base.Encoded, cli/root.py `_emit`), not through the text stream the
other formats use: both ways are pinned, with rows and with none. The read end
is closed before afi starts, so every write meets a closed pipe (EPIPE)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import invoke


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
@pytest.mark.parametrize("owner", [None, "Nobody"], ids=["rows", "no-row"])
def test_a_closed_pipe_ends_afi_quietly(runner, db: Path, fmt: str, owner: str | None):
    added = invoke(
        runner,
        "--db",
        str(db),
        "add",
        "I1",
        "An action",
        "--owner",
        "Insp Patel",
        "--due",
        "01/01/2030",
    )
    assert added.exit_code == 0, added.output
    command = [sys.executable, "-m", "afi_tracker", "--db", str(db), "list", "-f", fmt]
    if owner is not None:
        command += ["--owner", owner]
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == 1
