"""The `afi` command: a thin client of the library. The only module importing Typer.

Each command parses its arguments, makes one library call and renders. Errors
of every kind (the library's AfiError, Click's usage errors) become one line,
`Error: ...` with a hint, on stderr and the documented exit code: 1 for a
domain error, 2 for a usage error. Heavy modules are imported inside
commands, because shell completion runs this program on every TAB.
"""

# No `from __future__ import annotations` here: Typer would then eval every
# annotation string of every command on each run (about 50 ms, on every TAB).
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from afi_tracker import __version__
from afi_tracker.render import ListDataFormat, ListFormat, RecordFormat

if TYPE_CHECKING:
    from afi_tracker.api.tracker import Tracker
    from afi_tracker.cli.config import Settings
    from afi_tracker.store.store import Snapshot, Store

# Typer 0.29 vendors its own Click; older releases use the click package. Take
# the exception classes from whichever Click this Typer raises.
_click_errors = sys.modules[typer.BadParameter.__module__]
UsageError: type[Exception] = _click_errors.UsageError
ClickException: type[Exception] = _click_errors.ClickException

TRACKING = "Tracking"
REPORTING = "Reporting"
DATA = "Data"


def _one_line(text: str) -> str:
    from afi_tracker.domain.safetext import one_line

    return one_line(text)


class AfiGroup(TyperGroup):
    """Runs a command and turns every error into one stderr line and its exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from afi_tracker.errors import AfiError

        state.argv = list(args) if args is not None else sys.argv[1:]
        state.store = None
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except AfiError as exc:
            from afi_tracker.cli.hints import hint_for  # only when there is an error

            message = f"Error: {_one_line(exc.message)}"
            hint = hint_for(exc)
            if hint:
                message += f" ({_one_line(hint)})"
            typer.echo(message, err=True)
            code = exc.exit_code
        except UsageError as exc:
            usage: Any = exc
            if type(exc).__name__ == "NoArgsIsHelpError":
                # Bare `afi` (or `afi item`): the help was asked for, and shown.
                if standalone_mode:
                    sys.exit(0)
                return 0
            where = usage.ctx.command_path if usage.ctx else "afi"
            typer.echo(f"Error: {_one_line(usage.format_message())} (see `{where} -h`)", err=True)
            code = usage.exit_code
        except ClickException as exc:
            failure: Any = exc
            typer.echo(f"Error: {_one_line(failure.format_message())}", err=True)
            code = failure.exit_code
        except typer.Abort:
            typer.echo("Aborted; nothing was changed.", err=True)
            code = 1
        except KeyboardInterrupt:
            typer.echo("Interrupted; nothing was changed.", err=True)
            code = 130
        except Exception as exc:
            # A bug, not bad input: still one line, with a way to see the details.
            if os.environ.get("AFI_DEBUG"):
                raise
            typer.echo(
                f"Error: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                "(run again with AFI_DEBUG=1 for a traceback, and please report it)",
                err=True,
            )
            code = 1
        if state.store is not None:
            for notice in state.store.notices:
                typer.echo(notice, err=True)
        if standalone_mode:
            sys.exit(code)
        return code

    def list_commands(self, ctx: Any) -> list[str]:
        # Help lists the panels in this order: what people do most comes first.
        order = {TRACKING: 0, REPORTING: 1, DATA: 2}
        names: list[str] = super().list_commands(ctx)
        return sorted(names, key=lambda n: order.get(_panel(self.commands.get(n)) or "", 3))


def _panel(command: Any) -> str | None:
    panel: str | None = getattr(command, "rich_help_panel", None)
    return panel


app = typer.Typer(
    name="afi",
    cls=AfiGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def keep_only(name: str) -> None:
    """Build only the top-level command or group `name`: Typer makes Click objects
    from every registered command's signature on each run (a few ms each), and
    one process runs one command. Help, completion and mistyped names keep all."""
    from typer.main import get_command_name

    app.registered_commands = [
        info
        for info in app.registered_commands
        if (info.name or get_command_name(info.callback.__name__ if info.callback else "")) == name
    ]
    app.registered_groups = [info for info in app.registered_groups if info.name == name]


class State:
    db: Path | None = None
    store: "Store | None" = None
    argv: list[str] = []  # one command per process, so one argument list
    settings: "Settings | None" = None


state = State()


def _db_for_completion(ctx: typer.Context) -> Path | None:
    db = ctx.find_root().params.get("db")
    return Path(db) if db else None


def _complete_items(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.items(_db_for_completion(ctx), incomplete)


def _complete_actions(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.actions(_db_for_completion(ctx), incomplete)


def _complete_handles(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.handles(_db_for_completion(ctx), incomplete)


def _complete_reports(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.reports(_db_for_completion(ctx), incomplete)


def _complete_owners(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.owners(_db_for_completion(ctx), incomplete)


def _complete_action_status(incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.action_statuses(incomplete)


def _complete_item_status(incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.item_statuses(incomplete)


def _complete_kinds(incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.kinds(incomplete)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"afi {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="AFI_DB",
            help="Store file (default: ./tracker.json).",
            show_envvar=True,
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Track the response to police and fire inspection reports: areas for improvement,
    causes of concern, recommendations, and the actions against them.

    The store is ./tracker.json unless --db, AFI_DB or afi.toml says otherwise.
    Exit codes: 0 ok; 1 domain error or failed check; 2 usage error.

    Example: afi status

    Example: afi add I3 "Publish analysis" --owner "Insp Patel" --due 30/06/2025
    """
    state.db = db
    state.settings = None


def _settings() -> "Settings":
    if state.settings is None:
        from afi_tracker.cli.config import load

        state.settings = load()
    return state.settings


# -- helpers -----------------------------------------------------------------------------


def _store() -> "Store":
    from afi_tracker.store.store import Store

    state.store = Store.at(state.db or Path(_settings()["db"]))
    return state.store


def _command_line() -> str:
    """The command as typed, for the history."""
    import shlex

    return "afi " + shlex.join(state.argv) if state.argv else "afi"


def _tracker(by: str | None) -> "Tracker":
    from afi_tracker.api.tracker import Tracker
    from afi_tracker.cli.identity import current_user

    settings = _settings()
    return Tracker(
        _store(),
        by=current_user(by or settings["user"]),
        command=_command_line(),
        day_first=settings["date_order"] == "day-first",
        allow_self_sign_off=settings["sign_off.allow_self"],
        allow_placeholder_evidence=settings["sign_off.allow_placeholder_evidence"],
    )


def _out() -> Any:
    from rich.console import Console

    # NO_COLOR means no escape codes at all, even with FORCE_COLOR set.
    console = Console(soft_wrap=False, highlight=False, emoji=False, markup=False)
    if os.environ.get("NO_COLOR"):
        console = Console(
            soft_wrap=False, highlight=False, emoji=False, markup=False, color_system=None
        )
    return console


def _styled_stdout() -> bool:
    """Whether Rich would style what it prints to stdout (its own rules: a
    terminal, or TTY_COMPATIBLE=1 or FORCE_COLOR set to anything but empty)."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return sys.stdout.isatty()
    except ValueError:
        return False


def _rich_width() -> int:
    """The width Rich gives its console: COLUMNS, else the first of stdin, stdout and
    stderr that is a terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) or 80
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def _say(message: str) -> None:
    """A message for the person, on stderr: data alone goes to stdout."""
    typer.echo(_one_line(message), err=True)


# What -o FILE's extension means for a command whose --format follows the file's
# name (export, export s55): the one table; a command offers those of its formats.
OUTPUT_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".docx": "docx",
}


def _output_format(fmt: str | None, view_name: str, output: Path | None, default: str) -> str:
    """The format to write: `fmt` when given (whatever the file's name), else
    `output`'s extension's, else `default`. An extension that names none of the
    view's formats is a usage error, so a .pdf never gets Markdown inside."""
    from afi_tracker.render import FORMATS, View

    if fmt is not None:
        return fmt
    name = output.name if output is not None and str(output) != "-" else ""
    suffix = Path(name).suffix.lower()
    if not suffix:
        return default
    offered = set(FORMATS[View(view_name)])
    known = {ext: name for ext, name in OUTPUT_SUFFIXES.items() if name in offered}
    if suffix not in known:
        *most, last = known
        raise UsageError(
            f"cannot write {name}: this command writes {', '.join(most)} or {last} "
            "files, or give --format"
        )
    return known[suffix]


def _emit(fmt: str, view_name: str, view: Any, output: Path | None = None) -> None:
    """Render `view` in `fmt` to stdout, or to `output` when -o is given (`-o -`
    is stdout, as `afi import -` reads stdin)."""
    from afi_tracker.render import renderer
    from afi_tracker.render.base import Encoded

    if output is not None and str(output) == "-":
        output = None
    result = renderer(fmt, view_name)(view)
    if isinstance(result, Encoded):  # data already UTF-8: out as it is, not via a str
        if output is None:
            sys.stdout.flush()  # after anything written as text before it
            sys.stdout.buffer.write(result.data)
            sys.stdout.buffer.flush()
            return
        result = result.data
    if output is None:
        if isinstance(result, bytes):
            # A binary document (a spreadsheet, a Word file) is never sent to a terminal.
            raise UsageError(f"the {fmt} format is a file: add -o FILE")
        if isinstance(result, str):
            sys.stdout.write(result)
            return
        from afi_tracker.render.layout import Fitted

        if isinstance(result, Fitted) and not _styled_stdout():
            # Laid-out lines to a pipe or a file: Rich would print them unstyled,
            # so print them without loading Rich (a third of a small command's time).
            text = result.plain(_rich_width())
            if text:
                sys.stdout.write(text)
                return
        _out().print(result)
        return
    if not isinstance(result, str | bytes):
        import io

        from rich.console import Console

        buffer = io.StringIO()
        Console(
            file=buffer,
            width=120,
            no_color=True,
            soft_wrap=False,
            emoji=False,
            markup=False,
            highlight=False,
        ).print(result)
        result = buffer.getvalue()
    _write_output(output, result.encode("utf-8") if isinstance(result, str) else result)
    _say(f"Wrote {output}")


def _leave_to_exit(*records: object) -> None:
    """Leave a command's records, once shown, for the process's exit to release
    with the rest of its memory, rather than free them object by object as the
    command returns: at 100k actions a listing's two million objects take
    longer to free (0.3-0.5 s) than to sort.

    They are held in a reference cycle: the cyclic collector is off for a
    command (__main__.py) and skips the objects frozen at exit, so nothing
    frees them before the process ends. Where the collector runs (tests
    calling commands in one process), it frees them as any other garbage."""
    held: list[object] = [*records]
    held.append(held)


def _write_output(output: Path, data: bytes) -> None:
    """Write a board paper or export whole or not at all: a temp file, then a rename."""
    import os
    import tempfile

    from afi_tracker.errors import InvalidValue
    from afi_tracker.store.storage import refuse_to_overwrite_store

    refuse_to_overwrite_store(output, state.db or Path(_settings()["db"]))
    folder = output.parent if str(output.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temp, 0o644 & ~_umask())
            os.replace(temp, output)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InvalidValue(f"cannot write {output}: {exc.strerror or exc}") from None


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def _emit_action(fmt: RecordFormat, action: Mapping[str, Any]) -> None:
    if fmt is RecordFormat.json:
        from afi_tracker.render.json import dumps

        sys.stdout.write(dumps({k: v for k, v in action.items() if k != "uid"}))


def _load(as_of: str | None) -> "Snapshot":
    """The store now; with --as-of, as it was recorded by the end of that day.

    When the history cannot say, the store's notices get one line, printed on
    stderr after the command.
    """
    from afi_tracker.api.tracker import Tracker

    return Tracker(_store()).snapshot(_as_of(as_of) if as_of else None)


def _today() -> date:
    """Today (domain/clock.py: the one place afi reads the clock)."""
    from afi_tracker.domain.clock import today

    return today()


def _as_of(text: str | None) -> date:
    if not text:
        return _today()
    from afi_tracker.domain.dates import parse_date  # only for a date given

    return parse_date(text, _today(), day_first=_settings()["date_order"] == "day-first")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(
    value: str | None, option: str, prompt: str, check: Callable[[str], object] | None = None
) -> str:
    """The value given, else asked for on a terminal. An answer `check` refuses is
    explained and asked for again: what was already typed is not lost to a slip."""
    if value is not None:
        return value
    if not _interactive():
        raise UsageError(f"Missing option '{option}' (no terminal to ask on)")
    from afi_tracker.cli.hints import hint_for
    from afi_tracker.errors import AfiError

    while True:
        answer: str = typer.prompt(prompt)
        if check is None:
            return answer
        try:
            check(answer)
        except AfiError as exc:
            hint = hint_for(exc)
            typer.echo(
                f"Error: {_one_line(exc.message)}" + (f" ({_one_line(hint)})" if hint else ""),
                err=True,
            )
            continue
        return answer


ListFormatOption = Annotated[
    ListFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
DataFormatOption = Annotated[
    ListDataFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False),
]
RecordFormatOption = Annotated[
    RecordFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who is making the change (default: AFI_USER, git user.name, or the login name).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="As recorded by the end of this day, from the history (default: today).",
    ),
]
# --as-of rewinds to what was recorded by then; --as-recorded, which used to ask for
# that, is a hidden no-op kept for one release so that scripts passing it keep working.
AsRecordedOption = Annotated[
    bool,
    typer.Option("--as-recorded", hidden=True, help="No effect: --as-of rewinds on its own."),
]
ActionArg = Annotated[
    str,
    typer.Argument(
        metavar="ACTION", help="An action handle (A3).", autocompletion=_complete_actions
    ),
]
ItemArg = Annotated[
    str, typer.Argument(metavar="ITEM", help="An item handle (I3).", autocompletion=_complete_items)
]
ReportOption = Annotated[
    str | None,
    typer.Option(
        metavar="KEY", help="Only this report (its key).", autocompletion=_complete_reports
    ),
]
EvidenceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--evidence", "-e", metavar="REF", help="A link or file path showing the work; repeatable."
    ),
]
DescriptionOption = Annotated[
    str | None, typer.Option("--description", metavar="TEXT", help="What the evidence shows.")
]


def main() -> None:
    app(prog_name="afi")
