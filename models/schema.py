"""Applying migrations and telling whether a database's schema is the one this code expects.

One run at a time: several `inzage migrate` (or apps starting on a new database) at once wait for
each other's lock and find nothing left to do, instead of applying the same migration twice.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from peewee import Database, DatabaseError
from playhouse.migrations import Runner

from models.db import is_conflict, is_sqlite

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_migration"
ADVISORY_LOCK_KEY = 0x696E7A616765  # "inzage": PostgreSQL's lock for a migration run, one per database
RESTORE = "Zet een back-up terug, of vraag de beheerder van inzage om hulp."
BUSY = "een andere `inzage migrate` is de database nog aan het bijwerken. Probeer het zo opnieuw."


class SchemaState(StrEnum):
    EMPTY = "empty"  # a new database: nothing applied yet
    CURRENT = "current"
    OUTDATED = "outdated"  # migrations pending: run `inzage migrate`
    NEWER = "newer"  # applied migrations this code does not know: update inzage
    DAMAGED = "damaged"  # the history does not match the tables: migrating would fail halfway


@dataclass(frozen=True)
class SchemaReport:
    state: SchemaState
    pending: list[str]
    unknown: list[str]
    missing: list[str] = field(default_factory=list)  # DAMAGED: not in the history, though later ones are
    unreadable: bool = False  # DAMAGED: the history table is of another shape, or holds what is no migration

    def damage(self) -> str:
        """What is wrong with a DAMAGED history, in Dutch, for the user."""
        if self.unreadable:
            return (f"de migratiegeschiedenis van de database (tabel {HISTORY_TABLE}) is onleesbaar: de tabel heeft "
                    f"niet de kolommen id, name en applied, of er staat iets anders in dan namen van migraties. "
                    f"inzage wijzigt de database daarom niet. {RESTORE}")
        if self.missing:
            return (f"de migratiegeschiedenis van de database (tabel {HISTORY_TABLE}) is beschadigd: "
                    f"{', '.join(self.missing)} ontbreekt, terwijl latere migraties wel zijn toegepast. "
                    f"inzage wijzigt de database daarom niet. {RESTORE}")
        return (f"de database heeft tabellen maar geen migratiegeschiedenis (tabel {HISTORY_TABLE} ontbreekt of "
                f"is leeg). inzage wijzigt de database daarom niet. {RESTORE}")


class MigrationError(Exception):
    """Migrating stopped before changing anything it could not finish; the message (Dutch) says why."""


def _runner(database: Database, directory: Path) -> Runner:
    return Runner(database, str(directory), table_name=HISTORY_TABLE)


def inspect_schema(database: Database, directory: Path = MIGRATIONS_DIR) -> SchemaReport:
    """Compare the migrations applied to `database` with those this code ships."""
    try:
        status = _history(database, directory)
    except (DatabaseError, TypeError, ValueError):  # a history table of another shape, or other content
        return SchemaReport(SchemaState.DAMAGED, [], [], unreadable=True)
    known = [m for m in status if m.path is not None]
    pending = [m.name for m in known if not m.applied]
    unknown = [m.name for m in status if m.path is None]
    last_applied = max((index for index, m in enumerate(known) if m.applied), default=0)
    missing = [m.name for m in known[:last_applied] if not m.applied]
    applied_any = any(m.applied for m in status)
    if unknown:
        state = SchemaState.NEWER
    elif missing or (not applied_any and _has_tables(database)):
        state = SchemaState.DAMAGED
    elif not applied_any:
        state = SchemaState.EMPTY
    elif pending:
        state = SchemaState.OUTDATED
    else:
        state = SchemaState.CURRENT
    return SchemaReport(state, pending, unknown, missing)


def _history(database: Database, directory: Path) -> list:
    """playhouse's status of every migration, after checking that the history table is the one it keeps:
    columns id, name and applied, every name text. On PostgreSQL a failed read is rolled back (savepoint)."""
    runner = _runner(database, directory)
    if database.table_exists(HISTORY_TABLE):
        columns = {column.name for column in database.get_columns(HISTORY_TABLE)}
        if not {"id", "name", "applied"} <= columns:
            raise ValueError(f"{HISTORY_TABLE}: columns {sorted(columns)}")
    with database.atomic():
        status = runner.status()
    if any(not isinstance(m.name, str) for m in status):
        raise TypeError(f"{HISTORY_TABLE}: a name that is no text")
    return status


def _has_tables(database: Database) -> bool:
    return any(table != HISTORY_TABLE for table in database.get_tables())


def migrate(database: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration; returns their names. Under a lock: a run that waited for
    another finds what that one applied. On PostgreSQL each migration is its own transaction; on
    SQLite the whole run is one (exclusive) transaction.

    MigrationError, before anything is changed, for a damaged history (tables but no record of
    them): applying 0001 again would fail halfway. Also when a migration fails (nothing of it stays).
    """
    with _one_run_at_a_time(database):
        report = inspect_schema(database, directory)
        if report.state == SchemaState.DAMAGED:
            raise MigrationError(report.damage())
        runner = _runner(database, directory)
        applied: list[str] = []
        for name in report.pending:
            try:
                applied += runner.up(name)
            except DatabaseError as error:
                if is_conflict(error):
                    raise
                raise MigrationError(f"migratie {name} kon niet worden toegepast ({' '.join(str(error).split())}); "
                                     f"de database is niet gewijzigd door deze migratie. Klopt de "
                                     f"migratiegeschiedenis (tabel {HISTORY_TABLE}) met de tabellen? "
                                     f"{RESTORE}") from error
        return applied


@contextlib.contextmanager
def _one_run_at_a_time(database: Database) -> Iterator[None]:
    """PostgreSQL: a session advisory lock around the run. SQLite: one exclusive transaction, with
    foreign keys off first (SQLite ignores that pragma inside a transaction; rebuilding a table with
    them on would delete the rows that refer to it), as playhouse's migrator does per migration."""
    if not is_sqlite(database):
        database.execute_sql("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        try:
            yield
        finally:
            with contextlib.suppress(DatabaseError):  # a lost connection has let go of it already
                database.execute_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        return
    foreign_keys = bool(database.pragma("foreign_keys"))
    database.pragma("foreign_keys", 0)
    try:
        with database.atomic("EXCLUSIVE"):
            yield
    except DatabaseError as error:
        if is_conflict(error):  # another run held the lock longer than the busy timeout
            raise MigrationError(BUSY) from error
        raise
    finally:
        if foreign_keys:
            database.pragma("foreign_keys", 1)
