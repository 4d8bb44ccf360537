"""The `afi` command: a thin client of the library, and the only package importing Typer.

`root` holds the Typer app, the shared options and the error edge; each command
group registers itself on import, in the order help lists them.
"""

from afi_tracker.cli import (  # noqa: F401  (registers commands)
    actions,
    data,
    git,
    items,
    manual,
    measures,
    plan,
    reporting,
)
from afi_tracker.cli.root import app, main

__all__ = ["app", "main"]
