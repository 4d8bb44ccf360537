"""Fitting a table to the terminal's width: which columns, how wide, or stacked.

Tables are laid out here rather than by Rich, whose tables squeeze columns to
nothing when the terminal is narrow. The rules, in order:

1. Every column has a priority (0 = never dropped). Short columns keep their
   natural width, up to their `max_width` (longer values are shortened with
   an ellipsis); text columns wrap and get what is left, at least `min_width`.
2. When the columns do not fit, the least important droppable column goes,
   then the next, until they fit.
3. A column left out is not lost: its values are added, `Header: value`, in
   a dim line under the row's main text (its first priority-0 text column).
4. When even the priority-0 columns do not fit, each row is stacked: its
   short priority-0 values on one line, then its text wrapped below, then the
   other values, `Header: value`.

Words wrap at spaces and are split only when one word is wider than its space.
Cells are plain, already-safe text (see safetext); styles only colour them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from afi_tracker.domain.plain import Plain

if TYPE_CHECKING:  # Rich is imported only when lines are printed with it
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text

GAP = 2  # spaces between columns
STACK_INDENT = 4


class Col(Plain):  # not a dataclass: every listing loads it (domain/plain.py)
    FIELDS = (
        "header",
        "values",
        "priority",
        "wrap",
        "justify",
        "max_width",
        "min_width",
        "styles",
        "_natural",
    )
    HIDDEN = frozenset({"_natural"})

    def __init__(
        self,
        header: str,
        values: list[str],
        priority: int = 1,
        wrap: bool = False,  # a text column: wraps, and takes the width that is left
        justify: str = "left",
        max_width: int | None = None,  # short columns: shorten beyond this
        min_width: int = 20,  # text columns: below this the row is stacked instead
        styles: list[str | None] | None = None,
        _natural: int | None = None,
    ) -> None:
        self.header = header
        self.values = values
        self.priority = priority
        self.wrap = wrap
        self.justify = justify
        self.max_width = max_width
        self.min_width = min_width
        self.styles: list[str | None] = [] if styles is None else styles
        self._natural = _natural

    def style(self, row: int) -> str | None:
        return self.styles[row] if row < len(self.styles) else None

    def natural(self) -> int:
        if self._natural is None:
            self._natural = max([len(self.header), *map(len, self.values)], default=0)
        widest = self._natural
        if not self.wrap and self.max_width is not None:
            return min(widest, max(self.max_width, len(self.header)))
        return widest

    def least(self) -> int:
        return min(self.natural(), self.min_width) if self.wrap else self.natural()


class Plan(Plain):
    FIELDS = ("columns", "widths", "one_line", "dropped")

    def __init__(
        self,
        columns: list[Col],
        widths: list[int],
        one_line: bool = False,  # shorten text columns instead of wrapping them
        dropped: list[Col] | None = None,  # in the order they were shown
    ) -> None:
        self.columns = columns
        self.widths = widths
        self.one_line = one_line
        self.dropped: list[Col] = [] if dropped is None else dropped

    def main(self) -> int | None:
        """The index of the column that carries the left-out columns' values: the
        widest never-dropped text column (a short Owner column wraps them a word a line)."""
        if not self.columns:
            return None
        texts = [i for i, c in enumerate(self.columns) if c.wrap]
        if not texts:
            return 0
        return max(texts, key=lambda i: (self.columns[i].priority == 0, self.widths[i], -i))

    def folded(self, row: int) -> str:
        """`Header: value · ...` of the columns left out, for one row."""
        return " · ".join(
            f"{c.header}: {c.values[row]}" for c in self.dropped if c.values[row] not in ("", "—")
        )


# A text column narrower than this reads badly: drop a lesser column instead.
COMFORTABLE = 36


def fit(columns: Sequence[Col], width: int) -> Plan | None:
    """The columns to show and their widths, or None when rows must be stacked."""
    chosen = list(columns)
    while True:
        plan = _widths(chosen, width)
        if plan is not None and _comfortable(plan):
            break
        droppable = [c for c in chosen if c.priority > 0]
        if not droppable:
            break
        # The least important goes first; among equals, the rightmost.
        worst = max(droppable, key=lambda c: (c.priority, chosen.index(c)))
        chosen.remove(worst)
    if plan is not None:
        plan.dropped = [c for c in columns if c not in chosen]
    return plan


def _comfortable(plan: Plan) -> bool:
    return all(
        w >= min(c.natural(), COMFORTABLE)
        for c, w in zip(plan.columns, plan.widths, strict=True)
        if c.wrap and c.priority == 0
    )


def _widths(chosen: list[Col], width: int) -> Plan | None:
    widths = [c.least() for c in chosen]
    spare = width - sum(widths) - GAP * (len(chosen) - 1)
    if spare < 0:
        return None
    wrapping = [i for i, c in enumerate(chosen) if c.wrap]
    # Text columns share what is left, each up to its natural width.
    while spare > 0 and wrapping:
        hungry = [i for i in wrapping if widths[i] < chosen[i].natural()]
        if not hungry:
            break
        share = max(1, spare // len(hungry))
        for i in hungry:
            give = min(share, chosen[i].natural() - widths[i], spare)
            widths[i] += give
            spare -= give
            if spare <= 0:
                break
    return Plan(chosen, widths)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width`, broken at spaces; a longer word is split."""
    if width <= 0 or (len(text) <= width and "\n" not in text and "  " not in text):
        return [text]  # most cells: textwrap costs more than the whole row otherwise
    lines = textwrap.wrap(
        text, width, break_long_words=True, break_on_hyphens=False, replace_whitespace=True
    )
    return lines or [""]


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _cell_lines(col: Col, value: str, width: int) -> list[str]:
    if col.wrap:
        return wrap(value, width)
    return [shorten(value, width)]


def _pad(value: str, width: int, justify: str) -> str:
    return value.rjust(width) if justify == "right" else value.ljust(width)


Line = tuple[str, list[tuple[int, int, str]]]  # text and its styled spans


def render(
    columns: Sequence[Col], width: int, *, header: bool = True, one_row_per_line: bool = False
) -> list[Line]:
    """The table as lines of at most `width` characters, each with its styled spans.

    With `one_row_per_line`, text is shortened rather than wrapped: a listing of
    thousands of rows is scanned, not read, and wrapping it costs seconds.
    """
    plan = fit(columns, width)
    if plan is None:
        return stacked(columns, width)
    rows = len(columns[0].values) if columns else 0
    out: list[Line] = header_lines(plan) if header else []
    if one_row_per_line:
        plan.one_line = True
    for r in range(rows):
        out.extend(row_lines(plan, r))
    return out


def header_lines(plan: Plan) -> list[Line]:
    """The column names and the rule under them."""
    names = [
        _pad(shorten(c.header, w), w, c.justify)
        for c, w in zip(plan.columns, plan.widths, strict=True)
    ]
    text = (" " * GAP).join(names).rstrip()
    return [(text, [(0, len(text), "bold")]), ((" " * GAP).join("─" * w for w in plan.widths), [])]


def row_lines(plan: Plan, r: int) -> list[Line]:
    pairs = zip(plan.columns, plan.widths, strict=True)
    if plan.one_line:
        cells = [[shorten(c.values[r], w)] for c, w in pairs]
    else:
        cells = [_cell_lines(c, c.values[r], w) for c, w in pairs]
    main = plan.main()
    # A one-line-per-row listing is scanned, not read: left-out columns stay out.
    extra = plan.folded(r) if plan.dropped and not plan.one_line else ""
    # Lines of the main column from this one on are the left-out values: dim.
    dim_from = len(cells[main]) if main is not None else 0
    if main is not None and extra:
        # Under the first column, indented so they do not read as a new row.
        indent = "  " if main == 0 else ""
        width = max(plan.widths[main] - len(indent), 1)
        cells[main] = cells[main] + [indent + part for part in wrap(extra, width)]
    height = max(len(lines) for lines in cells)
    last = len(plan.columns) - 1
    out: list[Line] = []
    for k in range(height):
        parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        at = 0
        for i, (c, w, lines) in enumerate(zip(plan.columns, plan.widths, cells, strict=True)):
            if i:
                parts.append(" " * GAP)
                at += GAP
            part = lines[k] if k < len(lines) else ""
            padded = part if i == last and c.justify != "right" else _pad(part, w, c.justify)
            style = "dim" if i == main and k >= dim_from else c.style(r)
            if style and part:
                start = at + (len(padded) - len(part) if c.justify == "right" else 0)
                spans.append((start, start + len(part), style))
            parts.append(padded)
            at += len(padded)
        out.append(("".join(parts).rstrip(), spans))
    return out


def to_text(lines: list[Line]) -> Text:
    """One Rich Text of the lines, with their styles."""
    from rich.text import Text

    text = Text()
    for i, (plain, spans) in enumerate(lines):
        if i:
            text.append("\n")
        start = len(text)
        text.append(plain)
        for a, b, style in spans:
            text.stylize(style, start + a, start + b)
    return text


def to_str(lines: list[Line]) -> str:
    return "".join(plain + "\n" for plain, _ in lines)


class Fitted:
    """Lines laid out for the width of the console they are printed on.

    Rich prints them styled at a terminal; `plain` gives the same lines without
    Rich (and without importing it) for a pipe or a file, where Rich would drop
    the styles anyway.
    """

    def __init__(self, build: Callable[[int], list[Line]]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield to_text(self.build(options.max_width))

    def plain(self, width: int) -> str | None:
        """The lines as Rich would print them without styles at `width`, or None
        when Rich might print them otherwise: a line wider than `width` (Rich
        folds it), or a character not certainly one cell wide (Rich measures
        cells, the layout counts characters)."""
        lines = self.build(width)
        if not lines or any(len(plain) > width for plain, _ in lines):
            return None  # Rich would fold the long line (or print an empty one)
        text = to_str(lines)
        if not text.isascii() and any(not _one_cell(c) for c in set(text) if c != "\n"):
            return None
        return text


# Characters one cell wide on every terminal: Latin, Greek, Cyrillic, box drawing
# (Rich's own list of single-cell ranges) and the dashes, quotes, bullet and
# ellipsis of general punctuation. Anything else goes through Rich.
_ONE_CELL = frozenset(
    chr(c)
    for start, end in (
        (0x20, 0x7E),
        (0xA0, 0xAC),
        (0xAE, 0x2FF),
        (0x370, 0x482),
        (0x2010, 0x2027),
        (0x2500, 0x25FC),
    )
    for c in range(start, end + 1)
)


def _one_cell(char: str) -> bool:
    return char in _ONE_CELL


def stacked(columns: Sequence[Col], width: int) -> list[Line]:
    """One block per row: its short essentials on a line, its text wrapped below."""
    rows = len(columns[0].values) if columns else 0
    head = [c for c in columns if c.priority == 0 and not c.wrap]
    texts = [c for c in columns if c.wrap]
    rest = [c for c in columns if c not in head and c not in texts]
    inner = max(width - STACK_INDENT, 10)
    pad = " " * STACK_INDENT
    out: list[Line] = []
    for r in range(rows):
        first = ""
        spans: list[tuple[int, int, str]] = []
        for c in head:
            value = c.values[r]
            if not value:
                continue
            if first:
                first += "  "
            style = c.style(r)
            if style:
                spans.append((len(first), len(first) + len(value), style))
            first += value
        if len(first) <= width:
            out.append((first, spans))
        else:
            out.extend((part, []) for part in wrap(first, width))
        for c in texts:
            if c.values[r]:
                out.extend((pad + part, []) for part in wrap(c.values[r], inner))
        for c in rest:
            if c.values[r] and c.values[r] != "—":
                out.extend((pad + part, []) for part in wrap(f"{c.header}: {c.values[r]}", inner))
    return out
