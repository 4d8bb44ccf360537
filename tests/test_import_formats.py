"""Each rule of the wider report family, on a small text written in that shape,
and each shared sample item by item."""

from __future__ import annotations

import pytest

from afi_tracker.errors import NothingToImport
from afi_tracker.importers import parse_text
from tests.conftest import SAMPLES


def items(text):
    return [(i.kind, i.text) for i in parse_text(text).items]


# -- 1. bullets and endings -------------------------------------------------------------------


def test_no_bullet_one_item_per_line_after_the_heading():
    text = (
        "Northshire 2019/20\nEfficiency\nHow efficient is the service?\n"
        "How well does the service use resources?\nGood\nAreas for improvement\n"
        "The service should review its shift patterns.\n"
        "The service should make better use of its on-call staff.\n"
        "We set out our detailed findings below.\n"
    )
    assert items(text) == [
        ("area-for-improvement", "The service should review its shift patterns."),
        ("area-for-improvement", "The service should make better use of its on-call staff."),
    ]


def test_joining_words_are_not_part_of_the_text():
    text = (
        "Cause of concern\n\nThe force is not safeguarding children well enough.\n\n"
        "Recommendations\n\nWithin six months the force should put in place arrangements "
        "to ensure that:\n\n• referrals are made the same day;\n• supervisors review them; "
        "and\n• outcomes are audited\n\nWe will revisit.\n"
    )
    assert [t for k, t in items(text) if k == "recommendation"] == [
        "referrals are made the same day",
        "supervisors review them",
        "outcomes are audited",
    ]


# -- 2. areas for improvement and judgements --------------------------------------------------


def test_carried_over_afi_without_a_heading():
    text = (
        "Eastshire PEEL 2018\nEffectiveness\nLast updated 02/05/2019\nGood\n\n"
        "Questions for Effectiveness\n\n1\n\nHow effective is the force at protecting "
        "vulnerable people?\n\nGood\n\nIn 2017 we found one area for improvement. "
        "One area for improvement remained from that inspection.\n\n"
        "  • The force should improve how it records missing children.\n\n"
        "We set out our detailed findings below.\n"
    )
    report = parse_text(text)
    assert [(i.kind, i.question, i.text) for i in report.items] == [
        ("area-for-improvement", "1", "The force should improve how it records missing children.")
    ]


@pytest.mark.parametrize(
    ("prose", "judgement"),
    [
        (
            "West Mercia Police requires improvement in treating people fairly.",
            "Requires improvement",
        ),
        ("Shropshire Fire and Rescue Service is good at understanding risk.", "Good"),
        ("The service is adequate at responding to fires.", "Adequate"),
        ("The force has made progress in several areas.", None),
    ],
)
def test_judgement_from_prose_or_left_empty(prose, judgement):
    text = (
        f"Westshire PEEL 2016\nLegitimacy\nHow legitimate is the force?\n"
        f"To what extent does the force treat people fairly?\n{prose}\n"
        "Areas for improvement\n- The force should do better.\n"
    )
    assert parse_text(text).questions[0].judgement == judgement


def test_judgement_on_its_own_line_wins_and_adequate_exists():
    text = (
        "Southshire PEEL 2021/22\nHow good is the force?\n"
        "How good is the force at investigating crime?\nAdequate\n"
        "It is good at some things.\nAreas for improvement\n- The force should do x.\n"
    )
    assert parse_text(text).questions[0].judgement == "Adequate"


# -- 3. causes of concern ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Cause of concern",
        "Cause of concern: Crime recording",
        "Accelerated cause of concern: Call handling",
    ],
)
def test_cause_of_concern_headings(heading):
    text = f"{heading}\n\nThe force is not answering 999 calls quickly enough.\n\nMore text.\n"
    assert items(text) == [
        ("cause-of-concern", "The force is not answering 999 calls quickly enough.")
    ]


def test_causes_listed_in_a_letter():
    text = (
        "Sent on: 12 May 2023\n\nDear Chief Constable\n\nIn our inspection we identified "
        "the following four causes of concern:\n\n- the force does not record crime "
        "accurately;\n- victims are not kept informed;\n- risk is not assessed at first "
        "contact; and\n- supervision is weak.\n\nYours sincerely\n"
    )
    assert [t for k, t in items(text) if k == "cause-of-concern"] == [
        "the force does not record crime accurately",
        "victims are not kept informed",
        "risk is not assessed at first contact",
        "supervision is weak.",
    ]


# -- 4. recommendations -----------------------------------------------------------------------


def test_recommendations_follow_and_link_to_their_cause():
    text = (
        "PEEL: Northshire Police cause of concern – Custody\n\nPublished on: 1 June 2023\n\n"
        "Cause of concern: Custody\n\nDetainees are not always safe.\n\nRecommendations\n\n"
        "Within three months, Northshire Police should make sure that:\n\n"
        "  • risk assessments are completed; and\n  • cells are checked hourly.\n\n"
        "Cause of concern: Disclosure\n\nDisclosure is late.\n\n"
        "Our cause of concern about disclosure had two accompanying recommendations:\n\n"
        "By 30 September 2025, the force should:\n\n- train all officers;\n"
        "- audit files.\n"
    )
    report = parse_text(text)
    found = [(i.kind, i.cause, i.deadline, i.deadline_text, i.addressee) for i in report.items]
    assert found == [
        ("cause-of-concern", None, None, None, None),
        ("recommendation", 0, "2023-09-01", "Within three months", "Northshire Police"),
        ("recommendation", 0, "2023-09-01", "Within three months", "Northshire Police"),
        ("cause-of-concern", None, None, None, None),
        ("recommendation", 3, "2025-09-30", "By 30 September 2025", "the force"),
        ("recommendation", 3, "2025-09-30", "By 30 September 2025", "the force"),
    ]
    assert report.force == "Northshire Police" and report.published == "2023-06-01"


def test_standalone_numbered_recommendation_to_all_chief_fire_officers():
    text = (
        "Thematic inspection of values and culture\n\nPublished on: 30 March 2023\n\n"
        "Recommendation 24: By 1 October 2023, chief fire officers should make sure "
        "staff can raise concerns confidentially.\n\nRecommendation 25\n\n"
        "By 1 June 2024, chief fire officers should publish their plans.\n"
    )
    report = parse_text(text)
    assert [(i.kind, i.deadline, i.addressee, i.text) for i in report.items] == [
        (
            "recommendation",
            "2023-10-01",
            "chief fire officers",
            "By 1 October 2023, chief fire officers should make sure staff can raise concerns "
            "confidentially.",
        ),
        (
            "recommendation",
            "2024-06-01",
            "chief fire officers",
            "By 1 June 2024, chief fire officers should publish their plans.",
        ),
    ]


# -- 5. deadlines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead_in", "published", "deadline", "words"),
    [
        (
            "The force should immediately:",
            "Published on: 29 March 2022",
            "2022-03-29",
            "immediately",
        ),
        (
            "Within three months, Eastshire Police should make sure that:",
            "Published on: 29 March 2022",
            "2022-06-29",
            "Within three months",
        ),
        (
            "Within six months the force should put in place arrangements to ensure that:",
            "Last updated 27/09/2019",
            "2020-03-27",
            "Within six months",
        ),
        ("By 30 September 2025, the force should:", "", "2025-09-30", "By 30 September 2025"),
        ("By July 2018, the force should:", "", "2018-07-31", "By July 2018"),
        ("Within three months, the force should:", "", None, "Within three months"),
    ],
)
def test_deadlines_from_lead_ins(lead_in, published, deadline, words):
    text = (
        f"Eastshire Police report\n{published}\n\nCause of concern\n\nThings are bad.\n\n"
        f"{lead_in}\n\n- do one thing.\n"
    )
    [_, rec] = parse_text(text).items
    assert (rec.deadline, rec.deadline_text) == (deadline, words)


# -- 6. metadata ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "force", "programme", "year"),
    [
        ("Cleveland PEEL 2023–25", "Cleveland", "PEEL", "2023–25"),
        ("West Mercia PEEL 2017", "West Mercia", "PEEL", "2017"),
        ("Avon 2021/22", "Avon", "Fire and rescue inspection", "2021/22"),
    ],
)
def test_title_line_metadata(title, force, programme, year):
    text = (
        f"{title}\nEffectiveness\nHow effective is the fire and rescue service?\n"
        "How well does it respond?\nGood\nAreas for improvement\n- It should do x.\n"
    )
    report = parse_text(text)
    assert (report.force, report.programme, report.year) == (force, programme, year)


def test_sent_on_date_and_service_named_in_the_text():
    text = (
        "Revisit letter\n\nSent on: 4 December 2023\n\nDear Chief Fire Officer\n\n"
        "Cornwall Fire and Rescue Service has made progress. The cause of concern "
        "remains:\n\n- the service should improve its protection work.\n"
    )
    report = parse_text(text)
    assert report.published == "2023-12-04"
    assert report.force == "Cornwall Fire and Rescue Service"
    assert report.programme == "Fire and rescue inspection"


# -- 7. truncated pages, 8. noise, 9. nothing found -------------------------------------------


def test_item_cut_off_at_the_end_is_kept_and_marked():
    text = "Areas for improvement\n\n- The force should do one thing.\n- The force should d"
    report = parse_text(text)
    assert [(i.text, i.truncated) for i in report.items] == [
        ("The force should do one thing.", False),
        ("The force should d", True),
    ]


def test_navigation_404_and_address_blocks_are_ignored():
    text = (
        "404 Page not found\nSkip to content\nContents\nPrint this document\n"
        "Westshire PEEL 2019\nEffectiveness\nLast updated 01/02/2020\n"
        "Chief Constable A Person\nWestshire Police HQ\nHindlip\nWR3 8SP\n"
        "Areas for improvement\n- The force should do x.\n"
    )
    report = parse_text(text)
    assert (report.title, report.subject, report.published) == (
        "Westshire PEEL 2019",
        "Effectiveness",
        "2020-02-01",
    )
    assert items(text) == [("area-for-improvement", "The force should do x.")]


def test_nothing_found_is_refused():
    with pytest.raises(NothingToImport):
        parse_text("Westshire PEEL 2019\nEffectiveness\nThe force is good.\n")


# -- the shared samples, item by item ---------------------------------------------------------


def sample(name):
    return parse_text((SAMPLES / name).read_text(encoding="utf-8"), name)


def test_sample_peel_2017_pillar_page():
    report = sample("west-mercia-peel-2017-legitimacy-pillar-partial.txt")
    assert (report.force, report.programme, report.year, report.subject) == (
        "West Mercia Police",
        "PEEL",
        "2017",
        "Legitimacy",
    )
    assert report.questions[0].judgement == "Requires improvement"  # from prose only
    assert [(i.kind, i.question, i.truncated) for i in report.items] == [
        ("area-for-improvement", "1", False),
        ("area-for-improvement", "1", False),
    ]
    assert report.items[0].text == (
        "The force should ensure that all relevant officers have received sufficient, "
        "suitable training to enable them to use powers of arrest only when necessary."
    )
    assert report.items[1].text.startswith(
        "The force should improve its process for regularly and frequently scrutinising a "
        "broad range of data and information, including from body-worn video,"
    )


def test_sample_accelerated_cause_of_concern():
    report = sample("staffordshire-2022-accelerated-coc-partial.txt")
    assert (report.force, report.published) == ("Staffordshire Police", "2022-03-29")
    coc, *recs = report.items
    assert (coc.kind, coc.text) == (
        "cause-of-concern",
        "The force needs to improve how it "
        "identifies and assesses vulnerability at first point of "
        "contact.",
    )
    assert [
        (r.kind, r.cause, r.deadline, r.deadline_text, r.addressee, r.truncated) for r in recs
    ] == [
        ("recommendation", 0, "2022-06-29", "Within three months", "Staffordshire Police", False)
    ] * 2 + [
        ("recommendation", 0, "2022-06-29", "Within three months", "Staffordshire Police", True)
    ]
    assert recs[0].text == (
        "call handlers use and correctly record structured initial triage and risk "
        "assessments – this will help the force know what priority it should give the call "
        "and allow it to decide on the most appropriate response"
    )
    assert recs[1].text == (
        "vulnerable and repeat callers are routinely identified, as are other people in the "
        "household who may also be vulnerable"
    )
    assert recs[2].text == "ca"


def test_sample_fire_and_rescue_page():
    report = sample("shropshire-frs-2021-22-effectiveness-partial.txt")
    assert (report.force, report.programme, report.year, report.subject) == (
        "Shropshire Fire and Rescue Service",
        "Fire and rescue inspection",
        "2021/22",
        "Effectiveness",
    )
    assert [(q.number, q.judgement) for q in report.questions] == [("1", "Good")]
    assert [(i.kind, i.question, i.text) for i in report.items] == [
        (
            "area-for-improvement",
            "1",
            "The service should make sure its firefighters and fire "
            "control staff have good access to relevant and up-to-date risk information.",
        )
    ]


# -- shapes seen in later reports -------------------------------------------------------------


def test_numbered_and_lettered_bullets():
    text = (
        "Recommendations\n\nBy 31 March 2024, all chief constables should:\n\n"
        "1. review their vetting processes;\n2) publish the results; and\n"
        "(3) report to their PCC.\n\nAreas for improvement\n\na) The force should do x.\n"
        "(b) The force should do y.\n"
    )
    found = [(i.kind, i.text, i.deadline, i.addressee) for i in parse_text(text).items]
    assert found == [
        ("recommendation", "review their vetting processes", "2024-03-31", "all chief constables"),
        ("recommendation", "publish the results", "2024-03-31", "all chief constables"),
        ("recommendation", "report to their PCC.", "2024-03-31", "all chief constables"),
        ("area-for-improvement", "The force should do x.", None, None),
        ("area-for-improvement", "The force should do y.", None, None),
    ]


def test_numbered_area_for_improvement_headings():
    text = (
        "Northshire PEEL 2023–25\n\nArea for improvement 1\n\nThe force should improve how "
        "it answers 101 calls.\n\nSome findings.\n\nArea for improvement 2: The force "
        "should record crime accurately.\n\nMore findings.\n"
    )
    assert items(text) == [
        ("area-for-improvement", "The force should improve how it answers 101 calls."),
        ("area-for-improvement", "The force should record crime accurately."),
    ]


def test_question_numbers_alone_on_a_line_are_not_bullets():
    report = sample("west-mercia-peel-2018-legitimacy.txt")
    assert [q.number for q in report.questions] == ["1", "2", "3"]
    assert len(report.items) == 8
