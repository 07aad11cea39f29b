"""A session whose account can no longer be used: every action is refused at once, and the next
periodic check (or the change feed, within about a second) takes the user back to the login screen
with the reason. So does a change to the account made elsewhere, the session's lifetime, and too many
wrong current passwords on the Account tab (that session only)."""
from __future__ import annotations

import datetime as dt

import pytest

from models import Account
from models.access import LOCKED, SESSION_ENDED, SessionEnded, require_usable
from models.accounts import SessionEnd
from models.auth import MAX_FAILURES, authenticate
from models.changes import Kind
from models.db import GONE
from models.branches import remove_branch
from models.dossier import open_dossier
from models.profile import TOO_MANY_TRIES
from screens.account_pane import EMAIL_CHANGED, PASSWORD_CHANGED, AccountPane
from screens.employer import EmployerScreen
from screens.login import LoginScreen
from tui.app import BACK
from tui.kit.messages import DatabaseReached
from tests import story
from tests.account_changes import CHANGES, NEW_PASSWORD, session_of, told
from tests.screens.helpers import code_in_outbox, error_of, eventually, fill, notifications, notified, settle, watching
from tests.screens.panes import show_pane
from tests.screens.signing_in import app_for, log_in


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
        await watching(pilot)
        for _ in range(MAX_FAILURES):  # someone elsewhere guesses Kroon's password
            authenticate("kroon", "geraden-wachtwoord", clock)
        await eventually(pilot, lambda: isinstance(app.screen, LoginScreen))  # the change feed told the app
        assert app.account is None
        await notified(pilot, LOCKED)
        clock.advance(dt.timedelta(minutes=15))  # the lock runs out: Kroon may work again, in a new session
        open_dossier(story.signs_in_again(cast.kroon), cast.test.id, clock)


async def test_a_manager_whose_branch_is_removed_is_signed_out(cast, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        app.lock_if_idle()
        assert isinstance(app.screen, EmployerScreen)  # still usable: nothing happens
        remove_branch(cast.verburg, cast.overvecht.id, True, clock)
        app.lock_if_idle()  # reads the account in a thread
        await eventually(pilot, lambda: isinstance(app.screen, LoginScreen))
        await notified(pilot, SESSION_ENDED[SessionEnd.BRANCH])


# -- a change to the account ends its other sessions (models/sessions.py) ---------------------------------------
@pytest.mark.parametrize("change", list(CHANGES))
async def test_a_change_to_the_account_elsewhere_ends_the_session(cast, clock, tmp_path, change):
    make, _ = CHANGES[change]
    app = app_for(clock, tmp_path)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, EmployerScreen)
        await watching(pilot)
        make(session_of("kroon", clock), cast, clock)  # Kroon (or someone else) elsewhere
        await eventually(pilot, lambda: isinstance(app.screen, LoginScreen))  # the change feed told the app
        assert app.account is None
        await notified(pilot, told(change))


async def test_the_reason_for_a_sign_out_outlives_a_database_that_went_and_came_back(cast, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        remove_branch(cast.verburg, cast.overvecht.id, True, clock)
        app.lock_if_idle()
        await notified(pilot, SESSION_ENDED[SessionEnd.BRANCH])
        app.post_message(DatabaseReached(False))
        await notified(pilot, GONE)
        app.post_message(DatabaseReached(True))
        await notified(pilot, BACK)
        assert GONE not in notifications(app)
        assert any(SESSION_ENDED[SessionEnd.BRANCH] in message for message in notifications(app))


async def test_the_session_that_changes_the_password_or_email_stays(cast, clock, tmp_path):
    other = session_of("kroon", clock)
    app = app_for(clock, tmp_path)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccountPane, session_of("kroon", clock))
        await fill(pilot, current=story.PASSWORD, password=NEW_PASSWORD, repeat=NEW_PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert PASSWORD_CHANGED in notifications(app)
        await fill(pilot, email="kroon@elders.nl", contact_current=NEW_PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await fill(pilot, code=code_in_outbox(tmp_path / "outbox", "kroon@elders.nl"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await notified(pilot, EMAIL_CHANGED)
        await pilot.pause(0.3)  # the change feed has come by
        app.lock_if_idle()
        await settle(pilot)
        assert app.account is not None and not isinstance(app.screen, LoginScreen)
    with pytest.raises(SessionEnded):
        require_usable(other)


async def test_a_busy_session_ends_after_its_lifetime(cast, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        for _ in range(12 * 6 - 1):  # a key every 10 minutes: never idle, for 11 h 50 min
            clock.advance(dt.timedelta(minutes=10))
            await pilot.press("f2")
            app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, EmployerScreen)
        clock.advance(dt.timedelta(minutes=10))
        await pilot.press("f2")
        app.lock_if_idle()  # 12 hours after signing in
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.account is None
        assert any("een sessie duurt hooguit 12 uur" in message for message in notifications(app))


async def test_the_lifetime_is_configurable(cast, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("INZAGE_SESSION_HOURS", "2")
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        clock.advance(dt.timedelta(hours=2))
        app.last_input = clock.now()
        app.lock_if_idle()
        await settle(pilot)
        assert any("hooguit 2 uur" in message for message in notifications(app))


# -- a wrong current password on the Account tab ----------------------------------------------------------------
async def test_wrong_current_passwords_say_the_tries_left_then_end_only_this_session(cast, clock, tmp_path):
    other = session_of("kroon", clock)  # Kroon on another computer
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccountPane, session_of("kroon", clock))
        for left in (4, 3, 2, 1):
            await fill(pilot, current="raden-maar", password=NEW_PASSWORD, repeat=NEW_PASSWORD)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert error_of(app, "current") == (f"Het huidige wachtwoord klopt niet. U kunt het nog {left} keer "
                                                "proberen.")
        await fill(pilot, current="raden-maar", password=NEW_PASSWORD, repeat=NEW_PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.account is None
        assert TOO_MANY_TRIES in notifications(app)
    stored = Account.get_by_id(cast.kroon.id)
    assert (stored.locked_until, stored.failed_logins) == (None, 0)  # not locked: only that session ended
    require_usable(other)
    assert authenticate("kroon", story.PASSWORD, clock).ok


async def test_only_a_change_to_the_account_or_its_organisation_checks_the_session_again(cast, clock, tmp_path,
                                                                                          monkeypatch):
    """A grant saved in another organisation costs an open session no account check (issue 29, point 8)."""
    from models.inzage import GrantChanges, save_changes
    from tui import app as app_module

    checks = []
    real = app_module.require_usable
    monkeypatch.setattr(app_module, "require_usable", lambda account: checks.append(account.id) or real(account))
    app = app_for(clock, tmp_path)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await watching(pilot)
        await eventually(pilot, lambda: app.places.organisations == {cast.utrecht.id})  # read once, at sign-in
        checks.clear()
        arrived = []
        app.data_changed.subscribe(app.screen, arrived.append)
        test = story.account_of(cast.test)
        save_changes(test, GrantChanges(add=[(cast.centrum.id, None)]), clock)  # Amersfoort's branch
        await eventually(pilot, lambda: any(batch.touches(Kind.ORGANISATION, cast.amersfoort.id) for batch in arrived))
        await app.workers.wait_for_complete()  # a check it would have started is done
        assert checks == []
        save_changes(test, GrantChanges(add=[(cast.hoofdvestiging.id, None)]), clock)  # Kroon's own organisation
        await eventually(pilot, lambda: checks == [cast.kroon.id])
        assert isinstance(app.screen, EmployerScreen)
