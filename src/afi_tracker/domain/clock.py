"""The one place afi reads the clock: today's date and the time a change is recorded.

Every history entry's `at`, every record's created/updated stamp and every
default "today" comes from here. The test hook `AFI_TEST_NOW` (`2025-01-06`
or `2025-01-06T09:30:00Z`) fixes the clock, so tests can build a store over
simulated days and read it back `--as-of` a day in between; a date alone is
noon UTC that day. It is a test hook, like `AFI_TEST_PAUSE_AT`: a real store's
history should say when a change was really made.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

TEST_NOW = "AFI_TEST_NOW"


def _fixed() -> datetime | None:
    text = os.environ.get(TEST_NOW, "").strip()
    if not text:
        return None
    when = datetime.fromisoformat(text if "T" in text else f"{text}T12:00:00")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def now() -> datetime:
    """The time now, in UTC."""
    return _fixed() or datetime.now(UTC)


def stamp() -> str:
    """The time now as the history records it: `2026-01-02T12:00:00Z`."""
    return now().strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    """Today's date where afi runs (the fixed day under `AFI_TEST_NOW`)."""
    fixed = _fixed()
    return fixed.date() if fixed else date.today()
