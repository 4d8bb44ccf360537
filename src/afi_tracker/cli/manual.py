"""By hand, for what no importer reads: `afi report add`, `afi item add`, `afi item edit`."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from typing import Annotated

import typer

from afi_tracker.cli.items import item_app
from afi_tracker.cli.root import (
    DATA,
    ByOption,
    ItemArg,
    RecordFormatOption,
    _complete_kinds,
    _complete_reports,
    _emit_action,
    _say,
    _tracker,
    app,
)
from afi_tracker.render import RecordFormat

report_app = typer.Typer(
    help="Add a report by hand, for one no importer reads.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(report_app, name="report", rich_help_panel=DATA)

DateText = Annotated[str | None, typer.Option(metavar="DATE", help="A date (31/03/2025).")]


@report_app.command("add")
def report_add(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The report's title.")],
    key: Annotated[
        str | None, typer.Option(metavar="KEY", help="Report key (default: from the title).")
    ] = None,
    force: Annotated[
        str, typer.Option(metavar="NAME", help="The force or service inspected.")
    ] = "",
    programme: Annotated[
        str, typer.Option(metavar="NAME", help="PEEL, a thematic inspection, ...")
    ] = "",
    year: Annotated[str, typer.Option(metavar="YEAR", help="2023 or 2021/22.")] = "",
    published: Annotated[
        str | None, typer.Option(metavar="DATE", help="Publication date (29/03/2022).")
    ] = None,
    judgement: Annotated[
        str | None,
        typer.Option(metavar="JUDGEMENT", help="Outstanding ... Inadequate, if graded."),
    ] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Add a report by hand; then add its items with `afi item add`.

    Example: afi report add "Northshire Police PEEL 2023" --published 01/06/2023 --judgement Good
    """
    report = _tracker(by).add_report(
        title,
        key=key,
        force=force,
        programme=programme,
        year=year,
        published=published,
        judgement=judgement,
    )
    _say(f"Added report {report['key']}: {report['title']}")
    _emit_action(fmt, report)


@item_app.command("add")
def item_add(
    report: Annotated[
        str,
        typer.Argument(
            metavar="REPORT", help="The report's key.", autocompletion=_complete_reports
        ),
    ],
    kind: Annotated[
        str,
        typer.Option(
            metavar="KIND",
            help="area-for-improvement, cause-of-concern or recommendation (afi, coc, rec).",
            autocompletion=_complete_kinds,
        ),
    ],
    text: Annotated[str, typer.Option(metavar="TEXT", help="The item's words, as published.")],
    question: Annotated[
        str | None, typer.Option(metavar="N", help="The graded question it is under.")
    ] = None,
    deadline: DateText = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Add an item to a report by hand.

    Example: afi item add northshire-police-peel-2023 --kind afi --text "The force should ..."
    """
    item = _tracker(by).add_item(report, kind, text, question=question, deadline=deadline)
    _say(f"Added {item['id']} to {item['report']}")
    _emit_action(fmt, item)


@item_app.command("edit")
def item_edit(
    handle: ItemArg,
    text: Annotated[str | None, typer.Option(metavar="TEXT", help="The corrected text.")] = None,
    deadline: DateText = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Correct an item's text or deadline; the old value stays in the history (`afi log`).

    Example: afi item edit I4 --deadline 30/09/2025
    """
    item = _tracker(by).edit_item(handle, text=text, deadline=deadline)
    _say(f"Updated {item['id']}")
    _emit_action(fmt, item)
