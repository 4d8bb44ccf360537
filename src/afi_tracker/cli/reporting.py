"""Reporting commands: status, due, timeline, export, check."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from enum import StrEnum
from typing import Annotated

import typer

from afi_tracker.cli.root import (
    REPORTING,
    AsOfOption,
    AsRecordedOption,
    DataFormatOption,
    ListFormatOption,
    OutputOption,
    ReportOption,
    _as_of,
    _emit,
    _leave_to_exit,
    _load,
    _output_format,
    _settings,
    _store,
    app,
)
from afi_tracker.render import CheckFormat, ListDataFormat, ListFormat, PackFormat

# -- reporting -------------------------------------------------------------------------------


class StatusBy(StrEnum):
    item = "item"
    owner = "owner"


@app.command(rich_help_panel=REPORTING)
def status(
    report: ReportOption = None,
    as_of: AsOfOption = None,
    as_recorded: AsRecordedOption = False,
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

    RAG rules are in docs/status.md. --as-of DATE shows what was recorded by the end
    of that day, as it was then, judged as of that day (a past board paper, exactly).

    Example: afi status --as-of 31/03/2025 --format html -o board-2025-03.html

    Example: afi status --by owner
    """
    snap = _load(as_of)
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
    _leave_to_exit(snap, view)


@app.command(rich_help_panel=REPORTING)
def due(
    within: Annotated[
        str, typer.Option(metavar="PERIOD", help="How far ahead to look (14d, 2w).")
    ] = "14d",
    report: ReportOption = None,
    as_of: AsOfOption = None,
    as_recorded: AsRecordedOption = False,
    fmt: ListFormatOption = ListFormat.table,
    output: OutputOption = None,
) -> None:
    """Overdue and upcoming actions grouped by owner: a digest for cron or email.

    Example: afi due --within 2w --format markdown
    """
    from afi_tracker.domain.dates import parse_period
    from afi_tracker.render.listings import due_listing

    listing = due_listing(_load(as_of), _as_of(as_of), parse_period(within), report)
    _emit(fmt, "listing", listing, output)


@app.command(rich_help_panel=REPORTING)
def timeline(
    report: ReportOption = None,
    as_of: AsOfOption = None,
    fmt: DataFormatOption = ListDataFormat.table,
) -> None:
    """Item and action deadlines by month (with --as-of, as recorded by then).

    Example: afi timeline --report west-mercia-peel-2018-legitimacy
    """
    from afi_tracker.render.listings import timeline_listing

    _emit(fmt, "listing", timeline_listing(_load(as_of), report))


export_app = typer.Typer(
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
app.add_typer(export_app, name="export", rich_help_panel=REPORTING)


@export_app.callback(invoke_without_command=True)
def export(
    ctx: typer.Context,
    fmt: Annotated[
        PackFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: from -o's extension, else markdown).",
            case_sensitive=False,
        ),
    ] = None,
    report: ReportOption = None,
    as_of: AsOfOption = None,
    output: OutputOption = None,
) -> None:
    """A publication pack: every item verbatim, its question and judgement, and its actions.

    With the report's details and, for police reports, the date a PCC's response
    is due (publication + 56 days); each item's response, RAG, closure evidence
    and who signed it off; each action's notes. xlsx is a workbook for boards:
    a Summary sheet of `afi status` figures, then a sheet per report, which
    `afi import-plan` reads back. `afi export s55` writes the PCC's response.
    --as-of DATE makes the pack from what was recorded by the end of that day.

    Example: afi export --format html -o response.html

    Example: afi export -o board-pack.xlsx
    """
    if ctx.invoked_subcommand is not None:
        return
    from afi_tracker.reports.pack import build

    chosen = _output_format(fmt, "pack", output, PackFormat.markdown)
    amber = _settings()["rag.amber_days"]
    view = build(_load(as_of), _as_of(as_of), report, amber_days=amber)
    _emit(chosen, "pack", view, output)


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
    reading_after: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Measures with no reading for longer than this (default: 13w).",
        ),
    ] = None,
    respond_within: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Recommendations without a response this long after publication (default: 56d).",
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
    AFI103 action-without-owner, AFI104 recommendation-past-deadline, AFI105 sign-off-stale,
    AFI106 measure-missed-target, AFI107 merge-conflict, AFI108 sync-conflict-copy.
    Warnings: AFI201 action-due-soon, AFI202 action-stale, AFI203 closed-without-evidence,
    AFI204 measure-without-reading, AFI205 recommendation-without-response.
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
        reading_after=parse_period(reading_after or settings["check.reading_after"]),
        respond_within=parse_period(respond_within or settings["check.respond_within"]),
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
        recorded_by=_as_of(as_of) if as_of else None,
    )
    result = run(_store(), options)
    _emit(fmt, "check", result, output)
    raise typer.Exit(result.exit_code)
