"""Help, completion and output discipline: what a shell user expects of a CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer

from afi_tracker.cli.root import app
from tests.conftest import invoke


def all_commands() -> list[tuple[tuple[str, ...], Any, typer.Context]]:
    root: Any = typer.main.get_command(app)
    ctx = typer.Context(root, info_name="afi")
    found: list[tuple[tuple[str, ...], Any, typer.Context]] = []
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        if hasattr(command, "list_commands"):
            sub_ctx = typer.Context(command, info_name=name, parent=ctx)
            found += [
                ((name, sub), command.get_command(sub_ctx, sub), sub_ctx)
                for sub in command.list_commands(sub_ctx)
            ]
        else:
            found.append(((name,), command, ctx))
    return found


@pytest.mark.parametrize(
    ("path", "command", "ctx"),
    all_commands(),
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_every_command_and_option_has_help_and_an_example(path, command, ctx):
    assert command.help and command.help.strip().splitlines()[-1].startswith("Example: afi ")
    for param in command.params:
        assert getattr(param, "help", None), f"{' '.join(path)} {param.name} has no help"


@pytest.mark.parametrize("path", [p for p, _, _ in all_commands()], ids=" ".join)
def test_dash_h_works_everywhere(runner, path):
    result = invoke(runner, *path, "-h")
    assert result.exit_code == 0, result.output
    assert "Example: afi" in result.stdout


def test_commands_are_grouped_tracking_reporting_data(runner):
    out = invoke(runner, "--help").stdout
    assert out.index("Tracking") < out.index("Reporting") < out.index("Data")
    assert out.index("Example: afi status") > 0


# -- completion ----------------------------------------------------------------------------


def complete(runner, db, words: str):
    env = {
        "_AFI_COMPLETE": "complete_bash",
        "COMP_WORDS": f"afi --db {db} {words}",
        "COMP_CWORD": str(len(f"afi --db {db} {words}".split()) - (not words.endswith(" "))),
    }
    from afi_tracker.cli.root import app as the_app

    result = runner.invoke(the_app, [], env=env, prog_name="afi")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_completion_candidates_come_from_the_store_and_never_write(runner, db):
    invoke(runner, "--db", str(db), "add", "I2", "Audit", "--owner", "Insp Patel", "--due", "eom")
    invoke(runner, "--db", str(db), "add", "I3", "Publish", "--owner", "Sgt Khan", "--due", "eom")
    db.with_name(db.name + ".lock").unlink()
    before = db.read_bytes()
    assert complete(runner, db, "show ") == [f"I{n}" for n in range(1, 9)] + ["A1", "A2"]
    assert complete(runner, db, "start A") == ["A1", "A2"]
    assert complete(runner, db, "add I") == [f"I{n}" for n in range(1, 9)]
    assert complete(runner, db, "status --report w") == ["west-mercia-peel-2018-legitimacy"]
    assert complete(runner, db, "list --owner ") == ["Insp", "Patel", "Sgt", "Khan"]
    assert complete(runner, db, "list --status b") == ["blocked"]
    assert complete(runner, db, "items --kind re") == ["recommendation"]
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".lock").exists()


def test_completion_on_a_missing_or_corrupt_store_is_silent(runner, tmp_path):
    missing = tmp_path / "none.json"
    assert complete(runner, missing, "show ") == []
    assert not missing.exists()
    corrupt = tmp_path / "bad.json"
    corrupt.write_text("{")
    result = runner.invoke(
        app,
        [],
        prog_name="afi",
        env={
            "_AFI_COMPLETE": "complete_bash",
            "COMP_WORDS": f"afi --db {corrupt} show ",
            "COMP_CWORD": "4",
        },
    )
    assert (result.exit_code, result.stdout.strip(), result.stderr) == (0, "", "")
    assert corrupt.read_text() == "{"


def test_show_completion_script(runner):
    result = runner.invoke(app, ["--show-completion", "bash"], prog_name="afi")
    assert result.exit_code == 0, result.output
    assert "_AFI_COMPLETE=complete_bash" in result.stdout


# -- output discipline ---------------------------------------------------------------------


def test_no_colour_when_piped_or_no_color_and_colour_with_force_color(runner, db, monkeypatch):
    assert "\x1b[" not in invoke(runner, "--db", str(db), "status").stdout
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    assert "\x1b[" in invoke(runner, "--db", str(db), "status").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in invoke(runner, "--db", str(db), "status").stdout


def test_data_on_stdout_messages_on_stderr(runner, db):
    result = invoke(
        runner, "--db", str(db), "add", "I1", "x", "--owner", "o", "--due", "eom", "-f", "json"
    )
    assert json.loads(result.stdout)["id"] == "A1"
    assert result.stderr.startswith("Added A1 to I1")
