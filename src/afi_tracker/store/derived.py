"""Derived tables: figures kept in the store beside the records they are made from.

`item_counts` holds each item's action counts (domain.counts), so `afi status`
reads one short line per item instead of every action. It is derived data,
never a record: nothing else reads it, a merge never merges it, and it is
trusted only while it is known to match the actions. `meta.counts_of` holds
the CRC of the actions table it was made from; a write that changes actions
adjusts the counts of the items it touched and stamps the new CRC, and a
whole encoding (a merge, a migration, a hand-edited table) rebuilds them. So
a store merged line by line, edited by hand, or written by an afi that did not
keep the counts fails the match, and status counts the actions themselves.

Keys are the item's handle number ("12" for I12): whole numbers, as in every
TinyDB table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, cast

from afi_tracker.domain import counts
from afi_tracker.domain.counts import Counts
from afi_tracker.domain.model import Action

COUNTS: Final = "item_counts"
COUNTS_OF: Final = "counts_of"  # meta: the CRC of the actions the counts were made from
DERIVED: Final = frozenset({COUNTS})


def key_of(handle: Any) -> str | None:
    """`I12` -> `12`; None for anything that is not an item handle as afi writes it."""
    if not isinstance(handle, str) or not handle.startswith("I"):
        return None
    number = handle[1:]
    if not (number.isascii() and number.isdigit()) or number != str(int(number)) or number == "0":
        return None
    return number


def table_of(actions: Iterable[Action]) -> dict[str, Counts]:
    """The item_counts table of `actions`, as stored: keys in byte order."""
    out: dict[str, Counts] = {}
    for handle, tally in counts.by_item(actions).items():
        key = key_of(handle)
        if key is not None:
            out[key] = tally
    return dict(sorted(out.items()))


def by_handle(table: Mapping[str, Any]) -> dict[str, Counts]:
    """The stored table read back by item handle."""
    return {"I" + key: cast(Counts, value) for key, value in table.items()}


def adjusted(
    stored: Mapping[str, Any],
    before: Iterable[Action],
    after: Iterable[Action],
) -> dict[str, Counts | None]:
    """The changed lines of item_counts when the actions `before` became `after`:
    `stored` holds (at least) the touched items' current lines; an item left with
    no live action has its line dropped (None)."""
    work: dict[str, Counts] = {}

    def counts_for(handle: Any) -> Counts | None:
        key = key_of(handle)
        if key is None:
            return None
        if key not in work:
            old = stored.get(key)
            work[key] = counts.canonical(cast(Counts, old)) if old else counts.empty()
        return work[key]

    for action, sign in [(a, -1) for a in before] + [(a, 1) for a in after]:
        tally = counts_for(action.get("item"))
        if tally is not None:
            counts.add(tally, action, sign)
    return {key: counts.canonical(c) if c["live"] else None for key, c in work.items()}
