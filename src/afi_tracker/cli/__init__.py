"""The `afi` command: a thin client of the library, and the only package importing Typer.

`root` holds the Typer app, the shared options and the error edge; each command
group registers itself on import, in the order help lists them. The entry point
(afi_tracker/__main__.py) may name the only modules the typed command needs in
`afi_tracker.cli_modules`; any other import of this package loads them all.
"""

from importlib import import_module

import afi_tracker

MODULES = ("actions", "data", "git", "items", "manual", "measures", "plan", "reporting")

for _name in afi_tracker.cli_modules or MODULES:
    import_module(f"afi_tracker.cli.{_name}")  # registers its commands

from afi_tracker.cli.root import app, main  # noqa: E402

__all__ = ["MODULES", "app", "main"]
