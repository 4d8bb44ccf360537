"""JUnit XML, which GitLab and Jenkins show as test results.

One test suite per report, one test case per item, failing when a rule fails
on the item or one of its actions; warnings go to the case's system-out
(or fail it too, with --strict). A store that does not validate is one
failing case of its own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from afi_tracker.domain.rules import handle_number
from afi_tracker.domain.safetext import for_terminal
from afi_tracker.reports.check import CheckResult, Finding


def check(result: CheckResult) -> str:
    by_case: dict[tuple[str, str], list[Finding]] = {}
    for f in result.findings:
        by_case.setdefault((f.report or "store", f.item or "store"), []).append(f)
    cases = {(report, handle) for report, handles in result.items.items() for handle in handles}
    cases |= set(by_case)
    by_report: dict[str, list[str]] = {}  # one pass, not a scan of every case per report
    for report, handle in cases:
        by_report.setdefault(report, []).append(handle)
    root = ET.Element("testsuites", name="afi check")
    total = failed = 0
    for report in sorted(by_report):
        suite = ET.SubElement(root, "testsuite", name=for_terminal(report))
        suite_failed = 0
        handles = sorted(by_report[report], key=_order)
        for handle in handles:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"afi.{for_terminal(report)}",
                name=for_terminal(handle),
            )
            findings = by_case.get((report, handle), [])
            failing = [f for f in findings if f.severity == "error" or result.strict]
            notes = [f for f in findings if not (f.severity == "error" or result.strict)]
            for f in failing:
                node = ET.SubElement(
                    case,
                    "failure",
                    type=f.code,
                    message=for_terminal(f"{f.code} {f.name}: {f.message}"),
                )
                node.text = for_terminal(f.message)
            if notes:
                ET.SubElement(case, "system-out").text = "\n".join(
                    for_terminal(f"warning {f.code} {f.name}: {f.message}") for f in notes
                )
            suite_failed += bool(failing)
        suite.set("tests", str(len(handles)))
        suite.set("failures", str(suite_failed))
        total += len(handles)
        failed += suite_failed
    root.set("tests", str(total))
    root.set("failures", str(failed))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _order(handle: str) -> tuple[int, str]:
    return (handle_number(handle), handle)
