"""HTML: one self-contained file (inline CSS, no scripts, no network) that prints on A4.

All text goes through html.escape: a title holding <script> shows as text.
"""

from __future__ import annotations

import html
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

CSS = """
@page { size: A4; margin: 15mm 12mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #111; margin: 1em; }
h1 { font-size: 16pt; margin: 0 0 .3em; } h2 { font-size: 13pt; margin: 1.2em 0 .3em; }
p.meta { color: #444; margin: .2em 0 .6em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 .8em; }
th, td { border: 1px solid #999; padding: 3px 5px; vertical-align: top; text-align: left; }
th { background: #eee; } tr { page-break-inside: avoid; }
td.q { background: #f6f6f6; font-weight: bold; }
td.num { text-align: right; white-space: nowrap; } .bar { font-family: monospace; }
.rag { font-weight: bold; white-space: nowrap; }
.red { color: #b00; } .amber { color: #a60; } .green { color: #070; }
.complete { color: #035; } .closed { color: #666; }
blockquote { margin: .3em 0 .5em; padding-left: .8em; border-left: 3px solid #999; }
section.item { page-break-inside: avoid; }
td.measure { border-top: none; color: #333; }
svg.chart { vertical-align: middle; margin-right: .5em; }
@media print { body { margin: 0; } }
"""


def esc(value: Any) -> str:
    return html.escape(for_terminal(display(value)), quote=True)


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n"
        "</html>\n"
    )


def _table(headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table>\n"


def listing(view: Listing) -> str:
    if not view.rows:
        return page(view.title, f"<h1>{esc(view.title)}</h1>\n<p>{esc(view.empty)}</p>\n")
    rows = [
        "<tr>" + "".join(f"<td>{esc(row.get(c.key))}</td>" for c in view.columns) + "</tr>\n"
        for row in view.rows
    ]
    return page(
        view.title, f"<h1>{esc(view.title)}</h1>\n" + _table([c.header for c in view.columns], rows)
    )


def status(view: StatusView) -> str:
    body = [
        f'<h1>Progress against inspection reports</h1>\n<p class="meta">As of '
        f"{esc(view.as_of)}</p>\n"
    ]
    headers = list(STATUS_COLUMNS)
    for report in view.reports:
        facts = "; ".join(esc(f) for f in report_facts(report))
        body.append(f'<h2>{esc(report.title)}</h2>\n<p class="meta">{facts}</p>\n')
        body.append(f"<p>{esc(summary_line(report.totals))}</p>\n")
        rows = []
        for q in report.questions:
            if q.number is not None:
                rows.append(
                    f'<tr><td class="q" colspan="{len(headers)}">{esc(question_heading(q))}'
                    "</td></tr>\n"
                )
            for i in q.items:
                cells = [esc(c) for c in status_cells(i)]
                cells[1] = f'<span class="rag {esc(i.rag)}">{cells[1]}</span>'
                rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n")
                for m in i.measures:
                    rows.append(
                        f'<tr><td></td><td class="measure" colspan="{len(headers) - 1}">'
                        f"{chart(m)}{esc(measure_line(m))}</td></tr>\n"
                    )
        body.append(_table(headers, rows))
    if len(view.reports) != 1:
        body.append(f"<p><strong>All reports:</strong> {esc(summary_line(view.totals))}</p>\n")
    return page("Progress against inspection reports", "".join(body))


def chart(m: Any, width: int = 120, height: int = 32) -> str:
    """A small line chart of a measure: its readings, with the target as a dashed line."""
    values: list[float] = list(m.trend)
    target = float(m.target)
    scale = values + [target]
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0
    pad = 3

    def y(value: float) -> float:
        return float(round(height - pad - (height - 2 * pad) * (value - low) / span, 1))

    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = " ".join(f"{round(pad + n * step, 1)},{y(v)}" for n, v in enumerate(values))
    colour = "#b00" if m.missed else ("#070" if m.met else "#a60")
    last_x = round(pad + (len(values) - 1) * step, 1)
    return (
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{esc(m.id)} trend">'
        f'<line x1="0" x2="{width}" y1="{y(target)}" y2="{y(target)}" stroke="#999" '
        f'stroke-dasharray="3,2"/>'
        f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{y(values[-1])}" r="2.5" fill="{colour}"/></svg>'
    )


def pack(view: PackView) -> str:
    body = []
    for report in view.reports:
        body.append(f"<h1>{esc(report.title)}</h1>\n<ul>\n")
        body.extend(
            f"<li><strong>{esc(k)}:</strong> {esc(v)}</li>\n" for k, v in report.facts(view.made_on)
        )
        body.append("</ul>\n")
        for item in report.items:
            body.append(
                f'<section class="item">\n<h2>{esc(item.id)}: '
                f"{esc(KIND_LABEL.get(item.kind, item.kind))}</h2>\n"
            )
            if item.question:
                body.append(
                    f'<p class="meta">Question {esc(item.question)}: '
                    f"{esc(item.question_text)} (judgement: "
                    f"{esc(item.judgement or 'not graded')})</p>\n"
                )
            body.append(f"<blockquote>{esc(item.text)}</blockquote>\n")
            if item.parts:
                body.append("<ol>" + "".join(f"<li>{esc(p)}</li>" for p in item.parts) + "</ol>\n")
            if item.truncated:
                body.append("<p><em>The source text stops mid-sentence here.</em></p>\n")
            line = f"Status: <strong>{esc(item.status)}</strong>"
            if item.deadline:
                line += f"; deadline {esc(item.deadline)}"
            body.append(f"<p>{line}</p>\n")
            closure = item.closure()
            if closure:
                body.append(
                    '<ul class="closure">\n'
                    + "".join(f"<li><strong>{esc(k)}:</strong> {esc(v)}</li>\n" for k, v in closure)
                    + "</ul>\n"
                )
            if item.actions:
                body.append(
                    _table(
                        ["Action", "Owner", "Due", "Status", "Evidence", "Notes"],
                        [
                            f"<tr><td>{esc(a.id)}: {esc(a.title)}</td><td>{esc(a.owner)}</td>"
                            f"<td>{esc(a.due)}</td><td>{esc(a.status)}"
                            + (f" ({esc(a.status_reason)})" if a.status_reason else "")
                            + f"</td><td>{esc('; '.join(a.evidence))}</td>"
                            f"<td>{esc('; '.join(a.notes))}</td></tr>\n"
                            for a in item.actions
                        ],
                    )
                )
            else:
                body.append("<p>No action recorded yet.</p>\n")
            body.append("</section>\n")
    title = view.reports[0].title if len(view.reports) == 1 else "Inspection reports"
    return page(f"{title}: response", "".join(body))


def s55(view: S55View) -> str:
    from afi_tracker.reports.s55 import KIND_HEADING, entry_lines, header_facts, long_date

    body = []
    for report in view.reports:
        body.append(f"<h1>Response to HMICFRS: {esc(report.title)}</h1>\n<ul>\n")
        facts = header_facts(report, view.made_on)
        body.extend(f"<li><strong>{esc(k)}:</strong> {esc(v)}</li>\n" for k, v in facts if v)
        body.append("</ul>\n")
        body.append(
            "<p>This is the Police and Crime Commissioner's response under section 55 of the "
            "Police Act 1996. For each recommendation it sets out what action has been or "
            "will be taken, or why no action will be taken.</p>\n"
        )
        if not report.entries:
            body.append("<p>The report makes no recommendations.</p>\n")
        for entry in report.entries:
            heading = f"{KIND_HEADING.get(entry.kind, entry.kind)} ({entry.id})"
            body.append(f'<section class="item">\n<h2>{esc(heading)}</h2>\n')
            body.append(f"<blockquote>{esc(entry.text)}</blockquote>\n")
            if entry.parts:
                body.append("<ol>" + "".join(f"<li>{esc(p)}</li>" for p in entry.parts) + "</ol>\n")
            body.extend(
                f"<p><strong>{esc(k)}:</strong> {esc(v)}</p>\n" for k, v in entry_lines(entry)
            )
            if entry.actions:
                body.append(
                    _table(
                        ["Action", "Lead", "Target date", "Status"],
                        [
                            f"<tr><td>{esc(a.title)}</td><td>{esc(a.lead)}</td>"
                            f"<td>{esc(long_date(a.target) if a.target else '')}</td>"
                            f"<td>{esc(a.status)}</td></tr>\n"
                            for a in entry.actions
                        ],
                    )
                )
            body.append("</section>\n")
        body.append("<h2>How progress will be scrutinised</h2>\n")
        body.append(f"<p>{esc(view.scrutiny)}</p>\n")
    title = view.reports[0].title if len(view.reports) == 1 else "Inspection reports"
    return page(f"Response to HMICFRS: {title}", "".join(body))
