"""Rich tables for people at a terminal.

Every piece of user or report text goes in as a rich.text.Text built from a
plain string, never as markup, after terminal controls are stripped: a title
like "[bold]x" or an escape sequence is shown, not obeyed.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..safetext import for_terminal, shorten
from .base import Detail, Listing, ReportBlock, display

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


def reports(view: list[ReportBlock]) -> RenderableType:
    parts: list[RenderableType] = []
    for report in view:
        head = Text()
        head.append(for_terminal(report.title), style="bold")
        head.append("  ")
        head.append_text(judgement_text(report.judgement))
        if report.published:
            head.append(f"  published {report.published}", style="dim")
        parts.append(head)
        table = Table(show_header=True, expand=False, show_lines=False)
        table.add_column("ID", no_wrap=True)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Item", overflow="fold", ratio=1)
        table.add_column("Status", no_wrap=True)
        table.add_column("Deadline", no_wrap=True)
        for block in report.blocks:
            if block.number is not None:
                row = Text(f"Q{block.number}  ", style="bold")
                row.append(for_terminal(block.text), style="bold")
                row.append("  ")
                row.append_text(judgement_text(block.judgement))
                table.add_row("", "", row, "", "", end_section=False)
            for item in block.items:
                text = plain(item.text, 160)
                if item.truncated:
                    text.append(" [truncated in source]", style="italic yellow")
                table.add_row(
                    item.id, KIND_LABEL.get(item.kind, item.kind), text, item.status,
                    item.deadline or "—",
                )
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


KIND_LABEL = {
    "area-for-improvement": "AFI",
    "cause-of-concern": "Cause of concern",
    "recommendation": "Recommendation",
}


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
