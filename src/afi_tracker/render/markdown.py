"""Markdown for board papers and wikis: tables whose columns never shift.

Every piece of text is escaped: a backslash before each character Markdown
could read as markup (emphasis, code, links, HTML, headings, entities), `|` so
a cell never splits, and newlines folded so a row never breaks.
"""

from __future__ import annotations

import re
from typing import Any

from afi_tracker.domain.safetext import for_terminal
from afi_tracker.render.base import (
    KIND_LABEL,
    STATUS_COLUMNS,
    Listing,
    display,
    measure_line,
    question_heading,
    report_facts,
    status_cells,
    summary_line,
)
from afi_tracker.reports.pack import PackView
from afi_tracker.reports.progress import StatusView
from afi_tracker.reports.s55 import S55View

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&$])")


def esc(value: Any) -> str:
    text = " ".join(for_terminal(display(value)).split())
    return _SPECIAL.sub(r"\\\1", text)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = [
        "| " + " | ".join(esc(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def listing(view: Listing) -> str:
    out = f"## {esc(view.title)}\n\n"
    if not view.rows:
        return out + esc(view.empty) + "\n"
    return out + _table(
        [c.header for c in view.columns],
        [[row.get(c.key) for c in view.columns] for row in view.rows],
    )


def status(view: StatusView) -> str:
    parts = [f"# Progress against inspection reports\n\nAs of {esc(view.as_of)}\n"]
    for report in view.reports:
        facts = ", ".join(esc(f) for f in report_facts(report))
        parts.append(f"## {esc(report.title)}\n\n{facts}\n")
        parts.append(esc(summary_line(report.totals)) + "\n")
        for q in report.questions:
            if q.number is not None:
                parts.append(f"### {esc(question_heading(q))}\n")
            if q.items:
                parts.append(_table(list(STATUS_COLUMNS), [status_cells(i) for i in q.items]))
                measured = [m for i in q.items for m in i.measures]
                if measured:
                    parts.append("\n".join(f"- {esc(measure_line(m))}" for m in measured) + "\n")
    if len(view.reports) != 1:
        parts.append(f"**All reports:** {esc(summary_line(view.totals))}\n")
    return "\n".join(parts)


def pack(view: PackView) -> str:
    parts = []
    for report in view.reports:
        parts.append(f"# {esc(report.title)}\n")
        parts.append(
            "\n".join(f"- **{esc(k)}:** {esc(v)}" for k, v in report.facts(view.made_on)) + "\n"
        )
        for item in report.items:
            heading = f"{item.id}: {KIND_LABEL.get(item.kind, item.kind)}"
            parts.append(f"## {esc(heading)}\n")
            if item.question:
                parts.append(
                    f"*Question {esc(item.question)}: {esc(item.question_text)}* "
                    f"(judgement: {esc(item.judgement or 'not graded')})\n"
                )
            parts.append("> " + esc(item.text) + "\n")
            if item.parts:
                parts.append(
                    "\n".join(f"{n}\\. {esc(p)}" for n, p in enumerate(item.parts, 1)) + "\n"
                )
            if item.truncated:
                parts.append("*The source text stops mid-sentence here.*\n")
            status_line = f"Status: **{esc(item.status)}**"
            if item.deadline:
                status_line += f"; deadline {esc(item.deadline)}"
            parts.append(status_line + "\n")
            closure = item.closure()
            if closure:
                parts.append("\n".join(f"- **{esc(k)}:** {esc(v)}" for k, v in closure) + "\n")
            if item.actions:
                parts.append(
                    _table(
                        ["Action", "Owner", "Due", "Status", "Evidence", "Notes"],
                        [
                            [
                                f"{a.id}: {a.title}",
                                a.owner,
                                a.due,
                                a.status + (f" ({a.status_reason})" if a.status_reason else ""),
                                "; ".join(a.evidence),
                                "; ".join(a.notes),
                            ]
                            for a in item.actions
                        ],
                    )
                )
            else:
                parts.append("No action recorded yet.\n")
    return "\n".join(parts)


def s55(view: S55View) -> str:
    from afi_tracker.reports.s55 import KIND_HEADING, entry_lines, header_facts, long_date

    parts = []
    for report in view.reports:
        parts.append(f"# Response to HMICFRS: {esc(report.title)}\n")
        facts = header_facts(report, view.made_on)
        parts.append("\n".join(f"- **{esc(k)}:** {esc(v)}" for k, v in facts if v) + "\n")
        parts.append(
            "This is the Police and Crime Commissioner's response under section 55 of the "
            "Police Act 1996. For each recommendation it sets out what action has been or "
            "will be taken, or why no action will be taken.\n"
        )
        if not report.entries:
            parts.append("The report makes no recommendations.\n")
        for entry in report.entries:
            parts.append(f"## {esc(KIND_HEADING.get(entry.kind, entry.kind))} ({esc(entry.id)})\n")
            parts.append("> " + esc(entry.text) + "\n")
            if entry.parts:
                parts.append(
                    "\n".join(f"{n}\\. {esc(p)}" for n, p in enumerate(entry.parts, 1)) + "\n"
                )
            parts.append(
                "\n".join(f"**{esc(k)}:** {esc(v)}  " for k, v in entry_lines(entry)) + "\n"
            )
            if entry.actions:
                parts.append(
                    _table(
                        ["Action", "Lead", "Target date", "Status"],
                        [
                            [a.title, a.lead, long_date(a.target) if a.target else "", a.status]
                            for a in entry.actions
                        ],
                    )
                )
        parts.append("## How progress will be scrutinised\n")
        parts.append(esc(view.scrutiny) + "\n")
    return "\n".join(parts)
