"""SVG: a picture of the Rich table, made with Rich's own export (for docs and email)."""

from __future__ import annotations

import io
from typing import Any

from afi_tracker.render import table

WIDTH = 140


def _picture(renderable: Any, title: str) -> str:
    from rich.console import Console
    from rich.text import Text

    if isinstance(renderable, str):
        renderable = Text(renderable)
    console = Console(
        record=True, width=WIDTH, file=io.StringIO(), force_terminal=True, color_system="truecolor"
    )
    console.print(renderable)
    svg: str = console.export_svg(title=title)
    return svg


def listing(view: Any) -> str:
    return _picture(table.listing(view), f"afi: {view.title}")


def status(view: Any) -> str:
    return _picture(table.status(view), "afi status")
