"""docs/commands.md is the program's own help: it fails here when it drifts."""

from __future__ import annotations

import runpy

from tests.conftest import ROOT

# A dev script, not part of the package: load it from the checkout.
render = runpy.run_path(str(ROOT / "scripts" / "reference.py"))["render"]


def test_command_reference_is_current():
    current = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert current == render(), (
        "docs/commands.md is out of date: run `python scripts/reference.py > docs/commands.md`"
    )


def test_reference_changes_when_a_command_help_changes(monkeypatch):
    from afi_tracker import cli

    before = render()
    command = cli.app.registered_commands[0]
    monkeypatch.setattr(command, "help", "Changed help.\n\nExample: afi x")
    assert render() != before
