"""Writes docs/commands.md from the program's own help, so the reference cannot drift.

    python scripts/reference.py > docs/commands.md

A test regenerates it and fails when the file differs (as sqlite-utils does
with cog), so changing a command's help means regenerating the reference.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer

from afi_tracker.cli.root import app

HEADER = """# Command reference

Generated from afi's own help by `python scripts/reference.py > docs/commands.md`;
`tests/test_reference.py` fails when it is out of date. Every command also
takes `-h` / `--help`.
"""


def _walk(command: Any, ctx: Any, path: list[str]) -> list[tuple[list[str], Any, Any]]:
    found = [(path, command, ctx)]
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = typer.Context(sub, info_name=name, parent=ctx)
            found.extend(_walk(sub, sub_ctx, [*path, name]))
    return found


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    root = typer.main.get_command(app)
    root_ctx = typer.Context(root, info_name="afi")
    parts = [HEADER]
    for path, command, ctx in _walk(root, root_ctx, ["afi"]):
        if hasattr(command, "list_commands") and path != ["afi"]:
            parts.append(f"## {' '.join(path)}\n\n{_cell(command.help or '')}\n")
            continue
        usage = " ".join([*path, *command.collect_usage_pieces(ctx)])
        parts.append(f"## {' '.join(path)}\n\n```\n{usage}\n```\n")
        parts.append(inspect.cleandoc(command.help or "") + "\n")
        rows = []
        for param in command.params:
            record = param.get_help_record(ctx)
            if record is None:
                continue
            rows.append(f"| `{_cell(record[0])}` | {_cell(record[1])} |")
        if rows:
            parts.append("| option | meaning |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
