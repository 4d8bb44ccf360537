"""afi-tracker: track the response to police and fire inspection reports."""

__version__ = "0.1.0"

# Set by the entry point before it loads the CLI: the CLI modules the typed
# command needs (None: all). See afi_tracker/__main__.py.
cli_modules: tuple[str, ...] | None = None
# The top-level command typed, when it is one of theirs: the CLI then builds
# that command (or group) alone, not its modules' others.
cli_command: str | None = None
