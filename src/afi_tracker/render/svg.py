"""SVG: a picture of the terminal table, made with Rich's own export (for docs and email).

The picture is as wide as the terminal would be (COLUMNS, else 80), so
`COLUMNS=120 afi status -f svg` shows what a 120-column terminal shows.
"""

from __future__ import annotations

import io
from typing import Any

from afi_tracker.render import table


def _picture(renderable: Any, title: str) -> str:
    from rich.console import Console
    from rich.text import Text

    if isinstance(renderable, str):
        renderable = Text(renderable)
    console = Console(
        record=True,
        width=table.terminal_width(),
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
    )
    console.print(renderable)
    svg: str = console.export_svg(title=title)
    return svg


def listing(view: Any) -> str:
    return _picture(table.listing(view), f"afi: {view.title}")


def status(view: Any) -> str:
    return _picture(table.status(view), "afi status")
