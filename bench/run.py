"""Times this checkout's afi against Taskwarrior 2.6 on the same actions, as whole processes.

    apt-get install -y taskwarrior hyperfine      # Taskwarrior is required; hyperfine optional
    python3 bench/run.py                          # 1k, 10k and 100k actions (about 10 minutes)
    python3 bench/run.py --large                  # adds 300k actions and the growth check
    python3 bench/run.py --sizes 1000 --check     # exit 1 when a target is missed
    python3 bench/run.py --out docs/bench-latest.md --json /tmp/bench.json

How it keeps the comparison honest:
- afi is this checkout's code, run as `python -m afi_tracker` with PYTHONPATH set
  to this checkout's src/, never whatever `afi` is on PATH.
- Both sides hold the same actions (bench/generate.py writes both); each pair does
  the same work: the same rows listed or exported, a real change to the same
  action (found by its UUID), and the store or Taskwarrior folder restored from a
  pristine copy (untimed, then `sync`) before every timed write.
- The runs of a pair alternate (A B B A ...), after 2 warm-ups of each, 10 timed
  runs each (5 at 100k and above); the median is reported, with min-max.
- A command that exits with an unexpected code fails the bench (afi check may
  exit 1 for failed checks, never with an `Error:`).
- Peak RSS comes from GNU time (/usr/bin/time, the `time` package): wait4() on
  a child forked from this process reports at least this process's own peak,
  hundreds of MB at 100k, for both sides. Store sizes are the afi file against Taskwarrior's
  data folder. A hand-edited store (one title changed by hand, so its checksums
  no longer match) is timed against the same store as afi wrote it.

Targets are those of issue #16; `--check` exits 1 when one is missed. hyperfine
is not needed, but cross-checks one pair when installed, e.g.
    hyperfine -w 2 -r 10 'PYTHONPATH=src python3 -m afi_tracker --db S status'
Not part of the test suite, and not run by .ci/run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
REPORTS = {1000: 50, 10000: 50, 100000: 500, 300000: 1500}
OWNER = "Insp Patel"
NEW_DUE = ("31/01/2027", "2027-01-31")
# Issue #16's targets: afi / Taskwarrior median time at 100k, every pair at 10k.
TARGET_100K = {
    "status": 0.5,
    "check": 0.5,
    "update --due": 0.5,
    "list --owner": 0.7,
    "list --format json": 0.7,
    "add": 1.0,
}
TARGET_10K = 1.5
TARGET_RSS_100K = 0.8  # status and a write (update), afi peak RSS / Taskwarrior's
TARGET_1K_STARTUP = 1.5  # afi status at 1k / python -c "import typer"
TARGET_EDITED = 1.5  # hand-edited store / the same store as afi wrote it
TARGET_GROWTH = 3.3  # 100k -> 300k: 3x the data, 10% allowed for noise


# GNU time measures each command's own peak RSS (see Cmd.run); without it, wait4's
# figure is floored at the bench process's own peak (hundreds of MB at 100k).
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


class BenchFailed(SystemExit):
    pass


@dataclass
class Cmd:
    label: str
    argv: list[str]
    env: dict[str, str]
    prepare: Callable[[], None] | None = None
    ok: tuple[int, ...] = (0,)
    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)

    def run(self, record: bool) -> None:
        if self.prepare:
            self.prepare()
        with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as rss:
            # A child forked from this (large) process starts with its peak RSS
            # as its own: wait4 would report at least the bench's size. GNU time,
            # small itself, forks the command and reports the command's peak alone.
            argv = [TIME, "-q", "-f", "%M", "-o", rss.name, *self.argv] if TIME else self.argv
            started = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=self.env)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - started
            code = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
            peak = usage.ru_maxrss
            if TIME:
                text = Path(rss.name).read_text().split()
                peak = int(text[-1]) if text and text[-1].isdigit() else peak
        if code not in self.ok or "Error:" in stderr or "Traceback" in stderr:
            raise BenchFailed(
                f"bench failed: {self.label} exited {code}\n  {' '.join(self.argv)}\n{stderr}"
            )
        if record:
            self.times.append(elapsed)
            self.peaks.append(peak)  # KiB on Linux

    def median(self) -> float:
        return statistics.median(self.times)

    def rss_mb(self) -> float:
        return max(self.peaks) / 1024

    def summary(self) -> str:
        return (
            f"{self.median() * 1000:.0f} ms ({min(self.times) * 1000:.0f}–"
            f"{max(self.times) * 1000:.0f}), {self.rss_mb():.0f} MB"
        )


def alternate(a: Cmd, b: Cmd, runs: int, warmups: int = 2) -> None:
    """Warm both up, then time them in turn, A B B A ..., so drift hits both alike."""
    for _ in range(warmups):
        a.run(record=False)
        b.run(record=False)
    for i in range(runs):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        first.run(record=True)
        second.run(record=True)


def restorer(pristine: Path, live: Path) -> Callable[[], None]:
    def restore() -> None:
        shutil.rmtree(live, ignore_errors=True)
        shutil.copytree(pristine, live)
        os.sync()  # the copy's dirty pages must not be flushed during the timed run

    return restore


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def capture(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchFailed(f"bench failed: {' '.join(argv)} exited {done.returncode}\n{done.stderr}")
    return done.stdout


def rows_of(text: str) -> int:
    doc = json.loads(text)
    if isinstance(doc, dict):
        doc = next(v for v in doc.values() if isinstance(v, list))
    return len(doc)


def hand_edit(folder: Path) -> None:
    """Change one action's title in place, as a person (or a git merge) would."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if b'"Action 7: deliver' in raw:
            path.write_bytes(raw.replace(b'"Action 7: deliver', b'"Action 7 (edited): deliver', 1))
            return
    raise BenchFailed(f"bench failed: no action 7 to hand-edit under {folder}")


@dataclass
class Row:
    size: int
    name: str
    a: Cmd
    b: Cmd
    target: float | None = None
    rss_target: float | None = None

    def ratio(self) -> float:
        return self.a.median() / self.b.median()

    def rss_ratio(self) -> float:
        return self.a.rss_mb() / self.b.rss_mb()


def taskwarrior_setup(
    task: str, tmp: Path, size: int, tasks_json: Path, env: dict[str, str]
) -> tuple[Path, Path, dict[str, str], float]:
    data = tmp / f"task-{size}"
    data.mkdir()
    rc = tmp / f"taskrc-{size}"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n"
        "recurrence=off\nuda.owner.type=string\nuda.owner.label=Owner\n"
    )
    tw_env = {**env, "TASKRC": str(rc)}
    started = time.perf_counter()
    capture([task, "import", str(tasks_json)], tw_env)
    imported = time.perf_counter() - started
    capture([task, "count"], tw_env)  # lets its gc move finished tasks out of pending.data
    pristine = tmp / f"task-{size}.pristine"
    shutil.copytree(data, pristine)
    return data, pristine, tw_env, imported


def bench_size(
    size: int, tmp: Path, task: str, env: dict[str, str], afi: list[str], runs: int
) -> tuple[list[Row], dict[str, Any]]:
    folder = tmp / f"afi-{size}"
    folder.mkdir()
    db = folder / "tracker.json"
    tasks_json = tmp / f"tw-{size}.json"
    started = time.perf_counter()
    capture(
        [
            sys.executable,
            str(HERE / "generate.py"),
            str(size),
            str(REPORTS.get(size, max(1, size // 200))),
            str(db),
            "--taskwarrior",
            str(tasks_json),
        ],
        env,
    )
    generated = time.perf_counter() - started
    pristine = tmp / f"afi-{size}.pristine"
    shutil.copytree(folder, pristine)
    data, tw_pristine, tw_env, imported = taskwarrior_setup(task, tmp, size, tasks_json, env)

    # The same open action on both sides: the first planned one, found by its UUID.
    target_uuid, target_no = "", 0
    for no, line in enumerate(tasks_json.read_text().splitlines(), 1):
        doc = json.loads(line)
        if doc["status"] == "pending" and not doc["tags"]:
            target_uuid, target_no = doc["uuid"], no
            break
    project = json.loads(tasks_json.read_text().splitlines()[0])["project"]

    def afi_cmd(label: str, *args: str, store: Path = db, **kw: Any) -> Cmd:
        return Cmd(label, [*afi, "--db", str(store), *args], env, **kw)

    def tw(label: str, *args: str, **kw: Any) -> Cmd:
        return Cmd(label, [task, *args], tw_env, **kw)

    # Equivalent rows, checked once, untimed.
    owner_tw = f"owner:{OWNER.replace(' ', '_')}"
    afi_owner = rows_of(
        capture([*afi, "--db", str(db), "list", "--owner", OWNER, "-f", "json"], env)
    )
    tw_owner = rows_of(capture([task, owner_tw, "export"], tw_env))
    afi_all = rows_of(capture([*afi, "--db", str(db), "list", "-f", "json"], env))
    tw_all = rows_of(capture([task, "export"], tw_env))
    if (afi_owner, afi_all) != (tw_owner, tw_all):
        raise BenchFailed(
            f"bench failed: rows differ at {size}: afi {afi_owner}/{afi_all} owner/all, "
            f"Taskwarrior {tw_owner}/{tw_all}"
        )

    restore_afi = restorer(pristine, folder)
    restore_tw = restorer(tw_pristine, data)
    day, iso = NEW_DUE
    pairs = [
        ("status", afi_cmd("afi status", "status"), tw("task summary", "summary")),
        ("check", afi_cmd("afi check", "check", ok=(0, 1)), tw("task overdue", "overdue")),
        (
            "list --owner",
            afi_cmd("afi list --owner", "list", "--owner", OWNER),
            tw(f"task {owner_tw} all", owner_tw, "all"),
        ),
        (
            "list --format json",
            afi_cmd("afi list -f json", "list", "--format", "json"),
            tw("task export", "export"),
        ),
        (
            "update --due",
            afi_cmd(
                "afi update --due",
                "update",
                f"A{target_no}",
                "--due",
                day,
                "--reason",
                "bench",
                prepare=restore_afi,
            ),
            tw("task modify due:", target_uuid, "modify", f"due:{iso}", prepare=restore_tw),
        ),
        (
            "add",
            afi_cmd(
                "afi add",
                "add",
                "I1",
                "bench action",
                "--owner",
                OWNER,
                "--due",
                day,
                prepare=restore_afi,
            ),
            tw(
                "task add",
                "add",
                "bench action",
                owner_tw,
                f"due:{iso}",
                f"project:{project}",
                prepare=restore_tw,
            ),
        ),
    ]
    rows: list[Row] = []
    for name, a, b in pairs:
        target = TARGET_100K.get(name) if size == 100000 else TARGET_10K if size == 10000 else None
        rss_target = (
            TARGET_RSS_100K if size == 100000 and name in ("status", "update --due") else None
        )
        alternate(a, b, runs)
        rows.append(Row(size, name, a, b, target, rss_target))
        print(f"  {size:>7,} {name:<26} {a.summary():>30} | {b.summary():>30}", flush=True)

    # A store edited by hand (or by a git merge) against the same store as afi wrote it.
    edited = tmp / f"afi-{size}.edited"
    shutil.copytree(pristine, edited)
    hand_edit(edited)
    edited_folder = tmp / f"afi-{size}.edited-live"
    shutil.copytree(edited, edited_folder)
    edited_db = edited_folder / "tracker.json"
    restore_edited = restorer(edited, edited_folder)
    for name, a, b in [
        (
            "status, hand-edited store",
            afi_cmd("afi status (edited)", "status", store=edited_db),
            afi_cmd("afi status", "status"),
        ),
        (
            "update, hand-edited store",
            afi_cmd(
                "afi update (edited)",
                "update",
                f"A{target_no}",
                "--due",
                day,
                "--reason",
                "bench",
                store=edited_db,
                prepare=restore_edited,
            ),
            afi_cmd(
                "afi update",
                "update",
                f"A{target_no}",
                "--due",
                day,
                "--reason",
                "bench",
                prepare=restore_afi,
            ),
        ),
    ]:
        alternate(a, b, runs)
        rows.append(Row(size, name, a, b, TARGET_EDITED if size == 100000 else None))
        print(f"  {size:>7,} {name:<26} {a.summary():>30} | {b.summary():>30}", flush=True)

    restore_afi()
    facts = {
        "afi_store_mb": folder_bytes(pristine) / 1e6,
        "task_data_mb": folder_bytes(tw_pristine) / 1e6,
        "rows_owner": afi_owner,
        "rows_all": afi_all,
        "generate_s": generated,
        "task_import_s": imported,
    }
    return rows, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--large", action="store_true", help="add 300k actions (slow)")
    parser.add_argument("--runs", type=int, help="timed runs per command (default 10; 5 at 100k+)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--out", type=Path, help="also write the tables to this Markdown file")
    parser.add_argument("--json", type=Path, help="also write every timing to this JSON file")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes + ([300000] if args.large else [])))

    task = shutil.which("task")
    if task is None:
        sys.exit("Taskwarrior is not installed: apt-get install -y taskwarrior")
    version = capture([task, "--version"], dict(os.environ)).strip()
    commit = subprocess.run(
        ["git", "-C", str(CHECKOUT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "AFI_USER": "bench",
        "COLUMNS": "80",
        "PYTHONPATH": str(CHECKOUT / "src"),
    }
    env.pop("AFI_DB", None)
    # An installed afi runs from compiled bytecode; without it every run would
    # recompile afi's modules (hundreds of ms), so compile once and let Python cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    capture([sys.executable, "-m", "compileall", "-q", str(CHECKOUT / "src")], env)
    afi = [sys.executable, "-m", "afi_tracker"]
    header = (
        f"afi {commit} (python -m afi_tracker, PYTHONPATH={CHECKOUT / 'src'}) against "
        f"Taskwarrior {version}; Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Median of alternating runs "
        "(min–max) after 2 warm-ups each, peak RSS. Load average at start: "
        f"{os.getloadavg()[0]:.1f} (other processes skew ratios; rerun on an idle machine)."
    )
    print(header, flush=True)

    rows: list[Row] = []
    facts: dict[int, dict[str, Any]] = {}
    out = args.out.resolve() if args.out else None
    json_out = args.json.resolve() if args.json else None
    with tempfile.TemporaryDirectory(prefix="afi-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # Every command runs in the bench folder, as a user runs afi in their own:
        # run from this checkout, afi would also read the checkout's pyproject.toml
        # for a [tool.afi] table on every run (about 4% of a 1k status).
        os.chdir(tmp)
        startup_runs = args.runs or 10
        bare = Cmd("python -c pass", [sys.executable, "-c", "pass"], env)
        floor = Cmd("python -c 'import typer'", [sys.executable, "-c", "import typer"], env)
        alternate(bare, floor, startup_runs)
        version_cmd = Cmd("afi --version", [*afi, "--version"], env)
        floor2 = Cmd("python -c 'import typer'", [sys.executable, "-c", "import typer"], env)
        alternate(version_cmd, floor2, startup_runs)
        rows += [
            Row(0, "interpreter / import typer", bare, floor),
            Row(0, "afi --version / import typer", version_cmd, floor2),
        ]
        for size in sizes:
            runs = args.runs or (5 if size >= 100000 else 10)
            size_rows, facts[size] = bench_size(size, tmp, task, env, afi, runs)
            rows += size_rows
            if size == 1000:
                status = Cmd(
                    "afi status",
                    [*afi, "--db", str(tmp / "afi-1000" / "tracker.json"), "status"],
                    env,
                )
                typer = Cmd("python -c 'import typer'", [sys.executable, "-c", "import typer"], env)
                alternate(status, typer, runs)
                rows.append(Row(1000, "status / import typer", status, typer, TARGET_1K_STARTUP))

    verdicts = targets(rows, sizes)
    header += f" Load average at end: {os.getloadavg()[0]:.1f}."
    text = report(header, rows, facts, verdicts)
    print("\n" + text)
    os.chdir(CHECKOUT)
    if out:
        out.write_text(text)
    if json_out:
        json_out.write_text(
            json.dumps(
                {
                    "header": header,
                    "facts": facts,
                    "rows": [
                        {
                            "size": r.size,
                            "pair": r.name,
                            r.a.label: {"times": r.a.times, "rss_kib": r.a.peaks},
                            r.b.label: {"times": r.b.times, "rss_kib": r.b.peaks},
                        }
                        for r in rows
                    ],
                },
                indent=1,
            )
        )
    missed = [v for v in verdicts if not v[3]]
    if args.check and missed:
        print(f"{len(missed)} target(s) missed", file=sys.stderr)
        sys.exit(1)


def targets(rows: list[Row], sizes: list[int]) -> list[tuple[str, str, str, bool]]:
    """(target, limit, measured, met) for every target this run could measure."""
    out = []
    for r in rows:
        if r.target is not None:
            out.append(
                (
                    f"{r.size // 1000}k {r.name}",
                    f"≤ {r.target}×",
                    f"{r.ratio():.2f}×",
                    r.ratio() <= r.target,
                )
            )
        if r.rss_target is not None:
            out.append(
                (
                    f"{r.size // 1000}k {r.name} peak RSS",
                    f"≤ {r.rss_target}×",
                    f"{r.rss_ratio():.2f}× ({r.a.rss_mb():.0f} / {r.b.rss_mb():.0f} MB)",
                    r.rss_ratio() <= r.rss_target,
                )
            )
    if 100000 in sizes and 300000 in sizes:
        by = {(r.size, r.name): r for r in rows}
        for (size, name), r in by.items():
            if size != 100000 or (300000, name) not in by:
                continue
            growth = by[(300000, name)].a.median() / r.a.median()
            out.append(
                (
                    f"100k → 300k afi {name}",
                    f"≤ {TARGET_GROWTH}×",
                    f"{growth:.2f}×",
                    growth <= TARGET_GROWTH,
                )
            )
    return out


def report(
    header: str,
    rows: list[Row],
    facts: dict[int, dict[str, Any]],
    verdicts: list[tuple[str, str, str, bool]],
) -> str:
    lines = [
        header,
        "",
        "| size | pair | afi (A) | other (B) | A/B time | A/B RSS |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        size = f"{r.size:,}" if r.size else "—"
        lines.append(
            f"| {size} | {r.name} | {r.a.label}: {r.a.summary()} | {r.b.label}: {r.b.summary()} "
            f"| {r.ratio():.2f} | {r.rss_ratio():.2f} |"
        )
    lines += [
        "",
        "| size | afi store | Taskwarrior data | rows (owner / all) | generate | task import |",
        "|---|---|---|---|---|---|",
    ]
    for size, f in facts.items():
        lines.append(
            f"| {size:,} | {f['afi_store_mb']:.1f} MB | {f['task_data_mb']:.1f} MB "
            f"| {f['rows_owner']:,} / {f['rows_all']:,} | {f['generate_s']:.1f} s "
            f"| {f['task_import_s']:.1f} s |"
        )
    lines += ["", "| target | limit | measured | met |", "|---|---|---|---|"]
    for name, limit, measured, met in verdicts:
        lines.append(f"| {name} | {limit} | {measured} | {'yes' if met else '**no**'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
