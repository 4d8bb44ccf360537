from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_2018 = SAMPLES / "west-mercia-peel-2018-legitimacy.txt"
SHIPPED = ROOT / "tracker.json"

# A wide, colourless terminal, so tests see whole cells and no escape codes.
TEST_ENV = {
    # Subprocesses (`python -m afi_tracker`) run this checkout's code too.
    "PYTHONPATH": str(ROOT / "src"),
    "COLUMNS": "200",
    "LINES": "50",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "AFI_USER": "tester",
}


@pytest.fixture(autouse=True)
def _quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AFI_DB", raising=False)
    monkeypatch.delenv("AFI_DATE_ORDER", raising=False)
    # No real user config file may change what a test sees.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-user-config"))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# The simulated day the tests' store (the `db` fixture) imported the sample report: before
# every --as-of date a test asks about, since --as-of answers from what was recorded by then.
SAMPLE_IMPORTED_ON = "2018-01-02"


@contextmanager
def on(day: str) -> Iterator[None]:
    """Run every afi command in the block on `day`, a simulated day (the AFI_TEST_NOW hook):
    its history and its records are stamped with that day, and "today" is that day."""
    before = os.environ.get("AFI_TEST_NOW")
    os.environ["AFI_TEST_NOW"] = day
    try:
        yield
    finally:
        if before is None:
            del os.environ["AFI_TEST_NOW"]
        else:
            os.environ["AFI_TEST_NOW"] = before


@pytest.fixture(scope="session")
def _sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped store's content, built as the shipped one was, on SAMPLE_IMPORTED_ON."""
    from afi_tracker.cli.root import app

    path = tmp_path_factory.mktemp("sample") / "tracker.json"
    env = dict(
        TEST_ENV,
        AFI_TEST_NOW=SAMPLE_IMPORTED_ON,
        AFI_USER="afi-tracker sample",
        XDG_CONFIG_HOME=str(path.parent / "no-user-config"),
    )
    result = CliRunner().invoke(app, ["--db", str(path), "import", str(SAMPLE_2018)], env=env)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def db(tmp_path: Path, _sample_store: Path) -> Path:
    """The sample report, imported on SAMPLE_IMPORTED_ON: what the shipped store holds."""
    path = tmp_path / "tracker.json"
    shutil.copyfile(_sample_store, path)
    return path


def invoke(runner: CliRunner, *args: str, input: str | None = None):  # noqa: A002
    from afi_tracker.cli.root import app

    return runner.invoke(app, list(args), input=input, env=dict(os.environ))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The two long reliability tests (8 writers x 200 commands, 100 kill -9s) take
    # minutes on a loaded machine: CI always runs them (.ci/run sets AFI_SLOW=1; the
    # CI environment also sets CI=true); elsewhere they run when AFI_SLOW=1 is set.
    if os.environ.get("AFI_SLOW") == "1" or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="slow reliability test: set AFI_SLOW=1 (CI runs it)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
