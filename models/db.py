"""The one database handle every model uses, and how to open it from a URL."""
from __future__ import annotations

import functools
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from urllib.parse import urlparse

from peewee import SQL, Database, DatabaseProxy, Model, NodeList, OperationalError, PostgresqlDatabase, \
    SqliteDatabase, Value
from playhouse import db_url
from playhouse.shortcuts import ReconnectMixin

from models.private import private_folder  # also keeps query values out of peewee's log
from models.refusal import Refusal
from models.text import like_contains

db = DatabaseProxy()
log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

# WAL lets the employer's overview read while a professional saves; the busy
# timeout makes a writer wait for another instead of failing at once.
SQLITE_BUSY_TIMEOUT_S = 10
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": SQLITE_BUSY_TIMEOUT_S * 1000,
    "synchronous": "normal",
    "secure_delete": 1,  # a changed or deleted row's old bytes are zeroed, not left in free space (codes, names)
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


CONNECT_TIMEOUT_S = 5


class ReconnectingPostgresqlDatabase(ReconnectMixin, PostgresqlDatabase):
    """PostgreSQL whose connection is opened again when the server dropped it (a restart, a failover, an
    idle-connection reaper, pg_terminate_backend): the statement is run once more on a new connection.
    Peewee's own mixin, with psycopg 3's texts; never inside a transaction (ReconnectMixin refuses that:
    what the transaction did is gone, so the caller's error stands and the user tries again)."""

    reconnect_errors = (
        (OperationalError, "terminating connection"),  # 57P01: pg_terminate_backend, a fast shutdown
        (OperationalError, "the connection is closed"),  # the same connection used again afterwards
        (OperationalError, "server closed the connection"),
        (OperationalError, "consuming input failed"),
        (OperationalError, "connection is lost"),
    )

    def __init__(self, database: str, **kwargs) -> None:
        kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_S)  # an unreachable server must not hang a session
        super().__init__(database, **kwargs)


def sqlite_path(url: str) -> str | None:
    """The file behind a sqlite:// URL, or None for another database."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith("sqlite"):  # not urlparse: a bad other URL must not raise here
        return None
    path = rest.partition("/")[2].split("?", 1)[0]  # sqlite:///relative, sqlite:////absolute
    return None if path in ("", ":memory:") else path


def empty_log(database: Database | DatabaseProxy = db) -> bool:
    """SQLite: copy the write-ahead log into the database file and truncate it to nothing, so that what was
    just overwritten (a delivered code) is not left readable in the -wal file. False when a reader kept it
    from finishing (the next delivery tries again); True at once on PostgreSQL, which has no such file."""
    if not is_sqlite(database):
        return True
    busy, _, _ = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


def open_database(url: str) -> Database:
    """Open the database at `url` (playhouse.db_url form) and bind the models to it.

    SQLite files are created readable by their owner only: they hold personal data. A database bound
    before is closed first (this thread's connection): nothing could use it any more.
    """
    if db.obj is not None:
        db.obj.close()
    path = sqlite_path(url)
    if path is not None:
        private_folder(os.path.dirname(os.path.abspath(path)))
        if not os.path.exists(path):  # SQLite gives its -wal and -shm files the same mode
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        database = db_url.connect(url, pragmas=SQLITE_PRAGMAS, timeout=SQLITE_BUSY_TIMEOUT_S)
    elif urlparse(url).scheme in ("postgres", "postgresql"):
        database = ReconnectingPostgresqlDatabase(**db_url.parse(url))
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
    """`query` locking its rows on PostgreSQL; SQLite's IMMEDIATE transaction already serialises.

    FOR NO KEY UPDATE, not FOR UPDATE: nobody changes a key, and a stronger lock would also make
    others' foreign-key checks wait (a grant's audit row names the organisation a beheerder has
    locked), which deadlocked under load."""
    return query if is_sqlite() else query.for_update("FOR NO KEY UPDATE")


def share_locked(query):
    """`query` holding its rows unchanged until the transaction ends, on PostgreSQL (FOR SHARE): others
    may read and share them, but a writer that locks them (locked(), UPDATE) waits, and this waits for one.
    SQLite's IMMEDIATE transaction already serialises."""
    return query if is_sqlite() else query.for_update("FOR SHARE")


# -- a database that went away ----------------------------------------------------------------------------------
GONE = "De verbinding met de database is even weg; opnieuw verbinden…"
_PG_GONE_STATES = {"57P01", "57P02", "57P03"}  # admin shutdown, crash shutdown, cannot connect now


def is_disconnect(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or dropped the connection (class 08, a
    shutdown, or psycopg's own OperationalError without a server state: refused, closed, lost), so that the
    same work may succeed once the database is back."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None)
        if state is not None and (state.startswith("08") or state in _PG_GONE_STATES):
            return True
        if state is None and type(current).__name__ == "OperationalError" and \
                type(current).__module__.startswith("psycopg"):
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


# -- retrying a write that met another writer -------------------------------------------------------------------
BUSY = "De database is even bezet; probeer het opnieuw."
RETRY_ATTEMPTS = 4  # in all, the first included; on SQLite each may wait the busy timeout first
RETRY_DELAY_S = 0.05  # the first pause; it doubles after each attempt, with full jitter
_PG_RETRY_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_SQLITE_BUSY_TEXTS = ("database is locked", "database table is locked")


class DatabaseBusy(Refusal):
    """A change met other writers on every attempt (locked, deadlock, serialisation); trying again later helps."""

    def __init__(self) -> None:
        super().__init__(BUSY)


class RetryCounter:
    """How often this process repeated a write transaction, and gave up; for tests and the benchmark."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.retries = 0
        self.gave_up = 0

    def add(self, retries: int = 0, gave_up: int = 0) -> None:
        with self._lock:
            self.retries += retries
            self.gave_up += gave_up


retry_counter = RetryCounter()


def is_conflict(error: BaseException) -> bool:
    """Whether `error` says another transaction was in the way, so that running ours again may succeed:
    SQLite busy or locked, PostgreSQL serialization failure or deadlock. Peewee wraps the driver's
    error (`orig`); the wrapped one and any explicit cause are looked at too."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)) in _PG_RETRY_STATES:
            return True
        if str(getattr(current, "sqlite_errorname", "")).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return True
        if isinstance(current, sqlite3.OperationalError) and str(current).startswith(_SQLITE_BUSY_TEXTS):
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


def retry_on_conflict(function: Callable[P, T]) -> Callable[P, T]:
    """Run a domain write function again, whole, when another transaction was in its way (is_conflict).

    Only the outermost call retries: called inside a transaction, the function runs once and the
    error goes up to the call that owns the transaction. After RETRY_ATTEMPTS the user gets
    DatabaseBusy (Dutch message, a ValueError the screens show) instead of a driver error.
    The function must start from what is stored (not from what an earlier attempt changed in memory).
    """
    @functools.wraps(function)
    def retrying(*args: P.args, **kwargs: P.kwargs) -> T:
        if db.in_transaction():
            return function(*args, **kwargs)
        attempt = 1
        while True:
            try:
                return function(*args, **kwargs)
            except Exception as error:
                if not is_conflict(error):
                    raise
                if attempt >= RETRY_ATTEMPTS:
                    retry_counter.add(gave_up=1)
                    log.warning("%s: gave up after %d attempts: %r", function.__qualname__, attempt, error)
                    raise DatabaseBusy() from error
                retry_counter.add(retries=1)
                log.info("%s: attempt %d met another transaction (%r); trying again", function.__qualname__,
                         attempt, error)
                _back_off(attempt)
                attempt += 1
    return retrying


def _back_off(attempt: int) -> None:
    """A short pause, longer after each attempt, with jitter so that the same writers do not meet again."""
    time.sleep(random.uniform(0, RETRY_DELAY_S * 2 ** (attempt - 1)))
