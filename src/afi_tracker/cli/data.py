"""Data commands: import, reports, log, undo, doctor, config."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from pathlib import Path
from typing import Annotated

import typer

from afi_tracker.cli.root import (
    DATA,
    ByOption,
    DataFormatOption,
    RecordFormatOption,
    _as_of,
    _emit,
    _load,
    _say,
    _settings,
    _store,
    _tracker,
    app,
    state,
)
from afi_tracker.render import ListDataFormat, RecordFormat

# -- data ----------------------------------------------------------------------------------


@app.command("import", rich_help_panel=DATA)
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The report: a .txt, a saved .html/.htm page, a .pdf, or - for standard input.",
            dir_okay=False,
            allow_dash=True,
        ),
    ],
    key: Annotated[
        str | None,
        typer.Option(metavar="KEY", help="Report key (default: from force, year and subject)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")
    ] = False,
    allow_supersede: Annotated[
        bool,
        typer.Option(
            "--allow-supersede",
            help="Let a re-import mark items with actions superseded (asked on a terminal).",
        ),
    ] = False,
    copy: Annotated[
        bool,
        typer.Option(
            "--copy", help="Import a report already stored under another key as a second copy."
        ),
    ] = False,
    fmt: RecordFormatOption = RecordFormat.table,
    by: ByOption = None,
) -> None:
    """Import an inspection report's items from a text, web page or PDF file.

    Re-importing the same report updates it in place: items keep their handles,
    statuses and actions; new, changed and removed items are listed. Bullets,
    spacing and line wrapping do not count as changes.

    Example: afi import west-mercia-peel-2018-legitimacy.txt --dry-run
    """
    from afi_tracker.errors import TransitionRefused

    tracker = _tracker(by)
    try:
        outcome = tracker.import_report(
            file, key=key, dry_run=dry_run, allow_supersede=allow_supersede, allow_copy=copy
        )
    except TransitionRefused as exc:
        # On a terminal, ask; elsewhere the error says to add --allow-supersede.
        from afi_tracker.cli import root

        # Looked up at call time, so tests can stand in a terminal.
        if exc.code != "would-supersede" or not root._interactive() or str(file) == "-":
            raise
        typer.confirm(f"{exc.message.split(';')[0]}. Go ahead?", abort=True, err=True)
        outcome = tracker.import_report(
            file, key=key, dry_run=dry_run, allow_supersede=True, allow_copy=copy
        )
    _say(outcome.summary())
    _emit(fmt, "import_outcome", outcome)


@app.command(rich_help_panel=DATA)
def reports(fmt: DataFormatOption = ListDataFormat.table) -> None:
    """List the reports in the store.

    Example: afi reports --format json
    """
    from afi_tracker.render.listings import reports_listing

    _emit(fmt, "listing", reports_listing(_load(None)))


@app.command(rich_help_panel=DATA)
def log(
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only changes on or after this date.")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Only changes by this person.")] = None,
    limit: Annotated[
        int, typer.Option(metavar="N", min=0, help="At most this many commands (0 for all).")
    ] = 50,
    fmt: DataFormatOption = ListDataFormat.table,
) -> None:
    """Show recent changes across the store: who changed what, when, with which command.

    Example: afi log --since 01/04/2025 --by "Jo Bloggs"
    """
    from afi_tracker.render.listings import history_listing

    since_date = _as_of(since) if since else None
    _emit(fmt, "listing", history_listing(_load(None), since_date, by, limit or None))


@app.command(rich_help_panel=DATA)
def undo(
    by: ByOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Revert it even if someone else made it.")
    ] = False,
) -> None:
    """Revert the last command's changes as one unit, and say what was reverted.

    Repeat to go further back. The undo itself is kept in the history. When the
    last command was someone else's, undo refuses and names it; --force reverts it.

    Example: afi undo
    """
    done = _tracker(by).undo(force=force)
    _say(f"Undid command {done.txn} by {done.by} at {done.at}: {done.command}")
    for line in done.reverted:
        _say(f"  {line}")


@app.command(rich_help_panel=DATA)
def doctor(fmt: RecordFormatOption = RecordFormat.table) -> None:
    """Check a store and list every problem with its location; changes nothing.

    Exit 0 when the store is sound, 1 when it has problems.

    Example: afi --db tracker.json doctor
    """
    from afi_tracker.reports.doctor import examine

    result = examine(_store())
    _emit(fmt, "doctor", result)
    raise typer.Exit(0 if result.ok else 1)


config_app = typer.Typer(
    help="Show the effective settings.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(config_app, name="config", rich_help_panel=DATA)


@config_app.command("show")
def config_show(fmt: DataFormatOption = ListDataFormat.table) -> None:
    """Print each setting, its value, and where it came from.

    Precedence: flag > environment (AFI_DB, AFI_USER, AFI_DATE_ORDER) > ./afi.toml or
    [tool.afi] in ./pyproject.toml > $XDG_CONFIG_HOME/afi/config.toml > default.

    Example: afi config show
    """
    from afi_tracker.render.base import Column, Listing

    settings = _settings()
    rows = [
        {"setting": key, "value": value, "source": settings.sources[key]}
        for key, value in settings.values.items()
    ]
    if state.db is not None:
        rows[0].update(value=str(state.db), source="--db or AFI_DB")
    _emit(
        fmt,
        "listing",
        Listing(
            "Settings",
            [
                Column("setting", "Setting"),
                Column("value", "Value", width=60),
                Column("source", "From", width=60),
            ],
            rows,
        ),
    )
