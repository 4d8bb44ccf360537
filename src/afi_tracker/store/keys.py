"""Document ids two clones can never both mint, in an order that never changes.

Schema 3 keys every record by its uid (a random 128-bit key) written as a
39-digit decimal: TinyDB reads it as a whole-number id, two clones cannot
mint the same one, and sorting the text sorts the records by uid, so a record
keeps its line when others are added or removed. History entries are keyed by
their transaction id (a microsecond timestamp and a random tail) and their
place in it, so the history stays in time order and an append is an append.
"""

from __future__ import annotations

import random
import time

UID_DIGITS = 39  # len(str(2**128 - 1))
TXN_DIGITS = 19  # microseconds since 1970 (16 digits) and 3 random digits
SEQ_DIGITS = 5


def doc_key(uid: str) -> str:
    """The document id of the record with this uid."""
    try:
        number = int(uid, 16) if len(uid) == 32 else None
    except ValueError:
        number = None
    if number is None:  # a uid not minted by afi: hash it to the same width
        import hashlib  # rare: not loaded by a command that never needs it

        number = int(hashlib.md5(uid.encode(), usedforsecurity=False).hexdigest(), 16)
    return f"{number:0{UID_DIGITS}d}"


def stable_uid(*parts: str) -> str:
    """A uid derived from what a record already is (for records that lack one)."""
    import hashlib

    return hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def new_txn() -> int:
    """A transaction id: later commands have larger ids, two clones never share one."""
    return time.time_ns() // 1000 * 1000 + random.randrange(1000)


def history_key(txn: int, seq: int) -> str:
    return f"{txn:0{TXN_DIGITS}d}{seq:0{SEQ_DIGITS}d}"
