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
import shlex
import sys
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from afi_tracker import __version__
from afi_tracker.render import CheckFormat, ListDataFormat, ListFormat, PackFormat, RecordFormat

if TYPE_CHECKING:
    from afi_tracker.api.tracker import Tracker
    from afi_tracker.cli.config import Settings
    from afi_tracker.store.store import Store

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
            message = f"Error: {_one_line(exc.message)}"
            if exc.hint:
                message += f" ({_one_line(exc.hint)})"
            typer.echo(message, err=True)
            code = exc.exit_code
        except UsageError as exc:
            usage: Any = exc
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
item_app = typer.Typer(
    help="Move an item through its own lifecycle: propose for closure, sign off, set aside.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(item_app, name="item", rich_help_panel=TRACKING)


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


def _say(message: str) -> None:
    """A message for the person, on stderr: data alone goes to stdout."""
    typer.echo(_one_line(message), err=True)


def _emit(fmt: str, view_name: str, view: Any, output: Path | None = None) -> None:
    """Render `view` in `fmt` to stdout, or to `output` when -o is given."""
    from afi_tracker.render import renderer

    result = getattr(renderer(fmt), view_name)(view)
    if output is None:
        if isinstance(result, str):
            sys.stdout.write(result)
        else:
            _out().print(result)
        return
    if not isinstance(result, str):
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
    try:
        output.write_text(result, encoding="utf-8")
    except OSError as exc:
        from afi_tracker.errors import InvalidValue

        raise InvalidValue(f"cannot write {output}: {exc.strerror or exc}") from None
    _say(f"Wrote {output}")


def _emit_action(fmt: RecordFormat, action: dict[str, Any]) -> None:
    if fmt is RecordFormat.json:
        from afi_tracker.render.json import dumps

        sys.stdout.write(dumps({k: v for k, v in action.items() if k != "uid"}))


def _as_of(text: str | None) -> date:
    from afi_tracker.domain.dates import parse_date

    if not text:
        return date.today()
    return parse_date(text, date.today(), day_first=_settings()["date_order"] == "day-first")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(value: str | None, option: str, prompt: str) -> str:
    if value is not None:
        return value
    if _interactive():
        answer: str = typer.prompt(prompt)
        return answer
    raise UsageError(f"Missing option '{option}' (no terminal to ask on)")


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
    typer.Option("--as-of", metavar="DATE", help="Compute as of this date (default: today)."),
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


# -- data ----------------------------------------------------------------------------------


@app.command("import", rich_help_panel=DATA)
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Plain text of the report page.", exists=True, dir_okay=False
        ),
    ],
    key: Annotated[
        str | None,
        typer.Option(metavar="KEY", help="Report key (default: from force, year and subject)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")
    ] = False,
    fmt: RecordFormatOption = RecordFormat.table,
    by: ByOption = None,
) -> None:
    """Import an inspection report's items from its text.

    Re-importing the same report updates it in place: items keep their handles,
    statuses and actions; new, changed and removed items are listed.

    Example: afi import west-mercia-peel-2018-legitimacy.txt --dry-run
    """
    from afi_tracker.cli.identity import current_user
    from afi_tracker.importers.apply import import_file

    outcome = import_file(
        _store(),
        file,
        key=key,
        dry_run=dry_run,
        by=current_user(by or _settings()["user"]),
        command=_command_line(),
    )
    _say(outcome.summary())
    if fmt is RecordFormat.table:
        _emit(fmt, "import_outcome", outcome)
    else:
        from afi_tracker.render.json import dumps
        from afi_tracker.render.listings import import_outcome_data

        sys.stdout.write(dumps(import_outcome_data(outcome)))


@app.command(rich_help_panel=DATA)
def reports(fmt: DataFormatOption = ListDataFormat.table) -> None:
    """List the reports in the store.

    Example: afi reports --format json
    """
    from afi_tracker.render.listings import reports_listing

    _emit(fmt, "listing", reports_listing(_store().load()))


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
    _emit(fmt, "listing", history_listing(_store().load(), since_date, by, limit or None))


@app.command(rich_help_panel=DATA)
def undo(by: ByOption = None) -> None:
    """Revert the last command's changes as one unit, and say what was reverted.

    Repeat to go further back. The undo itself is kept in the history.

    Example: afi undo
    """
    done = _tracker(by).undo()
    _say(f"Undid command {done.txn} by {done.by} at {done.at}: {done.command}")
    for line in done.reverted:
        _say(f"  {line}")


# -- items ---------------------------------------------------------------------------------


@app.command(rich_help_panel=TRACKING)
def items(
    report: ReportOption = None,
    kind: Annotated[
        str | None,
        typer.Option(
            metavar="KIND",
            help="Only this kind: area-for-improvement, cause-of-concern, recommendation.",
            autocompletion=_complete_kinds,
        ),
    ] = None,
    fmt: DataFormatOption = ListDataFormat.table,
) -> None:
    """List the tracked items: areas for improvement, causes of concern, recommendations.

    Example: afi items --kind recommendation --format json
    """
    from afi_tracker.render.listings import check_kind, items_listing

    _emit(fmt, "listing", items_listing(_store().load(), report, check_kind(kind)))


@app.command(rich_help_panel=TRACKING)
def show(
    handle: Annotated[
        str,
        typer.Argument(
            metavar="HANDLE",
            help="An item (I3) or action (A3) handle.",
            autocompletion=_complete_handles,
        ),
    ],
    as_of: AsOfOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Show everything about one item or action, including an action's history.

    Example: afi show I3

    Example: afi show A1 --format json
    """
    from afi_tracker.render.listings import action_detail, item_detail

    snap = _store().load()
    if handle.strip()[:1].upper() == "A":
        _emit(fmt, "detail", action_detail(snap, handle, _as_of(as_of)))
    else:
        _emit(fmt, "detail", item_detail(snap, handle))


@item_app.command("close")
def item_close(
    handle: ItemArg,
    evidence: EvidenceOption = None,
    description: DescriptionOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Propose it even with open actions (recorded).")
    ] = False,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Propose an item for closure, with evidence: it awaits sign-off.

    Example: afi item close I3 --evidence https://intranet/stop-search-report
    """
    item = _tracker(by).close_item(handle, evidence or [], force=force, description=description)
    _say(f"{item['id']} is awaiting sign-off")
    _emit_action(fmt, item)


@item_app.command("sign-off")
def item_sign_off(
    handle: ItemArg,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Sign off an item awaiting sign-off: it is complete, signed off by you (or --by).

    Example: afi item sign-off I3 --by "ACC Smith"
    """
    item = _tracker(by).sign_off(handle)
    _say(f"{item['id']} is complete, signed off by {item['signed_off_by']}")
    _emit_action(fmt, item)


@item_app.command("set")
def item_set(
    handle: ItemArg,
    status: Annotated[
        str,
        typer.Option(
            metavar="STATUS",
            help="superseded, no-further-action, or open / in-progress to reopen it.",
            autocompletion=_complete_item_status,
        ),
    ],
    reason: Annotated[str | None, typer.Option(metavar="TEXT", help="Why (required).")] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Set an item's status with a reason: superseded, no further action, or reopened.

    Example: afi item set I4 --status superseded --reason "Replaced by the 2021 AFI"
    """
    item = _tracker(by).set_item(handle, status, reason)
    _say(f"{item['id']} is {item['status']}")
    _emit_action(fmt, item)


# -- actions -------------------------------------------------------------------------------


@app.command(rich_help_panel=TRACKING)
def add(
    item: Annotated[
        str,
        typer.Argument(
            metavar="ITEM", help="The item it serves (I3).", autocompletion=_complete_items
        ),
    ],
    title: Annotated[str | None, typer.Argument(metavar="TITLE", help="What will be done.")] = None,
    owner: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Who is responsible.", autocompletion=_complete_owners),
    ] = None,
    due: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Deadline: 2025-04-03, 03/04/2025, friday, eom, +2w ..."),
    ] = None,
    status: Annotated[
        str,
        typer.Option(
            metavar="STATUS", help="planned or in-progress.", autocompletion=_complete_action_status
        ),
    ] = "planned",
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="A first note.")] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Add an action to an item; prints the new action's handle.

    On a terminal, a missing title, owner or deadline is asked for.

    Example: afi add I3 "Publish stop and search analysis" --owner "Insp Patel" --due 30/06/2025
    """
    from afi_tracker.domain.dates import describe

    title = _ask(title, "TITLE", "Title")
    owner = _ask(owner, "--owner", "Owner")
    due = _ask(due, "--due", "Due (e.g. 30/06/2025, eom, +2w)")
    action = _tracker(by).add(item, title, owner, due, status=status, note=note)
    when = describe(date.fromisoformat(action["due"])) if action["due"] else "no deadline"
    _say(f"Added {action['id']} to {action['item']}, due {when}, owner {action['owner']}")
    if fmt is RecordFormat.json:
        _emit_action(fmt, action)
    else:
        typer.echo(action["id"])


@app.command(rich_help_panel=TRACKING)
def update(
    handle: ActionArg,
    title: Annotated[str | None, typer.Option(metavar="TEXT", help="New title.")] = None,
    owner: Annotated[
        str | None, typer.Option(metavar="NAME", help="New owner.", autocompletion=_complete_owners)
    ] = None,
    due: Annotated[
        str | None, typer.Option(metavar="DATE", help="New deadline (needs --reason).")
    ] = None,
    reason: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Why the deadline or status changes.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            metavar="STATUS",
            help="planned, in-progress, blocked, done, cancelled.",
            autocompletion=_complete_action_status,
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="Add a note.")] = None,
    evidence: EvidenceOption = None,
    description: DescriptionOption = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Change an action: title, owner, deadline (with a reason), status, notes, evidence.

    Example: afi update A2 --due 31/07/2025 --reason "Waiting for new data system"
    """
    from afi_tracker.domain.dates import describe

    action = _tracker(by).update(
        handle,
        title=title,
        owner=owner,
        due=due,
        reason=reason,
        status=status,
        note=note,
        evidence=evidence,
        description=description,
    )
    extra = f", due {describe(date.fromisoformat(action['due']))}" if due else ""
    _say(f"Updated {action['id']} ({action['status']}{extra})")
    _emit_action(fmt, action)


def _move(handle: str, status: str, by: str | None, fmt: RecordFormat, **kw: Any) -> None:
    action = _tracker(by).move(handle, status, **kw)
    _say(f"{action['id']} is {action['status']}")
    _emit_action(fmt, action)


@app.command(rich_help_panel=TRACKING)
def start(
    handle: ActionArg, by: ByOption = None, fmt: RecordFormatOption = RecordFormat.table
) -> None:
    """Mark an action in progress.

    Example: afi start A1
    """
    _move(handle, "in-progress", by, fmt)


@app.command(rich_help_panel=TRACKING)
def block(
    handle: ActionArg,
    reason: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What it is waiting for (required).")
    ] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Mark an action blocked, with the reason.

    Example: afi block A1 --reason "Awaiting IT supplier"
    """
    _move(handle, "blocked", by, fmt, reason=reason)


@app.command(rich_help_panel=TRACKING)
def done(
    handle: ActionArg,
    evidence: EvidenceOption = None,
    description: DescriptionOption = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Mark an action done, with evidence of the work.

    Example: afi done A1 --evidence https://intranet/analysis.pdf --description "Q1 analysis"
    """
    _move(handle, "done", by, fmt, evidence=evidence or None, description=description)


@app.command(rich_help_panel=TRACKING)
def cancel(
    handle: ActionArg,
    reason: Annotated[str | None, typer.Option(metavar="TEXT", help="Why (required).")] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Cancel an action, with the reason.

    Example: afi cancel A4 --reason "Covered by A2"
    """
    _move(handle, "cancelled", by, fmt, reason=reason)


@app.command(rich_help_panel=TRACKING)
def reopen(
    handle: ActionArg,
    reason: Annotated[str | None, typer.Option(metavar="TEXT", help="Why it is reopened.")] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Reopen a done or cancelled action: it is in progress again.

    Example: afi reopen A1 --reason "Inspectors asked for more evidence"
    """
    action = _tracker(by).reopen(handle, reason)
    _say(f"{action['id']} is {action['status']} again")
    _emit_action(fmt, action)


@app.command(rich_help_panel=TRACKING)
def delete(
    handle: ActionArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    by: ByOption = None,
) -> None:
    """Delete an action. Its history stays readable, and `afi undo` brings it back.

    Asks for confirmation on a terminal; without one, needs --yes.

    Example: afi delete A4 --yes
    """
    if not yes:
        if not _interactive():
            raise UsageError("deleting needs --yes when there is no terminal to ask on")
        if not typer.confirm(f"Delete action {_one_line(handle)}?"):
            raise typer.Abort()
    action = _tracker(by).delete(handle)
    _say(f"Deleted {action['id']} ({action['title']})")


@app.command("list", rich_help_panel=TRACKING)
def list_(
    item: Annotated[
        str | None,
        typer.Option(
            metavar="ITEM", help="Only actions for this item.", autocompletion=_complete_items
        ),
    ] = None,
    report: ReportOption = None,
    owner: Annotated[
        str | None,
        typer.Option(
            metavar="NAME", help="Only this owner's actions.", autocompletion=_complete_owners
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            metavar="STATUS",
            help="Only these statuses; repeatable.",
            autocompletion=_complete_action_status,
        ),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue actions.")] = False,
    due_within: Annotated[
        str | None,
        typer.Option(metavar="PERIOD", help="Only open actions due within this period (14d, 2w)."),
    ] = None,
    due_before: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only actions due before this date.")
    ] = None,
    as_of: AsOfOption = None,
    fmt: ListFormatOption = ListFormat.table,
    output: OutputOption = None,
) -> None:
    """List actions; filters combine (AND). An empty list is not an error.

    Example: afi list --owner "Insp Patel" --overdue

    Example: afi list --due-within 2w --format csv
    """
    from afi_tracker.api.actions import check_status
    from afi_tracker.domain.dates import parse_period
    from afi_tracker.render.listings import ActionFilter, actions_listing

    today = _as_of(as_of)
    filters = ActionFilter(
        item=item,
        report=report,
        owner=owner,
        statuses=[check_status(s) for s in status or []],
        overdue=overdue,
        due_within=parse_period(due_within) if due_within else None,
        due_before=_as_of(due_before) if due_before else None,
    )
    _emit(fmt, "listing", actions_listing(_store().load(), filters, today), output)


# -- reporting -------------------------------------------------------------------------------


class StatusBy(StrEnum):
    item = "item"
    owner = "owner"


@app.command(rich_help_panel=REPORTING)
def status(
    report: ReportOption = None,
    as_of: AsOfOption = None,
    by: Annotated[
        StatusBy, typer.Option("--by", help="item: by report and question; owner: by owner.")
    ] = StatusBy.item,
    details: Annotated[
        bool,
        typer.Option("--details", help="List every item even when there are hundreds."),
    ] = False,
    fmt: ListFormatOption = ListFormat.table,
    output: OutputOption = None,
) -> None:
    """Progress against each report: questions, items, actions done, overdue, RAG.

    With hundreds of items across several reports, the table shows one line per
    report; --report KEY or --details lists the items.

    RAG rules are in docs/status.md. --as-of reproduces a past report exactly.

    Example: afi status --as-of 31/03/2025 --format html -o board-2025-03.html

    Example: afi status --by owner
    """
    snap = _store().load()
    if by is StatusBy.owner:
        from afi_tracker.render.listings import owners_listing

        soon = _settings()["rag.amber_days"]
        _emit(fmt, "listing", owners_listing(snap, _as_of(as_of), report, soon), output)
        return
    from afi_tracker.reports.progress import compute

    amber = _settings()["rag.amber_days"]
    view = compute(snap, _as_of(as_of), report, amber_days=amber)
    view.details = details
    _emit(fmt, "status", view, output)


@app.command(rich_help_panel=REPORTING)
def due(
    within: Annotated[
        str, typer.Option(metavar="PERIOD", help="How far ahead to look (14d, 2w).")
    ] = "14d",
    report: ReportOption = None,
    as_of: AsOfOption = None,
    fmt: ListFormatOption = ListFormat.table,
    output: OutputOption = None,
) -> None:
    """Overdue and upcoming actions grouped by owner: a digest for cron or email.

    Example: afi due --within 2w --format markdown
    """
    from afi_tracker.domain.dates import parse_period
    from afi_tracker.render.listings import due_listing

    listing = due_listing(_store().load(), _as_of(as_of), parse_period(within), report)
    _emit(fmt, "listing", listing, output)


@app.command(rich_help_panel=REPORTING)
def timeline(
    report: ReportOption = None,
    fmt: DataFormatOption = ListDataFormat.table,
) -> None:
    """Item and action deadlines by month.

    Example: afi timeline --report west-mercia-peel-2018-legitimacy
    """
    from afi_tracker.render.listings import timeline_listing

    _emit(fmt, "listing", timeline_listing(_store().load(), report))


@app.command(rich_help_panel=REPORTING)
def export(
    fmt: Annotated[
        PackFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = PackFormat.markdown,
    report: ReportOption = None,
    output: OutputOption = None,
) -> None:
    """A publication pack: every item verbatim, its question and judgement, and its actions.

    With the report's details and, for police reports, the date a PCC's response
    is due (publication + 56 days).

    Example: afi export --format html -o response.html
    """
    from afi_tracker.reports.pack import build

    _emit(fmt, "pack", build(_store().load(), date.today(), report), output)


@app.command(rich_help_panel=REPORTING)
def check(
    as_of: AsOfOption = None,
    report: ReportOption = None,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = CheckFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
    warn_within: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD", help="Warn about actions due within this period (default: 14d)."
        ),
    ] = None,
    stale_after: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Actions not updated, and sign-offs waiting, longer than this (default: 30d).",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(metavar="RULE", help="Switch a rule off (code or name); repeatable."),
    ] = None,
    error: Annotated[
        list[str] | None, typer.Option(metavar="RULE", help="Make a rule a failure; repeatable.")
    ] = None,
    warning: Annotated[
        list[str] | None,
        typer.Option(metavar="RULE", help="Make a rule a warning only; repeatable."),
    ] = None,
    output: OutputOption = None,
) -> None:
    """Fail a CI pipeline when the improvement plan slips.

    Failures: AFI100 store-invalid, AFI101 action-overdue, AFI102 item-without-action,
    AFI103 action-without-owner, AFI104 recommendation-past-deadline, AFI105 sign-off-stale.
    Warnings: AFI201 action-due-soon, AFI202 action-stale, AFI203 closed-without-evidence.
    Rules can also be set in afi.toml or [tool.afi] in pyproject.toml; flags win.

    Exit codes: 0 no failures (warnings allowed); 1 failures found, or warnings with --strict;
    2 usage error or unreadable store.

    Example: afi check --format github

    Example: afi check --strict --ignore AFI202 --format junit -o afi-check.xml
    """
    from afi_tracker.domain.dates import parse_period
    from afi_tracker.reports.check import Options, run, severities

    settings = _settings()
    options = Options(
        as_of=_as_of(as_of),
        warn_within=parse_period(warn_within or settings["check.warn_within"]),
        stale_after=parse_period(stale_after or settings["check.stale_after"]),
        severity=severities(
            settings["check.ignore"],
            settings["check.error"],
            settings["check.warning"],
            ignore or [],
            error or [],
            warning or [],
        ),
        report=report,
        strict=strict,
    )
    result = run(_store(), options)
    _emit(fmt, "check", result, output)
    raise typer.Exit(result.exit_code)


@app.command(rich_help_panel=DATA)
def doctor(fmt: RecordFormatOption = RecordFormat.table) -> None:
    """Check a store and list every problem with its location; changes nothing.

    Exit 0 when the store is sound, 1 when it has problems.

    Example: afi --db tracker.json doctor
    """
    from dataclasses import asdict

    from afi_tracker.reports.doctor import describe, examine

    result = examine(_store())
    if fmt is RecordFormat.json:
        from afi_tracker.render.json import dumps

        sys.stdout.write(dumps(dict(asdict(result), ok=result.ok)))
    else:
        for line in describe(result):
            typer.echo(_one_line(line))
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


def main() -> None:
    app(prog_name="afi")
