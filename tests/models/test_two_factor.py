"""Two-factor sign-in (TOTP, RFC 6238): enrolment with the password, codes accepted once, recovery codes,
a wrong code counted as a failed login, and staff who cannot turn it off."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from models import Account, OutgoingEmail, SecondFactor
from models.access import AccessDenied, SessionEnded, require_usable
from models.auth import MAX_FAILURES, LoginStatus, authenticate
from models.profile import change_password
from models.two_factor import (
    RECOVERY_CODES,
    STAFF_KEEP,
    confirm_enrolment,
    has_second_factor,
    start_enrolment,
    turn_off,
)
from models.validation import FormErrors
from tests import story


@pytest.fixture
def world(database):
    return story.employers()


def code_now(account, clock, steps: int = 0) -> str:
    secret = SecondFactor.get(SecondFactor.account == account.id).secret
    return pyotp.TOTP(secret).at(clock.now() + dt.timedelta(seconds=30 * steps))


def enrolled(account, clock) -> list[str]:
    enrolment = start_enrolment(account, story.PASSWORD, clock)
    assert pyotp.TOTP(enrolment.secret).now()  # a real base32 secret
    return confirm_enrolment(account, code_now(account, clock), clock)


def test_enrolment_asks_the_password_shows_the_secret_and_needs_a_code_from_the_app(world, clock):
    with pytest.raises(FormErrors) as refused:
        start_enrolment(world.kroon, "", clock)
    assert set(refused.value.errors) == {"current"}
    enrolment = start_enrolment(world.kroon, story.PASSWORD, clock)
    assert enrolment.uri.startswith("otpauth://totp/") and enrolment.secret in enrolment.uri and "kroon" in enrolment.uri
    lines = enrolment.qr_lines()
    assert len(lines) >= 12 and len({len(line) for line in lines}) == 1 and set("".join(lines)) <= set("█▀▄ ")
    assert not has_second_factor(world.kroon.id)  # not before a code from the app
    with pytest.raises(FormErrors) as refused:
        confirm_enrolment(world.kroon, "123456", clock)
    assert set(refused.value.errors) == {"code"}
    other = authenticate("kroon", story.PASSWORD, clock)
    assert other.ok  # no second factor yet
    codes = confirm_enrolment(world.kroon, code_now(world.kroon, clock), clock)
    assert len(set(codes)) == RECOVERY_CODES and has_second_factor(world.kroon.id)
    with pytest.raises(SessionEnded):
        require_usable(other.account)  # its sign-in changed: the other sessions end
    assert "aangezet" in OutgoingEmail.select().order_by(OutgoingEmail.id.desc()).first().subject


def test_the_password_alone_is_not_enough_and_a_code_works_once(world, clock):
    enrolled(world.kroon, clock)
    assert authenticate("kroon", story.PASSWORD, clock).status == LoginStatus.NEEDS_CODE
    assert Account.get_by_id(world.kroon.id).failed_logins == 0  # asking is no failure
    clock.advance(dt.timedelta(seconds=30))
    code = code_now(world.kroon, clock)
    assert authenticate("kroon", story.PASSWORD, clock, code=code).ok
    assert not authenticate("kroon", story.PASSWORD, clock, code=code).ok  # replayed, even within its 30 s
    assert not authenticate("kroon", story.PASSWORD, clock, code=code_now(world.kroon, clock, -1)).ok  # older
    assert authenticate("kroon", story.PASSWORD, clock, code=code_now(world.kroon, clock, 1)).ok  # a phone ahead
    assert not authenticate("kroon", "raden-maar", clock, code=code_now(world.kroon, clock, 2)).ok  # password first


def test_a_wrong_code_is_a_failed_login_and_five_lock_the_account(world, clock):
    enrolled(world.kroon, clock)
    for _ in range(MAX_FAILURES):
        assert authenticate("kroon", story.PASSWORD, clock, code="000000").status == LoginStatus.FAILED
    clock.advance(dt.timedelta(seconds=30))
    assert not authenticate("kroon", story.PASSWORD, clock, code=code_now(world.kroon, clock)).ok  # locked


def test_a_recovery_code_stands_in_for_a_code_once(world, clock):
    codes = enrolled(world.kroon, clock)
    assert authenticate("kroon", story.PASSWORD, clock, code=codes[3].lower()).ok
    assert not authenticate("kroon", story.PASSWORD, clock, code=codes[3]).ok


def test_turning_it_off_asks_the_password_and_a_code_and_staff_cannot(world, clock):
    enrolled(world.kroon, clock)
    clock.advance(dt.timedelta(seconds=30))
    with pytest.raises(FormErrors):
        turn_off(world.kroon, story.PASSWORD, "000000", clock)
    session = authenticate("kroon", story.PASSWORD, clock, code=code_now(world.kroon, clock)).account
    clock.advance(dt.timedelta(seconds=30))
    turn_off(session, story.PASSWORD, code_now(world.kroon, clock), clock)
    assert not has_second_factor(world.kroon.id) and authenticate("kroon", story.PASSWORD, clock).ok
    staff = authenticate("medewerker", story.PASSWORD, clock, code=code_now(world.staff, clock, 1)).account  # has one
    with pytest.raises(AccessDenied, match=STAFF_KEEP[:30]):
        turn_off(staff, story.PASSWORD, code_now(world.staff, clock, 2), clock)


def test_with_a_second_factor_eight_characters_are_enough(world, clock):
    with pytest.raises(FormErrors):
        change_password(world.kroon, story.PASSWORD, "Kw7#pzQ!", "Kw7#pzQ!", clock)
    enrolled(world.kroon, clock)
    session = authenticate("kroon", story.PASSWORD, clock, code=code_now(world.kroon, clock, 1)).account
    change_password(session, story.PASSWORD, "Kw7#pzQ!", "Kw7#pzQ!", clock)
