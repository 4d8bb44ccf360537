"""Process-level behaviour of the `afi` entry point: what it loads and how it manages memory.

No timing here (speed is measured by bench/run.py); these pin the choices that
make a short-lived process fast, so a change that undoes one fails a test.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path


def test_entry_point_disables_the_cyclic_collector_for_the_command(monkeypatch):
    seen: list[bool] = []
    monkeypatch.setattr(sys, "argv", ["afi", "status"])
    monkeypatch.setattr("afi_tracker.cli.main", lambda: seen.append(gc.isenabled()))
    from afi_tracker.__main__ import main

    try:
        main()
    finally:
        gc.enable()
    assert seen == [False]


def _modules_after(argv: list[str], tmp_path: Path) -> set[str]:
    """The modules a real `afi` process has imported when it exits."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import atexit, json, sys\n"
        f"atexit.register(lambda: open({str(tmp_path / 'mods.json')!r}, 'w')"
        ".write(json.dumps(sorted(sys.modules))))\n"
        "from afi_tracker.__main__ import main\n"
        f"sys.argv = ['afi', *{argv!r}]\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, str(probe)], capture_output=True, text=True, env=dict(os.environ)
    )
    assert proc.returncode in (0, 1), proc.stderr
    return set(json.loads((tmp_path / "mods.json").read_text()))


def test_version_loads_neither_typer_nor_the_store(tmp_path):
    modules = _modules_after(["--version"], tmp_path)
    assert not {"typer", "rich", "tinydb", "afi_tracker.cli"} & modules


def test_status_loads_no_importer_or_document_library(db, tmp_path):
    modules = _modules_after(["--db", str(db), "status"], tmp_path)
    heavy = {"openpyxl", "docx", "rapidfuzz", "html.parser", "pdfminer", "pypdf"}
    assert heavy & modules == set()
    assert not any(m.startswith("afi_tracker.importers") for m in modules)
