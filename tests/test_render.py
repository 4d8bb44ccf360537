"""The renderer contract: every format listed for a view draws it; nothing else does."""

from __future__ import annotations

import pytest

from afi_tracker.render import FORMATS, View, renderer


@pytest.mark.parametrize(
    ("view", "fmt"), [(view, fmt) for view, formats in FORMATS.items() for fmt in formats]
)
def test_every_listed_format_has_a_renderer_for_its_view(view, fmt):
    assert callable(renderer(fmt, view))


def test_every_view_has_a_format_and_json_where_it_is_data():
    assert set(FORMATS) == set(View)
    for view, formats in FORMATS.items():
        assert "json" in set(formats), view


def test_a_format_not_listed_for_a_view_is_refused():
    with pytest.raises(ValueError, match="check has no html format"):
        renderer("html", View.CHECK)
