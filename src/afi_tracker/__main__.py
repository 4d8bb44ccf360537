"""The `afi` console script and `python -m afi_tracker`.

Answers --version before loading the CLI at all; everything else goes to the CLI.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from afi_tracker import __version__

        print(f"afi {__version__}")
        return
    from afi_tracker.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
