"""Quick paths that must give exactly what the slower general code gives."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.domain.safetext import one_line
from afi_tracker.render.table import _one_line, _wrap

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
    """check's renderer joins a printable message's words without stripping
    controls: a printable string holds none (isprintable is false for all of them)."""
    assert _one_line(text) == one_line(text)
