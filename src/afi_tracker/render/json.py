"""JSON: the stable, scriptable form of every view. No markup, no shortening.

The status schema is documented in docs/status.md; keys are only ever added.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from afi_tracker.render.base import Detail, Encoded, Listing

if TYPE_CHECKING:  # types only: `afi list -f json` loads neither
    from afi_tracker.reports.check import CheckResult
    from afi_tracker.reports.progress import StatusView, Totals


def encode(value: Any) -> bytes:
    """Indented JSON and a closing line break, as UTF-8 bytes."""
    # orjson: the stdlib encoder with indent runs in Python, seconds for a large store.
    import orjson

    return orjson.dumps(
        value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    )


def dumps(value: Any) -> str:
    return encode(value).decode()


def listing(view: Listing) -> Encoded:
    # Bytes all the way out: a list can run to 100k rows (cli/root.py `_emit`).
    return Encoded(encode(view.rows))


def detail(view: Detail) -> str:
    return dumps(view.data)


def totals_data(totals: Totals) -> dict[str, Any]:
    return {
        "items_total": totals.items_total,
        "items_complete": totals.items_complete,
        "items_without_action": totals.items_without_action,
        "actions_total": totals.actions_total,
        "actions_done": totals.actions_done,
        "actions_overdue": totals.actions_overdue,
        "percent_done": totals.percent_done,
        "rag": dict(totals.rag),
    }


def status_data(view: StatusView) -> dict[str, Any]:
    reports = []
    for report in view.reports:
        data: dict[str, Any] = {
            "key": report.key,
            "title": report.title,
            "force": report.force,
            "judgement": report.judgement,
            "published": report.published,
            "response_due": report.response_due,
            "response_passed": report.response_passed,
        }
        data.update(totals_data(report.totals))
        data["questions"] = [
            {
                "number": q.number,
                "text": q.text,
                "judgement": q.judgement,
                **totals_data(q.totals),
                "items": [asdict(i) for i in q.items],
            }
            for q in report.questions
        ]
        reports.append(data)
    return {"as_of": view.as_of, "totals": totals_data(view.totals), "reports": reports}


def status(view: StatusView) -> str:
    return dumps(status_data(view))


def pack(view: object) -> str:
    return dumps(asdict(view))  # type: ignore[call-overload]


def check(result: CheckResult) -> str:
    from afi_tracker.reports.check import as_data

    return dumps(as_data(result))


def import_outcome(outcome: Any) -> str:
    from afi_tracker.render.listings import import_outcome_data

    return dumps(import_outcome_data(outcome))


def doctor(result: Any) -> str:
    return dumps(dict(asdict(result), ok=result.ok))


def s55(view: Any) -> str:
    return dumps(dict(asdict(view), missing=view.missing))


def plan_outcome(outcome: Any) -> str:
    return dumps(plan_outcome_data(outcome))


def plan_outcome_data(outcome: Any) -> dict[str, Any]:
    """What an import-plan did or would do: each row under its outcome, and every problem."""
    rows: dict[str, list[dict[str, Any]]] = {
        o: [] for o in ("new", "changed", "unchanged", "skipped")
    }
    for row in outcome.rows:
        rows[row.outcome].append(asdict(row))
    return {
        "file": outcome.path,
        "dry_run": outcome.dry_run,
        "written": outcome.written,
        "columns": outcome.columns,
        "notes": outcome.notes,
        **rows,
        "problems": outcome.problems,
        "unknown_statuses": outcome.unknown_statuses,
    }
