"""The `afi` console script and `python -m afi_tracker`.

Answers --version before loading the CLI at all; everything else goes to the CLI,
which loads only the module(s) that define the command typed (COMMAND_MODULES)
and builds only that command.
"""

from __future__ import annotations

import sys

# The CLI modules (afi_tracker.cli.<name>) that register each top-level command
# or group, in the order the full CLI imports them. `afi status` then builds and
# imports one module's commands, not all forty; help, completion and anything not
# listed here load every module. tests/test_process.py checks this table
# against the commands the full CLI registers.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("add", "update", "start", "block", "done", "cancel", "reopen", "delete", "list"),
        ("actions",),
    ),
    **dict.fromkeys(("import", "reports", "log", "undo", "doctor", "config"), ("data",)),
    **dict.fromkeys(("conflicts", "git"), ("git",)),
    **dict.fromkeys(("items", "show"), ("items",)),
    "item": ("items", "manual", "plan"),
    "report": ("manual",),
    **dict.fromkeys(("findings", "measure"), ("measures",)),
    **dict.fromkeys(("status", "due", "timeline", "check"), ("reporting",)),
    "export": ("plan", "reporting"),
    "import-plan": ("plan",),
}
# Options of the root command that take a value (the command name comes after them).
_ROOT_VALUED = ("--db",)


def command_name(argv: list[str]) -> str | None:
    """The top-level command `argv` names, or None (help, or options alone)."""
    args = iter(argv)
    for arg in args:
        if arg in _ROOT_VALUED:
            next(args, None)
        elif arg in ("-h", "--help", "--"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def command_modules(argv: list[str]) -> tuple[str, ...] | None:
    """The CLI modules the command in `argv` needs, or None for all of them."""
    name = command_name(argv)
    return None if name is None else COMMAND_MODULES.get(name)


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
    import os

    import afi_tracker

    command = command_name(sys.argv[1:])
    completing = any(name.endswith("_COMPLETE") for name in os.environ)
    if command in COMMAND_MODULES and not completing:  # shell completion: all
        afi_tracker.cli_modules = COMMAND_MODULES[command]
        afi_tracker.cli_command = command
    from afi_tracker.cli import main as cli_main

    try:
        cli_main()
    finally:
        # At exit the interpreter runs the cyclic collector over every object
        # the command made: 15-25 ms of a small command, to free what exit frees
        # anyway. It skips frozen objects. Exit still flushes, runs atexit, and
        # frees by reference count (afi closes its files itself, never by GC).
        gc.freeze()


if __name__ == "__main__":
    main()
