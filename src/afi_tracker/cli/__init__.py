"""The `afi` command: a thin client of the library, and the only package importing Typer."""

from afi_tracker.cli.root import app, main

__all__ = ["app", "main"]
