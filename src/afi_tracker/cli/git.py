"""`afi git`: share the store through git, merged record by record.

setup installs afi as the store's merge driver in this clone; status says
whether it is installed; merge is the driver (and works by hand on two or
three files); resolve rebuilds a store git left with conflict markers.
"""

# No `from __future__ import annotations`: Typer reads these annotations at run time.
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from afi_tracker.cli.root import DATA, _emit, _load, _say, _store, app
from afi_tracker.errors import AfiError
from afi_tracker.render import RecordFormat

git_app = typer.Typer(
    help="Share the store through git: setup, status, and a merge that never loses an edit.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(git_app, name="git", rich_help_panel=DATA)

DRIVER_NAME = "afi store merge (record by record)"


def _git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise AfiError(
            f"cannot run git: {exc.strerror or exc}", hint="install git and put it on PATH"
        ) from None
    if check and result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise AfiError(f"git {args[0]} failed: {message[0] if message else result.returncode}")
    return result


def _where() -> tuple[Path, Path, str]:
    """The store's path, its repository's top folder, and its path inside it."""
    store = Path(_store().label).absolute()
    if not store.parent.is_dir():
        raise AfiError(f"folder {store.parent} does not exist", hint="check --db or AFI_DB")
    found = _git("rev-parse", "--show-toplevel", cwd=store.parent, check=False)
    if found.returncode != 0:
        raise AfiError(
            f"{store} is not in a git repository",
            hint="run `git init` (or clone the repository) first",
        )
    root = Path(found.stdout.decode().strip()).resolve()
    relative = store.parent.resolve().joinpath(store.name).relative_to(root).as_posix()
    return store, root, relative


def _pattern(relative: str) -> str:
    # A space ends a .gitattributes pattern; a character class matches it.
    return relative.replace(" ", "[[:space:]]")


def _driver_command() -> str:
    return f"{shlex.quote(sys.executable)} -m afi_tracker git merge %O %A %B %P"


@git_app.command()
def setup() -> None:
    """Make git merge the store with afi in this clone (safe to run again).

    Adds `STORE merge=afi` to .gitattributes (commit it, so every clone has it)
    and sets merge.afi.name and merge.afi.driver in this clone's .git/config
    (each clone runs this once: git never copies config).

    Example: afi git setup
    """
    store, root, relative = _where()
    line = f"{_pattern(relative)} merge=afi"
    attributes = root / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if line in existing.splitlines():
        _say(f"{attributes.name} already has: {line}")
    else:
        glue = "" if not existing or existing.endswith("\n") else "\n"
        attributes.write_text(existing + glue + line + "\n", encoding="utf-8")
        _say(f"Added to {attributes}: {line} (commit it, so every clone merges this way)")
    driver = _driver_command()
    for key, value in (("merge.afi.name", DRIVER_NAME), ("merge.afi.driver", driver)):
        now = _git("config", "--local", "--get", key, cwd=root, check=False).stdout.decode()
        if now.strip() == value:
            _say(f"{key} already set")
        else:
            _git("config", "--local", key, value, cwd=root)
            _say(f"Set {key} = {value}")


@git_app.command()
def status() -> None:
    """Say whether this clone merges the store with afi, and what needs attention.

    Exit codes: 0 the merge driver is set up; 1 it is not.

    Example: afi git status
    """
    store, root, relative = _where()
    attr = _git("check-attr", "merge", "--", relative, cwd=root).stdout.decode().strip()
    has_attr = attr.endswith(": afi")
    driver = _git("config", "--get", "merge.afi.driver", cwd=root, check=False).stdout.decode()
    typer.echo(f"Store: {relative} in {root}")
    typer.echo(
        ".gitattributes: "
        + ("merge=afi" if has_attr else "no merge=afi line for the store (run `afi git setup`)")
    )
    typer.echo(
        "Merge driver: "
        + (driver.strip() if driver.strip() else "not set in this clone (run `afi git setup`)")
    )
    unmerged = _git("ls-files", "-u", "--", relative, cwd=root).stdout.strip()
    if unmerged:
        typer.echo("Unmerged: git left the store in conflict; run `afi git resolve`")
    from afi_tracker.store.synced import conflict_copies

    for copy in conflict_copies(store):
        typer.echo(
            f"Conflict copy: {copy.name} (fold it in: afi git merge {relative} {copy.name!r})"
        )
    if not (has_attr and driver.strip()):
        raise typer.Exit(1)


def _report(label: str, merged: object) -> None:
    from afi_tracker.store.merge import Merged

    assert isinstance(merged, Merged)
    parts = [f"{merged.added} added", f"{merged.changed} changed", f"{merged.deleted} deleted"]
    conflicts = len(merged.conflicts)
    line = f"Merged {label}: " + ", ".join(parts)
    if conflicts:
        line += (
            f"; {conflicts} conflict{'s' * (conflicts != 1)} kept open (afi conflicts lists them)"
        )
    _say(line)
    for note in merged.renumbered:
        _say(f"  {note}")


@git_app.command()
def merge(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="[BASE] OURS THEIRS [PATH]",
            help="Three files (common ancestor, ours, theirs) as git passes them, with the "
            "store's path for messages; or two files (ours, theirs) with no ancestor.",
            dir_okay=False,
        ),
    ],
) -> None:
    """Merge two versions of the store record by record; the result replaces OURS.

    As git's merge driver it gets %O %A %B %P (set up by `afi git setup`). By hand,
    give a synced folder's conflict copy: `afi git merge tracker.json "tracker (1).json"`
    (two files: every difference is kept as a conflict), or add their common ancestor
    first. Fields changed differently on both sides are kept as open conflicts:
    `afi conflicts` lists them. Nothing is written if an input is not a store.

    Exit codes: 0 merged (conflicts may be open); 1 could not merge, nothing written.

    Example: afi git merge tracker.json "tracker (1).json"
    """
    from afi_tracker.store.merge import merge_bytes
    from afi_tracker.store.storage import atomic_write

    if len(files) == 2:
        base_path, ours, theirs, label = None, files[0], files[1], str(files[0])
    elif len(files) in (3, 4):
        base_path, ours, theirs = files[0], files[1], files[2]
        label = str(files[3]) if len(files) == 4 else str(ours)
    else:
        raise typer.BadParameter("give OURS THEIRS, or BASE OURS THEIRS [PATH]")
    raw = []
    for path in (ours, theirs) if base_path is None else (base_path, ours, theirs):
        try:
            raw.append(path.read_bytes())
        except OSError as exc:
            raise AfiError(f"cannot read {path}: {exc.strerror or exc}") from None
    base = None
    if base_path is not None:
        base = raw.pop(0)
        if not base.strip():
            raise AfiError(
                f"cannot merge {label}: it has no common ancestor (added on both sides)",
                hint=f"merge the two by hand: afi git merge OURS THEIRS, then git add {label}",
            )
    merged = merge_bytes(
        base, raw[0], raw[1], (f"{label} (base)", f"{label} (ours)", f"{label} (theirs)")
    )
    atomic_write(ours, merged.to_bytes())
    _report(label, merged)


@git_app.command()
def resolve() -> None:
    """Rebuild a store git merged line by line (conflict markers) from git's copies.

    Takes the common ancestor, ours and theirs from git's index (stages 1, 2, 3),
    merges them record by record as the merge driver would, writes the store and
    stages it. Then commit to finish the merge.

    Example: afi git resolve
    """
    from afi_tracker.store.merge import merge_bytes
    from afi_tracker.store.storage import atomic_write

    store, root, relative = _where()
    stages: dict[int, bytes] = {}
    for stage in (1, 2, 3):
        shown = _git("show", f":{stage}:{relative}", cwd=root, check=False)
        if shown.returncode == 0:
            stages[stage] = shown.stdout
    if 2 not in stages or 3 not in stages:
        raise AfiError(
            f"{relative} is not in a merge conflict: git holds no two versions to merge",
            hint="run it after a `git merge` or `git pull` that left the store in conflict",
        )
    merged = merge_bytes(
        stages.get(1),
        stages[2],
        stages[3],
        (f"{relative} (base)", f"{relative} (ours)", f"{relative} (theirs)"),
    )
    atomic_write(store, merged.to_bytes())
    _git("add", "--", relative, cwd=root)
    _report(relative, merged)
    _say(f"Staged {relative}; commit to finish the merge")


@app.command(rich_help_panel=DATA)
def conflicts(
    fmt: Annotated[
        RecordFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = RecordFormat.table,
) -> None:
    """List fields a merge left with two values, and how to settle each.

    Setting the field again settles it (`afi update A3 --due ...`); a record deleted
    on one side and changed on the other is kept until you delete it again or
    change it. `afi check` fails (AFI107 merge-conflict) while any is open.

    Example: afi conflicts --format json
    """
    from afi_tracker.render.base import Column, Listing
    from afi_tracker.reports.conflicts import open_conflicts, settle_hint

    found = open_conflicts(_load(None))
    rows = [
        {
            "record": c.record,
            "table": c.table,
            "field": c.field,
            "values": c.values,
            "base": c.base,
            "shown": c.describe().split(": ", 1)[1],
            "settle": settle_hint(c),
        }
        for c in found
    ]
    listing = Listing(
        title="Open merge conflicts",
        columns=[
            Column("record", "Record"),
            Column("field", "Field"),
            Column("shown", "Values (by)", width=50),
            Column("settle", "To settle"),
        ],
        rows=rows,
        empty="No open merge conflicts.",
    )
    _emit(fmt if fmt == RecordFormat.json else "table", "listing", listing)
