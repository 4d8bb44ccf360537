"""TinyDB storages that never leave a half-written or silently damaged file.

TinyDB's own JSONStorage truncates and rewrites the file in place (a crash
mid-write loses the store) and CachingMiddleware defers writes (a crash loses
them). AtomicJSONStorage writes a temporary file beside the store, fsyncs it,
renames it over the old one and fsyncs the folder: a reader or a crash sees
either the old file or the new one, never a mixture.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .errors import StoreCorrupt, StoreWriteFailed

TEMP_SUFFIX = ".afi-tmp"


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f'duplicate key "{key}"')
        seen[key] = value
    return seen


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_store_bytes(raw: bytes, path: Path | str) -> Any:
    """Parse strictly: a store that needs guessing to read is reported, not read."""
    where = str(path)
    if not raw.strip():
        raise StoreCorrupt(f"store {where} is empty", hint=_RESTORE_HINT)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise StoreCorrupt(
            f"store {where} starts with a UTF-8 byte-order mark",
            hint="save it as UTF-8 without BOM, or restore it from a backup",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreCorrupt(
            f"store {where} is not UTF-8 (byte {exc.start})", hint=_RESTORE_HINT
        ) from None
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise StoreCorrupt(
            f"store {where} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            hint=_RESTORE_HINT,
        ) from None
    except ValueError as exc:
        raise StoreCorrupt(f"store {where} is not valid JSON: {exc}", hint=_RESTORE_HINT) from None


_RESTORE_HINT = "fix it by hand or restore it from version control; afi will not overwrite it"


def dump_store(data: dict[str, Any]) -> bytes:
    """One record per line: readable in a diff, and fast (json's C encoder, no indent).

    The meta table comes first and carries a digest of everything after it, so
    a file afi wrote can be trusted on the next read without the slow strict
    parse and validation; a hand-edited file fails the digest and gets both.
    """
    body_lines = []
    tables = [(name, docs) for name, docs in data.items() if name != "meta"]
    for t_index, (name, docs) in enumerate(tables):
        body_lines.append(f"{json.dumps(name)}:{{")
        rows = list(docs.items())
        for d_index, (doc_id, doc) in enumerate(rows):
            comma = "," if d_index < len(rows) - 1 else ""
            body_lines.append(f'"{doc_id}":{_ENCODE(doc)}{comma}')
        body_lines.append("}," if t_index < len(tables) - 1 else "}")
    body = ("\n".join(body_lines) + "\n}\n").encode("utf-8")
    meta = dict(data.get("meta", {}).get("1", {}), digest=_digest(body))
    head = "{\n" + '"meta":{\n"1":' + json.dumps(meta, ensure_ascii=False,
                                                 separators=(",", ":"), allow_nan=False)
    return (head + "\n}" + ("," if tables else "") + "\n").encode("utf-8") + body


_META_END = b"\n},\n"
# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _digest(body: bytes) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(body).hexdigest()


def read_store_bytes(raw: bytes, path: Path | str) -> tuple[Any, bool]:
    """(data, trusted): trusted when the file is exactly as afi last wrote it."""
    head_end = raw.find(_META_END, 0, 4096)
    if head_end > 0 and raw.startswith(b'{\n"meta":'):
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if isinstance(data, dict):
            meta = data.get("meta", {}).get("1") if isinstance(data.get("meta"), dict) else None
            body = raw[head_end + len(_META_END):]
            if isinstance(meta, dict) and meta.get("digest") == _digest(body):
                return data, True
    return parse_store_bytes(raw, path), False


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that no reader or crash sees a partial file."""
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_folder(folder)
    except OSError as exc:
        raise StoreWriteFailed(
            f"could not write store {path}: {exc.strerror or exc}",
            hint="the previous file is unchanged; free disk space or fix permissions and retry",
        ) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AtomicJSONStorage(Storage):
    """A TinyDB storage over one JSON file, read strictly and written atomically."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.trusted = False  # the last read found the file exactly as afi wrote it

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise StoreCorrupt(f"store {self.path} is a folder, not a file") from None
        except OSError as exc:
            raise StoreCorrupt(f"cannot read store {self.path}: {exc.strerror or exc}") from None
        data, self.trusted = read_store_bytes(raw, self.path)
        if data is None:
            # TinyDB reads None as "no store yet"; a file holding `null` is damage.
            raise StoreCorrupt(
                f"store {self.path} is not valid: top level is null, expected an object of tables",
                hint=_RESTORE_HINT,
            )
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, dump_store(data))

    def backup(self, suffix: str) -> Path:
        """Keep a byte-for-byte copy of the file as it is now, beside it."""
        target = self.path.with_name(self.path.name + suffix)
        atomic_write(target, self.path.read_bytes())
        return target

    def remove_stale_temps(self) -> None:
        """Delete temporary files a killed writer left behind.

        Called only under the store's lock: no live writer has a temp file then.
        """
        for leftover in self.path.parent.glob(f".{self.path.name}.*{TEMP_SUFFIX}"):
            try:
                leftover.unlink()
            except OSError:
                pass

    def close(self) -> None:
        pass
