"""A session lives only as long as what it was opened with: a changed password, email, lock, role or
branch ends every other session of the account (models/sessions.py), and the owner can always get
back in through their email, whatever someone locking the account does."""
from __future__ import annotations

import datetime as dt

import pytest

from models import Account
from models.access import SESSION_ENDED, AccessDenied, SessionEnded, require_usable
from models.accounts import SessionEnd
from models.auth import LOCK_DURATION
from models.branches import save_roles
from models.changes import ChangeFeed, Kind
from models.codes import request_login_details, set_password_with_code
from models.profile import change_password, update_contact
from models.tickets import issue_ticket, redeem_ticket
from models.validation import FormErrors
from tests import story
from tests.account_changes import CHANGES, NEW_PASSWORD, lock, newest_code, session_of, told


@pytest.fixture
def world(database):
    return story.employers()


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_the_account_ends_its_other_sessions(world, clock, change):
    make, by_kroon = CHANGES[change]
    acting, other = session_of("kroon", clock), session_of("kroon", clock)  # Kroon here, and an attacker elsewhere
    feed_before = ChangeFeed.select().count()
    make(acting, world, clock)
    with pytest.raises(AccessDenied) as refused:
        require_usable(other)
    assert str(refused.value) == told(change)
    if change != "lock":  # a lock says so itself ("tijdelijk geblokkeerd") and ends the session once it passes
        assert isinstance(refused.value, SessionEnded)
    announced = ChangeFeed.select().where(ChangeFeed.id > feed_before, ChangeFeed.kind == Kind.ACCOUNT,
                                          ChangeFeed.subject == world.kroon.id)
    assert announced.exists()  # open apps learn of it within a second (tui/app.py on_data_changed)
    if by_kroon:
        require_usable(acting)  # the session that made the change stays signed in
    else:
        with pytest.raises(AccessDenied):
            require_usable(acting)


def test_a_session_ended_by_a_lock_stays_ended_after_the_lock_passes(world, clock):
    other = session_of("kroon", clock)
    lock("kroon", clock)
    with pytest.raises(AccessDenied, match="tijdelijk geblokkeerd"):
        require_usable(other)
    clock.advance(LOCK_DURATION + dt.timedelta(seconds=1))
    with pytest.raises(SessionEnded) as ended:
        require_usable(other)
    assert str(ended.value) == SESSION_ENDED[SessionEnd.LOCK]
    require_usable(session_of("kroon", clock))  # a new login works again


def test_every_reason_is_told_without_details(world, clock):
    for reason, message in SESSION_ENDED.items():
        assert message.startswith("U bent uitgelogd: ") and message.endswith("Log opnieuw in.")
        assert "@" not in message and "kroon" not in message.lower()
    assert set(SESSION_ENDED) == set(SessionEnd)


def test_a_beheerder_who_changes_their_own_role_keeps_that_session_only(world, clock):
    acting, other = session_of("verburg", clock), session_of("verburg", clock)
    kroon = session_of("kroon", clock)
    save_roles(acting, {world.hoofdvestiging.id: ("branch_manager", True)}, clock)
    require_usable(acting)
    with pytest.raises(SessionEnded):
        require_usable(other)
    require_usable(kroon)  # Kroon's role did not change


def test_a_change_that_is_refused_ends_no_session(world, clock):
    other = session_of("kroon", clock)
    with pytest.raises(FormErrors):
        change_password(session_of("kroon", clock), story.PASSWORD, "kort", "kort", clock)
    update_contact(session_of("kroon", clock), "K. Kroon", "kroon@example.nl", clock)  # the name only
    require_usable(other)


def test_a_ticket_carries_the_version_of_the_ssh_login(world, clock):
    ssh_login = session_of("kroon", clock)
    ticket = issue_ticket(ssh_login, clock)
    change_password(session_of("kroon", clock), story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    app_account = redeem_ticket(ticket, clock)  # the app started a moment after the change
    with pytest.raises(SessionEnded):
        require_usable(app_account)
    with pytest.raises(SessionEnded):  # nor can the old SSH login start another app
        issue_ticket(ssh_login, clock)


# -- the owner always gets back in --------------------------------------------------------------------------
def test_the_owner_resets_through_email_while_someone_keeps_the_account_locked(world, clock):
    """Someone who knows the username locks it again and again; the owner's code still works each time."""
    for _ in range(3):  # three times over, the attacker at it all along
        lock("kroon", clock)
        request_login_details("kroon@example.nl", clock)  # the owner asks for a code while locked
        code = newest_code("kroon@example.nl")
        for _ in range(4):  # between the owner's request and the code: locked again and again
            clock.advance(dt.timedelta(minutes=5))
            lock("kroon", clock)
            with pytest.raises(FormErrors):  # guessing a code does not help the attacker
                set_password_with_code("kroon", "AAAAA-AAAAA", "een-heel-ander-wachtwoord", "een-heel-ander-wachtwoord",
                                       clock)
            assert Account.get_by_id(world.kroon.id).locked_until > clock.now()
        set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
        stored = Account.get_by_id(world.kroon.id)
        assert (stored.locked_until, stored.failed_logins) == (None, 0)
        session = session_of("kroon", clock, NEW_PASSWORD)  # and in
        require_usable(session)
        change_password(session, NEW_PASSWORD, story.PASSWORD, story.PASSWORD, clock)  # back, for the next round
        clock.advance(dt.timedelta(minutes=1))
