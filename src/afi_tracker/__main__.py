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
    import gc

    # One command, then exit: the cyclic collector only re-scans the store's
    # records, over and over, as a command allocates (30-40% of a command's time
    # at 100k actions), and frees almost nothing: afi makes few reference cycles,
    # and exit frees all. Measured against raising its thresholds and against
    # freezing after the load in docs/performance.md; peak memory is unchanged.
    gc.disable()
    from afi_tracker.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
