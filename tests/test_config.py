"""Settings precedence, case by case: flag > environment > project file > user file > default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from afi_tracker.cli.config import ConfigError, load
from tests.conftest import SHIPPED, invoke


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    xdg = tmp_path / "xdg"
    (xdg / "afi").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    monkeypatch.delenv("AFI_USER", raising=False)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    return tmp_path


def user_file(home: Path, text: str) -> Path:
    path = home / "xdg" / "afi" / "config.toml"
    path.write_text(text)
    return path


def test_defaults(home):
    settings = load()
    assert (settings["db"], settings["date_order"], settings["rag.amber_days"]) == (
        "tracker.json",
        "day-first",
        14,
    )
    assert set(settings.sources.values()) == {"default"}


def test_user_file_over_default(home):
    path = user_file(home, 'user = "Jo Bloggs"\n[rag]\namber_days = 7\n')
    settings = load()
    assert (settings["user"], settings["rag.amber_days"]) == ("Jo Bloggs", 7)
    assert settings.sources["user"] == str(path)


def test_project_file_over_user_file(home):
    user_file(home, 'user = "Jo Bloggs"\n[rag]\namber_days = 7\n')
    (home / "project" / "afi.toml").write_text('user = "Project Lead"\n')
    settings = load()
    assert (settings["user"], settings["rag.amber_days"]) == ("Project Lead", 7)


def test_pyproject_tool_afi_when_no_afi_toml(home):
    (home / "project" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.afi]\ndb = "data/tracker.json"\n'
    )
    settings = load()
    assert settings["db"] == str(home / "project" / "data" / "tracker.json")
    assert settings.sources["db"].endswith("pyproject.toml [tool.afi]")
    (home / "project" / "afi.toml").write_text('db = "other.json"\n')
    assert load()["db"] == str(home / "project" / "other.json")


def test_environment_over_project_file(home, monkeypatch):
    (home / "project" / "afi.toml").write_text('user = "Project Lead"\ndb = "p.json"\n')
    monkeypatch.setenv("AFI_USER", "Env User")
    monkeypatch.setenv("AFI_DB", "env.json")
    settings = load()
    assert (settings["user"], settings.sources["user"]) == ("Env User", "AFI_USER")
    assert (settings["db"], settings.sources["db"]) == ("env.json", "AFI_DB")


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("rag = 3\n", 'unknown setting "rag"'),
        ("[rag]\namber_days = -1\n", "rag.amber_days must be a whole number of days"),
        ('date_order = "middle-endian"\n', "date_order must be day-first or month-first"),
        ('[check]\nignore = ["AFI999"]\n', "check.ignore must be a list of known rule codes"),
        ("colour = true\n", 'unknown setting "colour"'),
        ("user = \n", "not valid TOML"),
    ],
)
def test_invalid_file_names_file_and_key(home, text, fault):
    path = home / "project" / "afi.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load()
    assert err.value.message.startswith(f"{path}: ")
    assert fault in err.value.message


def test_flag_over_environment_over_file_through_the_command(home, runner, monkeypatch):
    for name in ("file", "env", "flag"):
        (home / f"{name}.json").write_bytes(SHIPPED.read_bytes())
    (home / "project" / "afi.toml").write_text(f'db = "{home / "file.json"}"\n')

    def used(*args):
        result = invoke(runner, *args, "config", "show", "-f", "json")
        assert result.exit_code == 0, result.output
        return {r["setting"]: (r["value"], r["source"]) for r in json.loads(result.stdout)}

    assert used()["db"] == (str(home / "file.json"), str(home / "project" / "afi.toml"))
    monkeypatch.setenv("AFI_DB", str(home / "env.json"))
    assert used()["db"][0] == str(home / "env.json")
    assert used("--db", str(home / "flag.json"))["db"][0] == str(home / "flag.json")


def test_user_from_config_is_recorded_in_history(home, runner):
    db = home / "project" / "tracker.json"
    db.write_bytes(SHIPPED.read_bytes())
    (home / "project" / "afi.toml").write_text('user = "Config User"\n')
    result = invoke(runner, "add", "I1", "x", "--owner", "o", "--due", "eom")
    assert result.exit_code == 0, result.output
    history = json.loads(invoke(runner, "log", "-f", "json").stdout)
    assert history[0]["by"] == "Config User"


def test_month_first_date_order_from_config(home, runner):
    db = home / "project" / "tracker.json"
    db.write_bytes(SHIPPED.read_bytes())
    (home / "project" / "afi.toml").write_text('date_order = "month-first"\n')
    result = invoke(runner, "add", "I1", "x", "--owner", "o", "--due", "04/03/2030")
    assert result.exit_code == 0, result.output
    assert "due 2030-04-03" in result.stderr
