"""Migrations build exactly the models, and the database enforces the model's constraints."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import DataError, IntegrityError
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from models import ALL_MODELS, AccessGrant, Account, Organisation, Registration, Role
from models.db import open_database
from models.schema import HISTORY_TABLE, MIGRATIONS_DIR, MigrationError, SchemaState, inspect_schema, migrate
from tests import story
from tests.conftest import PG_ADMIN_URL
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_produce_exactly_the_models(database):
    diff = diff_models(database, ALL_MODELS)
    assert not any(diff), diff


def test_a_new_database_is_empty_then_current(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert inspect_schema(database).state == SchemaState.EMPTY
    assert migrate(database) == ["0001_initial", "0002_codes_mail_lockout", "0003_branches_versions",
                               "0004_ssh_keys_tickets", "0005_change_feed", "0006_session_version",
                               "0007_session_end_reason", "0008_audit_actor_name", "0009_tries_per_account", "0010_email_change", "0011_two_factor"]
    assert inspect_schema(database).state == SchemaState.CURRENT
    assert migrate(database) == []  # nothing pending on a current database


@contextlib.contextmanager
def new_pg_database(request) -> Iterator[str]:
    """A PostgreSQL database of its own, dropped afterwards; skips (or fails under CI) without PostgreSQL."""
    request.getfixturevalue("pg_url")
    name = f"inzage_fresh_{uuid.uuid4().hex[:10]}"
    admin = open_database(PG_ADMIN_URL)
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    admin.close()
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = open_database(PG_ADMIN_URL)
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    with new_pg_database(request) as url:
        yield url


DAMAGES = {
    "history table dropped": f"DROP TABLE {HISTORY_TABLE}",
    "history emptied": f"DELETE FROM {HISTORY_TABLE}",
    "a migration missing in between": f"DELETE FROM {HISTORY_TABLE} WHERE name = '0002_codes_mail_lockout'",
}


SHAPES = {  # a history table that is not the one playhouse keeps: before, a traceback from inzage migrate
    "other columns": f"CREATE TABLE {HISTORY_TABLE} (x integer)",
    "no applied column": f"CREATE TABLE {HISTORY_TABLE} (id integer primary key, name text)",
    "no id column": f"CREATE TABLE {HISTORY_TABLE} (name text, applied text)",
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_history_table_of_another_shape_gives_the_dutch_message(fresh_url, shape, capsys):
    database = open_database(fresh_url)
    database.execute_sql(SHAPES[shape])
    report = inspect_schema(database)
    assert report.state == SchemaState.DAMAGED and "onleesbaar" in report.damage()
    with pytest.raises(MigrationError):
        migrate(database)
    assert sorted(database.get_tables()) == [HISTORY_TABLE]
    database.close()
    for command in (["migrate", "--db", fresh_url], ["run", "--db", fresh_url]):
        assert main(command) == 2
        assert capsys.readouterr().err == f"inzage: {report.damage()}\n"


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_history_stops_migrate_with_a_message_and_changes_nothing(fresh_url, damage, capsys):
    database = open_database(fresh_url)
    migrate(database)
    story.account("medewerker", Role.STAFF)
    database.execute_sql(DAMAGES[damage])
    tables = sorted(database.get_tables())
    report = inspect_schema(database)
    assert report.state == SchemaState.DAMAGED
    with pytest.raises(MigrationError) as stopped:
        migrate(database)  # before the fix: 0001 again, and a "table already exists" halfway
    assert str(stopped.value) == report.damage()
    assert "migratiegeschiedenis" in str(stopped.value) and "back-up" in str(stopped.value)
    if damage == "a migration missing in between":
        assert "0002_codes_mail_lockout ontbreekt" in str(stopped.value)
    assert sorted(database.get_tables()) == tables and Account.select().count() == 1
    database.close()

    for command in (["migrate", "--db", fresh_url], ["run", "--db", fresh_url]):  # the app does not start either
        assert main(command) == 2
        error = capsys.readouterr().err
        assert error == f"inzage: {report.damage()}\n"


def test_a_migration_that_fails_is_a_message(tmp_path, capsys):
    """A column the history does not account for (added by hand, or by another tool) makes 0003 fail."""
    url = f"sqlite:///{tmp_path / 'odd.sqlite3'}"
    database = open_database(url)
    Runner(database, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up("0002_codes_mail_lockout")
    database.execute_sql("ALTER TABLE branch ADD COLUMN removed_at DATETIME")  # what 0003 adds
    with pytest.raises(MigrationError, match="^migratie 0003_branches_versions kon niet worden toegepast .*back-up"):
        migrate(database)
    assert inspect_schema(database).pending[0] == "0003_branches_versions"
    assert main(["migrate", "--db", url]) == 2
    assert capsys.readouterr().err.startswith("inzage: migratie 0003_branches_versions kon niet worden toegepast")


def test_three_migrations_at_once_on_a_new_database_apply_each_migration_once(fresh_url):
    """Three threads, each its own connection, start `migrate` together: one applies everything,
    the others wait for its lock and find nothing left."""
    database = open_database(fresh_url)
    together = threading.Barrier(3)
    results: list[object] = [None] * 3

    def run(index: int) -> None:
        with database.connection_context():
            together.wait(timeout=30)
            try:
                results[index] = migrate(database)
            except Exception as error:  # noqa: BLE001 - the test looks at what each got
                results[index] = error
    threads = [threading.Thread(target=run, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    every = [path.stem for path in sorted(MIGRATIONS_DIR.glob("0*.py"))]
    assert sorted(results, key=len) == [[], [], every], results
    assert inspect_schema(database).state == SchemaState.CURRENT
    assert [name for name, in database.execute_sql(f"SELECT name FROM {HISTORY_TABLE} ORDER BY name")] == every
    assert not any(diff_models(database, ALL_MODELS))
    database.close()


def test_three_inzage_migrate_at_once_on_a_new_postgresql_database(request):
    """Three processes, as three deploy scripts might: no traceback, and each migration applied once."""
    with new_pg_database(request) as url:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        running = [subprocess.Popen([sys.executable, "-m", "tui.cli", "migrate", "--db", url], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        done = [(*process.communicate(timeout=120), process.returncode) for process in running]
        assert [(err, code) for _, err, code in done] == [("", 0)] * 3, done
        assert sum(out.startswith("Toegepast op") for out, _, _ in done) == 1, done  # the others waited
        database = open_database(url)
        assert inspect_schema(database).state == SchemaState.CURRENT
        assert database.execute_sql(f"SELECT COUNT(*) FROM {HISTORY_TABLE}").fetchone()[0] == len(
            list(MIGRATIONS_DIR.glob("0*.py")))
        database.close()


def test_a_schema_from_a_newer_version_is_recognised(database):
    database.execute_sql(f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES ('0099_future', '2030-01-01')")
    report = inspect_schema(database)
    assert (report.state, report.unknown) == (SchemaState.NEWER, ["0099_future"])
    database.execute_sql(f"DELETE FROM {HISTORY_TABLE} WHERE name = '0099_future'")  # PostgreSQL's is shared


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(sqlite_db):
    assert sqlite_db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sqlite_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sqlite_db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_the_sqlite_file_is_private(tmp_path):
    path = tmp_path / "private.sqlite3"
    open_database(f"sqlite:///{path}").connect()
    assert path.stat().st_mode & 0o777 == 0o600


def test_usernames_are_unique(database):
    story.account("kroon", Role.STAFF)
    with pytest.raises(IntegrityError), database.atomic():
        story.account("kroon", Role.STAFF)


def test_usernames_are_stored_lower_case(database):
    with pytest.raises(IntegrityError), database.atomic():
        story.account("Kroon", Role.STAFF)


def test_a_professional_account_needs_its_professional(database):
    with pytest.raises(IntegrityError), database.atomic():
        story.account("461000001", Role.PROFESSIONAL)
    with pytest.raises(IntegrityError), database.atomic():
        Account.create(username="x", name="x", email="x@example.nl", role="wizard", created_at=story.NOW)


def test_registration_numbers_are_unique_per_register(database):
    sw, co = story.register("Register Sociaal Werkers", "SW"), story.register("Register Cliëntondersteuners", "CO")
    test = story.professional("T.", "Test")
    story.registration(test, sw, number="461027636")
    story.registration(test, co, number="461027636")  # the same number in another register is fine
    with pytest.raises(IntegrityError), database.atomic():
        story.registration(story.professional("A.", "Ander"), sw, number="461027636")


@pytest.mark.parametrize("number", ["46102763", "4610276361", "461127636", "123456789"])
def test_registration_numbers_have_nine_digits_starting_4610(database, number):
    sw = story.register()
    # PostgreSQL refuses a tenth character as too long for varchar(9); SQLite by the CHECK.
    with pytest.raises((IntegrityError, DataError)), database.atomic():
        Registration.create(professional=story.professional("T.", "Test"), register=sw, number=number,
                            type="registered", registered_on=dt.date(2020, 1, 1))


def test_foreign_keys_are_enforced(database):
    sw = story.register()
    with pytest.raises(IntegrityError), database.atomic():
        Registration.create(professional=9999, register=sw, number="461000001", type="registered",
                            registered_on=dt.date(2020, 1, 1))


def test_one_live_grant_per_professional_and_branch(database):
    org = story.organisation()
    overvecht = story.branch(org, "Overvecht", "kroon")
    test = story.professional("T.", "Test")
    story.grant(test, overvecht, revoked_by=overvecht.manager)
    story.grant(test, overvecht)  # a new grant after a revoked one is fine
    with pytest.raises(IntegrityError), database.atomic():
        story.grant(test, overvecht)
    assert AccessGrant.select().count() == 2


def test_a_revoked_grant_says_by_whom(database):
    org = story.organisation()
    overvecht = story.branch(org, "Overvecht", "kroon")
    with pytest.raises(IntegrityError), database.atomic():
        AccessGrant.create(professional=story.professional("T.", "Test"), branch=overvecht, granted_at=story.NOW,
                           revoked_at=story.NOW)


def test_a_rejected_organisation_has_a_reason(database):
    staff = story.account("medewerker", Role.STAFF)
    org = story.organisation("Dubbel BV", status="pending")
    org.status, org.decided_by, org.decided_at = "rejected", staff, story.NOW
    with pytest.raises(IntegrityError), database.atomic():
        org.save()


def test_upgrading_from_the_first_schema_keeps_the_data(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    Runner(database, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up("0001_initial")
    database.execute_sql("INSERT INTO account (username, name, email, role, failed_logins, created_at) "
                         "VALUES ('medewerker', 'M', 'm@example.nl', 'staff', 0, '2026-01-01 00:00:00')")
    assert inspect_schema(database).state == SchemaState.OUTDATED
    database.execute_sql("INSERT INTO organisation (name, name_key, visit_address, visit_postcode, visit_city, "
                         "country, status, created_at) VALUES ('W', 'w', 'Straat 1', '3511 AB', 'Utrecht', "
                         "'Nederland', 'pending', '2026-01-01 00:00:00')")
    assert migrate(database) == ["0002_codes_mail_lockout", "0003_branches_versions",
                               "0004_ssh_keys_tickets", "0005_change_feed", "0006_session_version",
                               "0007_session_end_reason", "0008_audit_actor_name", "0009_tries_per_account", "0010_email_change", "0011_two_factor"]
    account = Account.get(Account.username == "medewerker")
    assert (account.name, account.first_failed_at, account.session_version) == ("M", None, 1)
    assert Organisation.get().version == 1
    assert not any(diff_models(database, ALL_MODELS))
