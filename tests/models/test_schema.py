"""Migrations build exactly the models, and the database enforces the model's constraints."""
from __future__ import annotations

import datetime as dt

import pytest
from peewee import DataError, IntegrityError
from playhouse.schema_diff import diff_models

from models import ALL_MODELS, AccessGrant, Account, Organisation, Registration, Role
from models.db import open_database
from models.schema import HISTORY_TABLE, SchemaState, inspect_schema, migrate
from tests import story


def test_migrations_produce_exactly_the_models(database):
    diff = diff_models(database, ALL_MODELS)
    assert not any(diff), diff


def test_a_new_database_is_empty_then_current(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert inspect_schema(database).state == SchemaState.EMPTY
    assert migrate(database) == ["0001_initial", "0002_codes_mail_lockout", "0003_branches_versions",
                               "0004_ssh_keys_tickets", "0005_change_feed"]
    assert inspect_schema(database).state == SchemaState.CURRENT
    assert migrate(database) == []  # nothing pending on a current database


def test_a_schema_missing_a_migration_is_outdated(database):
    database.execute_sql(f"DELETE FROM {HISTORY_TABLE}")
    report = inspect_schema(database)
    assert (report.state, report.pending) == (
        SchemaState.OUTDATED, ["0001_initial", "0002_codes_mail_lockout", "0003_branches_versions",
                               "0004_ssh_keys_tickets", "0005_change_feed"])


def test_a_schema_from_a_newer_version_is_recognised(database):
    database.execute_sql(f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES ('0099_future', '2030-01-01')")
    report = inspect_schema(database)
    assert (report.state, report.unknown) == (SchemaState.NEWER, ["0099_future"])


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
    from playhouse.migrations import Runner

    from models.schema import MIGRATIONS_DIR

    database = open_database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    Runner(database, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up("0001_initial")
    database.execute_sql("INSERT INTO account (username, name, email, role, failed_logins, created_at) "
                         "VALUES ('medewerker', 'M', 'm@example.nl', 'staff', 0, '2026-01-01 00:00:00')")
    assert inspect_schema(database).state == SchemaState.OUTDATED
    database.execute_sql("INSERT INTO organisation (name, name_key, visit_address, visit_postcode, visit_city, "
                         "country, status, created_at) VALUES ('W', 'w', 'Straat 1', '3511 AB', 'Utrecht', "
                         "'Nederland', 'pending', '2026-01-01 00:00:00')")
    assert migrate(database) == ["0002_codes_mail_lockout", "0003_branches_versions",
                               "0004_ssh_keys_tickets", "0005_change_feed"]
    account = Account.get(Account.username == "medewerker")
    assert (account.name, account.first_failed_at) == ("M", None)
    assert Organisation.get().version == 1
    assert not any(diff_models(database, ALL_MODELS))
