"""Shared fixtures: a migrated database per test on SQLite and on PostgreSQL, a fixed clock."""
from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from argon2 import profiles
from hypothesis import settings as hypothesis_settings
from peewee import Database

from models import ALL_MODELS
from models.clock import FixedClock
from models.db import open_database
from models.passwords import use_parameters
from models.schema import migrate

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

# Hypothesis: the same examples on every run under CI (a failure there can be replayed here);
# new ones locally, where finding something new is the point. HYPOTHESIS_PROFILE picks either.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

PG_ADMIN_URL = os.environ.get("INZAGE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Under CI a missing PostgreSQL is a failure, not a skip.
PG_REQUIRED = bool(os.environ.get("CI"))


@pytest.fixture(autouse=True, scope="session")
def cheap_hashing():
    """argon2's cheapest parameters in tests; one test checks the production ones."""
    use_parameters(profiles.CHEAPEST)
    yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Keep every test away from the user's real data and config folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("INZAGE_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def prompt_live_data(monkeypatch):
    """Batches of changes reach the screens as soon as they come: the gaps that keep a flood cheap
    (PUBLISH_GAP_S, DELIVER_GAP_S, GATHER_S; bench/live_update.py --burst measures them) would add up to
    minutes over the live tests' waits."""
    monkeypatch.setattr("tui.app.PUBLISH_GAP_S", 0.0)
    monkeypatch.setattr("models.changes.DELIVER_GAP_S", 0.0)
    monkeypatch.setattr("models.changes.GATHER_S", 0.01)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 28, 9, 0))


@pytest.fixture(autouse=True)
def pinned_lock_clock(clock, monkeypatch) -> None:
    """No domain check reads the wall clock in a test: a lock is compared with the test's own clock,
    the same one that set it (the suite passes with the system date years off; see README)."""
    monkeypatch.setattr("models.access.lock_clock", clock)


@pytest.fixture
def today(clock) -> dt.date:
    return clock.today()


@pytest.fixture(scope="session")
def pg_url():
    """A throw-away PostgreSQL database for this test session, migrated once."""
    try:
        admin = open_database(PG_ADMIN_URL)
        admin.connect()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL is required under CI but not reachable at {PG_ADMIN_URL}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {error}")
    name = f"inzage_test_{uuid.uuid4().hex[:10]}"
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    admin.close()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    database = open_database(url)
    migrate(database)
    database.close()
    yield url
    admin = open_database(PG_ADMIN_URL)
    admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _empty_all(database: Database) -> None:
    """Every table emptied and every id counting from 1 again. DELETE, not TRUNCATE: on tables this small
    it takes 4 ms instead of 150 (TRUNCATE makes new files for each table and its indexes)."""
    tables = [model._meta.table_name for model in reversed(ALL_MODELS)]  # children first
    with database.atomic():
        for table in tables:
            database.execute_sql(f'DELETE FROM "{table}"')
        database.execute_sql("SELECT " + ", ".join(
            f"setval(pg_get_serial_sequence('\"{table}\"', 'id'), 1, false)" for table in tables))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> bytes:
    """The file of a migrated, empty SQLite database: a copy of it is 50 times quicker than migrating anew."""
    path = tmp_path_factory.mktemp("template") / "inzage.sqlite3"
    database = open_database(f"sqlite:///{path}")
    migrate(database)
    database.close()  # the last connection: the WAL is written back into the file
    return path.read_bytes()


@pytest.fixture
def sqlite_db(tmp_path, migrated_sqlite) -> Database:
    path = tmp_path / "inzage.sqlite3"
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # as open_database makes it
    os.write(descriptor, migrated_sqlite)
    os.close(descriptor)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    """A migrated, empty database: a new SQLite file, or the session's PostgreSQL database emptied."""
    yield request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_db")


@pytest.fixture
def pg_db(pg_url) -> Database:
    """The session's PostgreSQL database, emptied: for tests of what only PostgreSQL does."""
    database = open_database(pg_url)
    _empty_all(database)
    yield database
    database.close()

