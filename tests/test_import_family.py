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


REGISTER = (
    "Northshire Police recommendation register\nLast updated 4 July 2023\n\n"
    "Improving 101 call handling\n\n"
    "The force should improve how quickly it answers non-emergency calls.\n"
    "12/03/2023 Status changed to: In progress\n"
    "01/06/2023 Status changed to: Complete\n\n"
    "Victims' code\n\n"
    "The force should make sure victims are told of their rights.\n"
    "3 April 2023 - Status changed to: Not started\n"
)


def test_register_entries_with_a_dated_log_of_status_changes():
    report = parse_text(REGISTER)
    assert [(i.kind, i.text, i.status, i.status_log) for i in report.items] == [
        (
            "recommendation",
            "The force should improve how quickly it answers non-emergency calls.",
            "awaiting-sign-off",
            [
                {"date": "2023-03-12", "text": "Status changed to: In progress"},
                {"date": "2023-06-01", "text": "Status changed to: Complete"},
            ],
        ),
        (
            "recommendation",
            "The force should make sure victims are told of their rights.",
            "open",
            [{"date": "2023-04-03", "text": "Status changed to: Not started"}],
        ),
    ]


RESPONSE = (
    "Northshire Fire and Rescue Service 2023\nPublished on: 1 March 2023\n\n"
    "Recommendation 1: By 31 March 2024, the service should review its risk-based "
    "inspection programme.\n\n"
    "Northshire Fire and Rescue Service action: We reviewed the programme in January and "
    "published it on our website.\n\nAction: Complete\n\n"
    "Recommendation 2: By 30 June 2024, the service should train all its crews in safe "
    "and well visits.\n\nNorthshire Fire and Rescue Service action: Training is under way.\n"
    "Action: In progress\n"
)


def test_the_forces_own_response_is_a_note_and_a_status():
    report = parse_text(RESPONSE)
    assert [(i.text[:40], i.force_response, i.status) for i in report.items] == [
        (
            "By 31 March 2024, the service should rev",
            "We reviewed the programme in January and published it on our website.",
            "awaiting-sign-off",
        ),
        ("By 30 June 2024, the service should trai", "Training is under way.", "in-progress"),
    ]


def test_a_response_and_log_are_stored_and_the_status_set_only_when_new(tmp_path):
    from afi_tracker.importers.apply import import_file
    from afi_tracker.store.store import Store

    page = tmp_path / "response.txt"
    page.write_text(RESPONSE, encoding="utf-8")
    store = Store.at(tmp_path / "t.json")
    import_file(store, page, key=None, dry_run=False, by="t", command="afi import")
    first = store.load().items
    reviewed = "We reviewed the programme in January and published it on our website."
    assert [(i["status"], i["force_response"]) for i in first] == [
        ("awaiting-sign-off", reviewed),
        ("in-progress", "Training is under way."),
    ]
    assert first[0]["status_reason"] == "the force's published response: Complete"
    with store.transaction("afi item set", "t") as tx:
        tx.update("items", tx.item("I2"), status="open")
    again = import_file(store, page, key=None, dry_run=False, by="t", command="afi import")
    assert (len(again.changed), len(again.removed)) == (0, 0)
    assert store.load().item("I2")["status"] == "open"  # the user's status stands
