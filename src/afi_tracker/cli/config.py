"""Settings and where each came from.

Precedence, highest first: command-line flag > environment (AFI_DB, AFI_USER,
AFI_DATE_ORDER) > project file (./afi.toml, else [tool.afi] in
./pyproject.toml) > user file ($XDG_CONFIG_HOME/afi/config.toml) > defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from afi_tracker.domain.plain import Plain
from afi_tracker.errors import InvalidValue

DEFAULTS: dict[str, Any] = {
    "db": "tracker.json",
    "user": None,
    "date_order": "day-first",
    "rag.amber_days": 14,
    "check.warn_within": "14d",
    "check.stale_after": "30d",
    "check.reading_after": "13w",
    "check.respond_within": "56d",
    "check.ignore": [],
    "check.error": [],
    "check.warning": [],
    "sign_off.allow_self": False,
    "sign_off.allow_placeholder_evidence": False,
}
ENVIRONMENT = {"db": "AFI_DB", "user": "AFI_USER", "date_order": "AFI_DATE_ORDER"}
DATE_ORDERS = ("day-first", "month-first")


class ConfigError(InvalidValue):
    """A config file cannot be read or holds a bad value; it names the file and key."""


class Settings(Plain):  # not a dataclass: every command loads it (domain/plain.py)
    FIELDS = ("values", "sources")

    def __init__(
        self, values: dict[str, Any] | None = None, sources: dict[str, str] | None = None
    ) -> None:
        self.values = dict(DEFAULTS) if values is None else values
        self.sources = dict.fromkeys(DEFAULTS, "default") if sources is None else sources

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def set(self, key: str, value: Any, source: str) -> None:
        self.values[key] = value
        self.sources[key] = source


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _check(key: str, value: Any, where: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(
            f"{where}: {key} must be {expected} (got {value!r})",
            hint="fix the file, or see `afi config show`",
        )

    if key not in DEFAULTS:
        raise ConfigError(
            f'{where}: unknown setting "{key}"', hint=f"known settings: {', '.join(DEFAULTS)}"
        )
    if key in ("db", "user"):
        if not isinstance(value, str) or not value.strip():
            raise bad("a non-empty string")
    elif key == "date_order":
        if value not in DATE_ORDERS:
            raise bad(" or ".join(DATE_ORDERS))
    elif key == "rag.amber_days":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
            raise bad("a whole number of days from 0 to 365")
    elif key in (
        "check.warn_within",
        "check.stale_after",
        "check.reading_after",
        "check.respond_within",
    ):
        from afi_tracker.domain.dates import parse_period

        try:
            parse_period(str(value))
        except InvalidValue:
            raise bad("a period like 14d or 2w") from None
        if not isinstance(value, str):
            raise bad("a period like 14d or 2w, in quotes")
    elif key.startswith("sign_off."):
        if not isinstance(value, bool):
            raise bad("true or false")
    elif key.startswith("check."):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of rule codes or names")
        from afi_tracker.reports.check import rule_code

        for v in value:
            try:
                rule_code(v)
            except InvalidValue:
                raise bad("a list of known rule codes or names") from None
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _is_file(path: Path) -> bool:
    """Whether a config file is there; a folder on its way we may not enter is an error."""
    try:
        return path.is_file()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def user_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "afi" / "config.toml"


def project_file(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    own = folder / "afi.toml"
    if _is_file(own):
        return own, _read_toml(own)
    pyproject = folder / "pyproject.toml"
    if _is_file(pyproject):
        table = _read_toml(pyproject).get("tool", {}).get("afi")
        if isinstance(table, dict):
            return pyproject, table
    return None


def _apply_file(settings: Settings, path: Path, table: dict[str, Any], label: str) -> None:
    for key, value in _flatten(table).items():
        _check(key, value, label)
        if key == "db" and not Path(value).is_absolute():
            value = str(path.parent / value)  # relative to the file that says it
        settings.set(key, value, label)


def load(folder: Path | None = None) -> Settings:
    """The effective settings for a command run in `folder` (default: the current one)."""
    settings = Settings()
    folder = folder or Path.cwd()
    user = user_file()
    if _is_file(user):
        _apply_file(settings, user, _read_toml(user), str(user))
    found = project_file(folder)
    if found is not None:
        path, table = found
        label = str(path) if path.name == "afi.toml" else f"{path} [tool.afi]"
        _apply_file(settings, path, table, label)
    for key, name in ENVIRONMENT.items():
        value = os.environ.get(name)
        if value:
            settings.set(key, _check(key, value, f"environment variable {name}"), name)
    return settings
