"""Every input people receive a report in reads as the same text: a saved web page
with its site chrome, a PDF with running headers and justified text, standard
input. Bad input gets one line and writes nothing."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from afi_tracker.errors import NothingToImport
from afi_tracker.importers import parse_text
from afi_tracker.importers.apply import import_file
from afi_tracker.importers.sources import MAX_BYTES, html_to_text, pdf_to_text, read_source
from afi_tracker.importers.text import match_key
from afi_tracker.store.store import Store
from tests.conftest import SAMPLE_2018, invoke

SEED = SAMPLE_2018.read_text(encoding="utf-8")
SEED_ITEMS = [(i.kind, i.question, match_key(i.text)) for i in parse_text(SEED).items]


def items_of(text: str) -> list[tuple[str, str | None, str]]:
    return [(i.kind, i.question, match_key(i.text)) for i in parse_text(text).items]


def seed_blocks() -> list[tuple[str, str]]:
    """The seed as (kind, text) blocks: "li" for a bullet, "h" for a short line, else "p"."""
    blocks: list[tuple[str, str]] = []
    for line in SEED.splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith("•"):
            blocks.append(("li", text.lstrip("• ").strip()))
        elif len(text) < 70 and not text.endswith("."):
            blocks.append(("h", text))
        else:
            blocks.append(("p", text))
    return blocks


def seed_as_html() -> str:
    body: list[str] = []
    in_list = False
    for kind, text in seed_blocks():
        if kind == "li" and not in_list:
            body.append('<ul class="list">')
            in_list = True
        if kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        escaped = html.escape(text)
        if kind == "li":
            body.append(f"  <li>\n    {escaped}\n  </li>")
        elif kind == "h":
            body.append(f"<h2>{escaped}</h2>")
        else:
            # Source HTML wraps its paragraphs; the browser does not show the breaks.
            body.append("<p>" + re.sub(r"(.{60,80}?) ", "\\1\n  ", escaped) + "</p>")
    if in_list:
        body.append("</ul>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>West Mercia PEEL 2018 - HMICFRS</title>"
        "<style>.x { color: red }</style><script>var areas = 'Areas for improvement';</script>"
        "</head><body>"
        '<div id="cookie-banner"><p>We use cookies.</p><p>Areas for improvement</p>'
        "<ul><li>The force should accept cookies.</li></ul><button>Accept</button></div>"
        "<header><a href='/'>HMICFRS</a><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/p'>Publications</a></li></ul></nav></header>"
        '<nav class="breadcrumbs"><ol><li>Home</li><li>PEEL 2018</li></ol></nav>'
        "<main id='main'>\n" + "\n".join(body) + "\n</main>"
        "<footer><ul><li>Accessibility</li><li>Cookies</li></ul>"
        "<p>© Crown copyright</p></footer>"
        "<script>document.write('The force should track you.')</script></body></html>"
    )


def seed_as_pdf() -> bytes:
    from fpdf import FPDF

    def latin(text: str) -> str:
        return text.replace("’", "'").replace("‘", "'").replace("•", "-")

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, "West Mercia PEEL 2018: Legitimacy - HMICFRS", align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Report(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for kind, text in seed_blocks():
        if kind == "h":
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 6, latin(text), new_x="LMARGIN", new_y="NEXT")
        elif kind == "li":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 5)
            pdf.multi_cell(0, 5, "\x95 " + latin(text), align="J", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, latin(text), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def test_the_seed_as_a_saved_web_page_gives_its_eight_items(tmp_path: Path):
    page = tmp_path / "legitimacy.html"
    page.write_text(seed_as_html(), encoding="utf-8")
    text, source = read_source(page)
    assert "cookies" not in text.lower() and "Publications" not in text
    assert "track you" not in text and "color" not in text
    assert items_of(text) == SEED_ITEMS
    store = Store.at(tmp_path / "t.json")
    outcome = import_file(store, page, key=None, dry_run=False, by="t", command="afi import")
    assert len(outcome.new) == 8
    assert outcome.report["key"] == "west-mercia-peel-2018-legitimacy"
    assert outcome.report["source"] == "legitimacy.html"


def test_the_seed_as_a_pdf_gives_its_eight_items(tmp_path: Path):
    pdf = tmp_path / "legitimacy.pdf"
    pdf.write_bytes(seed_as_pdf())
    text, _ = read_source(pdf)
    assert "HMICFRS" not in text  # the running header
    assert not re.search(r"^\d{2}$", text, re.MULTILINE)  # page numbers 10 and on
    assert items_of(text) == SEED_ITEMS
    store = Store.at(tmp_path / "t.json")
    first = import_file(store, SAMPLE_2018, key=None, dry_run=False, by="t", command="afi import")
    assert len(first.new) == 8
    again = import_file(store, pdf, key=None, dry_run=False, by="t", command="afi import")
    assert (len(again.new), len(again.changed), len(again.removed)) == (0, 0, 0)


def test_a_hyphenated_word_at_a_line_end_is_joined_again():
    from afi_tracker.importers.sources import _rejoin

    lines = [
        "The force has a counter-corruption unit that works well across the whole force area.",
        "",
        "The force should review how its sergeants and inspectors super-",
        "vise staff who investigate serious offences, and the counter-",
        "corruption unit should check their work.",
    ]
    assert _rejoin([lines]) == [
        lines[0],
        "",
        "The force should review how its sergeants and inspectors supervise staff who "
        "investigate serious offences, and the counter-corruption unit should check their work.",
        "",
    ]


def test_stdin_reads_pasted_text(runner, tmp_path: Path):
    db = tmp_path / "t.json"
    result = invoke(runner, "--db", str(db), "import", "-", "--format", "json", input=SEED)
    assert result.exit_code == 0, result.output
    assert "Imported West Mercia PEEL 2018 as west-mercia-peel-2018-legitimacy: 8 new" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "Error: {bad} is a binary file, not a report's text (import the report's "
            "text, its saved web page (.html) or its PDF)\n",
        ),
        (
            "latin.txt",
            "Areas for improvement\n• The force’s data\n".encode("cp1252"),
            "Error: {bad} is not UTF-8 text (byte 22 cannot be read as UTF-8) (save it as "
            "UTF-8 (in Notepad: Save as, Encoding UTF-8) and import that)\n",
        ),
        (
            "empty.html",
            b"<html><body><nav>Home</nav><footer>Crown copyright</footer></body></html>",
            "Error: {bad} has no report text once the site's navigation, header and "
            "footer are removed (save the report's own page (not a search or index page) "
            "and import that)\n",
        ),
        (
            "broken.pdf",
            b"%PDF-1.4\nnot really a pdf",
            None,
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(runner, tmp_path: Path, name, content, expected):
    db = tmp_path / "t.json"
    assert invoke(runner, "--db", str(db), "import", str(SAMPLE_2018)).exit_code == 0
    before = db.read_bytes()
    bad = tmp_path / name
    bad.write_bytes(content)
    result = invoke(runner, "--db", str(db), "import", str(bad))
    assert result.exit_code == 1
    if expected is None:
        assert result.stderr.startswith(f"Error: {bad} cannot be read as a PDF (")
    else:
        assert result.stderr == expected.replace("{bad}", str(bad))
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_a_pdf_with_no_text_layer_is_refused():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")  # a scan is an image; no text at all
    with pytest.raises(NothingToImport, match=r"^the PDF has no text layer \(a scanned PDF\?\)$"):
        pdf_to_text(bytes(pdf.output()))


def test_an_encrypted_pdf_is_refused():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 5, "Areas for improvement")
    with pytest.raises(NothingToImport, match="is an encrypted PDF that afi cannot open"):
        pdf_to_text(bytes(pdf.output()), "locked.pdf")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(NothingToImport, match=r"big.txt is larger than 20 MiB"):
        read_source(big)


def test_html_headings_and_list_items_become_lines_and_bullets():
    text = html_to_text(
        "<main><h1>Northshire 2022</h1><h2>Areas for improvement</h2>"
        "<ol><li><p>The service should act.</p></li><li>The service should <b>plan</b>."
        "</li></ol></main>"
    )
    assert text == (
        "Northshire 2022\n\nAreas for improvement\n\n• The service should act.\n"
        "• The service should plan.\n"
    )


def test_a_report_title_in_a_hero_banner_is_kept():
    text = html_to_text(
        '<body><div class="cookie-consent">We use cookies</div><main>'
        '<div class="hero-banner"><h1>Northshire 2022</h1></div>'
        '<div class="social-share">Share this page</div>'
        "<h2>Areas for improvement</h2><ul><li>The service should act.</li></ul></main></body>"
    )
    assert text == "Northshire 2022\n\nAreas for improvement\n\n• The service should act.\n"


def test_a_random_file_named_pdf_is_one_line_with_no_pypdf_warnings(db: Path, tmp_path: Path):
    """pypdf logs "invalid pdf header" and "EOF marker not found" for such a file;
    afi's own Error line must be all that reaches stderr. A real process, because
    pytest's log capture would swallow the warnings under CliRunner."""
    import os
    import random
    import subprocess
    import sys

    bad = tmp_path / "rnd.pdf"
    bad.write_bytes(random.Random(2000).randbytes(2000))
    before = db.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "afi_tracker", "--db", str(db), "import", str(bad)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: {bad} cannot be read as a PDF (")
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stdout == ""
    assert db.read_bytes() == before
