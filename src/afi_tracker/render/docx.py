"""Word documents (python-docx) for the PCC's s55 response.

python-docx writes text as text runs (escaped XML), so report text cannot
become markup; control characters, which XML forbids, are removed first.
"""

from __future__ import annotations

import io
from typing import Any

from afi_tracker.domain.safetext import for_terminal
from afi_tracker.reports.s55 import KIND_HEADING, S55View, entry_lines, header_facts, long_date


def _t(value: Any) -> str:
    return for_terminal("" if value is None else str(value))


def s55(view: S55View) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.author = "afi"
    for number, report in enumerate(view.reports):
        if number:
            doc.add_page_break()  # type: ignore[no-untyped-call]
        doc.add_heading(_t(f"Response to HMICFRS: {report.title}"), level=0)
        facts = doc.add_paragraph()
        for label, value in header_facts(report, view.made_on):
            facts.add_run(_t(f"{label}: ")).bold = True
            facts.add_run(_t(value) + "\n")
        doc.add_paragraph(
            "This is the Police and Crime Commissioner's response under section 55 of the "
            "Police Act 1996. For each recommendation it sets out what action has been or "
            "will be taken, or why no action will be taken."
        )
        if not report.entries:
            doc.add_paragraph("The report makes no recommendations.")
        for entry in report.entries:
            heading = f"{KIND_HEADING.get(entry.kind, entry.kind)} ({entry.id})"
            doc.add_heading(_t(heading), level=1)
            quote = doc.add_paragraph(_t(entry.text), style="Intense Quote")
            quote.paragraph_format.space_after = Pt(6)
            for part in entry.parts:
                doc.add_paragraph(_t(part), style="List Number")
            for label, value in entry_lines(entry):
                para = doc.add_paragraph()
                para.add_run(_t(f"{label}: ")).bold = True
                para.add_run(_t(value))
            if entry.actions:
                table = doc.add_table(rows=1, cols=4)
                table.style = "Light Grid Accent 1"
                for cell, heading_text in zip(
                    table.rows[0].cells, ("Action", "Lead", "Target date", "Status"), strict=True
                ):
                    cell.text = heading_text
                for action in entry.actions:
                    cells = table.add_row().cells
                    cells[0].text = _t(action.title)
                    cells[1].text = _t(action.lead or "")
                    cells[2].text = _t(long_date(action.target) if action.target else "")
                    cells[3].text = _t(action.status)
        doc.add_heading("How progress will be scrutinised", level=1)
        doc.add_paragraph(_t(view.scrutiny))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
