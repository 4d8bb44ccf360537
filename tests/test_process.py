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


def test_entry_point_leaves_the_collector_nothing_to_scan_at_exit(monkeypatch):
    # The interpreter's last collection would walk every object the command made.
    def command() -> None:
        raise SystemExit(0)

    monkeypatch.setattr(sys, "argv", ["afi", "status"])
    monkeypatch.setattr("afi_tracker.cli.main", command)
    from afi_tracker.__main__ import main

    try:
        main()
    except SystemExit:
        pass
    finally:
        frozen = gc.get_freeze_count()
        gc.unfreeze()
        gc.enable()
    assert frozen > 0


def _modules_after(argv: list[str], tmp_path: Path, **env: str) -> set[str]:
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
        [sys.executable, str(probe)], capture_output=True, text=True, env={**os.environ, **env}
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


def test_command_modules_name_every_module_registering_each_command():
    """`afi X` loads only COMMAND_MODULES[X]: each must hold all of X (and its sub-commands)."""
    from afi_tracker.__main__ import COMMAND_MODULES
    from afi_tracker.cli import MODULES, app

    registered: dict[str, set[str]] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or info.callback.__name__.replace("_", "-")
        registered.setdefault(name, set()).add(info.callback.__module__)
    for group in app.registered_groups:
        typer_app = group.typer_instance
        assert group.name is not None and typer_app is not None
        modules = registered.setdefault(group.name, set())
        for info in typer_app.registered_commands:
            assert info.callback is not None
            modules.add(info.callback.__module__)
        if typer_app.registered_callback and typer_app.registered_callback.callback:
            modules.add(typer_app.registered_callback.callback.__module__)
    assert set(COMMAND_MODULES) == set(registered)
    for name, modules in registered.items():
        listed = COMMAND_MODULES[name]
        assert {m.rsplit(".", 1)[1] for m in modules} <= set(listed), name
        # In the full CLI's import order, so sub-commands are listed as they are there.
        assert list(listed) == sorted(listed, key=MODULES.index), name


def test_command_modules_from_the_argument_list():
    from afi_tracker.__main__ import command_modules

    assert command_modules(["status"]) == ("reporting",)
    assert command_modules(["--db", "list", "list", "--owner", "x"]) == ("actions",)
    assert command_modules(["--db=x.json", "item", "add"]) == ("items", "manual", "plan")
    assert command_modules(["-h", "status"]) is None
    assert command_modules(["statsu"]) is None
    assert command_modules([]) is None


def test_command_name_from_the_argument_list():
    from afi_tracker.__main__ import command_name

    assert command_name(["--db", "status", "list"]) == "list"
    assert command_name(["--db=x.json", "item", "add"]) == "item"
    assert command_name(["--help", "status"]) is None
    assert command_name(["--version"]) is None


def test_a_command_loads_only_its_own_cli_module(db, tmp_path):
    modules = _modules_after(["--db", str(db), "status"], tmp_path)
    cli = {m for m in modules if m.startswith("afi_tracker.cli.")}
    assert cli <= {
        "afi_tracker.cli.root",
        "afi_tracker.cli.reporting",
        "afi_tracker.cli.config",
    }, cli


def _built_after(argv: list[str], tmp_path: Path) -> list[str]:
    """The top-level commands and groups a real `afi` process registered with Typer
    (what it turns into Click objects on each run)."""
    probe = tmp_path / "built.py"
    probe.write_text(
        "import atexit, json, sys\n"
        "def dump():\n"
        "    from afi_tracker.cli.root import app\n"
        "    names = [c.name or c.callback.__name__ for c in app.registered_commands]\n"
        "    names += [g.name for g in app.registered_groups]\n"
        f"    open({str(tmp_path / 'built.json')!r}, 'w').write(json.dumps(names))\n"
        "atexit.register(dump)\n"
        "from afi_tracker.__main__ import main\n"
        f"sys.argv = ['afi', *{argv!r}]\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True)
    assert proc.returncode in (0, 1, 2), proc.stderr
    return sorted(json.loads((tmp_path / "built.json").read_text()))


def test_a_command_builds_only_itself(db, tmp_path):
    assert _built_after(["--db", str(db), "status"], tmp_path) == ["status"]
    assert _built_after(["--db", str(db), "export", "-h"], tmp_path) == ["export"]
    # A name that is not a command keeps them all, for Click's "did you mean".
    assert len(_built_after(["--db", str(db), "statu"], tmp_path)) > 20


def test_commands_load_no_module_they_do_not_use(db, tmp_path):
    # Each was loaded by every `afi status` or `afi list` once: the check rules (by
    # the renderers, for types), the progress module (by `list`), the date parser
    # (by `status` with no date given), the error hints (with no error), shlex and
    # getpass.
    unused = {
        "afi_tracker.reports.check",
        "afi_tracker.domain.dates",
        "afi_tracker.cli.hints",
        "shlex",
        "getpass",
    }
    assert not unused & _modules_after(["--db", str(db), "status"], tmp_path)
    listed = _modules_after(["--db", str(db), "list", "-f", "json"], tmp_path)
    assert not (unused - {"afi_tracker.domain.dates"} | {"afi_tracker.reports.progress"}) & listed


def test_status_to_a_pipe_loads_neither_rich_nor_dateutil(db, tmp_path):
    # Rich would print the laid-out lines unstyled to a pipe: they are written
    # without it. The s55 date is plain days (no dateutil); ids need no hashlib.
    modules = _modules_after(
        ["--db", str(db), "status"], tmp_path, FORCE_COLOR="", TTY_COMPATIBLE=""
    )
    assert not {"rich", "dateutil", "hashlib"} & modules


def test_status_with_forced_colour_is_printed_by_rich(db, tmp_path):
    modules = _modules_after(["--db", str(db), "status"], tmp_path, FORCE_COLOR="1")
    assert "rich" in modules


def test_a_write_locks_the_store_without_importing_filelock(db, tmp_path):
    # flock(2) taken directly (filelock costs 30 ms of imports); filelock's own
    # lock on the same file still excludes afi (tests/test_store.py).
    argv = ["--db", str(db), "add", "I1", "Publish", "--owner", "A", "--due", "eom", "--by", "me"]
    modules = _modules_after(argv, tmp_path)
    assert "afi_tracker.store.store" in modules
    assert "filelock" not in modules
    assert json.loads(db.read_text())["actions"]  # it wrote


def test_classes_every_command_loads_are_not_dataclasses():
    # @dataclass compiles three functions per class on each start-up (domain/plain.py).
    import dataclasses

    from afi_tracker.cli.config import Settings
    from afi_tracker.render.base import Column, Detail, Listing
    from afi_tracker.render.layout import Col, Plan
    from afi_tracker.reports.progress import QuestionProgress, ReportProgress, StatusView
    from afi_tracker.store.history import Command

    plain = (Settings, Column, Detail, Listing, Col, Plan, Command)
    for cls in (*plain, QuestionProgress, ReportProgress, StatusView):
        assert not dataclasses.is_dataclass(cls), cls


def test_plain_records_compare_and_show_as_dataclasses_do():
    import pytest

    from afi_tracker.render.layout import Col

    shown = Col("H", ["x"])
    measured = Col("H", ["x"])
    measured.natural()  # caches a hidden field: neither compared nor shown
    assert shown == measured and shown != Col("H", ["y"]) and shown != ("H", ["x"])
    assert repr(measured) == (
        "Col(header='H', values=['x'], priority=1, wrap=False, justify='left', "
        "max_width=None, min_width=20, styles=[])"
    )
    with pytest.raises(TypeError):
        hash(shown)
