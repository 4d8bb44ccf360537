"""Rich tables for people at a terminal.

Every piece of user or report text goes in as a rich.text.Text built from a
plain string, never as markup, after terminal controls are stripped: a title
like "[bold]x" or an escape sequence is shown, not obeyed.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from afi_tracker.domain.safetext import for_terminal, one_line, shorten
from afi_tracker.render.base import (
    KIND_LABEL,
    Column,
    Detail,
    Listing,
    bar,
    display,
    report_facts,
    summary_line,
)
from afi_tracker.reports.check import CheckResult, Finding
from afi_tracker.reports.progress import StatusView

JUDGEMENT_STYLE = {
    "Outstanding": "bold green",
    "Good": "green",
    "Adequate": "yellow",
    "Requires improvement": "dark_orange",
    "Inadequate": "bold red",
}


def plain(value: object, width: int | None = None) -> Text:
    text = display(value)
    return Text(shorten(text, width) if width else for_terminal(text))


# Rows above which a plain table is drawn: Rich takes ~3 ms a row to lay out.
LARGE = 60


def listing(view: Listing) -> RenderableType | str:
    if not view.rows:
        return Text(view.empty, style="dim")
    if len(view.rows) > LARGE:
        return plain_listing(view)
    table = Table(title=plain(view.title) if view.title else None, title_justify="left")
    cells = [[plain(row.get(col.key), col.width) for col in view.columns] for row in view.rows]
    for index, col in enumerate(view.columns):
        if col.width is not None:
            # Long text wraps in its cell rather than being cut unreadably.
            table.add_column(
                col.header,
                justify=col.justify,  # type: ignore[arg-type]
                overflow="fold",
                ratio=1,
            )
        else:
            widest = max([len(col.header)] + [cell[index].cell_len for cell in cells])
            # Short values (handles, dates, statuses) never fold; long keys may.
            table.add_column(
                col.header,
                justify=col.justify,  # type: ignore[arg-type]
                no_wrap=widest <= 40,
                overflow="fold",
                min_width=widest if widest <= 16 else None,
            )
    for row_cells in cells:
        table.add_row(*row_cells)
    return table


def detail(view: Detail) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in view.fields:
        table.add_row(Text(label), plain(value))
    parts: list[RenderableType] = [Text(for_terminal(view.title), style="bold"), table]
    for heading, lines in view.sections:
        parts.append(Text(""))
        parts.append(Text(heading, style="bold underline"))
        parts.extend(Text(for_terminal(line)) for line in lines)
    return Group(*parts)


def judgement_text(judgement: str | None) -> Text:
    return Text(judgement or "not graded", style=JUDGEMENT_STYLE.get(judgement or "", "dim"))


RAG_STYLE = {
    "red": "bold red",
    "amber": "bold yellow",
    "green": "green",
    "complete": "bold blue",
    "closed": "dim",
}


def rag_text(rag: str) -> Text:
    return Text(rag.upper(), style=RAG_STYLE.get(rag, ""))


def status(view: StatusView) -> RenderableType | str:
    if len(view.reports) > 1 and view.totals.items_total > LARGE and not view.details:
        return status_summary(view)
    parts: list[RenderableType] = []
    for report in view.reports:
        head = Text()
        head.append(for_terminal(report.title), style="bold")
        head.append(" · ")
        head.append_text(judgement_text(report.judgement))
        for fact in report_facts(report)[1:]:
            head.append(f" · {fact}")
        parts.append(head)
        table = Table(expand=False, show_lines=False)
        for header, opts in (
            ("ID", {"no_wrap": True}),
            ("Kind", {"no_wrap": True}),
            ("Item", {"overflow": "fold", "ratio": 1, "min_width": 30}),
            ("Status", {"no_wrap": True}),
            ("Done", {"no_wrap": True, "justify": "right"}),
            ("Progress", {"no_wrap": True}),
            ("Overdue", {"no_wrap": True, "justify": "right"}),
            ("Next due", {"no_wrap": True}),
            ("Owners", {"overflow": "fold", "max_width": 24}),
            ("RAG", {"no_wrap": True}),
        ):
            table.add_column(header, **opts)
        for question in report.questions:
            if question.number is not None:
                row = Text(f"Q{question.number}  ", style="bold")
                row.append(for_terminal(question.text), style="bold")
                row.append("  ")
                row.append_text(judgement_text(question.judgement))
                table.add_row("", "", row, *[""] * 7)
            for item in question.items:
                text = plain(item.text, 120)
                if item.truncated:
                    text.append(" [cut off in source]", style="italic yellow")
                table.add_row(
                    item.id,
                    KIND_LABEL.get(item.kind, item.kind),
                    text,
                    item.status,
                    f"{item.actions_done}/{item.actions_total}",
                    bar(item.actions_done, item.actions_total),
                    str(item.actions_overdue) if item.actions_overdue else "",
                    item.next_due or "—",
                    plain(", ".join(item.owners) or "—"),
                    rag_text(item.rag),
                )
        parts.append(table)
        parts.append(Text(summary_line(report.totals)))
        parts.append(Text(""))
    if len(view.reports) != 1:
        parts.append(Text(f"All reports: {summary_line(view.totals)}", style="bold"))
    parts.append(Text(f"As of {view.as_of}", style="dim"))
    return Group(*parts)


def import_outcome(outcome: object) -> RenderableType:
    from afi_tracker.importers.apply import ImportOutcome

    assert isinstance(outcome, ImportOutcome)
    state = {i["id"]: "new" for i in outcome.new}
    state.update({i["id"]: "changed: " + ", ".join(f) for i, f in outcome.changed})
    rows = [
        {
            "id": i["id"],
            "question": i.get("question"),
            "kind": KIND_LABEL.get(i["kind"], i["kind"]),
            "deadline": i.get("deadline"),
            "text": i["text"] + (" [truncated]" if i.get("truncated") else ""),
            "change": state.get(i["id"], "unchanged"),
        }
        for i in outcome.items
    ] + [
        {
            "id": i["id"],
            "question": i.get("question"),
            "kind": KIND_LABEL.get(i["kind"], i["kind"]),
            "deadline": i.get("deadline"),
            "text": i["text"],
            "change": "removed",
        }
        for i in outcome.removed
    ]
    table = listing(
        Listing(
            "",
            [
                Column("id", "ID"),
                Column("question", "Q"),
                Column("kind", "Kind"),
                Column("deadline", "Deadline"),
                Column("change", "Change"),
                Column("text", "Text", width=100),
            ],
            rows,
        )
    )
    return table


def check(result: CheckResult) -> str:
    """Plain lines, one per finding, like a linter: quick with tens of thousands."""
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.report or "store", []).append(finding)
    for report in sorted(groups):
        lines.append(for_terminal(report))
        for f in sorted(groups[report], key=lambda f: (f.severity != "error", f.code, f.id)):
            mark = "✗ FAIL" if f.severity == "error" else "! WARN"
            lines.append(f"  {mark} {f.code} {f.name}  {one_line(f.message)}")
    failures, warnings = len(result.failures), len(result.warnings)
    verdict = "check passed" if result.ok else "check failed"
    lines.append(
        f"{verdict}: {failures} failure{'s' * (failures != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
        f"{' (strict: warnings fail)' if result.strict else ''}, as of {result.as_of}"
    )
    return "\n".join(lines) + "\n"


def plain_listing(view: Listing) -> str:
    """A fixed-width table without Rich, for thousands of rows."""
    cells = [[display(row.get(c.key)) for c in view.columns] for row in view.rows]
    cells = [
        [
            shorten(v, c.width) if c.width else one_line(v)
            for v, c in zip(r, view.columns, strict=True)
        ]
        for r in cells
    ]
    widths = [max(len(c.header), *(len(r[i]) for r in cells)) for i, c in enumerate(view.columns)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if c.justify == "right" else v.ljust(w)
            for v, w, c in zip(values, widths, view.columns, strict=True)
        ).rstrip()

    out = [
        for_terminal(view.title),
        line([c.header for c in view.columns]),
        line(["-" * w for w in widths]),
    ]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"


def status_summary(view: StatusView) -> RenderableType | str:
    """One line per report, for stores too big to list item by item at a glance."""
    from afi_tracker.render.base import percent

    rows = [
        {
            "key": r.key,
            "title": r.title,
            "judgement": r.judgement or "not graded",
            "items": r.totals.items_total,
            "complete": r.totals.items_complete,
            "no_action": r.totals.items_without_action,
            "done": f"{r.totals.actions_done}/{r.totals.actions_total}",
            "progress": bar(r.totals.actions_done, r.totals.actions_total),
            "percent": percent(r.totals.actions_done, r.totals.actions_total),
            "overdue": r.totals.actions_overdue,
            "rag": " ".join(f"{k[0].upper()}{v}" for k, v in r.totals.rag.items() if v),
        }
        for r in view.reports
    ]
    cols = [
        Column("key", "Report", width=40),
        Column("judgement", "Judgement"),
        Column("items", "Items", justify="right"),
        Column("complete", "Complete", justify="right"),
        Column("no_action", "No action", justify="right"),
        Column("done", "Done", justify="right"),
        Column("progress", "Progress"),
        Column("percent", "%", justify="right"),
        Column("overdue", "Overdue", justify="right"),
        Column("rag", "RAG"),
    ]
    title = (
        f"{len(view.reports)} reports, as of {view.as_of}; "
        f"`afi status --report KEY` or `--details` lists the items"
    )
    table = listing(Listing(title, cols, rows))
    total = f"All reports: {summary_line(view.totals)}"
    if isinstance(table, str):
        return table + total + "\n"
    return Group(table, Text(total, style="bold"))


def doctor(result: object) -> str:
    from afi_tracker.reports.doctor import Examination, describe

    assert isinstance(result, Examination)
    return "".join(one_line(line) + "\n" for line in describe(result))
