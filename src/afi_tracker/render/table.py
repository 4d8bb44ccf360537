"""Rich tables for people at a terminal.

Every piece of user or report text goes in as a rich.text.Text built from a
plain string, never as markup, after terminal controls are stripped: a title
like "[bold]x" or an escape sequence is shown, not obeyed.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..check import CheckResult, Finding
from ..progress import StatusView
from ..safetext import for_terminal, shorten
from .base import KIND_LABEL, Detail, Listing, bar, display, summary_line

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


def listing(view: Listing) -> RenderableType:
    if not view.rows:
        return Text(view.empty, style="dim")
    table = Table(title=plain(view.title) if view.title else None, title_justify="left")
    cells = [[plain(row.get(col.key), col.width) for col in view.columns] for row in view.rows]
    for index, col in enumerate(view.columns):
        if col.width is not None:
            # Long text wraps in its cell rather than being cut unreadably.
            table.add_column(col.header, justify=col.justify,  # type: ignore[arg-type]
                             overflow="fold", ratio=1)
        else:
            widest = max([len(col.header)] + [cell[index].cell_len for cell in cells])
            # Short values (handles, dates, statuses) never fold; long keys may.
            table.add_column(col.header, justify=col.justify,  # type: ignore[arg-type]
                             no_wrap=widest <= 40, overflow="fold",
                             min_width=widest if widest <= 16 else None)
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


RAG_STYLE = {"red": "bold red", "amber": "bold yellow", "green": "green",
             "complete": "bold blue", "closed": "dim"}


def rag_text(rag: str) -> Text:
    return Text(rag.upper(), style=RAG_STYLE.get(rag, ""))


def status(view: StatusView) -> RenderableType:
    parts: list[RenderableType] = []
    for report in view.reports:
        head = Text()
        head.append(for_terminal(report.title), style="bold")
        head.append(" · ")
        head.append_text(judgement_text(report.judgement))
        if report.published:
            head.append(f" · published {report.published}")
        if report.response_due:
            head.append(f" · response due {report.response_due}")
        parts.append(head)
        table = Table(expand=False, show_lines=False)
        for header, opts in (
            ("ID", {"no_wrap": True}), ("Kind", {"no_wrap": True}),
            ("Item", {"overflow": "fold", "ratio": 1, "min_width": 30}),
            ("Status", {"no_wrap": True}), ("Done", {"no_wrap": True, "justify": "right"}),
            ("Progress", {"no_wrap": True}), ("Overdue", {"no_wrap": True, "justify": "right"}),
            ("Next due", {"no_wrap": True}), ("Owners", {"overflow": "fold", "max_width": 24}),
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
                    item.id, KIND_LABEL.get(item.kind, item.kind), text, item.status,
                    f"{item.actions_done}/{item.actions_total}",
                    bar(item.actions_done, item.actions_total),
                    str(item.actions_overdue) if item.actions_overdue else "",
                    item.next_due or "—", plain(", ".join(item.owners) or "—"),
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
    from ..importing import ImportOutcome
    from .base import Column

    assert isinstance(outcome, ImportOutcome)
    state = {i["id"]: "new" for i in outcome.new}
    state.update({i["id"]: "changed: " + ", ".join(f) for i, f in outcome.changed})
    rows = [
        {"id": i["id"], "question": i.get("question"), "kind": KIND_LABEL.get(i["kind"], i["kind"]),
         "deadline": i.get("deadline"), "text": i["text"] + (" [truncated]" if i.get("truncated")
                                                             else ""),
         "change": state.get(i["id"], "unchanged")}
        for i in outcome.items
    ] + [
        {"id": i["id"], "question": i.get("question"), "kind": KIND_LABEL.get(i["kind"], i["kind"]),
         "deadline": i.get("deadline"), "text": i["text"], "change": "removed"}
        for i in outcome.removed
    ]
    table = listing(Listing("", [Column("id", "ID"), Column("question", "Q"),
                                 Column("kind", "Kind"), Column("deadline", "Deadline"),
                                 Column("change", "Change"), Column("text", "Text", width=100)],
                            rows))
    return table


def check(result: CheckResult) -> RenderableType:
    parts: list[RenderableType] = []
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.report or "store", []).append(finding)
    for report in sorted(groups):
        parts.append(Text(for_terminal(report), style="bold"))
        for f in sorted(groups[report], key=lambda f: (f.severity != "error", f.code, f.id)):
            line = Text("  ")
            if f.severity == "error":
                line.append("✗ FAIL ", style="bold red")
            else:
                line.append("! WARN ", style="bold yellow")
            line.append(f"{f.code} {f.name}  ", style="dim")
            line.append(for_terminal(f.message))
            parts.append(line)
    failures, warnings = len(result.failures), len(result.warnings)
    verdict = Text()
    verdict.append("check passed" if result.ok else "check failed",
                   style="bold green" if result.ok else "bold red")
    verdict.append(f": {failures} failure{'s' * (failures != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}"
                   f"{' (strict: warnings fail)' if result.strict else ''}, as of {result.as_of}")
    parts.append(verdict)
    return Group(*parts)
