"""Who is making a change, for the audit trail."""

from __future__ import annotations

import os


def current_user(given: str | None = None) -> str:
    """--by, else AFI_USER, else git's user.name, else the OS user."""
    if given and given.strip():
        return given.strip()
    env = os.environ.get("AFI_USER", "").strip()
    if env:
        return env
    import subprocess

    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=2, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    import getpass  # termios with it: only when nothing else names the user

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
