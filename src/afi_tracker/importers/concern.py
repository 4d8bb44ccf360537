"""Pages with no graded questions: causes of concern (accelerated or not),
revisit and closure letters, thematic reports with recommendations to all
chief constables or chief fire officers, and PEEL reports from 2021 on when
they are copied without their question structure.

Everything found is a page-level item; recommendations link to the cause of
concern they follow.
"""

from __future__ import annotations

from afi_tracker.importers.base import ParsedReport
from afi_tracker.importers.blocks import BlockReader
from afi_tracker.importers.metadata import content_lines, overall_judgement, read

NAME = "concern-or-letter"


def looks_like(lines: list[str]) -> bool:
    return True  # the fallback: BlockReader decides whether anything is there


def parse(lines: list[str]) -> ParsedReport:
    report, anchor = read(lines, NAME)
    content = content_lines(lines)
    report.judgement = overall_judgement(lines, content, len(lines))
    reader = BlockReader(lines, anchor)
    reader.scan(0, len(lines), None)
    report.items = reader.items
    return report
