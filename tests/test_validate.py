"""store/validate.py: the quick check that passes a valid record without wording
any message must never pass one the detailed checks would report."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afi_tracker.store import validate
from afi_tracker.store.keys import doc_key

_UIDS = ["0" * 31 + "1", "f" * 32, "0x" + "a" * 30, "not-a-hex-uid-at-all-32-chars-xx", "abc"]
# Each a wrong value for some field: null, a boolean, numbers, blank and unknown
# words, lists of blanks or numbers, objects with and without conflict values.
_WRONG: list[Any] = [None, True, 1, 2.5, "", " ", "bogus", "I1", [], ["", "x"], [" "], [1]]
_WRONG += [{"values": [1]}, {"a": {"values": []}}, {"a": {"x": 1}}, "planned", ["Insp A"]]
_values = st.sampled_from(_WRONG)


_FIELDS = ["uid", "id", "item", "title", "owners", "due", "status", "conflicts"]


@st.composite
def _action(draw: st.DrawFn) -> dict[str, Any]:
    """A valid action, then one or two fields changed or dropped."""
    doc: dict[str, Any] = {
        "uid": draw(st.sampled_from(_UIDS)),
        "id": draw(st.sampled_from(["A1", "A2", "a1"])),
        "item": "I1",
        "title": "Publish the plan",
        "owners": ["Insp A"],
        "due": None,
        "status": "planned",
    }
    for _ in range(draw(st.integers(1, 2))):
        field = draw(st.sampled_from(_FIELDS))
        if draw(st.booleans()):
            doc.pop(field, None)
        else:
            doc[field] = draw(_values)
    return doc


def _doc_ids(uid: Any) -> list[str]:
    ids = ["0", "12", "x1", "\u0663", "007"]
    if isinstance(uid, str):
        key = doc_key(uid)
        ids += [key] * 6 + [str(int(key)) or "0"]
    return ids


@settings(max_examples=500, deadline=None)
@given(st.lists(_action(), max_size=6), st.data(), st.sampled_from([2, 4]))
def test_the_quick_check_reports_exactly_what_the_detailed_checks_report(docs, data, schema):
    table: dict[str, Any] = {}
    for doc in docs:
        table[data.draw(st.sampled_from(_doc_ids(doc.get("uid"))))] = doc
    store = {"meta": {"1": {"schema": schema}}, "actions": table}
    found = validate.problems(store)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(validate, "_quick_check", lambda *a: lambda *b: False)
        assert validate.problems(store) == found


def _both_ways(store: dict[str, Any]) -> tuple[list[str], list[str]]:
    found = validate.problems(store)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(validate, "_quick_check", lambda *a: lambda *b: False)
        return found, validate.problems(store)


def test_every_single_wrong_field_is_reported_as_the_detailed_checks_word_it():
    """Exhaustively: each field of a valid action dropped or set to each wrong
    value, under each kind of document id, in schemas before and after uids."""
    cases = 0
    for uid in _UIDS:
        key = doc_key(uid)
        for doc_id in (key, str(int(key)), "0", "12", "0" + key):
            for schema in (2, 4):
                for field in _FIELDS:
                    for value in [_MISSING, *_WRONG]:
                        action: dict[str, Any] = {
                            "uid": uid,
                            "id": "A1",
                            "item": "I1",
                            "title": "t",
                            "owners": ["Insp A"],
                            "due": None,
                            "status": "planned",
                        }
                        if schema < 4:  # one owner, before schema 4
                            action["owner"] = action.pop("owners")[0]
                        if value is _MISSING:
                            action.pop(field, None)
                        else:
                            action[field] = value
                        store = {"meta": {"1": {"schema": schema}}, "actions": {doc_id: action}}
                        quick, detailed = _both_ways(store)
                        assert quick == detailed, (doc_id, schema, field, value)
                        cases += 1
    assert cases > 1000


_MISSING = object()


def test_a_valid_record_passes_and_a_duplicate_handle_is_still_named():
    uid = "a" * 32
    other = "b" * 32
    action: dict[str, Any] = {"uid": uid, "id": "A1", "item": "I1", "title": "t"}
    action |= {"owners": ["Insp A"]}
    action |= {"due": None, "status": "planned"}
    store = {
        "meta": {"1": {"schema": 4}},
        "actions": {doc_key(uid): action, doc_key(other): dict(action, uid=other, id="a1")},
    }
    assert validate.problems(store) == [
        f"actions[{doc_key(other)}].id: handle a1 is also used by actions[{doc_key(uid)}]"
    ]
