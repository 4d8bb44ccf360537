"""Times afi against Taskwarrior 2.6 on equivalent data, as whole processes.

    python bench/run.py                 # 1k, 10k and 100k actions (a few minutes on 2 cores)
    python bench/run.py --sizes 1000 10000 --repeat 5

For each size it generates a store (bench/generate.py), imports the same
actions into a scratch Taskwarrior, runs each command --repeat times and
prints the median and spread of wall time, the peak RSS, and afi/Taskwarrior
ratios against the targets of docs/performance.md. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORTS = {1000: 50, 10000: 50, 100000: 500}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # afi check exits 1 when it finds failures
        raise SystemExit(f"{' '.join(argv)} failed with exit code {proc.returncode}")
    return elapsed, usage.ru_maxrss  # KiB on Linux


def measure(argv: list[str], env: dict[str, str], repeat: int) -> dict[str, float]:
    run_once(argv, env)  # warm the page cache
    times, peaks = [], []
    for _ in range(repeat):
        elapsed, peak = run_once(argv, env)
        times.append(elapsed)
        peaks.append(peak)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss_mb": max(peaks) / 1024,
    }


def fmt(m: dict[str, float] | None) -> str:
    if m is None:
        return "—"
    return (
        f"{m['median'] * 1000:.0f} ms ({m['min'] * 1000:.0f}–{m['max'] * 1000:.0f}), "
        f"{m['rss_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--task-max",
        type=int,
        default=10000,
        help="largest size to run Taskwarrior on (import is slow)",
    )
    args = parser.parse_args()

    afi = shutil.which("afi") or sys.exit("afi is not installed: python3 -m pip install -e .")
    task = shutil.which("task")
    if task is None:
        print(
            "Taskwarrior is not installed (apt-get install taskwarrior): "
            "afi is timed alone, no ratios.",
            file=sys.stderr,
        )
    version = (
        subprocess.run([task, "--version"], capture_output=True, text=True).stdout.strip()
        if task
        else None
    )
    print(
        f"afi vs Taskwarrior {version or '(absent)'}, {os.cpu_count()} cores, "
        f"median of {args.repeat} runs (min–max), peak RSS\n"
    )

    env = {**os.environ, "NO_COLOR": "1", "AFI_USER": "bench"}
    floor = measure([sys.executable, "-c", "import typer"], env, args.repeat)
    bare = measure([sys.executable, "-c", "pass"], env, args.repeat)
    version_afi = measure([afi, "--version"], env, args.repeat)
    rows = [
        ("python -c pass (interpreter floor)", "—", fmt(bare), "", "", ""),
        (
            "afi --version / python -c 'import typer'",
            "any",
            fmt(version_afi),
            fmt(floor),
            f"{version_afi['median'] / floor['median']:.2f}",
            "≤ 1.3",
        ),
    ]

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in args.sizes:
            db = tmp / f"afi-{size}.json"
            tasks = tmp / f"tw-{size}.json"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    str(size),
                    str(REPORTS.get(size, max(1, size // 200))),
                    str(db),
                    "--taskwarrior",
                    str(tasks),
                ],
                check=True,
            )
            tw_env = None
            if task and size <= args.task_max:
                data = tmp / f"task-{size}"
                data.mkdir()
                rc = tmp / f"taskrc-{size}"
                rc.write_text(
                    f"data.location={data}\nconfirmation=off\nverbose=nothing\n"
                    "hooks=off\ngc=off\nuda.owner.type=string\nuda.owner.label=Owner\n"
                )
                tw_env = {**env, "TASKRC": str(rc)}
                subprocess.run(
                    [task, "import", str(tasks)],
                    env=tw_env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            pairs = [
                ("status", [afi, "--db", str(db), "status"], ["summary"], 0.7),
                ("check", [afi, "--db", str(db), "check"], ["overdue"], 0.5),
                (
                    "list --owner",
                    [afi, "--db", str(db), "list", "--owner", "Insp Patel"],
                    ["owner:Insp_Patel", "list"],
                    None,
                ),
                (
                    "add",
                    [
                        afi,
                        "--db",
                        str(db),
                        "add",
                        "I1",
                        "bench action",
                        "--owner",
                        "Insp Patel",
                        "--due",
                        "eom",
                    ],
                    ["add", "bench action", "owner:Insp_Patel", "due:eom"],
                    None,
                ),
                (
                    "update",
                    [afi, "--db", str(db), "update", "A5", "--note", "bench"],
                    ["5", "modify", "+bench"],
                    0.8,
                ),
            ]
            for name, afi_argv, task_args, target in pairs:
                a = measure(afi_argv, env, args.repeat)
                t = measure([task, *task_args], tw_env, args.repeat) if tw_env else None
                ratio = f"{a['median'] / t['median']:.2f}" if t else ""
                rows.append(
                    (
                        f"{size:,} actions: afi {name} / task {' '.join(task_args)}",
                        size,
                        fmt(a),
                        fmt(t),
                        ratio,
                        f"≤ {target}" if target and t else "",
                    )
                )
    print("| command | size | afi | Taskwarrior | ratio | target |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


if __name__ == "__main__":
    main()
