"""Rich tables for people at a terminal.

Every piece of user or report text goes in as a rich.text.Text built from a
plain string, never as markup, after terminal controls are stripped: a title
like "[bold]x" or an escape sequence is shown, not obeyed.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from afi_tracker.domain.model import RAG_COUNTED, Rag
from afi_tracker.domain.safetext import for_terminal, one_line, shorten
from afi_tracker.render import layout
from afi_tracker.render.base import (
    KIND_LABEL,
    STATUS_COLUMNS,
    Column,
    Detail,
    Listing,
    display,
    measure_line,
    question_heading,
    report_facts,
    status_cells,
    summary_line,
)

# Rich is imported by the functions that build its objects: a status or listing
# printed to a pipe is laid out by render/layout.py and never needs it. The
# views' modules are named for types only: `afi list` needs neither `check`
# nor `progress`, and `afi status` no `check`.
if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from afi_tracker.reports.check import CheckResult, Finding
    from afi_tracker.reports.progress import ItemProgress, ReportProgress, StatusView

Fitted = layout.Fitted

JUDGEMENT_STYLE = {
    "Outstanding": "bold green",
    "Good": "green",
    "Adequate": "yellow",
    "Requires improvement": "dark_orange",
    "Inadequate": "bold red",
}


def plain(value: object, width: int | None = None) -> Text:
    from rich.text import Text

    text = display(value)
    return Text(shorten(text, width) if width else for_terminal(text))


# Rows above which lines are written without Rich styling: Rich is slow to lay
# out tens of thousands of lines, and colour adds nothing to them.
LARGE = 60

# Which columns a narrow terminal keeps: 0 never goes; higher numbers go first.
_PRIORITY = {
    "id": 0,
    "rag": 0,
    "status": 1,
    "due": 1,
    "when": 1,
    "deadline": 2,
    "item": 2,
    "lines": 1,
}


def terminal_width() -> int:
    """COLUMNS when set, else the terminal's width, else 80 (a pipe or a file)."""
    import os
    import shutil

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    return shutil.get_terminal_size((80, 24)).columns if os.isatty(1) else 80


def _cols(view: Listing) -> list[layout.Col]:
    cols = []
    cells = {c.key: [one_line(display(row.get(c.key))) for row in view.rows] for c in view.columns}
    # The text column declared widest is what a row is about (an item's text, an
    # action's title): it stays. Other text columns (report keys, owners) may go.
    texts = [c for c in view.columns if c.width is not None]
    main = max(texts, key=lambda c: c.width or 0, default=None)
    for index, col in enumerate(view.columns):
        values = cells[col.key]
        text = col.width is not None
        if index == 0 or col is main:
            priority = 0
        else:
            priority = 3 + index if text else _PRIORITY.get(col.key, 2 + index)
        cols.append(
            layout.Col(
                col.header,
                values,
                priority=priority,
                wrap=text,
                justify=col.justify,
                # A handle or key (the first column) is typed back: never shortened.
                max_width=None if text or index == 0 else 32,
                min_width=min(col.width or 20, 24),
            )
        )
    return cols


def _listing_lines(view: Listing, width: int, *, large: bool = False) -> list[layout.Line]:
    lines: list[layout.Line] = []
    if view.title:
        lines += [
            (part, [(0, len(part), "bold")]) for part in layout.wrap(one_line(view.title), width)
        ]
    return lines + layout.render(_cols(view), width, one_row_per_line=large)


def listing(view: Listing) -> RenderableType | str:
    if not view.rows:
        from rich.text import Text

        return Text(view.empty, style="dim")
    if len(view.rows) > LARGE:
        return plain_listing(view)
    return Fitted(lambda width: _listing_lines(view, width))


def detail(view: Detail) -> layout.Fitted:
    """`afi show`: the record's fields, label beside value, then its sections.

    Laid out like the tables, so no line carries padding to the terminal's
    width (Rich's grid padded every line) and a pipe gets plain lines."""
    labels = [for_terminal(label) for label, _ in view.fields]
    values = [for_terminal(display(value)) for _, value in view.fields]
    indent = max((len(label) for label in labels), default=0) + layout.GAP

    def build(width: int) -> list[layout.Line]:
        title = for_terminal(view.title)
        lines: list[layout.Line] = [(title, [(0, len(title), "bold")])]
        for label, value in zip(labels, values, strict=True):
            parts = [
                line
                for paragraph in value.split("\n")
                for line in layout.wrap(paragraph, max(width - indent, 10))
            ]
            for k, part in enumerate(parts or [""]):
                head = label.ljust(indent) if k == 0 else " " * indent
                spans = [(0, len(label), "bold")] if k == 0 and label else []
                lines.append(((head + part).rstrip(), spans))
        for heading, body in view.sections:
            lines.append(("", []))
            lines.append((heading, [(0, len(heading), "bold underline")]))
            for entry in body:
                lines.extend((part, []) for part in layout.wrap(for_terminal(entry), width))
        return lines

    return layout.Fitted(build)


def judgement_text(judgement: str | None) -> Text:
    from rich.text import Text

    return Text(judgement or "not graded", style=JUDGEMENT_STYLE.get(judgement or "", "dim"))


RAG_STYLE: dict[str, str] = {
    Rag.RED: "bold red",
    Rag.AMBER: "bold yellow",
    Rag.GREEN: "green",
    Rag.COMPLETE: "bold blue",
    Rag.CLOSED: "dim",
}


def rag_text(rag: str) -> Text:
    from rich.text import Text

    return Text(rag.upper(), style=RAG_STYLE.get(rag, ""))


def status(view: StatusView) -> RenderableType | str:
    if len(view.reports) > 1 and view.totals.items_total > LARGE and not view.details:
        return status_summary(view)
    if view.totals.items_total > LARGE:
        return layout.to_str(status_lines(view, terminal_width()))
    return Fitted(lambda width: status_lines(view, width))


def _bold(text: str, width: int, style: str = "bold") -> list[layout.Line]:
    return [(part, [(0, len(part), style)]) for part in layout.wrap(text, width)]


def report_heading(report: ReportProgress) -> str:
    return " · ".join([report.title, *report_facts(report)])


# How each status column behaves at a narrow width (see render/layout.py).
_STATUS_LAYOUT: dict[str, dict[str, Any]] = {
    "ID": {"priority": 0},
    "RAG": {"priority": 0},
    "Item": {"priority": 0, "wrap": True},
    "Why": {"priority": 0, "wrap": True, "min_width": 12},
    "Actions": {"priority": 1, "justify": "right"},
    "Next due": {"priority": 1},
    "Deadline": {"priority": 2},
    "Owners": {"priority": 3, "wrap": True, "min_width": 16},
}


def _item_cols(items: list[ItemProgress]) -> list[layout.Col]:
    rows = [[one_line(cell) for cell in status_cells(i)] for i in items]
    styles: dict[str, list[str | None]] = {
        "RAG": [RAG_STYLE.get(i.rag) for i in items],
        "Why": [RAG_STYLE.get(i.rag) if i.rag == Rag.RED else None for i in items],
    }
    return [
        layout.Col(
            header,
            [row[index] for row in rows],
            styles=styles.get(header, []),
            **_STATUS_LAYOUT[header],
        )
        for index, header in enumerate(STATUS_COLUMNS)
    ]


def status_lines(view: StatusView, width: int) -> list[layout.Line]:
    lines: list[layout.Line] = []
    for report in view.reports:
        lines += _bold(one_line(report_heading(report)), width)
        lines += [(part, []) for part in layout.wrap(summary_line(report.totals), width)]
        items = [i for q in report.questions for i in q.items]
        if not items:
            lines.append(("No items.", []))
            lines.append(("", []))
            continue
        cols = _item_cols(items)
        plan = layout.fit(cols, width)
        if plan is not None:
            lines += layout.header_lines(plan)
        row = 0
        for question in report.questions:
            if question.number is not None:
                lines += _bold(one_line(question_heading(question)), width)
            for item in question.items:
                if plan is not None:
                    lines += layout.row_lines(plan, row)
                else:
                    lines += layout.stacked([_one(c, row) for c in cols], width)
                for m in item.measures:
                    lines += [
                        (f"    {part}", [])
                        for part in layout.wrap(one_line(measure_line(m)), max(width - 4, 20))
                    ]
                row += 1
        lines.append(("", []))
    if len(view.reports) != 1:
        lines += _bold(f"All reports: {summary_line(view.totals)}", width)
    lines.append((f"As of {view.as_of}", [(0, len(view.as_of) + 6, "dim")]))
    return lines


def _one(col: layout.Col, row: int) -> layout.Col:
    """A column holding one row's value, to lay out that row alone."""
    return layout.Col(
        col.header,
        [col.values[row]],
        priority=col.priority,
        wrap=col.wrap,
        justify=col.justify,
        max_width=col.max_width,
        min_width=col.min_width,
        styles=[col.style(row)],
    )


def _line_range(lines: tuple[int, int] | None) -> str:
    """Where in the source an item was read: `38` or `101-105`."""
    if not lines:
        return ""
    first, last = lines
    return str(first) if first == last else f"{first}-{last}"


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
            "lines": _line_range(outcome.lines.get(i["id"])),
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
            "lines": "",
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
                Column("lines", "Lines"),
                Column("text", "Text", width=100),
            ],
            rows,
        )
    )
    return table


def check(result: CheckResult) -> str:
    """Plain lines, one per finding, like a linter: quick with tens of thousands."""
    width = terminal_width()
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.report or "store", []).append(finding)
    heads: dict[tuple[str, str, str], str] = {}  # `  ✗ FAIL AFI101 action-overdue  `, once a rule
    by_rule = attrgetter("code", "id")
    add, indent = lines.append, " " * 9
    for report in sorted(groups):
        add(for_terminal(report))
        # Failures, then warnings, each by code and id: two stable sorts by a
        # C-level key order them as (severity != "error", code, id) would.
        group = groups[report]
        errors = [f for f in group if f.severity == "error"]
        others = [f for f in group if f.severity != "error"] if len(errors) < len(group) else []
        errors.sort(key=by_rule)
        others.sort(key=by_rule)
        for f in errors + others:
            head = heads.get((f.severity, f.code, f.name))
            if head is None:
                mark = "✗ FAIL" if f.severity == "error" else "! WARN"
                head = heads[f.severity, f.code, f.name] = f"  {mark} {f.code} {f.name}  "
            message = f.message
            if message.isprintable():  # no control to strip (see one_line)
                line = head + " ".join(message.split())
                printable = True
            else:
                line = head + one_line(message)
                printable = False
            # Continuation lines are indented under the rule, so findings stay apart.
            if len(line) <= width:
                add(line)
            else:
                lines += _wrap(line, width, indent, printable)
    failures, warnings = len(result.failures), len(result.warnings)
    verdict = "check passed" if result.ok else "check failed"
    lines.append(
        f"{verdict}: {failures} failure{'s' * (failures != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
        f"{' (strict: warnings fail)' if result.strict else ''}, as of {result.as_of}"
    )
    return "\n".join(lines) + "\n"


def _wrap(line: str, width: int, indent: str, printable: bool = False) -> list[str]:
    """textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False),
    many times quicker (a check can list tens of thousands of findings).

    The same greedy cut: each line takes every whole run of spaces or of other
    characters that fits; spaces are dropped where a line ends and where a later
    one starts. Other whitespace, or a word too long for a line, goes to textwrap.
    `printable`: the caller knows `line.isprintable()` (so it holds no other whitespace).
    """
    inner = width - len(indent)
    if (
        inner <= 0
        or (not printable and any(c in line for c in "\t\n\x0b\x0c\r"))
        or _long_word(inner).search(line) is not None
    ):
        return textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False)
    lines: list[str] = []
    rest = line
    while rest:
        room = inner if lines else width
        if len(rest) <= room:
            cut = len(rest)
        elif rest[room] == " ":
            cut = len(rest[:room].rstrip(" "))  # before the run of spaces at the edge
        else:
            cut = rest.rfind(" ", 0, room) + 1  # before the word across the edge
        taken = rest[:cut].rstrip(" ")
        if taken:
            lines.append(indent + taken if lines else taken)
            rest = rest[cut:].lstrip(" ")
        else:
            rest = rest[cut:]
    return lines


@lru_cache(maxsize=16)
def _long_word(inner: int) -> re.Pattern[str]:
    """Finds a run of more than `inner` characters other than a space."""
    return re.compile(f"[^ ]{{{inner + 1}}}")


def plain_listing(view: Listing, width: int | None = None) -> str:
    """The same layout as `listing`, as plain lines: quick with thousands of rows."""
    return layout.to_str(_listing_lines(view, width or terminal_width(), large=True))


def rag_counts(totals: Any) -> str:
    """`R19 A1 G8`: the red, amber and green items of a report."""
    return " ".join(f"{k[0].upper()}{totals.rag[k]}" for k in RAG_COUNTED)


def _summary_cols(view: StatusView) -> list[layout.Col]:
    reports = view.reports
    return [
        # A key is typed back (`--report KEY`): never shortened or split.
        layout.Col("Report", [r.key for r in reports], priority=0),
        layout.Col(
            "Items",
            [f"{r.totals.items_complete}/{r.totals.items_total}" for r in reports],
            priority=0,
            justify="right",
        ),
        layout.Col(
            "Actions",
            [f"{r.totals.actions_done}/{r.totals.actions_total}" for r in reports],
            priority=1,
            justify="right",
        ),
        layout.Col(
            "Overdue",
            [str(r.totals.actions_overdue) for r in reports],
            priority=1,
            justify="right",
        ),
        layout.Col("RAG", [rag_counts(r.totals) for r in reports], priority=0),
        layout.Col(
            "Response due",
            [(r.response_due or "—") + (" (passed)" if r.response_passed else "") for r in reports],
            priority=2,
        ),
        layout.Col("Judgement", [r.judgement or "not graded" for r in reports], priority=3),
    ]


def status_summary_lines(view: StatusView, width: int) -> list[layout.Line]:
    """One line per report, with the figures each report's heading has."""
    title = (
        f"{len(view.reports)} reports, as of {view.as_of}: items complete/total, actions "
        f"done/total, overdue actions, red/amber/green items. `afi status --report KEY` "
        f"or `--details` lists the items."
    )
    lines: list[layout.Line] = [(part, []) for part in layout.wrap(title, width)]
    lines += layout.render(_summary_cols(view), width)
    lines += _bold(f"All reports: {summary_line(view.totals)}", width)
    return lines


def status_summary(view: StatusView) -> RenderableType | str:
    """One line per report, for stores too big to list item by item at a glance."""
    if len(view.reports) > LARGE:
        return layout.to_str(status_summary_lines(view, terminal_width()))
    return Fitted(lambda width: status_summary_lines(view, width))


def doctor(result: object) -> str:
    from afi_tracker.reports.doctor import Examination, describe

    assert isinstance(result, Examination)
    return "".join(one_line(line) + "\n" for line in describe(result))


def plan_outcome(outcome: Any) -> RenderableType:
    """Each row of an imported plan: its outcome, the item it matched and how well, and why."""
    rows = []
    for row in outcome.rows:
        where = f"{row.sheet}:{row.row}" if len(outcome.columns) > 1 else str(row.row)
        how = "handle" if row.matched_by == "handle" else ""
        if not how and row.score is not None:
            how = f"{row.score:.0f}"
        detail = row.reason or (", ".join(row.changes) if row.changes else "") or ""
        rows.append(
            {
                "row": where,
                "outcome": row.outcome,
                "item": row.item,
                "match": how,
                "action": row.action,
                "title": row.title,
                "detail": detail,
            }
        )
    return listing(
        Listing(
            "",
            [
                Column("row", "Row"),
                Column("outcome", "Outcome"),
                Column("item", "Item"),
                Column("match", "Match"),
                Column("action", "Action"),
                Column("title", "Title", width=40),
                Column("detail", "Detail", width=60),
            ],
            rows,
            empty="The plan has no rows.",
        )
    )
