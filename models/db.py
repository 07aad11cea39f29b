"""The one database handle every model uses, and how to open it from a URL."""
from __future__ import annotations

import os
from urllib.parse import urlparse

from peewee import SQL, Database, DatabaseProxy, Model, NodeList, SqliteDatabase, Value
from playhouse import db_url

from models.text import like_contains

db = DatabaseProxy()

# WAL lets the employer's overview read while a professional saves; the busy
# timeout makes a writer wait for another instead of failing at once.
SQLITE_BUSY_TIMEOUT_S = 10
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": SQLITE_BUSY_TIMEOUT_S * 1000,
    "synchronous": "normal",
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def sqlite_path(url: str) -> str | None:
    """The file behind a sqlite:// URL, or None for another database."""
    parsed = urlparse(url)
    if not parsed.scheme.startswith("sqlite"):
        return None
    path = parsed.path[1:] if parsed.path.startswith("/") else parsed.path
    return None if path in ("", ":memory:") else path


def open_database(url: str) -> Database:
    """Open the database at `url` (playhouse.db_url form) and bind the models to it.

    SQLite files are created readable by their owner only: they hold personal data.
    """
    path = sqlite_path(url)
    if path is not None:
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        if not os.path.exists(path):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        database = db_url.connect(url, pragmas=SQLITE_PRAGMAS, timeout=SQLITE_BUSY_TIMEOUT_S)
    else:
        database = db_url.connect(url)
    db.initialize(database)
    return database


def is_sqlite(database: Database | DatabaseProxy = db) -> bool:
    target = database.obj if isinstance(database, DatabaseProxy) else database
    return isinstance(target, SqliteDatabase)


def contains(column, needle: str) -> NodeList:
    """`column LIKE '%needle%'` with the user's % and _ taken literally, on both databases."""
    return NodeList((column, SQL("LIKE"), Value(like_contains(needle)), SQL("ESCAPE '\\'")))


def write_transaction():
    """A transaction for read-then-write logic: SQLite takes the write lock at BEGIN
    (IMMEDIATE), so two writers never both read the old state; use locked() for PostgreSQL."""
    return db.atomic("IMMEDIATE") if is_sqlite() else db.atomic()


def locked(query):
    """`query` with FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already serialises."""
    return query if is_sqlite() else query.for_update()
