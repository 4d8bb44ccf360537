"""Outcome commands: `afi findings` (figures and commitments in a report's text)
and the `afi measure` group (add, record, list)."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
from typing import Annotated

import typer

from afi_tracker.cli.root import (
    TRACKING,
    AsOfOption,
    AsRecordedOption,
    ByOption,
    ListFormatOption,
    OutputOption,
    RecordFormatOption,
    ReportOption,
    _as_of,
    _complete_items,
    _complete_owners,
    _db_for_completion,
    _emit,
    _emit_action,
    _load,
    _say,
    _tracker,
    app,
)
from afi_tracker.render import ListDataFormat, ListFormat, RecordFormat

measure_app = typer.Typer(
    help="Outcomes: measures with a baseline, a target by a date, and dated readings.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(measure_app, name="measure", rich_help_panel=TRACKING)


def _complete_measures(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.measures(_db_for_completion(ctx), incomplete)


def _complete_figures(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.findings(_db_for_completion(ctx), incomplete, commitments=False)


def _complete_commitments(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from afi_tracker.cli import completion

    return completion.findings(_db_for_completion(ctx), incomplete, commitments=True)


MeasureArg = Annotated[
    str,
    typer.Argument(
        metavar="MEASURE", help="A measure handle (M1).", autocompletion=_complete_measures
    ),
]
ItemOption = Annotated[
    str | None,
    typer.Option(metavar="ITEM", help="Only this item's question.", autocompletion=_complete_items),
]


@app.command(rich_help_panel=TRACKING)
def findings(
    report: ReportOption = None,
    item: ItemOption = None,
    adopt: Annotated[
        str | None,
        typer.Option(
            metavar="COMMITMENT",
            help="Turn this dated commitment (C2) into an action due on its deadline.",
            autocompletion=_complete_commitments,
        ),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Owner of the adopted action; repeatable.",
            autocompletion=_complete_owners,
        ),
    ] = None,
    by: ByOption = None,
    fmt: Annotated[
        ListDataFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = ListDataFormat.table,
) -> None:
    """Figures (F1...) and the force's dated commitments (C1...) in a report's own text.

    Each figure comes with its sentence, the question it sits under, that
    question's items and a suggested measure name; each commitment with its
    deadline (a month means its last day, a year 31 December). Handles are per
    report. --adopt makes a commitment an action against the item of its
    question (--item when the question has several), quoting its sentence.

    Example: afi findings --format json

    Example: afi findings --adopt C1 --owner "Head of PSD"
    """
    if adopt is not None:
        from afi_tracker.cli.root import UsageError
        from afi_tracker.domain.model import owner_names, owners_text

        if not owner:
            raise UsageError("Missing option '--owner' (who owns the adopted action)")
        action = _tracker(by).adopt(adopt, owner_names(owner), report=report, item=item)
        source = action.get("source")
        _say(
            f"Added {action['id']} to {action['item']}, due {action['due']}, "
            f"owner {owners_text(action)}, from {source['commitment'] if source else adopt}"
        )
        if fmt is ListDataFormat.json:
            _emit_action(RecordFormat.json, action)
        else:
            typer.echo(action["id"])
        return
    from afi_tracker.render.outcomes import findings_listing

    _emit(fmt, "listing", findings_listing(_load(None), report, item))


@measure_app.command("add")
def measure_add(
    item: Annotated[
        str,
        typer.Argument(
            metavar="ITEM", help="The item it measures (I3).", autocompletion=_complete_items
        ),
    ],
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME", help="What is measured (default: the finding's suggestion)."
        ),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(metavar="VALUE", help="Where it starts: 65 or 65%.")
    ] = None,
    baseline_date: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="When the baseline was measured (default: today)."),
    ] = None,
    target: Annotated[
        str | None, typer.Option(metavar="VALUE", help="Where it must get: 95%.")
    ] = None,
    by_date: Annotated[
        str | None, typer.Option("--by", metavar="DATE", help="When the target must be met.")
    ] = None,
    lower_is_better: Annotated[
        bool, typer.Option("--lower-is-better", help="Lower values are better (days, backlogs).")
    ] = False,
    unit: Annotated[
        str | None, typer.Option(metavar="UNIT", help="%, count or days (default: %).")
    ] = None,
    from_finding: Annotated[
        str | None,
        typer.Option(
            metavar="FINDING",
            help="Take baseline, its date (the report's) and sentence from a figure (F3).",
            autocompletion=_complete_figures,
        ),
    ] = None,
    who: Annotated[
        str | None,
        typer.Option(
            "--who",
            metavar="NAME",
            help="Who is making the change (default: AFI_USER, git user.name, or the login name).",
        ),
    ] = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Add a measure to an item: a baseline, a target and the date it is due by.

    --by is the target date here; --who names who makes the change.

    Example: afi measure add I1 --from-finding F1 --target 95% --by 31/03/2026

    Example: afi measure add I8 "PDR completion" --baseline 60% --target 90% --by 2026-03-31
    """
    from afi_tracker.cli.root import UsageError

    if target is None:
        raise UsageError("Missing option '--target'")
    if by_date is None:
        raise UsageError("Missing option '--by' (the date the target must be met)")
    measure = _tracker(who).add_measure(
        item,
        name,
        target=target,
        by=by_date,
        baseline=baseline,
        baseline_date=baseline_date,
        unit=unit,
        lower_is_better=lower_is_better,
        finding=from_finding,
    )
    _say(
        f"Added {measure['id']} to {measure['item']}: {measure['name']}, "
        f"baseline {measure['baseline']:g} on {measure['baseline_date']}, "
        f"target {measure['target']:g} by {measure['by']}"
    )
    if fmt is RecordFormat.json:
        _emit_action(fmt, measure)
    else:
        typer.echo(measure["id"])


@measure_app.command("record")
def measure_record(
    handle: MeasureArg,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The reading: 72 or 72%.")],
    on: Annotated[
        str | None, typer.Option(metavar="DATE", help="When it was measured (default: today).")
    ] = None,
    source: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Where the figure comes from.")
    ] = None,
    by: ByOption = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Record a reading of a measure.

    Example: afi measure record M1 72% --on 31/03/2025 --source "HR system, Q4 report"
    """
    measure = _tracker(by).record_reading(handle, value, on=on, source=source)
    latest = measure["readings"][-1]
    _say(
        f"{measure['id']} read {latest['value']:g} on {latest['on']} "
        f"(target {measure['target']:g} by {measure['by']})"
    )
    _emit_action(fmt, measure)


@measure_app.command("list")
def measure_list(
    report: ReportOption = None,
    item: Annotated[
        str | None,
        typer.Option(
            metavar="ITEM", help="Only this item's measures.", autocompletion=_complete_items
        ),
    ] = None,
    as_of: AsOfOption = None,
    as_recorded: AsRecordedOption = False,
    fmt: ListFormatOption = ListFormat.table,
    output: OutputOption = None,
) -> None:
    """List measures: baseline, latest reading (as of --as-of), target, trend.

    Example: afi measure list --as-of 31/03/2025 --format json
    """
    from afi_tracker.render.outcomes import measures_listing

    _emit(
        fmt,
        "listing",
        measures_listing(_load(as_of), _as_of(as_of), report, item),
        output,
    )
