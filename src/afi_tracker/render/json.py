"""JSON: the stable, scriptable form of every view. No markup, no shortening."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .base import Detail, Listing, ReportBlock


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def listing(view: Listing) -> str:
    return dumps(view.rows)


def detail(view: Detail) -> str:
    return dumps(view.data)


def reports(view: list[ReportBlock]) -> str:
    return dumps([asdict(r) for r in view])
