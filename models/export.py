"""The overview as a CSV file that Excel opens correctly (UTF-8 with BOM, ';', Dutch dates).

`export_overview` is the employer's operation: it asks again, at the moment of export, who the
employer may see, and records in the audit trail who was in the file (each professional sees it
under "Wie keek er"). `write_csv` only writes rows it is given to a new file.
"""
from __future__ import annotations

import csv
import datetime as dt
import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peewee import SQL, fn

from models.access import own_branches, visible_professionals
from models import changes
from models.accounts import Account
from models.changes import Kind, Topic
from models.audit import Action, AuditEvent, name_of
from models.clock import Clock, format_date
from models.db import db, is_sqlite, retry_on_conflict, write_transaction
from models.organisations import Branch
from models.overview import OverviewRow, overview_rows
from models.overview_set import OverviewSet
from models.private import private_folder
from models.professionals import Professional, Register, Registration, RegistrationPeriod
from models.refusal import Refusal
from models.text import fold

HEADER = ["Naam", "Register", "Registratienummer", "Einddatum", "Norm", "Behaald", "Status", "Periode"]
STATUS_WORDS = {"green": "groen", "red": "rood"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_SAVED = "De export kon niet worden opgeslagen in {folder}: {reason}."


class ExportFailed(Refusal):
    """The file could not be written; nothing was exported or recorded. The message is Dutch, safe to show."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int  # lines in the file, the header not counted
    professionals: int  # each has one PROFESSIONALS_EXPORTED event


@retry_on_conflict
def export_overview(account: Account, clock: Clock, folder: Path, *, register: str = "", number: str = "",
                    name: str = "", sort_key: str | None = None, reverse: bool = False) -> ExportResult:
    """The overview as the employer sees it now, filtered and sorted as on the screen, written to a new
    file in `folder`, and one audit event per professional in it.

    The model decides who is in the file, not the screen's rows: whoever revoked access (or whose
    grant ended, or whom the employer removed) since the screen loaded is left out.
    `register` is a register's name ("" for all); `sort_key` None keeps the default order
    (as OverviewSet.view).

    How the file and the audit trail agree: the rows are read first, then one INSERT … SELECT
    records the professionals that match the same filters among those visible — both in one
    transaction that reads one state of the database (SQLite: BEGIN IMMEDIATE; PostgreSQL:
    REPEATABLE READ, see _one_snapshot), so the two sets are the same; the number of audit rows is
    checked against the file's professionals all the same. The file is written inside the
    transaction, before the commit: if it cannot be written (ExportFailed), the audit rows are
    rolled back with it, and if the commit fails, the file is removed again. No file without its
    audit rows, no audit rows without their file. (The price: on SQLite other writers wait while the
    file is written: under a second for 100,000 professionals, well within the busy timeout.)
    """
    path: Path | None = None
    outermost = not db.in_transaction()
    try:
        with write_transaction():
            if outermost:
                _one_snapshot()
            today, now = clock.today(), clock.now()
            rows = OverviewSet(overview_rows(account, today, number=number, name=name)).view(
                register=register, number=number, name=name, sort_key=sort_key, reverse=reverse)
            professionals = len({row.professional_id for row in rows})
            recorded = _record(account, now, today, register=register, number=number, name=name)
            if recorded != professionals:  # the two selections drifted apart: a bug, so export nothing
                raise RuntimeError(f"export: {professionals} professionals in the file, {recorded} recorded")
            path = _write(rows, folder, today)
    except BaseException:
        if path is not None:  # written, but the commit failed: the file goes too
            path.unlink(missing_ok=True)
        raise
    return ExportResult(path, len(rows), professionals)


def _one_snapshot() -> None:
    """On PostgreSQL, let every statement of this transaction read the same snapshot (REPEATABLE READ),
    as SQLite's IMMEDIATE transaction does by itself. Only in a transaction of our own, as its first
    statement (PostgreSQL refuses it later); inside someone else's, consistency is theirs to keep."""
    if not is_sqlite():
        db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _record(account: Account, now: dt.datetime, today: dt.date, *, register: str, number: str, name: str) -> int:
    """One PROFESSIONALS_EXPORTED event per professional the filters keep among those `account` may see
    today, in one INSERT … SELECT however many there are; returns how many were recorded.

    The filters mean what OverviewSet.view means: the register's exact name, and the number and the
    folded name as exact substrings (instr/strpos, not LIKE, which ignores case on SQLite)."""
    branch = Branch.select().where(Branch.id.in_(own_branches(account))).get()  # exists: overview_rows checked
    has_period = RegistrationPeriod.select(SQL("1")).where(RegistrationPeriod.registration == Registration.id)
    matching = (
        Registration.select(Registration.professional)
        .join(Professional).switch(Registration).join(Register)
        .where(Registration.professional.in_(visible_professionals(account, today)), fn.EXISTS(has_period))
    )
    if register:
        matching = matching.where(Register.name == register)
    if number.strip():
        matching = matching.where(_has_substring(Registration.number, number.strip()))
    if fold(name):
        matching = matching.where(_has_substring(Professional.search_name, fold(name)))
    events = Professional.select(
        AuditEvent.at.to_value(now), AuditEvent.actor.to_value(account.id),
        AuditEvent.action.to_value(Action.PROFESSIONALS_EXPORTED.value), Professional.id,
        AuditEvent.organisation.to_value(branch.organisation_id), AuditEvent.branch.to_value(branch.id),
        AuditEvent.detail.to_value(""), name_of(account).alias("actor_name"),
    ).where(Professional.id.in_(matching))
    fields = [AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.professional, AuditEvent.organisation,
              AuditEvent.branch, AuditEvent.detail, AuditEvent.actor_name]
    recorded = AuditEvent.insert_from(events, fields).as_rowcount().execute()
    AuditEvent.record(now, Action.OVERVIEW_EXPORTED, account, organisation=branch.organisation_id, branch=branch,
                      detail={"professionals": recorded, "filtered": bool(register or number.strip() or fold(name))})
    if recorded:
        changes.record([Topic(Kind.LOOKED)], account.id)  # every professional's "Wie keek er" may have a new line
    return recorded


def _has_substring(column, needle: str):
    """`needle` occurs in `column`, case and all (as Python's `in`)."""
    position = fn.INSTR(column, needle) if is_sqlite() else fn.STRPOS(column, needle)
    return position > 0


def _write(rows: Sequence[OverviewRow], folder: Path, today: dt.date) -> Path:
    """write_csv, with an OSError told in Dutch (ExportFailed)."""
    try:
        return write_csv(rows, folder, today)
    except OSError as error:
        raise ExportFailed(NOT_SAVED.format(folder=folder, reason=_reason(error))) from error


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "u mag in die map geen bestanden opslaan"
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        return "op die plek staat een bestand, geen map"
    if isinstance(error, FileNotFoundError):
        return "die map bestaat niet"
    if error.errno == errno.ENOSPC:
        return "de schijf is vol"
    if error.errno == errno.EROFS:
        return "die schijf is alleen-lezen"
    return f"het systeem meldde een fout ({error.strerror or type(error).__name__})"


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Sequence[OverviewRow], folder: Path, today: dt.date) -> Path:
    """Write `rows` to a new file in `folder`; returns its path. No access check: export_overview decides."""
    private_folder(folder)  # folders it makes are the owner's; an existing Documents folder stays as it is
    path = _free_path(folder / f"inzage-professionals-{today.isoformat()}.csv")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADER)
            for row in rows:
                writer.writerow([
                    _cell(row.name), _cell(row.register), row.number, format_date(row.end_date), row.norm,
                    row.achieved, STATUS_WORDS[row.status], "huidig" if row.is_latest else "vorig",
                ])
    except BaseException:
        path.unlink(missing_ok=True)  # e.g. the disk filled up: no half a file
        raise
    return path


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
