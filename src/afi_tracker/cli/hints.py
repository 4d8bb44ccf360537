"""How to fix each library error, in this CLI's own words (its commands and flags).

The library raises an error with a `code` and the facts as `data`; it never
names a flag. An error with no entry here shows its own hint, if it has one.
"""

from __future__ import annotations

from typing import Final

from afi_tracker.errors import AfiError

HINTS: Final[dict[str, str]] = {
    "unknown-report": "run `afi reports` to see the report keys",
    "unknown-item": "run `afi items` to see item handles",
    "unknown-action": "run `afi list` to see actions",
    "unknown-measure": "run `afi measure list` to see measures",
    "unknown-finding": "run `afi findings --report KEY` to see its figures (F1...)",
    "unknown-commitment": "run `afi findings --report KEY` to see its commitments (C1...)",
    "which-report": "say which with --report KEY: {reports}",
    "which-item": "say which with --item ITEM: {items}",
    "baseline-required": "give --baseline VALUE, or --from-finding F1",
    "finding-unit": "leave out --unit, or give --unit {unit}",
    "target-wrong-side": "check the target, and --lower-is-better (given or not)",
    "who-unknown": "give --by NAME, or set AFI_USER",
    "no-store": "run `afi import REPORT.txt` to create one, or pass --db PATH",
    "store-invalid": "run `afi doctor` to list every problem; afi will not overwrite it",
    "store-read-only": "ask its owner to give you write access, or work on a copy",
    "not-an-owner": "run `afi show {action}` to see its owners",
    "last-owner": "give the new owner in the same command: --add-owner NAME or --owner NAME",
    "owner-empty": 'give each owner a name: --owner "Insp Patel" --owner "DS Jones"',
    "owner-control": "type the name on one line, without tabs or terminal escapes",
    "owner-add-and-remove": (
        "give it to --add-owner or --remove-owner, not both; to respell an owner, "
        "remove the old spelling and add the new: --remove-owner OLD --add-owner NEW"
    ),
    "unchanged": "nothing was written; `afi show {action}` shows it",
    "merge-not-a-store": (
        "the merge driver merges afi stores only: check the merge=afi lines in .gitattributes"
    ),
    "merge-schema-differs": (
        "migrate both first: make any change to each with this afi (the first write "
        "migrates it), commit, then merge"
    ),
    "conflict-markers": (
        "run `afi git resolve` to merge it record by record from git's copies, "
        "and `afi git setup` so the next merge needs no resolving"
    ),
    "store-folder-missing": "check --db, AFI_DB or the db setting in afi.toml",
    "undo-someone-else": "ask them, or add --force to revert it anyway",
    "output-is-store": "give -o a new file name, for example report.json",
    "self-sign-off": (
        "someone else must sign it off, or set sign_off.allow_self = true in afi.toml"
    ),
    "placeholder-evidence": (
        "give a link or file path, or set sign_off.allow_placeholder_evidence = true in afi.toml"
    ),
    "nothing-to-undo": "`afi log` shows what has changed",
    "recorded-later": "--as-of shows the record as it stood that day: give a later date",
    "item-closed": "reopen it first: afi item set {item} --status in-progress --reason ...",
    "action-finished": "reopen it first: afi reopen {action}",
    "new-action-finished": "add it, then use `afi done` or `afi cancel`",
    "new-action-blocked": "add it, then use `afi block ACTION --reason ...`",
    "reason-required": "add --reason TEXT",
    "deadline-reason-required": (
        "add --reason TEXT; the original deadline and every revision are kept"
    ),
    "nothing-to-change": (
        "give at least one of --title, --owner, --due, --status, --note, --evidence"
    ),
    "evidence-required": "add --evidence REF (a link or a file path)",
    "open-actions": "finish or cancel them first, or add --force (it is recorded)",
    "not-proposed": "propose it first: afi item close {item} --evidence REF",
    "not-settable": (
        "use one of: {settable}; closure goes through `afi item close` and `afi item sign-off`"
    ),
    "response-text-required": "add --text TEXT: what will be done, or why nothing will",
    "plan-no-columns": (
        "name the columns with --map COLUMN=FIELD (fields: {fields}), or add a header row"
    ),
    "plan-problems": (
        "fix the rows in the sheet, teach words with --status-map WORD=STATUS, "
        "or skip rows with --skip ROW"
    ),
    "report-exists": "choose another with --key KEY, or add items to it: afi item add {key} ...",
    "report-key-empty": "give a title with letters in it, or --key KEY",
    "item-edit-nothing": "give --text TEXT and/or --deadline DATE",
    "report-elsewhere": (
        "re-import it with --key {key} to update that report, or add --copy to keep a second copy"
    ),
    "would-supersede": (
        "check the report is the right one; add --allow-supersede to mark {items} superseded "
        "(their actions are kept)"
    ),
}


def hint_for(error: AfiError) -> str | None:
    """The CLI's hint for `error`: its code's entry, else the library's own hint."""
    template = HINTS.get(error.code or "")
    if template is None:
        return error.hint
    return template.format(**error.data)
