"""Plan and papers commands: import-plan, `afi item respond`, `afi export s55`."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from pathlib import Path
from typing import Annotated

import typer

from afi_tracker.cli.items import item_app
from afi_tracker.cli.reporting import export_app
from afi_tracker.cli.root import (
    DATA,
    AsOfOption,
    ByOption,
    ItemArg,
    OutputOption,
    RecordFormatOption,
    ReportOption,
    UsageError,
    _as_of,
    _emit,
    _emit_action,
    _load,
    _output_format,
    _say,
    _tracker,
    app,
)
from afi_tracker.render import RecordFormat, S55Format


def _pairs(values: list[str] | None, option: str, what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values or []:
        name, sep, target = value.rpartition("=")
        if not sep or not name.strip() or not target.strip():
            raise UsageError(f'{option} wants {what}, not "{value}"')
        pairs[name.strip()] = target.strip()
    return pairs


@app.command("import-plan", rich_help_panel=DATA)
def import_plan(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The plan: .xlsx (every sheet) or .csv (encoding and delimiter sniffed).",
            exists=True,
            dir_okay=False,
        ),
    ],
    report: ReportOption = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help=(
                "Take this column for this field: report, ref, text, action_id, action, owner, "
                "due, status, update; repeatable."
            ),
        ),
    ] = None,
    status_map: Annotated[
        list[str] | None,
        typer.Option(
            "--status-map",
            metavar="WORD=STATUS",
            help="Read the sheet's status WORD as an action status (planned, in-progress, "
            "blocked, done, cancelled); repeatable.",
        ),
    ] = None,
    skip: Annotated[
        list[int] | None,
        typer.Option(metavar="ROW", help="Skip this row (the sheet's own row number); repeatable."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show every row's outcome; write nothing.")
    ] = False,
    fmt: RecordFormatOption = RecordFormat.table,
    by: ByOption = None,
) -> None:
    """Adopt a force's existing action plan: one action per row, matched to its item.

    Columns are recognised by their headings (Ref, Area for improvement,
    Recommendation, Action, Lead or Owner, Target date or Deadline, Status,
    Latest update...). Rows match items by handle (I3) when the sheet came from
    afi, else by the item's text (the score is shown); a weak or ambiguous match
    is listed, never guessed. The update column becomes a note. Importing the
    same sheet again changes nothing. Nothing is written unless every row is
    applied or skipped with --skip.

    Example: afi import-plan action-plan.xlsx --dry-run

    Example: afi import-plan plan.csv --map "Workstream lead=owner" --status-map Slipping=blocked
    """
    from afi_tracker.api.plan import PlanRefused

    mapping = _pairs(column_map, "--map", "COLUMN=FIELD")
    statuses = _pairs(status_map, "--status-map", "WORD=STATUS")
    try:
        outcome = _tracker(by).import_plan(
            file,
            report=report,
            mapping=mapping,
            statuses=statuses,
            skip=set(skip or []),
            dry_run=dry_run,
        )
    except PlanRefused as refused:
        _report_columns(refused.outcome)
        _emit(fmt, "plan_outcome", refused.outcome)
        _report_problems(refused.outcome)
        raise
    _report_columns(outcome)
    _say(outcome.summary())
    _emit(fmt, "plan_outcome", outcome)
    _report_problems(outcome)
    if outcome.problems:
        raise typer.Exit(1)


def _report_columns(outcome: object) -> None:
    from afi_tracker.api.plan import PlanOutcome

    assert isinstance(outcome, PlanOutcome)
    for note in outcome.notes:
        _say(note)
    for sheet, columns in outcome.columns.items():
        taken = ", ".join(f'"{column}" as {name}' for column, name in columns.items())
        _say(f"Columns{' of ' + sheet if sheet else ''}: {taken}")


def _report_problems(outcome: object) -> None:
    from afi_tracker.api.plan import PlanOutcome

    assert isinstance(outcome, PlanOutcome)
    for problem in outcome.problems:
        _say(f"Problem: {problem}")
    for word, rows in outcome.unknown_statuses.items():
        where = ("row " if len(rows) == 1 else "rows ") + ", ".join(str(r) for r in rows)
        _say(
            f'Status "{word}" ({where}) is not understood: add '
            f'--status-map "{word}=STATUS" (planned, in-progress, blocked, done, cancelled)'
        )


@item_app.command("respond")
def item_respond(
    handle: ItemArg,
    accepted: Annotated[bool, typer.Option("--accepted", help="The response accepts it.")] = False,
    partly: Annotated[
        bool, typer.Option("--partly", help="The response accepts it in part.")
    ] = False,
    not_accepted: Annotated[
        bool, typer.Option("--not-accepted", help="The response does not accept it.")
    ] = False,
    text: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="The response: what will be done, or why nothing will."),
    ] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Record the published response to an item (a PCC's under s55): kept in the history.

    Shown by `afi show`, `afi status --format json`, `afi export` and `afi export s55`.
    A later response replaces it; the history keeps both.

    Example: afi item respond I3 --accepted --text "We accept this; see actions A1 and A2."
    """
    chosen = [
        verdict
        for verdict, flag in (
            ("accepted", accepted),
            ("partly-accepted", partly),
            ("not-accepted", not_accepted),
        )
        if flag
    ]
    if len(chosen) != 1:
        raise UsageError("give exactly one of --accepted, --partly, --not-accepted")
    if text is None:
        raise UsageError("Missing option '--text'")
    item = _tracker(by).respond(handle, chosen[0], text)
    _say(f"{item['id']} response recorded: {chosen[0]}")
    _emit_action(fmt, item)


@export_app.command("s55")
def export_s55(
    report: ReportOption = None,
    as_of: AsOfOption = None,
    output: OutputOption = None,
    fmt: Annotated[
        S55Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: from -o's extension, else markdown).",
            case_sensitive=False,
        ),
    ] = None,
    include_all: Annotated[
        bool,
        typer.Option("--all", help="Causes of concern and areas for improvement too."),
    ] = False,
    scrutiny: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT", help="The closing section on scrutiny (default: a standard paragraph)."
        ),
    ] = None,
) -> None:
    """The PCC's response to a report (Police Act 1996 s55), as .docx, .md or .html.

    The report, its publication date and the date the response is due (56 days),
    each recommendation verbatim with its response and actions (lead, target
    date) or the reason no action will be taken, and how progress will be
    scrutinised. Recommendations with no response are listed on stderr.
    --as-of DATE makes the paper from what was recorded by the end of that day.

    Example: afi export s55 --report west-mercia-peel-2018-legitimacy -o s55-response.docx
    """
    from afi_tracker.reports.s55 import build

    chosen = _output_format(fmt, "s55", output, S55Format.markdown)
    view = build(_load(as_of), _as_of(as_of), report, include_all=include_all, scrutiny=scrutiny)
    for missing in view.missing:
        _say(
            f"No response recorded for recommendation {missing} "
            "(record one with `afi item respond ITEM --accepted --text ...`)"
        )
    _emit(chosen, "s55", view, output)
