"""Copies of a store that a synced folder (OneDrive, SharePoint, Dropbox,
Syncthing) made when two machines changed it at once.

Each holds edits the store may lack; afi flags them (check, doctor) and
`afi git merge` can fold one back in.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

_KEEP = (".lock", ".afi-tmp")


def conflict_copies(store: Path) -> list[Path]:
    """Files beside `store` that look like a synced folder's conflict copies of it."""
    stem, suffix = store.stem, store.suffix
    patterns = (
        # OneDrive and Dropbox: tracker (1).json, tracker (Bob's conflicted copy).json
        f"{stem} (*){suffix}",
        # OneDrive and SharePoint: tracker-DESKTOP-ABC.json
        f"{stem}-*{suffix}",
        # Syncthing: tracker.sync-conflict-20250101-101010-ABC.json
        f"{stem}*.sync-conflict-*",
    )
    try:
        names = sorted(p.name for p in store.parent.iterdir() if p.is_file())
    except OSError:
        return []
    found = []
    for name in names:
        if name == store.name or name.startswith(".") or name.endswith(_KEEP):
            continue
        if ".bak-v" in name:
            continue
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            found.append(store.parent / name)
    return found
