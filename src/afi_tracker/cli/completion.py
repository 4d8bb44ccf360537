"""Candidates for shell completion, read from the current store.

Shell completion runs afi on every TAB: these functions only read (no lock, no
write), and any problem (no store, a corrupt one, a bad config) gives no
candidates rather than an error printed into the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from afi_tracker.domain.model import ACTION_STATUSES, ITEM_KINDS, ITEM_STATUSES, owners_of

if TYPE_CHECKING:
    from afi_tracker.store.store import Snapshot

Candidate = tuple[str, str]


def _snapshot(db: Path | str | None) -> Snapshot:
    import os

    from afi_tracker.store.store import Store

    if db is None:
        db = os.environ.get("AFI_DB")
    if db is None:
        from afi_tracker.cli.config import load

        db = load()["db"]
    return Store.at(db).load()


def _safe(
    db: Path | str | None, pick: Callable[[Snapshot], Iterable[Candidate]]
) -> list[Candidate]:
    try:
        return list(pick(_snapshot(db)))
    except Exception:  # noqa: BLE001 - completion must never print an error into the shell
        return []


def _starts(value: str, incomplete: str) -> bool:
    return value.casefold().startswith(incomplete.casefold())


def _short(text: str) -> str:
    from afi_tracker.domain.safetext import shorten

    return shorten(text, 60)


def items(db: Path | str | None, incomplete: str) -> list[Candidate]:
    return _safe(
        db,
        lambda s: ((i["id"], _short(i["text"])) for i in s.items if _starts(i["id"], incomplete)),
    )


def actions(db: Path | str | None, incomplete: str) -> list[Candidate]:
    return _safe(
        db,
        lambda s: (
            (a["id"], _short(f"{a['status']}: {a['title']}"))
            for a in s.actions
            if _starts(a["id"], incomplete)
        ),
    )


def handles(db: Path | str | None, incomplete: str) -> list[Candidate]:
    return items(db, incomplete) + actions(db, incomplete)


def reports(db: Path | str | None, incomplete: str) -> list[Candidate]:
    return _safe(
        db,
        lambda s: (
            (r["key"], _short(r["title"])) for r in s.reports if _starts(r["key"], incomplete)
        ),
    )


def owners(db: Path | str | None, incomplete: str) -> list[Candidate]:
    def pick(snap: Snapshot) -> Iterable[Candidate]:
        names = sorted({o for a in snap.hot_actions for o in owners_of(a)}, key=str.casefold)
        return ((name, "owner") for name in names if _starts(name, incomplete))

    return _safe(db, pick)


def action_statuses(incomplete: str) -> list[Candidate]:
    return [(s, "action status") for s in ACTION_STATUSES if s.startswith(incomplete)]


def item_statuses(incomplete: str) -> list[Candidate]:
    return [(s, "item status") for s in ITEM_STATUSES if s.startswith(incomplete)]


def kinds(incomplete: str) -> list[Candidate]:
    return [(k, "item kind") for k in ITEM_KINDS if k.startswith(incomplete)]


def measures(db: Path | str | None, incomplete: str) -> list[Candidate]:
    return _safe(
        db,
        lambda s: (
            (m["id"], _short(f"{m['item']}: {m['name']}"))
            for m in s.measures
            if _starts(m["id"], incomplete)
        ),
    )


def findings(db: Path | str | None, incomplete: str, *, commitments: bool) -> list[Candidate]:
    def pick(snap: Snapshot) -> Iterable[Candidate]:
        from afi_tracker.api.measures import findings_of

        for report in snap.sorted_reports():
            found = findings_of(snap, report["key"])
            entries = (
                [(c.handle, c.what) for c in found.commitments]
                if commitments
                else [(f.handle, f"{f.words}: {f.name}") for f in found.figures]
            )
            for handle, text in entries:
                if _starts(handle, incomplete):
                    yield handle, _short(text)

    return _safe(db, pick)
