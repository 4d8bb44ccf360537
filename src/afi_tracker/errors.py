"""Every error the library raises; the CLI turns them into one line and an exit code.

Exit codes: 0 ok; 1 domain error or failed check; 2 usage error (a malformed value).
"""

from __future__ import annotations


class AfiError(Exception):
    """Base of every error afi reports to a user.

    `message` says what is wrong. `hint` says how to fix it where that needs no
    knowledge of a client; otherwise `code` names the case and `data` carries
    its facts, and the client words the fix (the CLI names its own commands
    and flags in cli/hints.py). The library never names a CLI flag.
    """

    exit_code = 1

    def __init__(
        self, message: str, hint: str | None = None, *, code: str | None = None, **data: object
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.data = data


class StoreError(AfiError):
    """The store file cannot be read, validated, locked or written."""


class StoreMissing(StoreError):
    """No store exists at the path given."""


class StoreCorrupt(StoreError):
    """The store file does not parse or does not validate; it is left untouched."""


class StoreLocked(StoreError):
    """Another afi process held the store's lock for longer than the timeout."""


class StoreWriteFailed(StoreError):
    """Writing the store failed (disk full, permissions); the old file is intact."""


class StoreReadOnly(StoreError):
    """The current user could not write the store in place; afi will not replace it."""


class NotFound(AfiError):
    """A handle or key names nothing in the store."""


class InvalidValue(AfiError):
    """A value given on the command line is malformed (a bad date, status or kind)."""

    exit_code = 2


class TransitionRefused(AfiError):
    """A status change is not allowed from the record's current status."""


class NothingToImport(AfiError):
    """The text holds no report that any importer recognises."""


class NothingToUndo(AfiError):
    """The store's history has no command left to undo."""


class UndoRefused(AfiError):
    """The command undo would revert was made by someone else."""


class OutputRefused(AfiError):
    """An output file would replace the store or something that belongs to it."""


class SegregationRefused(AfiError):
    """A closure would lack a second person or real evidence (segregation of duties)."""
