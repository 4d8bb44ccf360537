"""Draw the top-left of a spreadsheet (.xlsx or .csv) as a small PNG for the docs.

Usage: python scripts/draw_sheet.py SHEET.xlsx|SHEET.csv OUT.png [SHEET_NAME] [ROWS] [COLUMNS]

No office suite needed: cells are read with openpyxl (or csv) and drawn with
Pillow in a spreadsheet's own look: a grid, row numbers and column letters,
the workbook's own fills for the header and RAG cells, text cut to the width.
"""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT = ImageFont.load_default(size=12)
BOLD = FONT
ROW_HEIGHT = 22
GUTTER = 34
CHAR = 7  # pixels per character of an Excel column width, roughly


def _cells(path: Path, sheet: str | None) -> tuple[list[list[Any]], list[int], dict]:
    if path.suffix.lower() == ".csv":
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        table = [r for r in rows if sum(bool(v) for v in r) > 1]  # not the title lines
        widths = [
            min(40, max(6, *(len(r[i]) + 1 for r in table if i < len(r))))
            for i in range(max(map(len, rows)))
        ]
        return rows, widths, {}
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(path)
    ws = book[sheet] if sheet else book.worksheets[0]
    rows, fills, widths = [], {}, []
    for r, row in enumerate(ws.iter_rows(), 0):
        rows.append([c.value for c in row])
        for c, cell in enumerate(row):
            rgb = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
            if isinstance(rgb, str):
                fills[(r, c)] = (
                    "#" + rgb[-6:],
                    bool(cell.font and cell.font.color and cell.font.color.rgb == "00FFFFFF"),
                )
    for c in range(ws.max_column):
        width = ws.column_dimensions[get_column_letter(c + 1)].width or 10
        widths.append(int(width))
    return rows, widths, fills


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def draw(path: Path, out: Path, sheet: str | None, max_rows: int, max_cols: int) -> None:
    rows, widths, fills = _cells(path, sheet)
    rows = [r[:max_cols] for r in rows[:max_rows]]
    widths = [min(w, 36) * CHAR for w in widths[:max_cols]]
    width = GUTTER + sum(widths) + 1
    height = ROW_HEIGHT * (len(rows) + 1) + 1
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    pen.rectangle([0, 0, width, ROW_HEIGHT], fill="#EEEEEE")
    pen.rectangle([0, 0, GUTTER, height], fill="#EEEEEE")
    x = GUTTER
    for c, w in enumerate(widths):
        pen.text((x + w // 2 - 4, 5), chr(ord("A") + c), fill="#444444", font=FONT)
        x += w
    for r in range(len(rows)):  # fills, then the grid, then text over both
        y = ROW_HEIGHT * (r + 1)
        x = GUTTER
        for c, w in enumerate(widths):
            fill, _ = fills.get((r, c), (None, False))
            if fill:
                pen.rectangle([x, y, x + w, y + ROW_HEIGHT], fill=fill)
            x += w
    x = GUTTER
    for w in [0, *widths]:
        x += w
        pen.line([x, 0, x, height], fill="#C8C8C8")
    for r in range(len(rows) + 2):
        pen.line([0, r * ROW_HEIGHT, width, r * ROW_HEIGHT], fill="#C8C8C8")
    for r, row in enumerate(rows):
        y = ROW_HEIGHT * (r + 1)
        pen.text((6, y + 5), str(r + 1), fill="#444444", font=FONT)
        x = GUTTER
        for c, w in enumerate(widths):
            _, white = fills.get((r, c), (None, False))
            text = _show(row[c]) if c < len(row) else ""
            room = w
            for n in range(c + 1, len(widths)):  # text runs on over empty cells, as in Excel
                if n < len(row) and _show(row[n]):
                    break
                room += widths[n]
            limit = max(1, room // 7 - 1)
            if len(text) > limit:
                text = text[: limit - 1] + "…"
            if text:
                box = pen.textbbox((x + 4, y + 5), text, font=FONT)
                if room > w:
                    pen.rectangle([x + 1, y + 1, box[2] + 2, y + ROW_HEIGHT - 1], fill="white")
            pen.text((x + 4, y + 5), text, fill="white" if white else "black", font=FONT)
            x += w
    image.save(out, optimize=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    draw(
        Path(args[0]),
        Path(args[1]),
        args[2] if len(args) > 2 and args[2] else None,
        int(args[3]) if len(args) > 3 else 12,
        int(args[4]) if len(args) > 4 else 8,
    )
