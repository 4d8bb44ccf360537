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
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from afi_tracker.errors import OutputRefused, StoreCorrupt, StoreReadOnly, StoreWriteFailed

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


class _Joined:
    """Old history bytes and the new entries, written one after the other uncopied."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)


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
        if has_conflict_markers(raw):
            raise StoreCorrupt(
                f"store {where} has git conflict markers: it was merged line by line",
                code="conflict-markers",
                path=where,
            ) from None
        # Some messages end in "at" already ("Unterminated string starting at").
        at = "" if exc.msg.endswith(" at") else " at"
        raise StoreCorrupt(
            f"store {where} is not valid JSON: {exc.msg}{at} line {exc.lineno} column {exc.colno}",
            hint=_RESTORE_HINT,
        ) from None
    except ValueError as exc:
        raise StoreCorrupt(f"store {where} is not valid JSON: {exc}", hint=_RESTORE_HINT) from None


def has_conflict_markers(raw: bytes) -> bool:
    """Lines git writes around a conflict it could not merge."""
    return any(raw.startswith(mark) or b"\n" + mark in raw for mark in (b"<<<<<<< ", b">>>>>>> "))


_RESTORE_HINT = "fix it by hand or restore it from version control; afi will not overwrite it"


TABLE_ORDER = (
    "reports",
    "items",
    "actions",
    "action_details",
    "item_counts",
    "measures",
    "texts",
    "history",
)


def _encode(doc: Any) -> bytes:
    import orjson

    encoded: bytes = orjson.dumps(doc)
    return encoded


def _content(docs: dict[Any, Any]) -> bytes:
    """A table's records, one per line, separated by commas: `"1":{...},\n"2":{...}`."""
    return b",\n".join(
        b'"%s":%s' % (str(doc_id).encode(), _encode(doc)) for doc_id, doc in docs.items()
    )


def _assemble(meta: dict[str, Any], contents: dict[str, Any], crcs: dict[str, int]) -> list[Any]:
    """The file as chunks: the meta line first (with each table's CRC), then each table.

    One record per line keeps a change a small diff in git; the CRCs let the next
    read trust each table afi wrote without re-validating it, and skip tables a
    command does not need (history, above all).
    """
    names = [n for n in TABLE_ORDER if n in contents] + sorted(
        n for n in contents if n not in TABLE_ORDER
    )
    # Lengths let a reader find each table without scanning (or paging in) the others.
    meta = dict(
        meta,
        crc={name: crcs[name] for name in names},
        len={name: len(contents[name]) for name in names},
    )
    chunks: list[Any] = [b'{\n"meta":{\n"1":', _encode(meta), b"\n}"]
    for name in names:
        body = contents[name]
        chunks += [b',\n"', name.encode(), b'":{\n', body, b"\n}" if len(body) else b"}"]
    chunks.append(b"\n}\n")
    return chunks


def dump_store(data: dict[str, Any]) -> bytes:
    """The whole store encoded; its derived tables rebuilt from its records."""
    import zlib

    from afi_tracker.store import derived

    meta = dict(data.get("meta", {}).get("1", {}))
    contents = {
        name: _content(docs)
        for name, docs in data.items()
        if name != "meta" and name not in derived.DERIVED
    }
    if "actions" in data:
        contents[derived.COUNTS] = _content(derived.table_of(data["actions"].values()))
    crcs = {name: zlib.crc32(body) for name, body in contents.items()}
    if "actions" in crcs:
        meta[derived.COUNTS_OF] = crcs["actions"]  # in its place, as a patched write keeps it
    else:
        meta.pop(derived.COUNTS_OF, None)
    return b"".join(_assemble(meta, contents, crcs))


class _Buffer:
    """A store's bytes held in memory (a merge driver's input, an old layout)."""

    def __init__(self, buf: Any) -> None:
        self.buf = buf
        self.size = len(buf)

    def at(self, start: int, end: int) -> Any:
        return memoryview(self.buf)[start:end]

    def pieces(self, start: int, end: int) -> Any:
        yield self.at(start, end)

    def close(self) -> None:
        pass


class _File:
    """A store file read piece by piece at offsets: only the tables a command uses
    are ever in memory, never the whole file (a 100k store is 146 MB, 80 of it
    history that reads do not need).

    Never mapped: another program (an editor saving in place) may truncate the
    file, and touching a mapped page past the new end kills the process with
    SIGBUS. A shrinking file reads short, and a short read fails the CRC or the
    layout check: an error line or the strict path, not a signal.
    """

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.size = os.fstat(handle.fileno()).st_size

    def at(self, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        if hasattr(os, "pread"):
            return os.pread(self.handle.fileno(), end - start, start)
        self.handle.seek(start)  # Windows has no pread
        data: bytes = self.handle.read(end - start)
        return data

    def pieces(self, start: int, end: int) -> Any:
        """The bytes from `start` to `end`, _PIECE at a time, each read into the
        same buffer: a 146 MB copy allocates (and faults in) no fresh memory per
        piece. Each piece is valid until the next is asked for."""
        if not hasattr(os, "preadv"):
            for at in range(start, end, _PIECE):
                yield self.at(at, min(at + _PIECE, end))
            return
        view = memoryview(bytearray(min(_PIECE, max(end - start, 0))))
        fd = self.handle.fileno()
        for at in range(start, end, _PIECE):
            size = os.preadv(fd, [view[: min(_PIECE, end - at)]], at)
            yield view[:size]
            if size < min(_PIECE, end - at):
                return  # the file shrank: the CRC fails

    def close(self) -> None:
        self.handle.close()


_CHUNK = 1 << 24  # 16 MiB: large tables are searched piece by piece
_PIECE = 1 << 20  # 1 MiB: CRCs and copies go piece by piece through one buffer


def _find_close(reader: Any, start: int) -> int | None:
    """Where the table starting at `start` ends: the first "\\n}" followed by
    "," or a newline, found a piece at a time."""
    at = start
    while at < reader.size:
        piece = bytes(reader.at(at, min(at + _CHUNK + 3, reader.size)))
        offset = 0
        while True:
            found = piece.find(b"\n}", offset)
            if found < 0 or found + 3 > len(piece):
                break
            if piece[found + 2 : found + 3] in (b",", b"\n"):
                return at + found
            offset = found + 2
        at += _CHUNK
    return None


class _Span:
    """An untouched table copied from the old file into the new one, piece by piece.

    Its CRC was checked before the write; it is checked again as it is copied, so
    a file changed in place meanwhile fails the write instead of being trusted.
    """

    def __init__(self, source: Sections, name: str) -> None:
        self.source = source
        self.name = name
        start, end = source.spans[name]
        self.start, self.end = start, end

    def __len__(self) -> int:
        return self.end - self.start

    def pieces(self) -> Any:
        import zlib

        crc = 0
        for piece in self.source.reader.pieces(self.start, self.end):
            crc = zlib.crc32(piece, crc)
            yield piece
        if crc != self.source.meta["crc"][self.name]:
            raise OSError(f"table {self.name} changed on disk while it was copied")


class Sections:
    """A store file afi wrote, read table by table.

    Each table is parsed only when asked for, after its CRC is checked; a file
    not laid out as afi writes it is not a Sections, and a table whose CRC does
    not match reads as None: the caller then falls back to the strict parse.
    """

    def __init__(self, reader: Any, meta: dict[str, Any], spans: dict[str, tuple[int, int]]):
        self.reader = reader
        self.meta = meta
        self.spans = spans  # table -> (start, end) of its content bytes
        self._kept: dict[str, bytes] = {}  # checked_content's tables, CRC checked

    @classmethod
    def locate(cls, buf: Any) -> Sections | None:
        return cls._locate(_Buffer(buf))

    @classmethod
    def open(cls, path: Path) -> Sections | None:
        """The file at `path`, checked to be laid out as afi writes it, tables unread.

        OSError (not found, a folder, unreadable) is the caller's to report.
        """
        handle = path.open("rb")
        try:
            found = cls._locate(_File(handle))
        except BaseException:
            handle.close()
            raise
        if found is None:
            handle.close()
        return found

    @classmethod
    def _locate(cls, reader: Any) -> Sections | None:
        prefix = b'{\n"meta":{\n"1":'
        if bytes(reader.at(0, len(prefix))) != prefix:
            return None
        looked = 4096  # the meta line: a few hundred bytes
        while True:
            head = bytes(reader.at(0, looked))
            meta_end = head.find(b"\n}", len(prefix))
            if meta_end >= 0 or looked >= reader.size:
                break
            looked *= 8
        if meta_end < 0:
            return None
        try:
            meta = parse_store_bytes(head[len(prefix) : meta_end], "meta")
        except StoreCorrupt:
            return None
        crcs = meta.get("crc") if isinstance(meta, dict) else None
        if not isinstance(crcs, dict):
            return None
        lengths = meta.get("len") if isinstance(meta.get("len"), dict) else {}
        spans: dict[str, tuple[int, int]] = {}
        cursor = meta_end + 2
        for name in crcs:
            header = b',\n"' + name.encode() + b'":{\n'
            if bytes(reader.at(cursor, cursor + len(header))) != header:
                return None
            start = cursor + len(header)
            size = lengths.get(name)
            if isinstance(size, int) and size >= 0:
                end = start + size
                close = b"\n}" if size else b"}"
                if bytes(reader.at(end, end + len(close))) == close:
                    spans[name] = (start, end)
                    cursor = end + len(close)
                    continue
                # Not where its length says: edited by hand or merged line by line.
            if bytes(reader.at(start, start + 1)) == b"}":
                spans[name] = (start, start)
                cursor = start + 1
                continue
            # Records never hold a raw newline, so the first "\n}" followed by ","
            # or a newline closes the table.
            found = _find_close(reader, start)
            if found is None:
                return None
            spans[name] = (start, found)
            cursor = found + 2
        if reader.size != cursor + 3 or bytes(reader.at(cursor, reader.size)) != b"\n}\n":
            return None
        return cls(reader, meta, spans)

    def content(self, name: str) -> Any:
        start, end = self.spans[name]
        return self.reader.at(start, end)

    def checked_content(self, name: str) -> bytes | None:
        """The table's bytes if its CRC matches (None if not), read once and
        kept: a write that looks up and patches a few records of a table reads
        and checks it once, and patches the very bytes it checked."""
        import zlib

        kept = self._kept.get(name)
        if kept is None:
            if name not in self.spans:
                return b""
            kept = bytes(self.content(name))
            if zlib.crc32(kept) != self.meta["crc"][name]:
                return None
            self._kept[name] = kept
        return kept

    def span(self, name: str) -> Any:
        """The table's bytes for a write: in memory already, or copied from the file."""
        if isinstance(self.reader, _Buffer):
            return self.content(name)
        return _Span(self, name)

    def _crc(self, name: str) -> int:
        import zlib

        crc = 0
        for piece in self.reader.pieces(*self.spans[name]):
            crc = zlib.crc32(piece, crc)
        return crc

    def crc_ok(self, name: str) -> bool:
        """The table is as afi wrote it."""
        return bool(self._crc(name) == self.meta["crc"][name])

    def intact(self) -> bool:
        """Every table's CRC matches: nothing was edited since afi wrote the file."""
        return all(self._crc(n) == self.meta["crc"][n] for n in self.spans)

    def table(self, name: str) -> dict[str, Any] | None:
        """The table's records, or None if its CRC shows it was edited."""
        import gc
        import zlib

        import orjson

        if name not in self.spans:
            return {}
        start, end = self.spans[name]
        if start == end:
            return {} if self.meta["crc"][name] == 0 else None
        # The braces around the content make it one JSON object: parse it in
        # place. Pausing the cyclic GC halves the time for a large table.
        raw = self.reader.at(start - 2, end + 2)
        if zlib.crc32(memoryview(raw)[2:-2]) != self.meta["crc"][name]:
            return None
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            table: dict[str, Any] = orjson.loads(raw)
        finally:
            if gc_was_on:
                gc.enable()
        return table

    def project(self, name: str, fields: tuple[str, ...]) -> list[dict[str, Any]] | None:
        """Every record of the table cut down to `fields`, equal values shared;
        None if its CRC fails. Parsed a few thousand lines at a time, so the
        whole records never all exist at once: the peak memory of counting 100k
        actions is their few fields, not 100k full records."""
        import zlib

        import orjson

        content = bytes(self.content(name))
        if zlib.crc32(content) != self.meta["crc"][name]:
            return None
        lines = content.split(b",\n") if content else []
        del content
        shared: dict[Any, Any] = {}
        out: list[dict[str, Any]] = []
        for at in range(0, len(lines), 4096):
            part: dict[str, Any] = orjson.loads(b"{" + b",\n".join(lines[at : at + 4096]) + b"}")
            for doc in part.values():
                cut: dict[str, Any] = {}
                for field in fields:
                    if field in doc:
                        value = doc[field]
                        key = tuple(value) if isinstance(value, list) else value
                        try:
                            cut[field] = shared.setdefault(key, value)
                        except TypeError:  # unhashable (a list of objects): kept as is
                            cut[field] = value
                out.append(cut)
        return out

    def records(self, name: str, keys: list[str]) -> dict[str, Any] | None:
        """The records `keys` of the table, parsing only their lines, each found
        by a binary search; None if its CRC fails, or if its lines are not in id
        order (checked by a scan for each id not found, or for more than a few,
        of the whole table's order once)."""
        import orjson

        content = self.checked_content(name)
        if content is None:
            return None
        found: dict[str, Any] = {}
        missing: list[bytes] = []
        for key in keys:
            wanted = key.encode()
            at, present = line_at(content, wanted)
            if present:
                found.update(orjson.loads(b"{%s}" % content[at : line_end(content, at)]))
            else:
                missing.append(wanted)
        return found if _all_absent(content, missing) else None

    def matching(self, name: str, words: list[bytes]) -> dict[str, Any] | None:
        """A superset of the records of the table that hold a string made of
        `words` (lower-case bytes) apart by whitespace, in any ASCII case; parsing
        only their lines. None if its CRC fails. A listing of one owner's actions
        finds their lines by the owner's name and parses only those.

        A line matches when, lower-cased, it holds the words in order, apart by
        runs of spaces or of the escapes JSON writes for other whitespace (tab,
        line feed, U+001F...) and followed by such a run and a closing quote: how
        afi's encoder writes any string whose words are these. Every line with a
        non-ASCII byte is taken too (its letters may fold to the words). The whole
        table is searched at C speed,
        never split into 100k lines in Python.
        """
        import re
        import zlib

        import orjson

        if not words or not all(words):
            return self.table(name)
        content = bytes(self.content(name))
        if zlib.crc32(content) != self.meta["crc"][name]:
            return None
        if not content:
            return {}
        low = content.lower()  # ASCII letters only: byte offsets are unchanged
        space = rb"(?: |\\[tnrf]|\\u00(?:0b|1[c-f]))"
        wanted = re.compile((space + b"+").join(map(re.escape, words)) + space + b'*"')
        spans: set[tuple[int, int]] = set()
        for pattern, text in ((wanted, low), (re.compile(rb"[\x80-\xff]"), content)):
            if text is content and content.isascii():
                break
            found = pattern.search(text)
            while found is not None:
                end = low.find(b"\n", found.end())
                end = len(low) if end < 0 else end
                spans.add((low.rfind(b"\n", 0, found.start()) + 1, end))
                found = pattern.search(text, end)
        lines = [content[start:end].removesuffix(b",") for start, end in sorted(spans)]
        if not lines:
            return {}
        picked: dict[str, Any] = orjson.loads(b"{" + b",\n".join(lines) + b"}")
        return picked

    def having(self, name: str, field: str) -> dict[str, Any] | None:
        """`field` of each record of the table where it is a non-empty list, by
        record id, parsing little more than those lists; None if the table's CRC
        fails. A listing needs each action's evidence, which 100k actions' notes
        and deadline revisions only bury.

        As afi writes a record, such a line holds `"field":[` and then not `]`
        (no spaces; a quote inside a string is escaped, so no string holds it).
        When the field is the record's last (as the layout writes details), its
        list runs from there to the line's closing brace, and all those lists
        are parsed as one array; if any is not (the array would not parse, or
        not into as many lists), the lines are parsed whole instead.
        """
        import re
        import zlib

        import orjson

        content = bytes(self.content(name))
        if zlib.crc32(content) != self.meta["crc"][name]:
            return None
        pattern = re.compile(b'"' + re.escape(field.encode()) + rb'":(\[)[^\]]')
        keys: list[bytes] = []
        lines: list[bytes] = []
        lists: list[bytes] = []
        found = pattern.search(content)
        while found is not None:
            end = content.find(b"\n", found.end())
            end = len(content) if end < 0 else end
            start = content.rfind(b"\n", 0, found.start()) + 1
            line = content[start:end].removesuffix(b",")
            keys.append(line[1 : line.index(b'"', 1)])
            lines.append(line)
            lists.append(content[found.start(1) : start + len(line) - 1])
            found = pattern.search(content, end)
        if not lines:
            return {}
        try:
            values = orjson.loads(b"[" + b",".join(lists) + b"]")
        except orjson.JSONDecodeError:
            values = None
        if isinstance(values, list) and len(values) == len(keys):
            return {key.decode(): value for key, value in zip(keys, values, strict=True)}
        records: dict[str, Any] = orjson.loads(b"{" + b",\n".join(lines) + b"}")
        return {key: doc[field] for key, doc in records.items() if doc.get(field)}

    def checked_table(self, name: str) -> dict[str, Any] | None:
        """A table whose CRC does not match (a hand edit, a line-by-line merge),
        read as strictly as the whole-file parse would, in one pass; or None when
        it cannot be read so (the caller then parses the whole file strictly,
        which names the fault).

        Every record line afi would write byte for byte is taken as parsed: its
        encoding has no duplicate key and no NaN. Only the lines that differ (the
        edited ones) are parsed again strictly. Records still need validating.
        """
        import gc
        import json

        import orjson

        start, end = self.spans[name]
        if start == end:
            return {}
        raw = bytes(self.reader.at(start, end))
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            try:
                table = orjson.loads(b"{" + raw + b"}")
            except orjson.JSONDecodeError:
                return None
            lines = raw.split(b"\n")
            if not isinstance(table, dict) or len(lines) != len(table):
                return None  # a record split over lines, or one id twice
            last = len(lines) - 1
            for n, ((key, doc), line) in enumerate(zip(table.items(), lines, strict=True)):
                ending = b"" if n == last else b","
                if line == b'"%s":%s%s' % (key.encode(), orjson.dumps(doc), ending):
                    continue
                body = line[: len(line) - len(ending)] if line.endswith(ending) else None
                try:
                    record = json.loads(
                        b"{" + body + b"}" if body is not None else b"",
                        object_pairs_hook=_reject_duplicates,
                        parse_constant=_reject_constant,
                    )
                except ValueError:
                    return None
                if list(record) != [key]:
                    return None
        finally:
            if gc_was_on:
                gc.enable()
        return table

    def close(self) -> None:
        self.reader.close()


def line_at(content: bytes, key: bytes) -> tuple[int, bool]:
    """Where the record `key` is in a table's content (`"id":{...}` lines joined
    by `,\\n`, in id order): the start of its line and True, or the start of the
    first line after it and False. A binary search over byte offsets: no line
    is split off or parsed on the way."""
    lo, hi = 0, len(content)
    # Lines starting before lo have smaller ids, lines starting at hi or after
    # larger ones; lo is a line start, hi a line start or the end.
    while lo < hi:
        mid = (lo + hi) // 2
        at = mid if mid == 0 else content.find(b"\n", mid - 1) + 1
        if at <= 0 or at >= hi:
            at = lo
        found = content[at + 1 : content.index(b'"', at + 1)]
        if found == key:
            return at, True
        if found < key:
            nl = content.find(b"\n", at)
            lo = len(content) if nl < 0 else nl + 1
        else:
            hi = at
    return lo, False


def line_end(content: bytes, start: int) -> int:
    """The end of the line starting at `start`, before its separating comma."""
    nl = content.find(b"\n", start)
    return len(content) if nl < 0 else nl - 1


def _absent(content: bytes, key: bytes) -> bool:
    """No line of the table has this id (a scan, in whatever order the lines are)."""
    head = b'"%s":' % key
    return not content.startswith(head) and content.find(b"\n" + head) < 0


def _all_absent(content: bytes, keys: list[bytes]) -> bool:
    """The ids a binary search did not find are not in the table: a scan for
    each of a few; for more, the whole table's order is checked once (in id
    order, the search cannot have missed one)."""
    if len(keys) <= 4:
        return all(_absent(content, key) for key in keys)
    return _in_order(content)


def _in_order(content: bytes) -> bool:
    import re

    ids = re.findall(rb'(?:^|\n)"([^"]*)":', content)
    return all(a < b for a, b in zip(ids, ids[1:], strict=False))


def _patched(source: Sections, name: str, changes: dict[str, Any]) -> _Joined | None:
    """The table's bytes with the changed records' lines replaced, added (in id
    order) or dropped, as pieces of the old bytes around the new lines; None when
    its CRC fails or its lines are not in id order (then it is encoded whole).

    Each record's line is found by a binary search; a record not found that way
    is confirmed absent by a scan (or, for many, by checking the whole table's
    order once), so a line is never written twice."""
    content = source.checked_content(name)
    if content is None:
        return None
    edits: list[tuple[int, int, bytes, bytes | None]] = []  # (at, kind, key, line)
    missing: list[bytes] = []
    for key, doc in changes.items():
        wanted = str(key).encode()
        at, present = line_at(content, wanted)
        line = None if doc is None else b'"%s":%s' % (wanted, _encode(doc))
        if present:
            edits.append((at, 1, wanted, line))
            continue
        missing.append(wanted)
        if line is not None:
            edits.append((at, 0, wanted, line))
    if not _all_absent(content, missing):
        return None
    items: list[Any] = []
    view = memoryview(content)
    cursor = 0
    # An added record's place came from the search: the line before it has a
    # smaller id and the line at it a larger one.
    for at, kind, _key, line in sorted(edits):
        if at > cursor:
            items.append(view[cursor : at - 2 if at < len(content) else at])
        if line is not None:
            items.append(line)
        cursor = line_end(content, at) + 2 if kind == 1 else max(cursor, at)
    if cursor < len(content):
        items.append(view[cursor:])
    parts: list[Any] = []
    for n, item in enumerate(items):
        if n:
            parts.append(b",\n")
        parts.append(item)
    return _Joined(*parts)


def _pieces(chunks: list[Any]) -> Any:
    """The bytes of the file to write, in order, copied tables read as they go."""
    for chunk in chunks:
        for part in chunk.parts if isinstance(chunk, _Joined) else [chunk]:
            if isinstance(part, _Span):
                yield from part.pieces()
            else:
                yield part


def crash_point(name: str) -> None:
    """A test hook: with AFI_TEST_PAUSE_AT=name, stop here so a test can kill -9 the process.

    The process first creates the file AFI_TEST_PAUSE_FILE (the test then knows
    the point was reached), then waits to be killed. Unset, it costs one lookup.
    """
    if os.environ.get("AFI_TEST_PAUSE_AT") != name:
        return
    import time

    Path(os.environ["AFI_TEST_PAUSE_FILE"]).touch()
    while True:
        time.sleep(1)


def check_writable(path: Path, label: str | Path | None = None) -> None:
    """Refuse to replace a file its user could not write in place.

    `os.replace` needs only the folder to be writable, so without this a
    `chmod 444` store, or one owned by someone else, would be rewritten. Root
    may write anything, so for root a file with no write bit at all is refused.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError:
        return
    writable = os.access(path, os.W_OK)
    if writable and os.geteuid() == 0 and not st.st_mode & 0o222:
        writable = False
    if not writable:
        raise StoreReadOnly(
            f"store {label or path} is read-only for this user (mode "
            f"{st.st_mode & 0o777:o}, owner uid {st.st_uid}); nothing was written",
            code="store-read-only",
        )


def atomic_write(path: Path, payload: bytes | Iterable[Any]) -> None:
    """Replace `path` with `payload` so that no reader or crash sees a partial file.

    The new file keeps the old one's mode, group (and, for root, owner): in a
    shared folder the next user can still write it.
    """
    folder = path.parent
    owner: tuple[int, int] | None = None
    try:
        st = path.stat()
        mode = st.st_mode & 0o7777
        owner = (st.st_uid if os.geteuid() == 0 else -1, st.st_gid)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                view = memoryview(payload)
                chunks: Iterable[Any] = [view[: len(view) // 2], view[len(view) // 2 :]]
            else:
                chunks = payload
            for n, chunk in enumerate(chunks):
                handle.write(chunk)
                if n == 0:
                    handle.flush()
                    crash_point("temp-partial")
            handle.flush()
            os.fsync(handle.fileno())
        if owner is not None:
            try:
                os.chown(tmp_name, *owner)
            except OSError:
                pass  # not allowed to give it that group: keep ours
        os.chmod(tmp_name, mode)
        crash_point("before-replace")
        os.replace(tmp_name, path)
        tmp_name = None
        crash_point("after-replace")
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


_STORE_START = re.compile(rb'^\s*\{\s*"meta"\s*:\s*\{\s*"1"\s*:')


def looks_like_store(path: Path) -> bool:
    """The file starts as every afi store does: its `meta` table first."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    return bool(_STORE_START.match(head))


def refuse_to_overwrite_store(output: Path, store: Path) -> None:
    """Refuse an output file that is the store, its lock, a backup or temp, or any store.

    Paths are compared after resolving symlinks, `..` and case-free spellings
    the filesystem treats as one file, so no spelling of the store gets past.
    """
    real = Path(os.path.realpath(output))
    store_real = Path(os.path.realpath(store))
    why = None
    if real == store_real or (real.exists() and store_real.exists() and _same(real, store_real)):
        why = "it is the store"
    elif real.parent == store_real.parent and real.name.startswith(store_real.name + "."):
        why = "it belongs to the store (its lock, a backup or a temporary file)"
    elif real.name.startswith(".") and real.name.endswith(TEMP_SUFFIX):
        why = "it is a store's temporary file"
    elif real.is_file() and looks_like_store(real):
        why = "it is an afi store"
    if why:
        raise OutputRefused(
            f"will not write {output}: {why}; nothing was written",
            code="output-is-store",
        )


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class AtomicJSONStorage(Storage):
    """A TinyDB storage over one JSON file, read strictly and written atomically.

    Besides TinyDB's read() and write(), it offers sections(): lazy, checked,
    table-by-table access to a file afi wrote; and write_changes(): a write that
    copies untouched tables as bytes and appends to the history.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _bytes(self) -> bytes | None:
        # Read into memory, never mapped: another program (an editor saving in
        # place) may truncate the file, and touching a mapped page past the new
        # end kills the process with SIGBUS. A shrinking file reads short, and
        # a short read fails the CRC or the parse: an error line, not a signal.
        try:
            with self.path.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise StoreCorrupt(f"store {self.path} is a folder, not a file") from None
        except OSError as exc:
            raise StoreCorrupt(f"cannot read store {self.path}: {exc.strerror or exc}") from None

    def check_writable(self, label: str | None = None) -> None:
        check_writable(self.path, label)

    def sections(self) -> Sections | None:
        try:
            return Sections.open(self.path)
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise StoreCorrupt(f"store {self.path} is a folder, not a file") from None
        except OSError as exc:
            raise StoreCorrupt(f"cannot read store {self.path}: {exc.strerror or exc}") from None

    def read(self) -> dict[str, dict[str, Any]] | None:
        buf = self._bytes()
        if buf is None:
            return None
        data: dict[str, dict[str, Any]] | None = parse_store_bytes(bytes(buf), self.path)
        if data is None:
            # TinyDB reads None as "no store yet"; a file holding `null` is damage.
            raise StoreCorrupt(
                f"store {self.path} is not valid: top level is null, expected an object of tables",
                hint=_RESTORE_HINT,
            )
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, dump_store(data))

    def write_changes(
        self,
        meta: dict[str, Any],
        tables: dict[str, dict[Any, Any]],
        history: dict[int, Any],
        source: Sections,
        patches: dict[str, dict[str, Any]] | None = None,
        whole: Callable[[str], dict[Any, Any]] | None = None,
        stamps: dict[str, str] | None = None,
    ) -> None:
        """Write `tables` anew, patch the records in `patches` (id -> record, or
        None to drop it) into their tables' bytes, copy the other tables from
        `source`, append `history`. `whole(name)` gives a table to encode whole
        when its bytes cannot be patched. `stamps` (meta field -> table) records
        in meta the CRC each named table is written with."""
        import zlib

        contents: dict[str, Any] = {}
        crcs: dict[str, int] = {}
        patches = patches or {}
        for name in list(source.spans) + [n for n in [*tables, *patches] if n not in source.spans]:
            if name in contents:
                continue
            if name in patches and name not in tables:
                body = _patched(source, name, patches[name])
                if body is not None:
                    contents[name] = body
                    crc = 0
                    for part in body.parts:
                        crc = zlib.crc32(part, crc)
                    crcs[name] = crc
                    continue
                if whole is None:
                    raise StoreWriteFailed(f"could not write store {self.path}: {name} changed")
                tables = dict(tables, **{name: whole(name)})
            if name in tables:
                contents[name] = _content(tables[name])
                crcs[name] = zlib.crc32(contents[name])
            else:
                contents[name] = source.span(name)
                crcs[name] = source.meta["crc"][name]
        if history:
            old = contents.get("history", b"")
            added = _content(history)
            joint = (b",\n" if len(old) else b"") + added
            contents["history"] = joint if not len(old) else _Joined(old, joint)
            crcs["history"] = zlib.crc32(joint, crcs.get("history", 0))
        for field, name in (stamps or {}).items():
            meta = dict(meta, **{field: crcs[name]})
        atomic_write(self.path, _pieces(_assemble(meta, contents, crcs)))

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
