"""The `afi` command: a thin client of the library, and the only package importing Typer.

`root` holds the Typer app, the shared options and the error edge; each command
group registers itself on import, in the order help lists them. The entry point
(afi_tracker/__main__.py) may name the only modules the typed command needs in
`afi_tracker.cli_modules`, and the one command typed in `afi_tracker.cli_command`
(Typer then builds that command alone); any other import of this package loads
and builds them all.
"""

from importlib import import_module

import afi_tracker

MODULES = ("actions", "data", "git", "items", "manual", "measures", "plan", "reporting")

for _name in afi_tracker.cli_modules or MODULES:
    import_module(f"afi_tracker.cli.{_name}")  # registers its commands

from afi_tracker.cli.root import app, keep_only, main  # noqa: E402

if afi_tracker.cli_command is not None:
    keep_only(afi_tracker.cli_command)

__all__ = ["MODULES", "app", "main"]
