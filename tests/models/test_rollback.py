"""tests.rollback on SQLite and PostgreSQL: a rolled-back block leaves the database as it found it, the
domain's own transactions (write_transaction, retry_on_conflict) nest inside it, and so each hypothesis
example starts from the fixture's world, even when every example makes the same account.
"""
from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models import ALL_MODELS, Account, Organisation, OutgoingEmail, db
from models.applications import ApplicationForm, apply_for_employer_account
from models.auth import MAX_FAILURES, authenticate
from models.db import DatabaseBusy, retry_on_conflict, write_transaction
from models.password_policy import password_problem
from models.validation import FormErrors
from tests import story
from tests.rollback import rolled_back
from tests.valid import text_as_typed

ANNA = {"email": "anna@example.nl", "email_repeat": "anna@example.nl", "username": "anna",
        "password": "paarse olifant danst op maandag", "password_repeat": "paarse olifant danst op maandag",
        "company": "Buurtzorg Noord", "visit_address": "Markt 1", "visit_postcode": "1234 AB", "visit_city": "Zwolle"}


@pytest.fixture
def world(database):
    return story.employers()


def snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: list(model.select().order_by(model._meta.primary_key).tuples()) for model in ALL_MODELS}


def test_a_rolled_back_block_leaves_the_database_as_it_was(world, clock):
    before = snapshot()
    with rolled_back():
        apply_for_employer_account(ApplicationForm(name="Anna de Vries", **ANNA), clock)  # write_transaction inside
        assert Account.get(Account.username == "anna").name == "Anna de Vries"
        assert OutgoingEmail.select().count() == 1
    assert snapshot() == before
    assert not db.in_transaction()


def test_a_failing_block_is_rolled_back_too(world, clock):
    before = snapshot()
    with pytest.raises(ZeroDivisionError), rolled_back():
        apply_for_employer_account(ApplicationForm(name="Anna de Vries", **ANNA), clock)
        1 / 0  # noqa: B018 - an assertion failing in an example
    assert snapshot() == before


def test_a_database_error_inside_the_domain_leaves_the_outer_transaction_usable(world, clock, monkeypatch):
    """The username check is skipped, so the insert meets the unique index: PostgreSQL aborts the savepoint
    write_transaction made, not our transaction, and the domain's own answer (FormErrors) comes through."""
    monkeypatch.setattr("models.applications.clean_username", Account.normalise_username)
    with rolled_back():
        with pytest.raises(FormErrors) as refused:
            apply_for_employer_account(ApplicationForm(name="Nog een Kroon", **{**ANNA, "username": "kroon"}), clock)
        assert refused.value.errors == {"username": "Deze gebruikersnaam is al in gebruik. Kies een andere."}
        assert Account.select().where(Account.username == "kroon").count() == 1  # still usable
        assert not Organisation.select().where(Organisation.name == "Buurtzorg Noord").exists()


def test_retry_on_conflict_leaves_a_conflict_to_the_outer_transaction(world):
    """Inside rolled_back() a domain write runs once: a conflict is the outer transaction's to handle (there is
    one connection in these tests, so none happens), not retried against a half-done transaction."""
    calls = []

    @retry_on_conflict
    def write() -> None:
        calls.append(1)
        with write_transaction():
            raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError), rolled_back():
        write()
    assert calls == [1]
    calls.clear()
    with pytest.raises(DatabaseBusy):  # at the top level the same function is retried, then given up
        write()
    assert len(calls) > 1


def test_rolled_back_refuses_to_nest(world):
    with rolled_back(), pytest.raises(RuntimeError, match="outer transaction"), rolled_back():
        pass


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text_as_typed(), company=text_as_typed())
def test_each_example_starts_from_the_fixture_database(world, clock, name, company):
    """Every example applies as "anna": without the rollback the second would find the name taken, see six
    accounts and two mails."""
    # A name or company whose word is in the password ("Oli" in "olifant") is refused, rightly: not this test's case.
    assume(password_problem(ANNA["password"], username="anna", name=name[0], email=ANNA["email"],
                            organisation=company[0]) is None)
    with rolled_back():
        assert Account.select().count() == 5 and OutgoingEmail.select().count() == 0
        account = apply_for_employer_account(ApplicationForm(name=name[0], **{**ANNA, "company": company[0]}), clock)
        assert (account.username, account.name) == ("anna", name[1])
        assert Account.select().count() == 6 and OutgoingEmail.select().count() == 1


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=5))
def test_a_lockout_counted_in_one_example_is_gone_in_the_next(world, clock, failures):
    with rolled_back():
        kroon = Account.get(Account.username == "kroon")
        assert (kroon.failed_logins, kroon.locked_until, kroon.last_login) == (0, None, None)
        for _ in range(failures):
            assert not authenticate("kroon", "fout", clock).ok
        assert authenticate("kroon", story.PASSWORD, clock).ok == (failures < MAX_FAILURES)
