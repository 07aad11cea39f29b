"""A session whose account can no longer be used: every action is refused at once, and the next
periodic check takes the user back to the login screen with the reason."""
from __future__ import annotations

import datetime as dt

import pytest

from models.access import LOCKED
from models.auth import MAX_FAILURES, authenticate
from models.branches import remove_branch
from models.dossier import open_dossier
from screens.employer import EmployerScreen
from screens.login import LoginScreen
from tests import story
from tests.screens.helpers import eventually, notifications, settle
from tests.screens.test_login import app_for, log_in


@pytest.fixture
def cast(sqlite_db, clock):
    cast = story.employers()
    story.registration(cast.test, story.register())
    story.grant(cast.test, cast.overvecht)
    return cast


async def test_a_session_whose_account_is_locked_meanwhile_is_ended_at_once(cast, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, EmployerScreen)
        for _ in range(MAX_FAILURES):  # someone elsewhere guesses Kroon's password
            authenticate("kroon", "geraden-wachtwoord", clock)
        await eventually(pilot, lambda: isinstance(app.screen, LoginScreen))  # the change feed told the app
        assert app.account is None
        assert any(LOCKED in message for message in notifications(app))
        clock.advance(dt.timedelta(minutes=15))  # the lock runs out: Kroon may work again
        open_dossier(cast.kroon, cast.test.id, clock)


async def test_a_manager_whose_branch_is_removed_is_signed_out(cast, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        app.lock_if_idle()
        assert isinstance(app.screen, EmployerScreen)  # still usable: nothing happens
        remove_branch(cast.verburg, cast.overvecht.id, True, clock)
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert any("goedgekeurde organisatie" in message for message in notifications(app))
