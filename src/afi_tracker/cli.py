"""The `afi` command: a thin client of the library. The only module importing Typer.

Each command parses its arguments, makes one library call and renders. Library
errors (AfiError) become one line, `Error: ...` plus a hint, on stderr and the
error's exit code. Heavy modules are imported inside commands, because shell
completion runs this program on every TAB.
"""

from __future__ import annotations

import functools
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .render import Format

if TYPE_CHECKING:
    from .store import Store

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="afi",
    help="Track the response to police and fire inspection reports: areas for improvement, "
    "causes of concern, recommendations, and the actions against them.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

TRACKING = "Tracking"
REPORTING = "Reporting"
DATA = "Data"


class State:
    db: Path | None = None


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"afi {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="AFI_DB", help="Store file [default: ./tracker.json].",
                     show_envvar=True, dir_okay=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Track the response to police and fire inspection reports.

    Example: afi status
    """
    state.db = db


def _store() -> Store:
    from .store import Store, default_path

    return Store.at(state.db or default_path())


def _command_line() -> str:
    return "afi " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "afi"


def errors(func: F) -> F:
    """Turn library errors into one stderr line and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import AfiError

        try:
            return func(*args, **kwargs)
        except AfiError as exc:
            from .safetext import one_line

            message = f"Error: {one_line(exc.message)}"
            if exc.hint:
                message += f" ({one_line(exc.hint)})"
            typer.echo(message, err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _out() -> Any:
    from rich.console import Console

    return Console(soft_wrap=False, highlight=False, emoji=False, markup=False)


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _emit(fmt: Format, view_name: str, view: Any) -> None:
    from .render import renderer

    result = getattr(renderer(fmt), view_name)(view)
    if isinstance(result, str):
        sys.stdout.write(result)
    else:
        _out().print(result)


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


@app.command("import", rich_help_panel=DATA)
@errors
def import_(
    file: Annotated[
        Path, typer.Argument(help="Plain text of the report page.", exists=True, dir_okay=False)
    ],
    key: Annotated[
        str | None, typer.Option(help="Report key [default: from force, year and subject].")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")
    ] = False,
    fmt: FormatOption = Format.table,
    by: Annotated[str | None, typer.Option(help="Who is importing (for the history).")] = None,
) -> None:
    """Import an inspection report's items from its text.

    Re-importing the same report updates it in place: items keep their handles,
    statuses and actions; new, changed and removed items are listed.

    Example: afi import west-mercia-peel-2018-legitimacy.txt --dry-run
    """
    from .identity import current_user
    from .importing import import_file

    outcome = import_file(
        _store(), file, key=key, dry_run=dry_run, by=current_user(by), command=_command_line()
    )
    from .safetext import one_line

    _err(one_line(outcome.summary()))
    _emit(fmt, "import_outcome", outcome) if fmt is Format.table else _emit_import_json(outcome)


def _emit_import_json(outcome: Any) -> None:
    from .render.json import dumps
    from .views import item_row

    report = outcome.report
    sys.stdout.write(dumps({
        "dry_run": outcome.dry_run,
        "report": {k: v for k, v in report.items() if k != "uid"},
        "created": outcome.created,
        "new": [i["id"] for i in outcome.new],
        "changed": [{"id": i["id"], "fields": f} for i, f in outcome.changed],
        "removed": [i["id"] for i in outcome.removed],
        "unchanged": [i["id"] for i in outcome.unchanged],
        "items": [item_row(i, report) for i in outcome.items],
    }))


@app.command(rich_help_panel=DATA)
@errors
def reports(fmt: FormatOption = Format.table) -> None:
    """List the reports in the store.

    Example: afi reports --format json
    """
    from .views import reports_listing

    _emit(fmt, "listing", reports_listing(_store().load()))


@app.command(rich_help_panel=TRACKING)
@errors
def items(
    report: Annotated[str | None, typer.Option(help="Only this report's items (its key).")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="Only this kind: area-for-improvement, cause-of-concern, recommendation."
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the tracked items: areas for improvement, causes of concern, recommendations.

    Example: afi items --kind recommendation --format json
    """
    from .views import check_kind, items_listing

    _emit(fmt, "listing", items_listing(_store().load(), report, check_kind(kind)))


@app.command(rich_help_panel=TRACKING)
@errors
def show(
    handle: Annotated[str, typer.Argument(help="An item handle (I3).")],
    fmt: FormatOption = Format.table,
) -> None:
    """Show everything about one item.

    Example: afi show I3
    """
    from .views import item_detail

    _emit(fmt, "detail", item_detail(_store().load(), handle))


@app.command(rich_help_panel=REPORTING)
@errors
def status(
    report: Annotated[str | None, typer.Option(help="Only this report (its key).")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show each report, its graded questions and the items under each.

    Example: afi status --report west-mercia-peel-2018-legitimacy
    """
    from .views import report_blocks

    _emit(fmt, "reports", report_blocks(_store().load(), report))


def main() -> None:
    app(prog_name="afi")
