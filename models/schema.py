"""Applying migrations and telling whether a database's schema is the one this code expects."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from peewee import Database
from playhouse.migrations import Runner

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_migration"


class SchemaState(StrEnum):
    EMPTY = "empty"  # a new database: nothing applied yet
    CURRENT = "current"
    OUTDATED = "outdated"  # migrations pending: run `inzage migrate`
    NEWER = "newer"  # applied migrations this code does not know: update inzage


@dataclass(frozen=True)
class SchemaReport:
    state: SchemaState
    pending: list[str]
    unknown: list[str]


def _runner(database: Database, directory: Path) -> Runner:
    return Runner(database, str(directory), table_name=HISTORY_TABLE)


def inspect_schema(database: Database, directory: Path = MIGRATIONS_DIR) -> SchemaReport:
    """Compare the migrations applied to `database` with those this code ships."""
    status = _runner(database, directory).status()
    pending = [m.name for m in status if m.path is not None and not m.applied]
    unknown = [m.name for m in status if m.path is None]
    applied_any = any(m.applied for m in status)
    if unknown:
        state = SchemaState.NEWER
    elif not applied_any and not _has_tables(database):
        state = SchemaState.EMPTY
    elif pending:
        state = SchemaState.OUTDATED
    else:
        state = SchemaState.CURRENT
    return SchemaReport(state, pending, unknown)


def _has_tables(database: Database) -> bool:
    return any(table != HISTORY_TABLE for table in database.get_tables())


def migrate(database: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration, each in its own transaction. Returns their names."""
    return _runner(database, directory).up()
