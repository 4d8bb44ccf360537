"""Bullets, spacing and wrapping never change what an item is; a page pasted twice
or imported under another key makes no duplicates; live work is never superseded
silently."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afi_tracker.errors import NothingToImport
from afi_tracker.importers import parse_text
from afi_tracker.importers.apply import import_file
from afi_tracker.importers.text import match_key, strip_bullet
from afi_tracker.store.store import Store
from tests.conftest import SAMPLE_2018

SEED = SAMPLE_2018.read_text(encoding="utf-8")
BULLETS = ["•", "-", "*", "o", "○", "▪", "–", "·", "\uf0b7", "(a)", "(i)", "1.", "1)"]
_SEED_BULLET = re.compile(r"^  • (.*)$", re.MULTILINE)


def with_bullets(text: str, bullet: str, indent: str = "  ", width: int | None = None) -> str:
    def swap(match: re.Match[str]) -> str:
        body = match.group(1)
        if width is None:
            return f"{indent}{bullet} {body}"
        lines = textwrap.wrap(body, width, break_on_hyphens=False, break_long_words=False)
        return "\n".join([f"{indent}{bullet} {lines[0]}", *(f"{indent}  {ln}" for ln in lines[1:])])

    return _SEED_BULLET.sub(swap, text)


def run(store: Store, path: Path, **kw):
    return import_file(
        store,
        path,
        key=kw.pop("key", None),
        dry_run=kw.pop("dry_run", False),
        by="tester",
        command="afi import",
        allow_supersede=kw.pop("allow_supersede", False),
    )


@pytest.mark.parametrize("bullet", BULLETS)
def test_every_bullet_is_a_bullet(bullet: str):
    assert strip_bullet(f"  {bullet} The force should act.") == (True, "The force should act.")


@pytest.mark.parametrize("line", ["of the force", "option one", "In 2017 we said", "(see above)"])
def test_words_are_not_bullets(line: str):
    assert strip_bullet(line) == (False, line)


@pytest.mark.parametrize("bullet", BULLETS)
def test_reimport_with_any_bullet_changes_nothing(tmp_path: Path, bullet: str):
    store = Store.at(tmp_path / "t.json")
    first = run(store, SAMPLE_2018)
    assert len(first.new) == 8
    variant = tmp_path / "variant.txt"
    variant.write_text(with_bullets(SEED, bullet), encoding="utf-8")
    before = store.load().items
    again = run(store, variant)
    assert (len(again.new), len(again.changed), len(again.removed)) == (0, 0, 0)
    assert len(again.unchanged) == 8
    assert store.load().items == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bullet=st.sampled_from(BULLETS),
    indent=st.sampled_from(["", " ", "  ", "\t", "    "]),
    width=st.one_of(st.none(), st.integers(min_value=30, max_value=120)),
    crlf=st.booleans(),
)
def test_any_bullet_spacing_or_wrapping_reads_the_same_items(
    bullet: str, indent: str, width: int | None, crlf: bool
):
    text = with_bullets(SEED, bullet, indent, width)
    if crlf:
        text = text.replace("\n", "\r\n")
    seed = parse_text(SEED).items
    variant = parse_text(text).items
    assert [(i.kind, i.question, match_key(i.text)) for i in variant] == [
        (i.kind, i.question, match_key(i.text)) for i in seed
    ]
    assert [[match_key(p) for p in i.parts] for i in variant] == [
        [match_key(p) for p in i.parts] for i in seed
    ]


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_match_key_ignores_bullets_spacing_and_quotes(text: str):
    text = "The force " + text  # an item's words, not a bullet of its own
    assert match_key("  • " + text.replace("'", "’") + "  ") == match_key(text)


def test_word_o_bullets_do_not_rewrite_the_seed(tmp_path: Path):
    """The reported failure: Word's "o" bullets rewrote seven items."""
    store = Store.at(tmp_path / "t.json")
    run(store, SAMPLE_2018)
    variant = tmp_path / "o.txt"
    variant.write_text(with_bullets(SEED, "o", "\t"), encoding="utf-8")
    outcome = run(store, variant)
    assert not any(i["text"].startswith("o ") for i in outcome.items)
    assert store.load().items[0]["status"] == "open"
    assert (len(outcome.changed), len(outcome.removed)) == (0, 0)


def test_a_page_pasted_twice_yields_the_seeds_eight_items(tmp_path: Path):
    twice = tmp_path / "twice.txt"
    twice.write_text(SEED + "\n\n" + SEED, encoding="utf-8")
    store = Store.at(tmp_path / "t.json")
    outcome = run(store, twice)
    assert len(outcome.new) == 8
    assert outcome.merged == 8
    assert "8 repeated items in the file merged" in outcome.summary()
    assert [i["text"] for i in store.load().items] == [i.text for i in parse_text(SEED).items]
    assert [q["number"] for q in store.load().reports[0]["questions"]] == ["1", "2", "3"]


def test_the_same_report_under_another_key_is_refused(tmp_path: Path):
    store = Store.at(tmp_path / "t.json")
    run(store, SAMPLE_2018)
    before = (tmp_path / "t.json").read_bytes()
    variant = tmp_path / "copy.txt"
    variant.write_text(with_bullets(SEED, "-"), encoding="utf-8")
    with pytest.raises(NothingToImport, match="already in the store as west-mercia-peel-2018"):
        run(store, variant, key="wm-2018")
    assert (tmp_path / "t.json").read_bytes() == before
    copy = import_file(
        store, variant, key="wm-2018", dry_run=False, by="t", command="afi import", allow_copy=True
    )
    assert len(copy.new) == 8  # a second copy only when asked for


def test_cli_refuses_to_supersede_live_work_without_the_flag(runner, tmp_path: Path):
    from tests.conftest import invoke

    db = tmp_path / "t.json"
    assert invoke(runner, "--db", str(db), "import", str(SAMPLE_2018)).exit_code == 0
    added = invoke(
        runner,
        "--db",
        str(db),
        "add",
        "I8",
        "Review boards",
        "--owner",
        "DCC",
        "--due",
        "31/12/2030",
    )
    assert added.exit_code == 0, added.output
    edited = tmp_path / "edited.txt"
    edited.write_text(
        SEED.replace(
            "  • The force should ensure that its promotion and selection processes are "
            "accessible and transparent and are perceived by the workforce as fair.\n",
            "",
        ),
        encoding="utf-8",
    )
    before = db.read_bytes()
    refused = invoke(runner, "--db", str(db), "import", str(edited))
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: re-importing would mark I8 superseded, but it has actions; nothing was "
        "imported (check the report is the right one; add --allow-supersede to mark I8 "
        "superseded (their actions are kept))\n"
    )
    assert db.read_bytes() == before
    done = invoke(runner, "--db", str(db), "import", str(edited), "--allow-supersede")
    assert done.exit_code == 0, done.output
    assert "1 removed" in done.stderr


@pytest.mark.parametrize(("answer", "code"), [("y\n", 0), ("n\n", 1)])
def test_on_a_terminal_superseding_live_work_is_asked(
    runner, tmp_path: Path, monkeypatch, answer, code
):
    from tests.conftest import invoke

    db = tmp_path / "t.json"
    assert invoke(runner, "--db", str(db), "import", str(SAMPLE_2018)).exit_code == 0
    added = invoke(
        runner, "--db", str(db), "add", "I8", "Review boards", "--owner", "DCC", "--due", "1/1/2030"
    )
    assert added.exit_code == 0, added.output
    edited = tmp_path / "edited.txt"
    edited.write_text(
        "\n".join(ln for ln in SEED.splitlines() if "promotion and selection processes" not in ln),
        encoding="utf-8",
    )
    monkeypatch.setattr("afi_tracker.cli.root._interactive", lambda: True)
    before = db.read_bytes()
    result = invoke(runner, "--db", str(db), "import", str(edited), input=answer)
    assert result.exit_code == code, result.output
    assert "would mark I8 superseded, but it has actions. Go ahead? [y/N]" in result.stderr
    if code:
        assert db.read_bytes() == before
    else:
        assert "1 removed" in result.stderr
