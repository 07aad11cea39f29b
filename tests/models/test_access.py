"""Who may do what: each require_* check, the account it lets through and the Dutch message it refuses with."""
from __future__ import annotations

import datetime as dt

import pytest
from playhouse.test_utils import assert_query_count

from models import Account, Role
from models.access import (
    GONE,
    LOCKED,
    AccessDenied,
    require_active,
    require_admin,
    require_employer,
    require_member,
    require_professional,
    require_staff,
    require_usable,
)
from tests import story

ONLY_STAFF = "Alleen medewerkers van Registerplein kunnen dit doen."
ONLY_EMPLOYER_FOLLOWS = "Alleen een werkgeversaccount kan professionals volgen."
NOT_APPROVED_YET = "Uw organisatie is nog niet goedgekeurd door Registerplein."
ONLY_EMPLOYER = "Alleen een werkgeversaccount kan dit doen."
NO_APPROVED_ORGANISATION = "Uw account hoort (nog) niet bij een goedgekeurde organisatie."
ONLY_BEHEERDER = "Alleen een beheerder kan de instellingen van de organisatie wijzigen."
ONLY_PROFESSIONAL = "Alleen een professional kan dit doen, voor het eigen dossier."


@pytest.fixture
def world(database):
    """Welzijn Utrecht (Verburg beheerder, Kroon at Overvecht), staff, Test; and Aanvrager,
    whose organisation waits for approval."""
    world = story.employers()
    pending = story.organisation("Stichting In Afwachting", status="pending")
    return world, story.branch(pending, "Hoofdkantoor", "aanvrager", role="contact_person", admin=True).manager


def actor(world, who: str) -> Account:
    employers, applicant = world
    return {
        "staff": employers.staff,
        "Verburg (beheerder)": employers.verburg,
        "Kroon (vestigingsmanager)": employers.kroon,
        "Test (professional)": story.account_of(employers.test),
        "Aanvrager (pending)": applicant,
    }[who]


@pytest.mark.parametrize(
    ("check", "who", "message"),
    [
        (require_staff, "Kroon (vestigingsmanager)", ONLY_STAFF),
        (require_staff, "Test (professional)", ONLY_STAFF),
        (require_employer, "staff", ONLY_EMPLOYER_FOLLOWS),
        (require_employer, "Test (professional)", ONLY_EMPLOYER_FOLLOWS),
        (require_employer, "Aanvrager (pending)", NOT_APPROVED_YET),
        (require_member, "staff", ONLY_EMPLOYER),
        (require_member, "Test (professional)", ONLY_EMPLOYER),
        (require_member, "Aanvrager (pending)", NO_APPROVED_ORGANISATION),
        (require_admin, "staff", ONLY_EMPLOYER),
        (require_admin, "Kroon (vestigingsmanager)", ONLY_BEHEERDER),
        (require_admin, "Aanvrager (pending)", NO_APPROVED_ORGANISATION),
        (require_usable, "Aanvrager (pending)", NO_APPROVED_ORGANISATION),
        (require_professional, "staff", ONLY_PROFESSIONAL),
        (require_professional, "Verburg (beheerder)", ONLY_PROFESSIONAL),
    ],
)
def test_each_refusal_tells_the_user_why(world, check, who, message):
    with pytest.raises(AccessDenied) as refused:
        check(actor(world, who))
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("check", "who"),
    [
        (require_staff, "staff"),
        (require_employer, "Kroon (vestigingsmanager)"),
        (require_member, "Kroon (vestigingsmanager)"),
        (require_admin, "Verburg (beheerder)"),
        (require_usable, "staff"),
        (require_usable, "Kroon (vestigingsmanager)"),
        (require_usable, "Test (professional)"),
        (require_professional, "Test (professional)"),
    ],
)
def test_the_right_account_is_let_through(world, check, who):
    acting = actor(world, who)
    check(acting)  # no AccessDenied
    assert require_active(acting) == acting


def test_member_and_admin_return_their_branch_with_its_organisation(world):
    employers, _ = world
    with assert_query_count(2):  # the account as stored, then the branch joined to its organisation
        branch = require_member(employers.kroon)
        assert (branch, branch.organisation.name) == (employers.overvecht, "Stichting Welzijn Utrecht")
    assert require_admin(employers.verburg) == employers.hoofdvestiging
    assert require_professional(story.account_of(employers.test)) == employers.test.id


def test_a_removed_branch_no_longer_makes_its_manager_a_member(world, clock):
    employers, _ = world
    employers.overvecht.removed_at = clock.now()
    employers.overvecht.save()
    for check in (require_member, require_usable):
        with pytest.raises(AccessDenied) as refused:
            check(employers.kroon)
        assert str(refused.value) == NO_APPROVED_ORGANISATION
    with pytest.raises(AccessDenied):  # nor does it give him an overview
        require_employer(employers.kroon)


def test_the_stored_role_counts_not_the_copy_in_the_session(world):
    employers, _ = world
    session_copy = Account.get_by_id(employers.staff.id)
    Account.update(role=Role.EMPLOYER).where(Account.id == employers.staff.id).execute()
    assert session_copy.role == Role.STAFF
    with pytest.raises(AccessDenied) as refused:
        require_staff(session_copy)
    assert str(refused.value) == ONLY_STAFF
    assert require_active(session_copy).role == Role.EMPLOYER


def test_a_deleted_account_can_do_nothing(world):
    employers, _ = world
    staff = employers.staff
    Account.delete().where(Account.id == staff.id).execute()
    for check in (require_active, require_staff, require_usable):
        with pytest.raises(AccessDenied) as refused:
            check(staff)
        assert str(refused.value) == GONE == "Dit account bestaat niet meer."


@pytest.mark.parametrize(
    ("locked_for", "locked"),
    [
        (None, False),
        (dt.timedelta(minutes=15), True),
        (dt.timedelta(seconds=1), True),
        (dt.timedelta(0), False),  # the lock ends at locked_until itself
        (-dt.timedelta(minutes=1), False),  # an old lock that ran out
    ],
)
def test_a_locked_account_can_do_nothing_until_the_lock_ends(world, clock, locked_for, locked):
    employers, _ = world
    staff = employers.staff
    Account.update(locked_until=None if locked_for is None else clock.now() + locked_for).where(
        Account.id == staff.id).execute()
    if not locked:
        assert require_active(staff) == staff
        return
    for check in (require_active, require_staff, require_usable):
        with pytest.raises(AccessDenied) as refused:
            check(staff)
        assert str(refused.value) == LOCKED
    assert LOCKED.startswith("Uw account is tijdelijk geblokkeerd.")
