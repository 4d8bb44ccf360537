"""GitHub Actions workflow commands: `::error ...::` and `::warning ...::` annotations."""

from __future__ import annotations

from afi_tracker.domain.safetext import for_terminal
from afi_tracker.reports.check import CheckResult


def _data(text: str) -> str:
    # The escaping GitHub's runner expects in a command's message.
    return for_terminal(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def check(result: CheckResult) -> str:
    lines = []
    store = _prop(result.store)
    heads: dict[tuple[str, str, str], str] = {}  # per level and rule, built once
    for f in result.findings:
        level = "error" if f.severity == "error" or result.strict else "warning"
        head = heads.get((level, f.code, f.name))
        if head is None:
            head = heads[level, f.code, f.name] = (
                f"::{level} file={store},title={_prop(f.code + ' ' + f.name)}::"
            )
        lines.append(head + _data(f.message))
    failures, warnings = len(result.failures), len(result.warnings)
    verdict = "passed" if result.ok else "failed"
    lines.append(
        f"afi check {verdict}: {failures} failures, {warnings} warnings, as of {result.as_of}"
    )
    return "\n".join(lines) + "\n"
