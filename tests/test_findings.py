"""Figures and dated commitments read from a report's own text (issue #19)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.importers import parse_text
from afi_tracker.importers.apply import import_file
from afi_tracker.importers.findings import (
    commitment_in,
    extract,
    figures_in,
    resolve_when,
    sentences,
)
from afi_tracker.store.store import Store
from tests.conftest import SAMPLE_2018, SAMPLES

KEY = "west-mercia-peel-2018-legitimacy"


def seed_findings():
    parsed = parse_text(SAMPLE_2018.read_text(encoding="utf-8"))
    return extract(KEY, [{"question": s.question, "text": s.text} for s in parsed.body])


def test_seed_figures_with_sentence_and_question():
    found = seed_findings()
    by_words = {(f.words, f.question): f for f in found.figures}
    bias = by_words[("65 percent", "1")]
    assert bias.value == 65 and bias.unit == "%"
    assert bias.sentence == (
        "The force calculates that, across a range of different training sessions, around "
        "65 percent of its workforce have received this training."
    )
    grounds = by_words[("78 percent", "1")]
    assert (grounds.of, grounds.base) == (221, "stop and search records")
    assert grounds.sentence == "Of those records, 78 percent contained reasonable grounds."
    assert grounds.context == (
        "During our inspection, we reviewed a representative sample of 221 stop and search records."
    )
    assert grounds.name == "stop and search records that contained reasonable grounds"
    safety = by_words[("20 percent", "1")]
    assert safety.name == "officers without up-to-date officer safety training"
    pdr = by_words[("60 percent", "3")]
    assert pdr.name == "PDR completion rates"
    assert pdr.sentence == "But PDR completion rates on the HR system are only at 60 percent."
    assert [f.handle for f in found.figures] == [f"F{n}" for n in range(1, 8)]


def test_seed_commitments_resolve_like_report_deadlines():
    found = seed_findings()
    got = [(c.handle, c.question, c.deadline, c.deadline_text, c.what) for c in found.commitments]
    assert got == [
        ("C1", "2", "2020-02-29", "by February 2020", "Bring all officers and staff up to date"),
        ("C2", "3", "2025-12-31", "by 2025", "A representative workforce"),
        (
            "C3",
            "3",
            "2019-04-30",
            "From April 2019",
            "Adopt the competency and values framework as part of its promotion and "
            "development arrangements",
        ),
    ]
    assert found.commitments[0].sentence == (
        "It plans to bring all officers and staff up to date by February 2020."
    )


def test_recommendation_bullets_are_not_the_forces_commitments():
    # "publish the analysis and the action by July 2018" is the inspectorate's demand.
    assert all("July 2018" not in c.sentence for c in seed_findings().commitments)
    assert commitment_in("The force should publish its plan by July 2018.", None) is None


def test_other_pages_in_the_family():
    text = (SAMPLES / "staffordshire-2022-accelerated-coc-partial.txt").read_text("utf-8")
    parsed = parse_text(text)
    found = extract("s", [{"question": s.question, "text": s.text} for s in parsed.body])
    assert [(f.words, f.unit, f.value) for f in found.figures] == [("130 case files", "count", 130)]


def test_units_and_names():
    (of,) = figures_in("The force had achieved 12 of its 20 recommendations.", None)
    assert (of.unit, of.value, of.of, of.name) == ("of", 12, 20, "recommendations")
    (days,) = figures_in("Investigations took an average of 34 days to complete.", None)
    assert (days.unit, days.value, days.name) == ("days", 34, "Investigations")
    (count,) = figures_in("There were 1,234 incidents in 2018.", None)
    assert (count.unit, count.value, count.name) == ("count", 1234, "incidents")
    two = figures_in(
        "This has resulted in increases of 55 percent in business interest applications "
        "and 25 percent in reports of notifiable associations.",
        "2",
    )
    assert [(f.value, f.name) for f in two] == [
        (55, "business interest applications"),
        (25, "reports of notifiable associations"),
    ]


def test_years_months_and_periods_are_not_counts():
    assert figures_in("In March 2019, the force introduced the Chronicle ICT system.", None) == []
    assert figures_in("Most had no training in the preceding 12 months.", None) == []
    assert figures_in("It achieved our 2016 vetting recommendation.", None) == []


def test_commitment_forms():
    cases = {
        "The force will introduce body-worn video by 31 July 2022.": "2022-07-31",
        "By March 2021 the force will have a new IT system.": "2021-03-31",
        "It intends to recruit 40 firefighters by the end of 2023.": "2023-12-31",
        "The force plans to have all staff trained by 2020/21.": "2021-03-31",
    }
    for sentence, deadline in cases.items():
        found = commitment_in(sentence, None)
        assert found is not None and found.deadline == deadline, sentence
    assert commitment_in("In March 2019, the force introduced a new system.", None) is None
    assert commitment_in("The force plans to improve.", None) is None


def test_resolve_when():
    assert resolve_when("February 2020") == date(2020, 2, 29)
    assert resolve_when("2025") == date(2025, 12, 31)
    assert resolve_when("2020/21") == date(2021, 3, 31)
    assert resolve_when("2020/23") is None
    assert resolve_when("3 May 2021") == date(2021, 5, 3)


_WORDS = st.sampled_from(["officers", "staff", "records", "the force", "training", "were", "had"])


@given(
    value=st.integers(min_value=0, max_value=100),
    before=st.lists(_WORDS, max_size=5),
    after=st.lists(_WORDS, min_size=1, max_size=5),
)
def test_any_percentage_is_found_with_its_value(value, before, after):
    sentence = " ".join(["The force said", *before, f"{value} percent", *after]) + "."
    found = [f for f in figures_in(sentence, "1") if f.unit == "%"]
    assert [(f.value, f.words, f.sentence, f.question) for f in found] == [
        (value, f"{value} percent", sentence, "1")
    ]
    assert found[0].name


@given(
    month=st.integers(min_value=1, max_value=12),
    year=st.integers(min_value=2000, max_value=2099),
)
def test_any_month_deadline_is_its_last_day(month, year):
    name = date(2000, month, 1).strftime("%B")
    found = commitment_in(f"The force plans to finish the review by {name} {year}.", None)
    assert found is not None
    deadline = date.fromisoformat(found.deadline)
    assert (deadline.year, deadline.month) == (year, month)
    assert (deadline.replace(day=28) + __import__("datetime").timedelta(days=4)).month != month


@given(st.text(max_size=300))
def test_extract_never_fails_on_any_text(text):
    found = extract("k", [{"question": None, "text": text}])
    for fig in found.figures:
        assert fig.words in fig.sentence
    for c in found.commitments:
        assert date.fromisoformat(c.deadline)


@given(st.lists(st.sampled_from(["One.", "Two words here.", "Three? Yes!", "e.g. this."])))
def test_sentences_keep_every_character(parts):
    paragraph = " ".join(parts)
    assert " ".join(sentences(paragraph)) == paragraph.strip()


def test_import_keeps_the_text_once_per_report(tmp_path: Path):
    store = Store.at(tmp_path / "t.json")
    for _ in range(2):
        import_file(store, SAMPLE_2018, key=None, dry_run=False, by="t", command="afi import")
    snap = store.load()
    texts = list(snap.tables["texts"].values())
    assert len(texts) == 1
    sections = snap.text_of(KEY)
    assert [s["question"] for s in sections] == [None, "1", "2", "3"]
    assert "around 65 percent of its workforce" in sections[1]["text"]
    assert snap.text_of("no-such-report") == []
