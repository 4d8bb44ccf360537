"""Reads a report as people receive it, into the one text model every format parses.

A saved web page (.html/.htm), a PDF, a text file or standard input (`-`) all
become plain lines: headings and paragraphs one per line, list items as `•`
bullets, blank lines between blocks. The report shapes are read from that
text, so each works in every input.

The HTML parser and the PDF library are imported only inside the converter
that needs them: a plain-text import, and the CLI's start-up, never load them.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from afi_tracker.errors import InvalidValue, NothingToImport

# Far above any report page (the largest HMICFRS PDFs are a few MiB), low enough
# that a wrong file (a video, a disk image) is refused before it is read whole.
MAX_BYTES = 20 * 1024 * 1024
STDIN = "-"

_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_source(path: Path) -> tuple[str, str]:
    """(the report's text, the name to record as its source)."""
    # Errors name the path as given; the report records the file's own name.
    name = "standard input" if str(path) == STDIN else str(path)
    source = "standard input" if str(path) == STDIN else path.name
    raw = _read_bytes(path, name)
    kind = _kind(path, raw)
    if kind == "pdf":
        return pdf_to_text(raw, name), source
    if kind == "html":
        return html_to_text(_decode(raw, name, _declared_charset(raw)), name), source
    if b"\x00" in raw[:8192] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NothingToImport(
            f"{name} is a binary file, not a report's text",
            hint="import the report's text, its saved web page (.html) or its PDF",
        )
    return _decode(raw, name, "utf-8"), source


def _read_bytes(path: Path, name: str) -> bytes:
    limit = f"{MAX_BYTES // (1024 * 1024)} MiB"
    if str(path) == STDIN:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            if path.stat().st_size > MAX_BYTES:
                raw = b"x" * (MAX_BYTES + 1)
            else:
                raw = path.read_bytes()
        except IsADirectoryError:
            raise InvalidValue(f"{path} is a folder, not a report file") from None
        except FileNotFoundError:
            raise InvalidValue(f"{path} does not exist") from None
        except OSError as exc:
            raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise NothingToImport(
            f"{name} is larger than {limit}, the most afi reads as one report",
            hint="import the report page itself, not a bundle of reports",
        )
    return raw


def _kind(path: Path, raw: bytes) -> str:
    head = raw[:4096].lstrip()
    if path.suffix.lower() == ".pdf" or head.startswith(b"%PDF-"):
        return "pdf"
    if path.suffix.lower() in _HTML_SUFFIXES:
        return "html"
    lowered = head[:2048].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "html"
    return "text"


def _declared_charset(raw: bytes) -> str:
    match = _CHARSET.search(raw[:4096])
    if match:
        try:
            return codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            pass
    return "utf-8"


def _decode(raw: bytes, name: str, encoding: str) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw, encoding = raw[3:], "utf-8"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        label = "UTF-8" if encoding == "utf-8" else encoding
        raise NothingToImport(
            f"{name} is not {label} text (byte {exc.start} cannot be read as {label})",
            hint="save it as UTF-8 (in Notepad: Save as, Encoding UTF-8) and import that",
        ) from None


# -- HTML ------------------------------------------------------------------------------------

# Site chrome, never the report: dropped with everything inside.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "svg",
    "iframe",
    "button",
    "select",
    "head",
)
# Named for what they are, not how they look: a "hero-banner" or "page-navigation"
# inside the report may hold its title, so only these words count.
_CHROME = re.compile(
    r"cookie|consent|gdpr|breadcrumb|skip-?link|site-?header|site-?footer|masthead|navbar"
    r"|(?:^|[\s_-])(?:share|social|menu)(?:[\s_-]|$)",
    re.IGNORECASE,
)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "blockquote", "dl", "dt", "dd", "ul", "ol",
        "figure", "figcaption", "details", "summary", "pre", "address", "hr", "body",
    }
)  # fmt: skip


def html_to_text(html: str, name: str = "the page") -> str:
    """A saved web page's report text: site chrome dropped, headings and paragraphs
    one per line, list items as bullets."""
    from bs4 import BeautifulSoup  # heavy: only when a page is imported

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs: dict[str, Any] = dict(tag.attrs or {})
        classes = attrs.get("class") or []
        label = " ".join(
            [
                str(attrs.get("id") or ""),
                classes if isinstance(classes, str) else " ".join(classes),
                str(attrs.get("aria-label") or ""),
            ]
        )
        if str(attrs.get("role") or "") in _CHROME_ROLES or (
            label.strip() and _CHROME.search(label)
        ):
            if tag.name not in ("main", "article", "body"):
                tag.decompose()
    root: Any = soup.find("main") or soup.find(role="main") or soup.body or soup
    out = _HtmlLines()
    out.walk(root)
    text = out.text()
    if not text.strip():
        raise NothingToImport(
            f"{name} has no report text once the site's navigation, header and footer are removed",
            hint="save the report's own page (not a search or index page) and import that",
        )
    return text


class _HtmlLines:
    def __init__(self) -> None:
        self.blocks: list[tuple[bool, str]] = []  # (is a list item, text)
        self.buffer: list[str] = []
        self.in_item = False
        self.bullet_due = False  # the next text opens a list item

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            if self.bullet_due:
                text, self.bullet_due = "• " + text, False
            self.blocks.append((self.in_item, text))

    def walk(self, node: Any) -> None:
        from bs4.element import (
            Comment,
            Declaration,
            Doctype,
            NavigableString,
            ProcessingInstruction,
            Tag,
        )

        for child in list(node.children):
            if isinstance(child, Comment | Declaration | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "br":
                self.flush()
                if self.in_item:
                    self.buffer.append("")
            elif child.name == "li":
                self.flush()
                was, self.in_item = self.in_item, True
                self.bullet_due = True
                self.walk(child)
                self.flush()
                self.in_item = was
            elif child.name in ("td", "th"):
                self.buffer.append(" ")
                self.walk(child)
                self.buffer.append(" ")
            elif child.name in _BLOCKS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def text(self) -> str:
        self.flush()
        lines: list[str] = []
        previous_item = False
        for is_item, text in self.blocks:
            if lines and not (is_item and previous_item):
                lines.append("")
            lines.append(text)
            previous_item = is_item
        return "\n".join(lines) + "\n"


# -- PDF -------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?(\d{1,4})(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_BULLET_START = re.compile(r"^(?:[•●▪◦‣∙·○■□►▸➢✓\uf0b7\uf0a7]|[-*–o]\s|\(?\w{1,4}[.)]\s)")
_TERMINAL = (".", "!", "?", ":", ";", ".”", '."', ")")


def pdf_to_text(raw: bytes, name: str = "the PDF") -> str:
    """A PDF's text layer as report text: running headers, footers and page numbers
    removed, wrapped lines and hyphenated words rejoined, justified spacing collapsed."""
    from io import BytesIO

    from pypdf import PdfReader  # heavy: only when a PDF is imported
    from pypdf.errors import PdfReadError

    try:
        with _pypdf_quiet():
            reader = PdfReader(BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise _Encrypted
            pages = [
                (page.extract_text(extraction_mode="layout") or "").splitlines()
                for page in reader.pages
            ]
    except _Encrypted:
        raise NothingToImport(
            f"{name} is an encrypted PDF that afi cannot open",
            hint="save or print it to a PDF without a password, or copy its text, and import that",
        ) from None
    except (PdfReadError, ValueError, KeyError, TypeError, NotImplementedError) as exc:
        if "decrypt" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise NothingToImport(
                f"{name} is an encrypted PDF that afi cannot open",
                hint="save it without a password, or copy its text, and import that",
            ) from None
        raise NothingToImport(
            f"{name} cannot be read as a PDF ({exc})",
            hint="check the file downloaded completely, or copy its text and import that",
        ) from None
    if not any(line.strip() for page in pages for line in page):
        raise NothingToImport(
            f"{name} has no text layer (a scanned PDF?)",
            hint="copy the text from the report's web page, or run the PDF through OCR first",
        )
    return "\n".join(_rejoin(_drop_running_lines(pages))) + "\n"


class _Encrypted(Exception):
    pass


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """pypdf logs and warns about a damaged file ("invalid pdf header", "EOF marker
    not found") on stderr; afi says what went wrong in its own one line instead."""
    import logging
    import warnings

    logger = logging.getLogger("pypdf")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def _shape(line: str) -> str:
    """A running header or footer line with its page number made generic."""
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Each page's lines without what repeats at the top or bottom of most pages
    (running headers and footers) and without its page number."""
    edges: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        edges.update({_shape(ln) for ln in content[:3] + content[-3:]})
    running = {s for s, n in edges.items() if len(pages) >= 2 and n * 2 > len(pages)}
    kept: list[list[str]] = []
    for index, lines in enumerate(pages, start=1):
        content_at = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(content_at[:3] + content_at[-3:])
        out: list[str] = []
        for i, line in enumerate(lines):
            if i in edge and line.strip():
                if _shape(line) in running:
                    continue
                number = _PAGE_NUMBER.match(line.strip())
                if number and int(number.group(1)) in (index, index - 1, index + 1):
                    continue
            out.append(line)
        kept.append(out)
    return kept


def _rejoin(pages: list[list[str]]) -> list[str]:
    """Paragraphs one per line: a wrapped line joins the one before it unless a blank
    line, a bullet or a finished short line comes between; a word hyphenated at
    the end of a line is joined again."""
    lines = [" ".join(ln.split()) for page in pages for ln in page + [""]]
    words = set(re.findall(r"[A-Za-z]+-[A-Za-z]+", " ".join(lines)))
    widths = sorted(len(ln) for ln in lines if ln)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    out: list[str] = []
    open_paragraph = False
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            open_paragraph = False
            continue
        if open_paragraph and not _BULLET_START.match(line):
            previous = out[-1]
            hyphen = _HYPHEN_END.search(previous)
            if hyphen and line[:1].islower():
                first = line.split()[0].rstrip(".,;:")
                joined = f"{hyphen.group(1)}-{first}"
                out[-1] = previous + line if joined in words else previous[:-1] + line
            else:
                out[-1] = previous + " " + line
        else:
            out.append(line)
        # A line well short of the full width ends its paragraph (a heading, a last line).
        open_paragraph = (
            len(line) >= full * 0.75 or not line.endswith(_TERMINAL) and len(line) >= full * 0.6
        )
    return out
