"""The library's front door: reads (`snapshot`), and one method per change, one
transaction each.

The CLI makes one call here per command; tests and other programs can do the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from afi_tracker.domain import clock
from afi_tracker.domain.model import Action, ActionStatus, Item, Measure, Report

if TYPE_CHECKING:
    from afi_tracker.api import undo
    from afi_tracker.api.plan import PlanOutcome
    from afi_tracker.importers.apply import ImportOutcome
from afi_tracker.errors import InvalidValue
from afi_tracker.store.store import Snapshot, Store, Transaction, rewind


class Tracker:
    def __init__(
        self,
        store: Store,
        *,
        by: str = "",
        command: str = "",
        today: date | None = None,
        day_first: bool = True,
        allow_self_sign_off: bool = False,
        allow_placeholder_evidence: bool = False,
    ) -> None:
        self.store = store
        self.allow_self_sign_off = allow_self_sign_off
        self.allow_placeholder_evidence = allow_placeholder_evidence
        self.by = by
        self.command = command
        self.today = today or clock.today()
        self.day_first = day_first

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """The store as it is now, or as it was recorded by the end of `as_of`
        (from the history; `notices` says when the history cannot tell)."""
        snap = self.store.load()
        return snap if as_of is None else rewind(snap, as_of)

    def _who(self) -> str:
        # Every change is signed: a store's history must say who made each one.
        if not self.by.strip():
            raise InvalidValue("who is making this change is not known", code="who-unknown")
        return self.by

    def _change(
        self, *, dry_run: bool = False, create: bool = False
    ) -> AbstractContextManager[Transaction]:
        return self.store.transaction(self.command, self._who(), dry_run=dry_run, create=create)

    def _date(self, text: str | None) -> date | None:
        from afi_tracker.domain.dates import parse_date

        if text is None:
            return None
        return parse_date(text, self.today, day_first=self.day_first)

    def add(
        self,
        item: str,
        title: str,
        owners: str | Sequence[str],
        due: str | None,
        *,
        status: str = ActionStatus.PLANNED,
        note: str | None = None,
    ) -> Action:
        from afi_tracker.api import actions

        due_date = self._date(due)
        with self._change() as tx:
            return actions.add(tx, item, title, owners, due_date, status=status, note=note)

    def update(
        self,
        handle: str,
        *,
        title: str | None = None,
        owners: Sequence[str] | None = None,
        add_owners: Sequence[str] = (),
        remove_owners: Sequence[str] = (),
        due: str | None = None,
        reason: str | None = None,
        status: str | None = None,
        note: str | None = None,
        evidence: list[str] | None = None,
        description: str | None = None,
    ) -> Action:
        from afi_tracker.api import actions

        if status is not None:
            actions.check_status(status)
        due_date = self._date(due)
        with self._change() as tx:
            return actions.update(
                tx,
                handle,
                title=title,
                owners=owners,
                add_owners=add_owners,
                remove_owners=remove_owners,
                due=due_date,
                reason=reason,
                status=status,
                note=note,
                evidence=evidence,
                description=description,
            )

    def move(
        self,
        handle: str,
        status: str,
        *,
        reason: str | None = None,
        evidence: list[str] | None = None,
        description: str | None = None,
    ) -> Action:
        from afi_tracker.api import actions

        with self._change() as tx:
            return actions.transition(
                tx,
                tx.action(handle),
                status,
                reason=reason,
                evidence=evidence,
                description=description,
            )

    def reopen(self, handle: str, reason: str | None = None) -> Action:
        from afi_tracker.api import actions

        with self._change() as tx:
            return actions.reopen(tx, handle, reason)

    def delete(self, handle: str) -> Action:
        from afi_tracker.api import actions

        with self._change() as tx:
            return actions.delete(tx, handle)

    def close_item(
        self,
        handle: str,
        evidence: list[str],
        *,
        force: bool = False,
        description: str | None = None,
    ) -> Item:
        from afi_tracker.api import items

        with self._change() as tx:
            return items.close(
                tx,
                handle,
                evidence,
                force=force,
                description=description,
                allow_placeholder=self.allow_placeholder_evidence,
            )

    def sign_off(self, handle: str) -> Item:
        from afi_tracker.api import items

        with self._change() as tx:
            return items.sign_off(tx, handle, allow_self=self.allow_self_sign_off)

    def respond(self, handle: str, verdict: str, text: str) -> Item:
        from afi_tracker.api import items

        with self._change() as tx:
            return items.respond(tx, handle, verdict, text)

    def set_item(self, handle: str, status: str, reason: str | None) -> Item:
        from afi_tracker.api import items

        with self._change() as tx:
            return items.set_status(tx, handle, status, reason)

    def import_report(
        self,
        path: Path,
        *,
        key: str | None,
        dry_run: bool,
        allow_supersede: bool = False,
        allow_copy: bool = False,
    ) -> ImportOutcome:
        """Read a report file and add or update its report and items (nothing with dry_run).

        A path of `-` reads standard input. An item with work recorded against it
        is marked superseded only with allow_supersede, and a report already stored
        under another key is imported again only with allow_copy; otherwise nothing
        is written.
        """
        from afi_tracker.importers.apply import import_file

        return import_file(
            self.store,
            path,
            key=key,
            dry_run=dry_run,
            by=self._who(),
            command=self.command,
            allow_supersede=allow_supersede,
            allow_copy=allow_copy,
        )

    def import_plan(
        self,
        path: Path,
        *,
        report: str | None = None,
        mapping: dict[str, str] | None = None,
        statuses: dict[str, str] | None = None,
        skip: set[int] | None = None,
        dry_run: bool = False,
    ) -> PlanOutcome:
        """Adopt a force's action plan (.csv or .xlsx): one action per matched row.

        Raises PlanRefused, carrying the outcome, when a row not in `skip` has a
        problem: then nothing is written. With dry_run nothing ever is.
        """
        from afi_tracker.api.plan import PlanRefused, apply_plan
        from afi_tracker.importers.plan import read_plan

        with self._change(dry_run=dry_run) as tx:
            plan = read_plan(
                path,
                tx,
                self.today,
                report=report,
                mapping=mapping,
                statuses=statuses,
                day_first=self.day_first,
            )
            outcome = apply_plan(tx, plan, skip or set(), path.name)
            outcome.dry_run = dry_run
            if outcome.problems and not dry_run:
                raise PlanRefused(outcome)
            outcome.written = tx.changed and not dry_run
        return outcome

    def add_measure(
        self,
        item: str,
        name: str | None,
        *,
        target: str,
        by: str,
        baseline: str | None = None,
        baseline_date: str | None = None,
        unit: str | None = None,
        lower_is_better: bool = False,
        finding: str | None = None,
    ) -> Measure:
        from afi_tracker.api import measures

        by_date = self._date(by)
        assert by_date is not None
        spec = measures.MeasureSpec(
            item,
            name,
            target,
            by_date,
            baseline=baseline,
            baseline_date=self._date(baseline_date),
            unit=unit,
            lower_is_better=lower_is_better,
            finding=finding,
        )
        with self._change() as tx:
            return measures.add(tx, spec)

    def record_reading(
        self, handle: str, value: str, *, on: str | None = None, source: str | None = None
    ) -> Measure:
        from afi_tracker.api import measures

        day = self._date(on) or self.today
        with self._change() as tx:
            return measures.record_reading(tx, handle, value, day, source)

    def adopt(
        self,
        handle: str,
        owners: str | Sequence[str],
        *,
        report: str | None = None,
        item: str | None = None,
    ) -> Action:
        from afi_tracker.api import measures

        with self._change() as tx:
            return measures.adopt(tx, report, item, handle, owners)

    def add_report(
        self,
        title: str,
        *,
        key: str | None = None,
        force: str = "",
        programme: str = "",
        year: str = "",
        published: str | None = None,
        judgement: str | None = None,
    ) -> Report:
        """A report added by hand, for one no importer reads."""
        from afi_tracker.api import manual

        when = self._date(published)
        with self._change(create=True) as tx:
            return manual.add_report(
                tx,
                title=title,
                key=key,
                force=force,
                programme=programme,
                year=year,
                published=when,
                judgement_text=judgement,
            )

    def add_item(
        self,
        report: str,
        kind: str,
        text: str,
        *,
        question: str | None = None,
        deadline: str | None = None,
    ) -> Item:
        from afi_tracker.api import manual

        when = self._date(deadline)
        with self._change() as tx:
            return manual.add_item(
                tx, report, kind_text=kind, text=text, question=question, deadline=when
            )

    def edit_item(
        self, handle: str, *, text: str | None = None, deadline: str | None = None
    ) -> Item:
        """Correct an item's text or deadline; the old value stays in the history."""
        from afi_tracker.api import manual

        when = self._date(deadline)
        with self._change() as tx:
            return manual.edit_item(tx, handle, text=text, deadline=when)

    def undo(self, *, force: bool = False) -> undo.Undone:
        """Revert the last command; only the current user's unless `force`."""
        from afi_tracker.api import undo

        with self._change() as tx:
            return undo.undo_last(tx, force=force)
