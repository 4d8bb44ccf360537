"""Action commands: add, update, start, block, done, cancel, reopen, delete, list."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from datetime import date
from typing import Annotated, Any

import typer

from afi_tracker.cli import root
from afi_tracker.cli.root import (
    TRACKING,
    ActionArg,
    AsOfOption,
    AsRecordedOption,
    ByOption,
    DescriptionOption,
    EvidenceOption,
    ListFormatOption,
    OutputOption,
    RecordFormatOption,
    ReportOption,
    UsageError,
    _as_of,
    _ask,
    _complete_action_status,
    _complete_items,
    _complete_owners,
    _emit,
    _emit_action,
    _leave_to_exit,
    _load,
    _one_line,
    _say,
    _today,
    _tracker,
    app,
)
from afi_tracker.render import ListFormat, RecordFormat

# -- actions -------------------------------------------------------------------------------

OwnerOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="NAME",
        help="Who is responsible; repeatable for several owners (these come first).",
        autocompletion=_complete_owners,
    ),
]
OwnersOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="NAMES",
        help='Several owners separated by commas: "Insp Patel, DS Jones" (after any --owner).',
    ),
]


def _owner_names(owner: list[str] | None, owners: list[str] | None) -> list[str]:
    """Every --owner in the order given, then each --owners' names in order
    (Typer hands the two options over separately, so their interleaving on the
    command line is not known); an empty name is a usage error (exit 2) before
    the store is read."""
    from afi_tracker.domain.model import owner_names, split_owners

    split = [name for text in owners or [] for name in split_owners(text)]
    return owner_names([*(owner or []), *split])


def _title(text: str) -> None:
    from afi_tracker.api.actions import required

    required(text, "title")


def _one_owner(text: str) -> None:
    _owner_names([text], None)


@app.command(rich_help_panel=TRACKING)
def add(
    item: Annotated[
        str,
        typer.Argument(
            metavar="ITEM", help="The item it serves (I3).", autocompletion=_complete_items
        ),
    ],
    title: Annotated[str | None, typer.Argument(metavar="TITLE", help="What will be done.")] = None,
    owner: OwnerOption = None,
    owners: OwnersOption = None,
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

    An action may have several owners: give --owner once for each, or --owners
    with the names separated by commas. A name is never split otherwise, so
    --owner "Patel, A" is one owner. Owners are kept in this order: every
    --owner as given, then the names of each --owners. On a terminal, a missing
    title, owner or deadline is asked for.

    Example: afi add I3 "Publish stop and search analysis" --owner "Insp Patel" --due 30/06/2025

    Example: afi add I3 "Joint review" --owner "Insp Patel" --owner "DS Jones" --due eom
    """
    from afi_tracker.domain.dates import describe
    from afi_tracker.domain.model import owners_text

    names = _owner_names(owner, owners)
    title = _ask(title, "TITLE", "Title", check=_title)
    if not names:
        names = _owner_names([_ask(None, "--owner", "Owner", check=_one_owner)], None)
    due = _ask(due, "--due", "Due (e.g. 30/06/2025, eom, +2w)", check=_as_of)
    action = _tracker(by).add(item, title, names, due, status=status, note=note)
    when = describe(date.fromisoformat(action["due"])) if action["due"] else "no deadline"
    who = owners_text(action)
    _say(
        f"Added {action['id']} to {action['item']}, due {when}, owner{'s' * (len(names) > 1)} {who}"
    )
    _warn_if_long_past(action["due"])
    if fmt is RecordFormat.json:
        _emit_action(fmt, action)
    else:
        typer.echo(action["id"])


@app.command(rich_help_panel=TRACKING)
def update(
    handle: ActionArg,
    title: Annotated[str | None, typer.Option(metavar="TEXT", help="New title.")] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="New owner; repeatable. Replaces the owners.",
            autocompletion=_complete_owners,
        ),
    ] = None,
    owners: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAMES",
            help='New owners, separated by commas ("A, B"), after any --owner; replaces them.',
        ),
    ] = None,
    add_owner: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME", help="Add an owner; repeatable.", autocompletion=_complete_owners
        ),
    ] = None,
    remove_owner: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME", help="Take an owner off; repeatable.", autocompletion=_complete_owners
        ),
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
    """Change an action: title, owners, deadline (with a reason), status, notes, evidence.

    --owner (repeatable) and --owners replace the action's owners; --add-owner
    and --remove-owner change them one name at a time (removals first, so
    --remove-owner "ds jones" --add-owner "DS Jones" respells one). An action
    keeps at least one owner. Asked only for values the action already has,
    it writes nothing and says so (exit 0).

    Example: afi update A2 --due 31/07/2025 --reason "Waiting for new data system"

    Example: afi update A2 --add-owner "DS Jones"
    """
    from afi_tracker.api.actions import Unchanged
    from afi_tracker.domain.dates import describe
    from afi_tracker.domain.model import owner_names

    replaced = _owner_names(owner, owners) if owner or owners else None
    try:
        action = _tracker(by).update(
            handle,
            title=title,
            owners=replaced,
            add_owners=owner_names(add_owner or []),
            remove_owners=owner_names(remove_owner or []),
            due=due,
            reason=reason,
            status=status,
            note=note,
            evidence=evidence,
            description=description,
        )
    except Unchanged as same:  # nothing written, as `afi start` on a started action
        _say(same.message)
        _emit_action(fmt, same.action)
        return
    new_due = action["due"]
    extra = f", due {describe(date.fromisoformat(new_due))}" if due and new_due else ""
    _say(f"Updated {action['id']} ({action['status']}{extra})")
    if due and new_due:
        _warn_if_long_past(new_due)
    _emit_action(fmt, action)


def _warn_if_long_past(due: str | None) -> None:
    """A deadline over a year ago is kept (back-filling is real) but is often a wrong year."""
    from afi_tracker.domain.rules import long_past

    if due and long_past(date.fromisoformat(due), _today()):
        _say(f"Warning: the deadline {due} is more than a year in the past; check the year")


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
        _load(None).action(handle)  # a mistyped handle fails before any question
        if not root._interactive():  # looked up at call time: tests stand in a terminal
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
            metavar="NAME",
            help="Only actions this person owns (one of their owners; any case).",
            autocompletion=_complete_owners,
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
    as_recorded: AsRecordedOption = False,
    fmt: ListFormatOption = ListFormat.table,
    output: OutputOption = None,
) -> None:
    """List actions; filters combine (AND). An empty list is not an error.

    Example: afi list --owner "Insp Patel" --overdue

    Example: afi list --due-within 2w --format csv
    """
    from afi_tracker.api.actions import check_status
    from afi_tracker.domain.dates import parse_period
    from afi_tracker.domain.model import owner_names
    from afi_tracker.render.listings import ActionFilter, actions_listing

    if owner is not None:
        if not owner.strip():
            raise UsageError("--owner needs a name (leave it out to list everyone's actions)")
        owner_names([owner])  # a tab, line break or escape is refused as at entry
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
    snap = _load(as_of)
    view = actions_listing(snap, filters, today)
    _emit(fmt, "listing", view, output)
    _leave_to_exit(snap, view)
