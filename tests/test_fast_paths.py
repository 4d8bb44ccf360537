"""Quick paths that must give exactly what the slower general code gives."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.domain.safetext import for_terminal, one_line
from afi_tracker.render.table import _wrap
from afi_tracker.reports.check import CheckResult, Finding

_WORDS = st.sampled_from(
    ["a", "bb", "AFI102", "✗", "FAIL", "no-action", "x" * 30, "é", "\t", "a\u00a0b", "q" * 12]
)
_GAPS = st.sampled_from([" ", " ", "  ", "   "])


@given(
    st.lists(st.tuples(_WORDS, _GAPS), max_size=30),
    st.booleans(),
    st.sampled_from([5, 9, 10, 20, 40, 80, 120]),
)
def test_wrap_is_textwrap(parts, leading, width):
    line = ("  " if leading else "") + "".join(w + g for w, g in parts)
    expected = textwrap.wrap(line, width, subsequent_indent=" " * 9, break_on_hyphens=False)
    assert _wrap(line, width, " " * 9) == expected


_TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(["\x1b[31m", "\x1b]8;;x\x07", "\u202e", "\u061c", "\x85", "\u00a0"]),
        st.sampled_from(["\u2028", "\t", "\n", " ", "a", "é", "✗"]),
    )
).map("".join)


@given(_TEXT)
def test_one_line_of_printable_text_is_one_line(text):
    """one_line (and check's renderer) joins a printable text's words without
    stripping controls: a printable string holds none (isprintable is false for
    all of them)."""
    assert one_line(text) == " ".join(for_terminal(text).split())


_FINDINGS = st.lists(
    st.builds(
        Finding,
        code=st.sampled_from(["AFI101", "AFI103", "AFI201", "AFI205"]),
        name=st.sampled_from(["action-overdue", "x"]),
        severity=st.sampled_from(["error", "warning"]),
        report=st.one_of(st.none(), st.sampled_from(["r1", "r2", "\x1br"])),
        item=st.none(),
        id=st.sampled_from(["A1", "A10", "A2", "I3"]),
        message=st.one_of(_TEXT, st.lists(_WORDS).map(" ".join)),
    ),
    max_size=12,
)


@given(_FINDINGS, st.booleans(), st.sampled_from(["20", "80", "200"]))
def test_check_text_is_the_general_layout(findings, strict, columns):
    """The text renderer's quick paths (failures and warnings sorted apart, the
    printable test, the long-word search) lay out what the plain rule says:
    by report, then (failure first, code, id), each line wrapped by textwrap."""
    import os

    from afi_tracker.render import table

    result = CheckResult("2025-04-02", "store", strict, findings, {})
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = columns
    try:
        got = table.check(result)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    width = int(columns)
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.report or "store", []).append(f)
    for report in sorted(groups):
        lines.append(for_terminal(report))
        for f in sorted(groups[report], key=lambda f: (f.severity != "error", f.code, f.id)):
            mark = "✗ FAIL" if f.severity == "error" else "! WARN"
            line = f"  {mark} {f.code} {f.name}  " + one_line(f.message)
            if len(line) <= width:
                lines.append(line)
            else:
                lines += textwrap.wrap(
                    line, width, subsequent_indent=" " * 9, break_on_hyphens=False
                )
    assert got.split("\n")[:-2] == lines
