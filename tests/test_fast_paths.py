"""Quick paths that must give exactly what the slower general code gives."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.render.table import _wrap

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
