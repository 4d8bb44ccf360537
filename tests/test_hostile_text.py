"""Any text people type or reports contain is data: never a traceback, never markup,
never a terminal control, never a formula, never a broken table."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afi_tracker.api.tracker import Tracker
from afi_tracker.domain.safetext import for_terminal
from afi_tracker.errors import AfiError
from afi_tracker.importers import parse_text
from afi_tracker.render import csv as csv_render
from afi_tracker.render import html as html_render
from afi_tracker.render import json as json_render
from afi_tracker.render import markdown as md_render
from afi_tracker.render import svg as svg_render
from afi_tracker.render import table as table_render
from afi_tracker.render.listings import ActionFilter, actions_listing
from afi_tracker.reports.progress import compute
from afi_tracker.store.store import Store
from tests.conftest import SHIPPED

# Text with a bias toward what breaks things: markup, escapes, bidi, formulas, pipes.
NASTY = st.sampled_from(
    [
        "[bold]",
        "[/]",
        "[link=http://x]",
        ":smile:",
        "\x1b[31m",
        "\x1b]8;;http://x\x07",
        "\x9b",
        "\u202e",
        "\u2066",
        "=",
        "+",
        "-",
        "@",
        "＝",
        "\t",
        "\r",
        "\n",
        "|",
        "<script>",
        "&amp;",
        "*",
        "_",
        "`",
        "\\",
        "#",
        "\x00",
        "\x7f",
    ]
)
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=8)), min_size=1, max_size=8).map("".join)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def console_text(renderable) -> str:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=200, color_system=None, emoji=False, markup=False).print(renderable)
    return out.getvalue()


def store_with(title: str, owner: str, note: str, evidence: str) -> Store:
    store = Store.in_memory(json.loads(SHIPPED.read_text(encoding="utf-8")))
    t = Tracker(store, by=owner, command="afi add", today=date(2025, 4, 2))
    t.add("I1", title, owner, "30/04/2025", note=note)
    t.move("A1", "done", evidence=[evidence])
    return store


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, owner=TEXT, note=TEXT, evidence=TEXT)
def test_any_user_text_renders_safely_in_every_format(title, owner, note, evidence):
    try:
        store = store_with(title, owner, note, evidence)
    except AfiError:
        return  # refused cleanly (an empty title or owner): no traceback, nothing stored
    snap = store.load()
    assert snap.action("A1")["title"] == title  # stored exactly as typed
    listing = actions_listing(snap, ActionFilter(), date(2025, 4, 2))
    status = compute(snap, date(2025, 4, 2))

    shown = console_text(table_render.listing(listing)) + console_text(table_render.status(status))
    assert not CONTROL.search(shown.replace("\n", ""))
    visible = " ".join(for_terminal(title).split())
    if visible and len(visible) < 40:
        assert visible in " ".join(shown.replace("│", " ").split())

    for name, cells in _csv_cells(csv_render.listing(listing)):
        assert not cells.startswith(
            ("=", "+", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
        ) and not (cells.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", cells)), name

    markdown = md_render.listing(listing)
    rows = [ln for ln in markdown.splitlines() if ln.startswith("| A1")]
    assert len(rows) == 1
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == len(listing.columns) + 1

    page = html_render.listing(listing) + html_render.status(status)
    assert "<script>" not in page and not CONTROL.search(page.replace("\n", ""))

    assert json.loads(json_render.listing(listing).data)[0]["title"] == title
    svg = svg_render.listing(listing)
    assert "\x1b" not in svg and "<script>" not in svg


def _csv_cells(text: str):
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for row in rows[1:]:
        yield from zip(header, row, strict=True)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            NASTY,
            st.text(max_size=30),
            st.just("Areas for improvement\n"),
            st.just("- The force should "),
            st.just("Cause of concern\n"),
            st.just("Within three months, the force should:\n"),
        ),
        max_size=12,
    ).map("".join)
)
def test_any_report_text_imports_or_is_refused_cleanly(text):
    store = Store.in_memory()
    from afi_tracker.importers.apply import apply

    try:
        parsed = parse_text(text, "page.txt")
    except AfiError:
        return
    with store.transaction("afi import", "tester", create=True) as tx:
        outcome = apply(tx, parsed, parsed.default_key(), "page.txt")
    assert outcome.items
    snap = store.load()
    listing_text = console_text(table_render.status(compute(snap, date(2025, 1, 1))))
    assert not CONTROL.search(listing_text.replace("\n", ""))


def test_unguard_formula_undoes_guard_formula_for_any_text():
    from hypothesis import given
    from hypothesis import strategies as st

    from afi_tracker.domain.safetext import guard_formula, unguard_formula

    @given(st.text())
    def check(text: str) -> None:
        guarded = guard_formula(text)
        if not text.startswith("'"):  # a leading apostrophe of one's own is ambiguous
            assert unguard_formula(guarded) == text
        assert guard_formula(unguard_formula(guarded)) == guarded

    check()
