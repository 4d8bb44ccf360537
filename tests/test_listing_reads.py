"""What `afi list` reads: one owner's actions by their lines alone, never a
wrong answer for it. Pins what is parsed, never how long it takes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from afi_tracker.api.tracker import Tracker
from afi_tracker.domain.model import Action, owned_by, owner_needles
from afi_tracker.store.storage import Sections, dump_store
from afi_tracker.store.store import Store


def tracker(db: Path) -> Tracker:
    return Tracker(Store.at(db), by="tester", command="test", today=date(2025, 1, 6))


# Letters whose case or casefold is tricky (the Kelvin sign folds to "k", "ß" to
# "ss", "ﬁ" to "fi"), every kind of whitespace str.split() knows, quotes and
# backslashes JSON escapes.
_CHARS = "aAkKsSﬁß\u212a\u017f\u0130i é É\t\n\r\x0b\x0c\x1c\x1f\xa0\u2003\"\\'-."
names = st.text(alphabet=_CHARS, min_size=1, max_size=8)


def _respelt(name: str, upper: bool, spaced: bool) -> str:
    """The name as someone might type it: another case, other spaces."""
    words = name.split()
    text = ("  " if spaced else " ").join(words)
    return (text.upper() if upper else text.lower()) if words else name


@settings(max_examples=300, deadline=None)
@given(
    owners=st.lists(st.lists(names, max_size=3), min_size=1, max_size=6),
    pick=st.integers(min_value=0),
    upper=st.booleans(),
    spaced=st.booleans(),
    other=names,
)
def test_an_owners_lines_are_found_for_every_spelling_that_matches(
    owners, pick, upper, spaced, other
):
    """Sections.matching by the owner's words never drops an action the exact
    filter (owned_by: any case, any whitespace) accepts."""
    actions = {
        f"{n:03d}": {"id": f"A{n}", "item": "I1", "title": "t", "owners": o, "status": "planned"}
        for n, o in enumerate(owners)
    }
    every = [name for o in owners for name in o]
    wanted = _respelt(every[pick % len(every)], upper, spaced) if every else other
    for query in (wanted, other):
        needles = owner_needles(query)
        if needles is None or not query.strip():
            continue
        data = {"meta": {"1": {"schema": 4}}, "actions": actions}
        sections = Sections.locate(dump_store(data))
        assert sections is not None
        found = sections.matching("actions", needles)
        assert found is not None
        owned = {k for k, a in actions.items() if owned_by(cast(Action, a), query)}
        assert owned <= set(found)
        assert all(found[k] == actions[k] for k in found)


def test_needles_are_the_casefolded_words_or_none_when_json_escapes_them():
    assert owner_needles("  Insp   PATEL ") == [b"insp", b"patel"]
    assert owner_needles("Stra\u00dfe") == [b"strasse"]
    assert owner_needles('O"Brien') is None
    assert owner_needles("back\\slash") is None


def test_listing_one_owner_parses_only_the_lines_holding_their_name(db: Path, monkeypatch):
    for n in range(6):
        owner = ["Insp Patel", "DS Jones", "Ch Insp Patel"][n % 3]
        tracker(db).add("I1", f"action {n}", owner, "31/03/2025")
    tracker(db).update("A1", note="a note")
    parsed: list[str] = []
    found: list[int] = []
    whole_table, matching = Sections.table, Sections.matching

    def table(self: Sections, name: str):
        parsed.append(name)
        return whole_table(self, name)

    def counted(self: Sections, name: str, words: list[bytes]):
        picked = matching(self, name, words)
        found.append(len(picked or {}))
        return picked

    monkeypatch.setattr(Sections, "table", table)
    monkeypatch.setattr(Sections, "matching", counted)
    from afi_tracker.render.listings import ActionFilter, actions_listing

    snap = Store.at(db).load()
    view = actions_listing(snap, ActionFilter(owner="insp  patel"), date(2025, 1, 6))
    assert [r["id"] for r in view.rows] == ["A1", "A4"]
    assert view.rows[0]["evidence"] == [] and view.rows[0]["owners"] == ["Insp Patel"]
    assert found == [4]  # Insp Patel's two and Ch Insp Patel's two: no DS Jones line
    assert parsed == []  # neither the whole actions, their details, nor the items


def test_listing_one_owner_of_a_hand_edited_store_reads_it_whole(db: Path):
    tracker(db).add("I1", "first", "Insp Patel", None)
    tracker(db).add("I1", "second", "DS Jones", None)
    text = db.read_text(encoding="utf-8").replace('"second"', '"second, edited"')
    db.write_text(text, encoding="utf-8")
    from afi_tracker.render.listings import ActionFilter, actions_listing

    view = actions_listing(Store.at(db).load(), ActionFilter(owner="DS JONES"), date(2025, 1, 6))
    assert [(r["id"], r["title"]) for r in view.rows] == [("A2", "second, edited")]
    assert json.loads(db.read_text(encoding="utf-8"))  # still the file as edited


def test_listing_most_actions_parses_only_the_detail_lines_with_evidence(db: Path, monkeypatch):
    """Rows show an action's evidence and no other detail: listing most of many
    actions parses the detail lines that hold evidence, not the notes and
    deadline revisions of every action; the rows are those of whole actions."""
    import afi_tracker.store.store as store_module
    from afi_tracker.render.listings import ActionFilter, actions_listing

    for n in range(5):
        tracker(db).add("I1", f"action {n}", "Insp A", "31/03/2025")
    tracker(db).update("A2", evidence=["minutes.pdf", "plan.docx"])
    tracker(db).update("A4", evidence=['a "quoted" ref'], note="evidence: [none]")
    tracker(db).update("A5", note='"evidence":[1]')
    day = date(2025, 1, 6)
    whole = Store.at(db).load()
    whole.actions  # noqa: B018  (every action joined whole)
    expected = actions_listing(whole, ActionFilter(), day).rows

    monkeypatch.setattr(store_module, "_JOIN_ALL_ABOVE", 1)  # "many" at five actions
    parsed: list[str] = []
    having: list[list[str]] = []
    whole_table, having_lines = Sections.table, Sections.having

    def table(self: Sections, name: str):
        parsed.append(name)
        return whole_table(self, name)

    def counted(self: Sections, name: str, field: str):
        picked = having_lines(self, name, field)
        having.append(sorted(refs[0]["ref"] for refs in (picked or {}).values()))
        return picked

    monkeypatch.setattr(Sections, "table", table)
    monkeypatch.setattr(Sections, "having", counted)
    rows = actions_listing(Store.at(db).load(), ActionFilter(), day).rows
    assert rows == expected
    assert [r["evidence"] for r in rows if r["evidence"]] == [
        ["minutes.pdf", "plan.docx"],
        ['a "quoted" ref'],
    ]
    assert having == [['a "quoted" ref', "minutes.pdf"]]
    assert "action_details" not in parsed


def test_listing_most_actions_of_hand_edited_details_reads_them_whole(db: Path, monkeypatch):
    import afi_tracker.store.store as store_module
    from afi_tracker.render.listings import ActionFilter, actions_listing

    for n in range(3):
        tracker(db).add("I1", f"action {n}", "Insp A", None)
    tracker(db).update("A2", evidence=["minutes.pdf"], note="kept")
    text = db.read_text(encoding="utf-8").replace('"minutes.pdf"', '"minutes-v2.pdf"')
    db.write_text(text, encoding="utf-8")
    monkeypatch.setattr(store_module, "_JOIN_ALL_ABOVE", 1)
    rows = actions_listing(Store.at(db).load(), ActionFilter(), date(2025, 1, 6)).rows
    assert [(r["id"], r["evidence"]) for r in rows if r["evidence"]] == [("A2", ["minutes-v2.pdf"])]


def test_having_reads_a_field_wherever_it_is_in_the_record():
    """The lists are cut from the lines when the field is last, and the lines
    parsed whole when it is not; either way the same values, empty ones left out."""
    details: dict[str, dict[str, list[dict[str, str]]]] = {
        "1": {"due_history": [], "notes": [], "evidence": [{"ref": "a]b", "by": 'q"'}]},
        "2": {"notes": [{"text": '"evidence":[{"ref":"no"}]'}], "evidence": []},
        "3": {"evidence": [{"ref": "first"}], "notes": []},
        "4": {"notes": []},
    }
    for shown in (details, {k: v for k, v in details.items() if k != "3"}):
        sections = Sections.locate(dump_store({"meta": {"1": {}}, "action_details": shown}))
        assert sections is not None
        assert sections.having("action_details", "evidence") == {
            k: v["evidence"] for k, v in shown.items() if v.get("evidence")
        }
