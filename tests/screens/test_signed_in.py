"""An app started signed in (by the SSH server): straight to the workspace; logging out or idling ends it."""
from __future__ import annotations

import datetime as dt

from screens.employer import EmployerScreen
from screens.login import LoginScreen
from screens.professional import ProfessionalScreen
from tests import story
from tests.screens.signing_in import app_for


async def test_it_opens_the_workspace_without_a_login_screen(sqlite_db, clock, tmp_path):
    cast = story.employers()
    app = app_for(clock, tmp_path, signed_in=story.account_of(cast.test))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfessionalScreen)
        assert not any(isinstance(screen, LoginScreen) for screen in app.screen_stack)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app._exit and app.account is None  # the session ends rather than showing a login


async def test_an_idle_signed_in_session_ends_after_the_idle_time(sqlite_db, clock, tmp_path):
    cast = story.employers()
    app = app_for(clock, tmp_path, signed_in=cast.kroon)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EmployerScreen)
        clock.advance(dt.timedelta(minutes=14, seconds=59))
        app.lock_if_idle()
        assert not app._exit
        clock.advance(dt.timedelta(seconds=1))
        app.lock_if_idle()
        await pilot.pause()
        assert app._exit
        assert "zonder activiteit" in str(app._exit_renderables[0])
