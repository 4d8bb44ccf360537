"""Shapes of the report family met on real pages, each on a small hand-made text."""

from __future__ import annotations

from afi_tracker.importers import parse_text


def items(text: str) -> list[tuple[str, str]]:
    return [(i.kind, i.text) for i in parse_text(text).items]


def test_a_cause_of_concern_stated_in_prose():
    text = (
        "Northshire Police: revisit letter\nSent on: 3 May 2023\n\nDear Chief Constable\n\n"
        "In our 2022 inspection we identified one cause of concern. This was that the force "
        "does not always respond to calls from vulnerable people quickly enough. We made two "
        "recommendations.\n\nWe found the force has made progress.\n"
    )
    assert items(text) == [
        (
            "cause-of-concern",
            "The force does not always respond to calls from vulnerable people quickly enough.",
        )
    ]


def test_a_cause_of_concern_label_with_its_text_on_the_next_line():
    text = (
        "Southshire Police inspection 2023\nPublished on: 1 June 2023\n\n"
        "Cause of concern 1\n\nThe force does not record crime accurately.\n\n"
        "Cause of concern 2\nThe force does not supervise investigations well enough.\n"
    )
    assert items(text) == [
        ("cause-of-concern", "The force does not record crime accurately."),
        ("cause-of-concern", "The force does not supervise investigations well enough."),
    ]


def test_fragments_that_complete_a_failure_to_lead_in_are_each_a_cause():
    text = (
        "Westshire Police PEEL 2023\nPublished on: 2 February 2023\n\n"
        "We have a cause of concern about the force's failure to:\n\n"
        "• answer emergency calls promptly;\n• assess risk at first contact; and\n"
        "• attend incidents within its target times.\n\nWe will monitor progress.\n"
    )
    assert items(text) == [
        (
            "cause-of-concern",
            "We have a cause of concern about the force's failure to answer emergency calls "
            "promptly",
        ),
        (
            "cause-of-concern",
            "We have a cause of concern about the force's failure to assess risk at first contact",
        ),
        (
            "cause-of-concern",
            "We have a cause of concern about the force's failure to attend incidents within "
            "its target times.",
        ),
    ]


def test_paragraphs_defining_a_cause_of_concern_are_not_items():
    text = (
        "Eastshire Police inspection 2022\nPublished on: 4 April 2022\n\n"
        "Causes of concern\n\n"
        "A cause of concern is a serious or critical shortcoming in a force's practice, "
        "policy or performance.\n\n"
        "An accelerated cause of concern is one we find so serious that we report it before "
        "the full report is published.\n\n"
        "The force should improve how it safeguards children at risk of exploitation.\n"
    )
    assert items(text) == [
        (
            "cause-of-concern",
            "The force should improve how it safeguards children at risk of exploitation.",
        )
    ]


def test_a_date_on_the_line_after_sent_on():
    text = (
        "Northshire Police: revisit letter\nSent on\n12 May 2023\n\n"
        "Within three months, the force should:\n\n• publish its plan.\n"
    )
    report = parse_text(text)
    assert report.published == "2023-05-12"
    assert report.items[0].deadline == "2023-08-12"


def test_published_on_then_the_date():
    text = "Southshire 2023\nPublished on\n\n3 March 2023\n\nAreas for improvement\n\n" + (
        "• The service should act.\n"
    )
    assert parse_text(text).published == "2023-03-03"


def test_a_pillar_grade_given_only_in_prose():
    text = (
        "Northshire PEEL 2017\nEffectiveness\n\nHow effective is the force at keeping people "
        "safe?\n\nNorthshire Police is good at keeping people safe and reducing crime.\n\n"
        "How effective is the force at preventing crime?\n\nNorthshire Police requires "
        "improvement in preventing crime.\n\nAreas for improvement\n\n"
        "• The force should improve its problem solving.\n"
    )
    report = parse_text(text)
    assert report.judgement == "Good"
    assert [q.judgement for q in report.questions] == ["Requires improvement"]


def test_national_recommendations_to_chief_constables_with_a_date():
    text = (
        "Policing and mental health: picking up the pieces\nPublished on: 1 November 2022\n\n"
        "Recommendations\n\nBy 31 March 2024, chief constables should:\n\n"
        "• review their mental health training;\n• share data with health partners.\n\n"
        "Within six months, chief fire officers should:\n\n• publish their plans.\n"
    )
    report = parse_text(text)
    assert [(i.text, i.deadline, i.addressee) for i in report.items] == [
        ("review their mental health training", "2024-03-31", "chief constables"),
        ("share data with health partners.", "2024-03-31", "chief constables"),
        ("publish their plans.", "2023-05-01", "chief fire officers"),
    ]
