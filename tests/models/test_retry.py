"""A write that meets another writer is run again, whole, by retry_on_conflict; the user never sees the lock.

Real locks: a second SQLite connection holding the write lock while ours waits only 50 ms, and on
PostgreSQL a real deadlock and a real serialization failure between two connections.
"""
from __future__ import annotations

import importlib
import sqlite3
import threading
import time

import peewee
import psycopg
import pytest

from models import ALL_MODELS, Activity, AuditEvent, Organisation
from models.activities import ActivityForm, add_activity
from models.audit import Action
from models.db import BUSY, DatabaseBusy, db, is_conflict, open_database, retry_counter, retry_on_conflict
from models.professionals import RegistrationPeriod
from models.refusal import Refusal
from tests import story

db_module = importlib.import_module("models.db")  # the module; `models.db` is also the name of the proxy
FORM = ActivityForm(title="Meldcode", category="training", date="12-11-2026", points="10", provider="Movisie")


@pytest.fixture
def tester(sqlite_db):
    """Test, with an account and a running period in the Register Sociaal Werkers."""
    test = story.professional("T.", "Test")
    period = story.latest_period(story.registration(test, story.register()))
    return story.account_of(test), period


@pytest.fixture
def counted():
    """The process-wide retry counter's change during the test."""
    before = (retry_counter.retries, retry_counter.gave_up)

    def change() -> tuple[int, int]:
        return retry_counter.retries - before[0], retry_counter.gave_up - before[1]
    return change


# -- SQLite: another connection holds the write lock ------------------------------------------------------------
@pytest.fixture
def impatient_sqlite(sqlite_db):
    """Our connection gives up waiting for the write lock after 50 ms instead of 10 s."""
    sqlite_db.execute_sql("PRAGMA busy_timeout = 50")
    yield sqlite_db


@pytest.fixture
def lock_holder(impatient_sqlite):
    """A second connection to the same file that holds SQLite's write lock until `release()`."""
    other = sqlite3.connect(impatient_sqlite.database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")

    class Holder:
        released = False

        def release(self, *_: object) -> None:
            if not self.released:
                other.execute("COMMIT")
                self.released = True
    holder = Holder()
    yield holder
    holder.release()
    other.close()


def test_a_locked_sqlite_database_is_waited_out_by_running_the_change_again(
        tester, lock_holder, counted, clock, monkeypatch):
    account, period = tester
    monkeypatch.setattr(db_module, "_back_off", lock_holder.release)  # the other writer commits meanwhile
    activity = add_activity(account, period.id, FORM, clock)
    assert counted() == (1, 0)  # the first attempt met the lock, the second went through
    assert [a.id for a in Activity.select()] == [activity.id]
    assert RegistrationPeriod.get_by_id(period.id).points_training == 10
    assert AuditEvent.select().where(AuditEvent.action == Action.ACTIVITY_ADDED).count() == 1


def test_when_the_lock_stays_the_user_is_told_in_dutch_and_nothing_is_written(
        tester, lock_holder, counted, clock, monkeypatch):
    account, period = tester
    monkeypatch.setattr(db_module, "_back_off", lambda attempt: None)
    with pytest.raises(DatabaseBusy) as busy:
        add_activity(account, period.id, FORM, clock)
    assert str(busy.value) == BUSY == "De database is even bezet; probeer het opnieuw."
    assert isinstance(busy.value, Refusal)  # the screens show refusals as a calm message
    assert is_conflict(busy.value.__cause__)
    assert counted() == (db_module.RETRY_ATTEMPTS - 1, 1)
    lock_holder.release()
    assert Activity.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == Action.ACTIVITY_ADDED).count() == 0


def test_inside_an_open_transaction_the_change_is_not_retried(tester, lock_holder, counted, clock, monkeypatch):
    """A retry inside a transaction would repeat only part of it: the error goes to the transaction's owner."""
    account, period = tester
    monkeypatch.setattr(db_module, "_back_off", lock_holder.release)
    with pytest.raises(peewee.OperationalError) as error, db.atomic():  # a deferred transaction: the insert waits
        add_activity(account, period.id, FORM, clock)
    assert is_conflict(error.value)
    assert counted() == (0, 0)
    assert not lock_holder.released


def test_other_errors_are_not_retried(sqlite_db, counted):
    calls = []

    @retry_on_conflict
    def broken() -> None:
        calls.append(1)
        raise peewee.IntegrityError("UNIQUE constraint failed: account.username")
    with pytest.raises(peewee.IntegrityError):
        broken()
    assert calls == [1]
    assert counted() == (0, 0)


@pytest.mark.parametrize("error, conflict", [
    (sqlite3.OperationalError("database is locked"), True),
    (sqlite3.OperationalError("database table is locked"), True),
    (peewee.OperationalError(sqlite3.OperationalError("database is locked"), "database is locked"), True),
    (peewee.OperationalError(sqlite3.OperationalError("no such table: x"), "no such table: x"), False),
    (sqlite3.OperationalError("no such table: account"), False),
    (psycopg.errors.SerializationFailure("could not serialize access"), True),
    (psycopg.errors.DeadlockDetected("deadlock detected"), True),
    (psycopg.errors.UniqueViolation("duplicate key"), False),
    (peewee.IntegrityError("UNIQUE constraint failed"), False),
    (ValueError("database is locked"), False),  # only the drivers' errors count, not a message that looks alike
])
def test_which_errors_are_conflicts(error, conflict):
    assert is_conflict(error) is conflict


# -- PostgreSQL: a real deadlock and a real serialization failure -----------------------------------------------
@pytest.fixture
def pg(pg_url):
    database = open_database(pg_url)
    tables = ", ".join(f'"{model._meta.table_name}"' for model in ALL_MODELS)
    database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield pg_url
    database.close()


def waiting_backends(watcher: psycopg.Connection, exclude: int) -> int:
    return watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock' AND pid <> %s", (exclude,)).fetchone()[0]


def test_the_victim_of_a_postgresql_deadlock_runs_again(pg, counted, clock):
    """Another transaction locks Test's account, our activity's audit row waits for it (foreign key),
    then the other asks for the period ours holds: PostgreSQL aborts ours (deadlock), and the retry saves."""
    test = story.professional("T.", "Test")
    account, period = story.account_of(test), story.latest_period(story.registration(test, story.register()))
    outcome: dict[str, object] = {}

    def save() -> None:
        with db.connection_context():
            try:
                outcome["activity"] = add_activity(account, period.id, FORM, clock)
            except Exception as error:  # noqa: BLE001 - the test asserts there is none
                outcome["error"] = error
    # Closed whatever happens: a failure here must not leave its locks to hang every later test.
    with psycopg.connect(pg) as other:
        other.execute("SET deadlock_timeout = '10s'")  # ours (1 s) finds the deadlock first, so ours is the victim
        other.execute("SELECT id FROM account WHERE id = %s FOR UPDATE", (account.id,))
        saving = threading.Thread(target=save)
        saving.start()
        with psycopg.connect(pg, autocommit=True) as watcher:
            deadline = time.monotonic() + 10
            while waiting_backends(watcher, other.info.backend_pid) == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert waiting_backends(watcher, other.info.backend_pid) == 1, "our save never waited for the account"
        other.execute("SELECT id FROM registration_period WHERE id = %s FOR UPDATE", (period.id,))  # the cycle
        other.commit()
    saving.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert counted() == (1, 0)
    assert [a.id for a in Activity.select()] == [outcome["activity"].id]
    assert RegistrationPeriod.get_by_id(period.id).points_training == 10
    assert AuditEvent.select().where(AuditEvent.action == Action.ACTIVITY_ADDED).count() == 1


def test_a_postgresql_serialization_failure_runs_again(pg, counted):
    """A repeatable-read transaction whose row another connection changed after its snapshot fails with
    40001; run again, it reads the new row and both changes stay."""
    utrecht = story.organisation("Stichting Welzijn Utrecht")
    attempts = []

    @retry_on_conflict
    def move_to(city: str) -> None:
        with db.atomic():
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            version = Organisation.get_by_id(utrecht.id).version  # the snapshot is taken here
            attempts.append(version)
            if len(attempts) == 1:  # someone else saves between our read and our write
                with psycopg.connect(pg, autocommit=True) as other:
                    other.execute("UPDATE organisation SET version = version + 1, postal_city = 'Zeist' "
                                  "WHERE id = %s", (utrecht.id,))
            Organisation.update(visit_city=city, version=version + 1).where(Organisation.id == utrecht.id).execute()

    move_to("Utrecht-Oost")
    assert attempts == [1, 2]
    assert counted() == (1, 0)
    org = Organisation.get_by_id(utrecht.id)
    assert (org.visit_city, org.postal_city, org.version) == ("Utrecht-Oost", "Zeist", 3)
