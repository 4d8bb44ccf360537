"""The `afi` console script: answers --version before loading the CLI at all.

Everything else goes to cli.main (the only module that imports Typer).
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"afi {__version__}")
        return
    from .cli import main as cli_main

    cli_main()
