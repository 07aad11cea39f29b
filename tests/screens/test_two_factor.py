"""Inloggen met een code, as a user does it: set up from the workspace (F8) with the QR code on screen, then
signing in asks the code; staff without one set it up before anything else."""
from __future__ import annotations

import datetime as dt

import pyotp

from models import Role, SecondFactor
from screens.confirm_dialog import OneFieldDialog
from screens.dialogs import MessageDialog
from screens.employer import EmployerScreen
from screens.login import WRONG_CODE, LoginScreen
from screens.staff import StaffScreen
from screens.two_factor import TURNED_ON, EnrolDialog
from tests import story
from tests.screens.helpers import error_of, fill, notified, screen_text, settle
from tests.screens.signing_in import app_for, log_in


def app_code(username: str, clock, steps: int = 0) -> str:
    from models import Account

    factor = SecondFactor.get(SecondFactor.account == Account.get(Account.username == username).id)
    return pyotp.TOTP(factor.secret).at(clock.now() + dt.timedelta(seconds=30 * steps))


async def test_an_employer_sets_it_up_with_the_qr_code_and_then_signs_in_with_a_code(sqlite_db, clock, tmp_path):
    story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(100, 50)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, EmployerScreen)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, OneFieldDialog)
        await fill(pilot, current=story.PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EnrolDialog)
        shown = screen_text(app)
        assert "█" in shown and "Sleutel:" in shown  # the QR code, and the secret as text
        await fill(pilot, code="123456")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "klopt niet" in error_of(app, "code")
        await fill(pilot, code=app_code("kroon", clock))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog) and "herstelcodes" in screen_text(app).lower()
        await pilot.press("enter")
        await notified(pilot, TURNED_ON)
        assert isinstance(app.screen, EmployerScreen)  # this session stays
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await fill(pilot, username="kroon", password=story.PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OneFieldDialog)  # the password alone is not enough
        await fill(pilot, code=app_code("kroon", clock))  # the code just used to set it up: refused
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app, "code") == WRONG_CODE
        await fill(pilot, code=app_code("kroon", clock, 1))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EmployerScreen)


async def test_staff_without_a_second_factor_set_it_up_first_or_are_signed_out(sqlite_db, clock, tmp_path):
    staff = story.account("nieuw", Role.STAFF)
    SecondFactor.delete().where(SecondFactor.account == staff.id).execute()  # a staff account of before
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(100, 50)) as pilot:
        await log_in(pilot, "nieuw", story.PASSWORD)
        assert isinstance(app.screen, OneFieldDialog) and "verplicht" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.account is None
        await log_in(pilot, "nieuw", story.PASSWORD)
        await fill(pilot, current=story.PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await fill(pilot, code=app_code("nieuw", clock))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # the recovery codes, read
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
