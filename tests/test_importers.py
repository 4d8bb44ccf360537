"""The importer reads report pages into items, verbatim."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.errors import NothingToImport
from afi_tracker.importers import parse_text
from tests.conftest import SAMPLE_2018

WEST_MERCIA_AFIS = {
    "1": [
        "The force should review its approach to unconscious bias and effective communications "
        "skills training to help it better achieve its community engagement aims.",
        "The force should better understand its stop and search data, particularly relating to "
        "disproportionality, using this understanding to make improvements to the way it uses "
        "stop and search.",
    ],
    "2": [
        "The force should ensure that its counter-corruption unit has enough capability and "
        "capacity to counter corruption effectively and proactively; and can fully monitor all "
        "of its computer systems, including mobile data, to proactively identify data breaches, "
        "protect the force’s data and identify computer misuse.",
    ],
    "3": [
        "The force should ensure it provides suitable training, support and capacity for its "
        "supervisors so that they have the necessary time to recognise the signs and provide the "
        "necessary early intervention response for managing wellbeing issues.",
        "The force should improve how it manages individual performance and identifies talent, "
        "ensuring reviews are consistently and fairly applied across the workforce and valued by "
        "all, and that poor performance is managed consistently.",
        "The force should ensure that it provides suitable training, support and capacity for its "
        "supervisors so that they are fully equipped and confident to manage the performance and "
        "development of their staff, including effectively managing poor performance and "
        "identifying talent.",
        "The force should ensure that its promotion and selection processes are accessible and "
        "transparent and are perceived by the workforce as fair.",
    ],
}


@pytest.fixture(scope="module")
def west_mercia():
    return parse_text(SAMPLE_2018.read_text(encoding="utf-8"), SAMPLE_2018.name)


def test_page_metadata(west_mercia):
    assert (west_mercia.title, west_mercia.force, west_mercia.programme, west_mercia.year) == (
        "West Mercia PEEL 2018",
        "West Mercia Police",
        "PEEL",
        "2018",
    )
    assert west_mercia.subject == "Legitimacy"
    assert west_mercia.published == "2019-09-27"  # "Last updated 27/09/2019", day first
    assert west_mercia.judgement == "Requires improvement"


def test_questions_and_judgements(west_mercia):
    assert [(q.number, q.judgement) for q in west_mercia.questions] == [
        ("1", "Requires improvement"),
        ("2", "Good"),
        ("3", "Requires improvement"),
    ]
    assert west_mercia.questions[1].text == (
        "How well does the force ensure that its workforce behaves ethically and lawfully?"
    )


def test_areas_for_improvement_are_verbatim_per_question(west_mercia):
    found: dict[str, list[str]] = {}
    for item in west_mercia.items:
        if item.kind == "area-for-improvement":
            found.setdefault(item.question, []).append(item.text)
    assert found == WEST_MERCIA_AFIS


def test_near_identical_afis_in_question_3_are_both_kept(west_mercia):
    q3 = [i.text for i in west_mercia.items if i.question == "3"]
    assert len(q3) == 4
    assert q3[0][:90] != q3[2][:90] and q3[0][:60] in q3[2].replace(" that it", " it")


def test_national_recommendation_is_one_item_with_three_parts(west_mercia):
    recs = [i for i in west_mercia.items if i.kind == "recommendation"]
    assert len(recs) == 1
    rec = recs[0]
    assert rec.question == "1"
    assert rec.parts == [
        "monitor and analyse comprehensive stop and search data to understand reasons for "
        "disparities",
        "take action on those",
        "publish the analysis and the action by July 2018.",
    ]
    assert (rec.deadline, rec.deadline_text) == ("2018-07-31", "by July 2018")
    assert rec.origin == "2017 legitimacy report"
    assert rec.addressee == "all forces"
    assert rec.text.startswith(
        "In our 2017 legitimacy report, we recommended that all forces should: monitor and analyse"
    )


def test_bullet_characters_and_whitespace_are_normalised_nothing_else():
    text = (
        "Some Force PEEL 2019\n\nEffectiveness\n\nLast updated 02/03/2020\nGood\n\n"
        "Areas for improvement\n\n"
        "  •   The force should   do   one thing.\n"
        "- The force should do ‘another’ thing;\n"
        "* The force should do a third thing\n"
    )
    report = parse_text(text)
    assert [i.text for i in report.items] == [
        "The force should do one thing.",
        "The force should do ‘another’ thing",
        "The force should do a third thing",
    ]
    assert report.published == "2020-03-02"
    # the third stops without a full stop at the end of the text: marked, not dropped
    assert [i.truncated for i in report.items] == [False, False, True]


def test_crlf_line_endings_read_the_same():
    text = SAMPLE_2018.read_text(encoding="utf-8")
    plain = parse_text(text)
    crlf = parse_text(text.replace("\n", "\r\n"))
    assert [i.text for i in crlf.items] == [i.text for i in plain.items]


def test_text_with_no_items_is_refused():
    with pytest.raises(NothingToImport, match="no inspection report found in notes.txt"):
        parse_text("Shopping list\n\nmilk\neggs\n", "notes.txt")


@given(st.text(max_size=400))
def test_any_text_either_parses_or_is_refused_cleanly(text):
    try:
        report = parse_text(text)
    except NothingToImport:
        return
    assert report.items
    for item in report.items:
        assert item.text == item.text.strip()
