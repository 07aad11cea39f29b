"""The demo generator: deterministic, realistic, and consistent with the rules."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from peewee import fn

from models import (
    AccessGrant,
    Account,
    Activity,
    Organisation,
    Professional,
    Register,
    Registration,
    RegistrationPeriod,
    Role,
)
from models.db import open_database
from models.demo import DEMO_PASSWORD, generate
from models.overview import overview_rows
from models.passwords import verify_password
from models.rules import achieved_total, period_status, sum_points
from models.schema import migrate

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo(database):
    return generate(database, size=120, seed=7, today=TODAY)


def digest() -> str:
    """A fingerprint of everything generated (ids, names, dates, points)."""
    h = hashlib.sha256()
    for model in (Professional, Registration, RegistrationPeriod, Activity, AccessGrant, Organisation):
        for row in model.select().order_by(model.id).tuples():
            h.update(repr([str(value) for value in row]).encode())
    return h.hexdigest()


def test_the_same_seed_gives_the_same_data(tmp_path):
    digests = []
    for name in ("a", "b"):
        database = open_database(f"sqlite:///{tmp_path / name}.sqlite3")
        migrate(database)
        generate(database, size=60, seed=11, today=TODAY)
        digests.append(digest())
        database.close()
    assert digests[0] == digests[1]


def test_the_six_registers_with_norms(demo):
    assert Register.select().count() == 6
    assert {r.name for r in Register.select()} >= {"Register Sociaal Werkers", "Register Cliëntondersteuners"}


def test_derived_points_and_status_match_the_activities(demo):
    sums: dict[int, list] = {}
    for period_id, category, points in Activity.select(Activity.period, Activity.category, Activity.points).tuples():
        sums.setdefault(period_id, []).append((category, points))
    for period in RegistrationPeriod.select(RegistrationPeriod, Registration).join(Registration):
        points = sum_points(sums.get(period.id, []))
        assert period.points == points
        assert period.achieved == achieved_total(points, period.norm)
        assert period.status == period_status(period.registration.type, period.is_first, points, period.norm)


def test_the_data_set_has_every_case_a_user_should_see(demo):
    P = RegistrationPeriod
    latest = P.select(fn.MAX(P.seq)).where(P.registration == Registration.id)
    current = P.select(P, Registration).join(Registration).where(P.seq == latest)
    assert current.where(P.status == "green", Registration.type == "registered", ~P.is_first).exists()
    assert current.where(P.status == "red").exists()
    assert current.where(Registration.type == "basis").exists()
    assert current.where(Registration.type == "aspirant").exists()
    assert current.where(P.is_first, Registration.type == "registered").exists()
    assert current.where(P.end_date <= TODAY + dt.timedelta(days=91)).exists()
    assert Activity.select(Activity.category).distinct().count() >= 5
    assert Registration.select(Registration.professional).group_by(Registration.professional).having(
        fn.COUNT(Registration.id) > 1).exists()
    assert AccessGrant.select().where(AccessGrant.in_force_on(TODAY)).exists()
    assert AccessGrant.select().where(AccessGrant.revoked_at.is_null(), AccessGrant.end_date < TODAY).exists()
    assert AccessGrant.select().where(AccessGrant.revoked_at.is_null(False)).exists()
    assert {o.status for o in Organisation.select()} == {"approved", "pending", "rejected"}
    assert Professional.select().count() == 120


def test_the_printed_logins_work(demo):
    assert {login.username for login in demo.logins} >= {"medewerker", "verburg", "kroon", "461027636"}
    for login in demo.logins:
        account = Account.get(Account.username == login.username)
        assert verify_password(account.password_hash, DEMO_PASSWORD)


def test_kroon_follows_professionals_and_t_test_has_seven_registrations(demo):
    kroon = Account.get(Account.username == "kroon")
    rows = overview_rows(kroon, TODAY)
    assert len({row.professional_id for row in rows}) >= 5
    test = Account.get(Account.username == "461027636").professional
    assert Registration.select().where(Registration.professional == test).count() == 7
    assert any(row.name == "T. Test" for row in rows)


def test_rows_added_after_the_demo_get_fresh_ids(demo):
    # On PostgreSQL the generator's explicit ids must not leave the sequences behind.
    account = Account.create(username="nieuw", name="Nieuw", email="n@example.nl", role=Role.STAFF,
                             created_at=dt.datetime(2026, 11, 28))
    assert account.id == Account.select(fn.MAX(Account.id)).scalar()


def test_sizes_outside_the_number_space_are_refused(database):
    with pytest.raises(ValueError):
        generate(database, size=100_001, today=TODAY)
