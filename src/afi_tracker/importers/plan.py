"""Reading a force's own action plan: a spreadsheet (.xlsx) or a CSV, one row per action.

This module reads the sheet, recognises its columns, reads each row's values
(dates by afi's own rules plus Excel serial dates; the force's own status
words) and matches each row to an item: by handle when the sheet came from
afi, otherwise by the item's text with rapidfuzz. A weak or ambiguous match is
never guessed. Nothing here writes: api/plan.py applies the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from afi_tracker.domain.dates import parse_date
from afi_tracker.domain.model import ACTION_STATUSES, Item
from afi_tracker.errors import AfiError, InvalidValue, NotFound
from afi_tracker.store.store import Snapshot


class PlanUnreadable(AfiError):
    """The plan file cannot be read as a sheet at all."""


# The fields a plan's columns can feed, and the column names recognised for each
# (compared lower-case, punctuation dropped). The first column found for a field wins.
FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "report": ("report", "report key", "inspection", "inspection report"),
    "ref": ("ref", "reference", "ref no", "item", "item id", "handle", "afi ref", "id", "no"),
    "text": (
        "area for improvement",
        "areas for improvement",
        "afi",
        "recommendation",
        "recommendations",
        "cause of concern",
        "finding",
        "item text",
        "text",
        "hmicfrs recommendation",
        "hmicfrs finding",
        "description",
        "issue",
    ),
    "action_id": ("action id", "action ref", "action handle"),
    "action": (
        "action",
        "actions",
        "action title",
        "planned action",
        "proposed action",
        "activity",
        "action to be taken",
        "what we will do",
    ),
    "owner": (
        "lead",
        "owner",
        "action owner",
        "lead officer",
        "responsible",
        "responsible officer",
        "accountable lead",
        "assigned to",
        "who",
    ),
    "due": (
        "target date",
        "deadline",
        "due",
        "due date",
        "target",
        "completion date",
        "target completion date",
        "date due",
        "by when",
        "when",
    ),
    "status": ("status", "action status", "current status", "progress status", "state"),
    "update": (
        "latest update",
        "update",
        "progress update",
        "progress",
        "comments",
        "comment",
        "notes",
        "note",
        "latest position",
        "current position",
    ),
}
FIELD_NAMES: Final = tuple(FIELDS)

# The force's words for an action's status, and afi's own. --status-map adds more.
STATUS_WORDS: Final[dict[str, str]] = {
    **{s: s for s in ACTION_STATUSES},
    "not started": "planned",
    "not yet started": "planned",
    "planned": "planned",
    "open": "planned",
    "new": "planned",
    "to do": "planned",
    "todo": "planned",
    "in progress": "in-progress",
    "in hand": "in-progress",
    "ongoing": "in-progress",
    "on track": "in-progress",
    "on target": "in-progress",
    "started": "in-progress",
    "underway": "in-progress",
    "under way": "in-progress",
    "delayed": "in-progress",
    "behind": "in-progress",
    "behind schedule": "in-progress",
    "at risk": "in-progress",
    "off track": "in-progress",
    "blocked": "blocked",
    "on hold": "blocked",
    "paused": "blocked",
    "stalled": "blocked",
    "complete": "done",
    "completed": "done",
    "done": "done",
    "closed": "done",
    "finished": "done",
    "achieved": "done",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "withdrawn": "cancelled",
    "no longer required": "cancelled",
}

# A fuzzy match is taken only at or above STRONG, and only when the runner-up
# is at least MARGIN behind; anything else is listed and skipped.
STRONG: Final = 75.0
MARGIN: Final = 8.0

_HANDLE = re.compile(r"^\s*[Ii](\d+)\s*$")
ACTION_HANDLE = re.compile(r"^\s*[Aa](\d+)\s*$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-/]+(\d{4}|\d{2})$")
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_NO_DATE: Final = frozenset({"", "-", "--", "n/a", "na", "tbc", "tba", "tbd", "none", "ongoing"})


def header_key(text: str) -> str:
    """`Target date:` and ` TARGET  DATE` both -> `target date`."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).replace("_", " ").split())


@dataclass
class Sheet:
    """One table of cells read from a file, with where it came from."""

    name: str
    rows: list[list[Any]]
    note: str = ""  # how it was read: encoding and delimiter of a CSV


@dataclass
class Row:
    """One row of a plan, its values read, and the item it matched (or why not)."""

    number: int  # the spreadsheet's own row number, header counted
    sheet: str
    values: dict[str, Any]
    report: str | None = None
    item: str | None = None
    score: float | None = None
    matched_by: str | None = None  # "handle" or "text"
    due: date | None = None
    status: str | None = None
    problems: list[str] = field(default_factory=list)
    skip: str | None = None  # why this row is skipped without being a problem

    @property
    def where(self) -> str:
        return f"{self.sheet} row {self.number}" if self.sheet else f"row {self.number}"

    def owners(self) -> list[str]:
        """The owner cell's names. A cell names several only where it separates
        them unambiguously: by ";" or a line break. A comma may be inside one
        name ("Patel, A"), so it never splits; empty parts are ignored."""
        from afi_tracker.domain.model import owner_names

        value = self.values.get("owner")
        if value is None:
            return []
        parts = (" ".join(part.split()) for part in re.split(r"[;\n\r]", str(value)))
        return owner_names(part for part in parts if part)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split())


@dataclass
class Plan:
    """A plan file read and matched: its columns, its rows, every problem."""

    path: str
    columns: dict[str, dict[str, str]]  # sheet -> column heading -> field
    rows: list[Row]
    notes: list[str] = field(default_factory=list)  # how the file was read, sheets passed over

    @property
    def problems(self) -> list[str]:
        return [f"{row.where}: {p}" for row in self.rows for p in row.problems]


# -- reading the file ------------------------------------------------------------------------


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx, or the one table of a CSV (encoding and delimiter sniffed)."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InvalidValue(f"{path} is a folder, not a plan") from None
    except OSError as exc:
        raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or raw[:4] == b"PK\x03\x04":
        return _read_xlsx(path, raw)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PlanUnreadable(
            f"{path.name} is encrypted (password-protected) or an old .xls workbook",
            hint="open it in Excel, remove the password, and save it as .xlsx or .csv",
        )
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        raise PlanUnreadable(
            f"{path.name} is not a .csv or .xlsx file",
            hint="save the plan as .xlsx or .csv",
        )
    return [_read_csv(path, raw)]


def _read_xlsx(path: Path, raw: bytes) -> list[Sheet]:
    import zipfile

    from openpyxl import load_workbook

    if raw[:4] != b"PK\x03\x04":
        encrypted = raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        raise PlanUnreadable(
            f"{path.name} is "
            + ("encrypted (password-protected)" if encrypted else "not an .xlsx workbook"),
            hint="open it in Excel, remove any password, and save it as .xlsx or .csv",
        )
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise PlanUnreadable(
            f"{path.name} is damaged: cannot read it as an .xlsx workbook ({type(exc).__name__})",
            hint="open it in Excel and save a fresh copy, or save it as .csv",
        ) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged part
        raise PlanUnreadable(
            f"{path.name} is damaged: cannot read it as an .xlsx workbook ({type(exc).__name__})",
            hint="open it in Excel and save a fresh copy, or save it as .csv",
        ) from None
    try:
        sheets = []
        for ws in book.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets.append(Sheet(ws.title, rows))
        return sheets
    finally:
        book.close()


def _read_csv(path: Path, raw: bytes) -> Sheet:
    import csv
    import io

    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding, raw_text = "utf-16", raw.decode("utf-16", errors="replace")
    else:
        try:
            encoding, raw_text = "utf-8", raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on Windows saves CSV as cp1252; latin-1 reads any byte at all.
            try:
                encoding, raw_text = "cp1252", raw.decode("cp1252")
            except UnicodeDecodeError:
                encoding, raw_text = "latin-1", raw.decode("latin-1")
    sample = raw_text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    from afi_tracker.domain.safetext import unguard_formula

    # A cell afi's export guarded against running as a formula ('=...) reads back as it was.
    rows = [
        [unguard_formula(c) for c in r]
        for r in csv.reader(io.StringIO(raw_text, newline=""), delimiter=delimiter)
    ]
    named = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    return Sheet("", rows, note=f"read {path.name} as {encoding}, {named}-separated")


# -- columns ---------------------------------------------------------------------------------


def _mapping_lookup(mapping: dict[str, str]) -> dict[str, str]:
    for column, name in mapping.items():
        if name not in FIELDS:
            raise InvalidValue(
                f'"{name}" is not a plan field (in {column}={name})',
                hint=f"fields: {', '.join(FIELD_NAMES)}",
            )
    return {header_key(column): name for column, name in mapping.items()}


# afi's own CSV export (`afi export -f csv`): its columns mean exactly these fields.
# There `action` is the action's handle and `deadline` the item's, so the common
# names would misread them; its `notes` (every note, dated) is not an update,
# its `latest_update` (the last note alone) is.
AFI_EXPORT_COLUMNS: Final[dict[str, str]] = {
    "report": "report",
    "item": "ref",
    "item text": "text",
    "action": "action_id",
    "action title": "action",
    "owner": "owner",
    "due": "due",
    "action status": "status",
    "latest update": "update",
}
_AFI_EXPORT_SIGNATURE: Final = frozenset({"item", "item text", "action", "action title", "due"})


def recognise(headers: list[Any], mapping: dict[str, str]) -> dict[int, str]:
    """Column index -> field, by --map first, then afi's own export's names when
    the header row is that export's, else the common names."""
    wanted = _mapping_lookup(mapping)
    taken: dict[int, str] = {}
    used: set[str] = set()
    keys = [header_key(str(h)) if h is not None else "" for h in headers]
    for index, key in enumerate(keys):
        if key and key in wanted and wanted[key] not in used:
            taken[index] = wanted[key]
            used.add(wanted[key])
    if _AFI_EXPORT_SIGNATURE <= set(keys):
        for index, key in enumerate(keys):
            name = AFI_EXPORT_COLUMNS.get(key)
            if name and name not in used and index not in taken:
                taken[index] = name
                used.add(name)
        return taken
    for name, names in FIELDS.items():
        if name in used:
            continue
        for alias in names:
            found = [i for i, k in enumerate(keys) if k == alias and i not in taken]
            if found:
                taken[found[0]] = name
                used.add(name)
                break
    return taken


def _header_row(rows: list[list[Any]], mapping: dict[str, str]) -> tuple[int, dict[int, str]]:
    """The first of the top rows that names at least two fields, one of them an item's."""
    for index, row in enumerate(rows[:15]):
        taken = recognise(row, mapping)
        names = set(taken.values())
        if len(names) >= 2 and names & {"text", "ref"}:
            return index, taken
    return -1, {}


# -- values ----------------------------------------------------------------------------------


def read_date(value: Any, today: date, *, day_first: bool = True) -> date | None:
    """A cell as a date: a real date, an Excel serial number, or text afi can read."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), str(value))
    text = " ".join(str(value).split())
    if text.casefold() in _NO_DATE:
        return None
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _serial(float(text), text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", text):
        text = text[:10]
    if match := _MONTH_YEAR.match(text.casefold()):
        # "March 2025", "Mar-25": the end of that month.
        year = int(match.group(2))
        year += 2000 if year < 100 else 0
        try:
            return parse_date(f"end of {match.group(1)}", date(year, 1, 1), day_first=day_first)
        except InvalidValue:
            pass
    return parse_date(text, today, day_first=day_first)


def _serial(number: float, text: str) -> date:
    # Excel's day 1 is 1 January 1900, and it counts a 29 February 1900 that never was.
    if not 1 <= number < 2958466:
        raise InvalidValue(f'cannot read "{text}" as a date: not an Excel date number')
    return _EXCEL_EPOCH + timedelta(days=int(number))


def status_key(word: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", word.casefold()).replace("-", " ").split())


def read_status(word: str, extra: dict[str, str]) -> str | None:
    """afi's action status for the force's word, or None when it is not understood."""
    key = status_key(word)
    for table in (extra, STATUS_WORDS):
        for known, status in table.items():
            if status_key(known) == key:
                return status
    if key.replace(" ", "-") in ACTION_STATUSES:
        return key.replace(" ", "-")
    return None


def status_mapping(pairs: dict[str, str]) -> dict[str, str]:
    for word, status in pairs.items():
        if status not in ACTION_STATUSES:
            raise InvalidValue(
                f'"{status}" is not an action status (in {word}={status})',
                hint=f"use one of: {', '.join(ACTION_STATUSES)}",
            )
    return dict(pairs)


# -- matching --------------------------------------------------------------------------------


def _processed(text: str) -> str:
    text = text.casefold()
    text = re.sub(r"^\s*(?:the\s+)?(?:force|service)\s+should\s+", "", text)
    text = re.sub(r"^\s*we\s+(?:will|should)\s+", "", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _match_text(text: str, items: list[Item]) -> tuple[Item | None, float, str | None]:
    """The item `text` names, its score, or None and why (weak or ambiguous)."""
    from rapidfuzz import fuzz

    wanted = _processed(text)
    scored = sorted(
        ((fuzz.token_set_ratio(wanted, _processed(i["text"])), i) for i in items),
        key=lambda pair: -pair[0],
    )
    if not scored:
        return None, 0.0, "no items to match against"
    best_score, best = scored[0]
    if best_score < STRONG:
        return None, best_score, f"weak match (best {best['id']} at {best_score:.0f})"
    if len(scored) > 1 and best_score - scored[1][0] < MARGIN:
        other_score, other = scored[1]
        return (
            None,
            best_score,
            f"ambiguous match: {best['id']} ({best_score:.0f}) or {other['id']} "
            f"({other_score:.0f})",
        )
    return best, best_score, None


def read_plan(
    path: Path,
    snap: Snapshot,
    today: date,
    *,
    report: str | None = None,
    mapping: dict[str, str] | None = None,
    statuses: dict[str, str] | None = None,
    day_first: bool = True,
) -> Plan:
    """Read `path`, recognise its columns and match every row; changes nothing."""
    mapping = mapping or {}
    extra = status_mapping(statuses or {})
    if report is not None:
        snap.report(report)
    sheets = read_sheets(path)
    plan = Plan(str(path), {}, [])
    for sheet in sheets:
        if sheet.note:
            plan.notes.append(sheet.note)
        start, taken = _header_row(sheet.rows, mapping)
        if start < 0:
            if len(sheets) > 1:
                plan.notes.append(f"sheet {sheet.name}: no recognisable columns; passed over")
            continue
        headers = sheet.rows[start]
        taken, note = _no_handles_as_titles(sheet.rows, start, taken, mapping)
        if note:
            plan.notes.append(note)
        plan.columns[sheet.name] = {str(headers[i]).strip(): name for i, name in taken.items()}
        previous: dict[str, Any] = {}
        for offset, cells in enumerate(sheet.rows[start + 1 :], start=start + 2):
            values = {
                name: cells[i] for i, name in taken.items() if i < len(cells) and _filled(cells[i])
            }
            if not values:
                continue
            if not values.keys() & {"text", "ref"} and values.get("action") and previous:
                # Merged or blank cells under an item: the row continues the item above.
                values = {
                    **{k: previous[k] for k in ("report", "ref", "text") if k in previous},
                    **values,
                }
            previous = values
            plan.rows.append(Row(offset, sheet.name, values))
    if not plan.columns:
        recognised = ", ".join(f'"{n}"' for n in FIELDS["text"][:3] + FIELDS["ref"][:1])
        raise PlanUnreadable(
            f"{path.name} has no recognisable columns: no header row names an item "
            f"(such as {recognised}) and one other field",
            code="plan-no-columns",
            fields=", ".join(FIELD_NAMES),
        )
    _match(plan, snap, today, report, extra, day_first)
    return plan


def _no_handles_as_titles(
    rows: list[list[Any]], start: int, taken: dict[int, str], mapping: dict[str, str]
) -> tuple[dict[int, str], str | None]:
    """A column taken as the action's title whose every value is an action handle
    (A1, A2...) holds handles, not titles: it becomes the action-id column (when
    there is none) and the title is looked for among the other columns."""
    column = next((i for i, name in taken.items() if name == "action"), None)
    if column is None:
        return taken, None
    values = [r[column] for r in rows[start + 1 :] if column < len(r) and _filled(r[column])]
    if not values or not all(ACTION_HANDLE.match(str(v)) for v in values):
        return taken, None
    headers = list(rows[start])
    headers[column] = None
    again = {i: name for i, name in recognise(headers, mapping).items() if i != column}
    if "action_id" not in again.values():
        again[column] = "action_id"
    name = str(rows[start][column]).strip()
    note = f'"{name}" holds action handles (A1, A2...), not titles: not read as the action'
    return dict(sorted(again.items())), note


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _match(
    plan: Plan,
    snap: Snapshot,
    today: date,
    report: str | None,
    extra: dict[str, str],
    day_first: bool,
) -> None:
    keys = {r["key"] for r in snap.reports}
    seen: dict[tuple[str, str], int] = {}
    titles: dict[tuple[str, str], int] = {}  # titles of the rows keyed by handle
    for row in plan.rows:
        row_report = report
        named = row.text("report")
        if row_report is None and named in keys:
            row_report = named
        row.report = row_report
        candidates = snap.items_of(row_report) if row_report else snap.items
        ref = row.text("ref")
        handle = _HANDLE.match(ref)
        item = _item_or_none(snap, f"I{handle.group(1)}") if handle else None
        if item is not None:
            if row_report is None or item["report"] == row_report:
                row.item, row.score, row.matched_by = item["id"], 100.0, "handle"
        if row.item is None:
            text = row.text("text")
            if not text:
                if ref:
                    row.problems.append(f'no item "{ref}" and no item text to match')
                else:
                    row.problems.append("no item text or reference")
                continue
            found, score, why = _match_text(text, candidates)
            row.score = round(score, 1)
            if found is None:
                row.problems.append(f"{why}: {_short(text)}")
                continue
            row.item, row.matched_by = found["id"], "text"
        item = snap.item(row.item)
        if row.report is None:
            row.report = item["report"]
        title = row.text("action")
        if not title:
            row.skip = "no action in this row"
            continue
        # A row that names its action's handle (afi's own export) is that action:
        # two actions may share a title, so only the same handle twice repeats.
        handle_of = ACTION_HANDLE.match(row.text("action_id"))
        titled = (row.item, title.casefold())
        if handle_of:
            key = (row.item, f"A{handle_of.group(1)}")
            if key in seen:
                row.problems.append(f"repeats row {seen[key]} (same action {key[1]})")
                continue
            titles.setdefault(titled, row.number)
        else:
            key = titled
            if key in seen or key in titles:
                first = seen.get(key, titles.get(key))
                row.problems.append(f"repeats row {first} (same item {row.item} and action)")
                continue
        seen[key] = row.number
        try:
            row.due = read_date(row.values.get("due"), today, day_first=day_first)
        except InvalidValue as exc:
            row.problems.append(f"{exc.message} (target date)")
        word = row.text("status")
        if word:
            row.status = read_status(word, extra)
            if row.status is None:
                row.problems.append(f'status "{word}" not understood')
        try:
            owner_list = row.owners()
        except InvalidValue as exc:  # a name with a control character in it
            row.problems.append(f"{exc.message} (owner)")
        else:
            if not owner_list:
                row.problems.append("no lead or owner")


def _short(text: str, width: int = 60) -> str:
    from afi_tracker.domain.safetext import shorten

    return shorten(text, width)


def unknown_statuses(plan: Plan) -> dict[str, list[int]]:
    """Each status word not understood, and the rows that use it."""
    words: dict[str, list[int]] = {}
    for row in plan.rows:
        if any(p.startswith("status ") for p in row.problems):
            words.setdefault(row.text("status"), []).append(row.number)
    return words


def _item_or_none(snap: Snapshot, handle: str) -> Item | None:
    # By handle, not by document id: ids are uids since schema 3.
    try:
        return snap.item(handle)
    except NotFound:
        return None
