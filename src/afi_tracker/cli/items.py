"""Item commands: items, show, and the `afi item` group (close, sign-off, set)."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from typing import Annotated

import typer

from afi_tracker.cli.root import (
    TRACKING,
    AsOfOption,
    ByOption,
    DataFormatOption,
    DescriptionOption,
    EvidenceOption,
    ItemArg,
    RecordFormatOption,
    ReportOption,
    _as_of,
    _complete_handles,
    _complete_item_status,
    _complete_kinds,
    _emit,
    _emit_action,
    _load,
    _say,
    _tracker,
    app,
)
from afi_tracker.render import ListDataFormat, RecordFormat

item_app = typer.Typer(
    help="Move an item through its own lifecycle: propose for closure, sign off, set aside.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(item_app, name="item", rich_help_panel=TRACKING)


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

    _emit(fmt, "listing", items_listing(_load(None), report, check_kind(kind)))


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

    snap = _load(as_of)
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
