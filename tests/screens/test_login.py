"""Logging in through the screen, as a user would."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Checkbox, Input

from models import Role
from models.audit import Action, AuditEvent
from models.demo import DemoLogin, DemoSummary
from screens.employer import EmployerScreen
from screens.login import PENDING, WRONG_CREDENTIALS, LoginScreen
from tests import story
from tests.screens.helpers import error_of, fill, notifications, screen_lines, screen_text, settle
from tests.screens.signing_in import answer_code, app_for, log_in
from tui import config


async def test_an_employer_logs_in_and_sees_their_home(sqlite_db, clock, tmp_path):
    org = story.organisation("Stichting Welzijn Utrecht")
    story.branch(org, "Overvecht", "kroon")
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"kroon", "enter")  # Enter moves on to the password
        await pilot.press(*story.PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, EmployerScreen)
        assert app.screen.sub_title == ("U bent vestigingsmanager van Stichting Welzijn Utrecht, "
                                        "vestiging Overvecht.")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    assert AuditEvent.select().where(AuditEvent.action == Action.LOGIN_SUCCEEDED).count() == 1


async def test_a_wrong_password_says_so_and_keeps_the_username(sqlite_db, clock, tmp_path):
    story.account("medewerker", Role.STAFF)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "medewerker", "fout")
        assert isinstance(app.screen, LoginScreen)
        assert WRONG_CREDENTIALS in screen_text(app)
        assert app.screen.query_one("#username", Input).value == "medewerker"
        assert app.screen.query_one("#password", Input).value == ""
        assert app.focused is app.screen.query_one("#password", Input)


async def test_empty_fields_get_a_message_next_to_them(sqlite_db, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app, "username") == "Vul uw gebruikersnaam in."
        assert error_of(app, "password") == "Vul uw wachtwoord in."
        assert AuditEvent.select().count() == 0  # nothing was tried


async def test_a_pending_applicant_is_told_why(sqlite_db, clock, tmp_path):
    org = story.organisation("Nieuw BV", status="pending")
    story.branch(org, "Hoofdvestiging", "nieuw", role="contact_person", admin=True)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "nieuw", story.PASSWORD)
        assert isinstance(app.screen, LoginScreen)
        assert PENDING in screen_text(app)


async def test_the_remembered_username_is_filled_in_next_time(sqlite_db, clock, tmp_path):
    story.account("medewerker", Role.STAFF)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(pilot, username="medewerker", password=story.PASSWORD)
        app.screen.query_one("#remember", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        await answer_code(pilot, "medewerker")
    assert config.remembered_username() == "medewerker"
    state = config.config_dir() / "state.json"
    assert state.stat().st_mode & 0o777 == 0o600 and story.PASSWORD not in state.read_text()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#username", Input).value == "medewerker"
        assert app.screen.query_one("#remember", Checkbox).value
        assert app.focused is app.screen.query_one("#password", Input)
        await pilot.press(*story.PASSWORD)
        app.screen.query_one("#remember", Checkbox).value = False  # untick: forget it
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(dt.timedelta(seconds=30))  # the next code: the last one was used
        await answer_code(pilot, "medewerker")
    assert config.remembered_username() == ""


async def test_markup_in_a_name_is_shown_as_typed(sqlite_db, clock, tmp_path):
    person = story.professional("L.", "Lastig", with_account=False)
    story.account("lastig", Role.PROFESSIONAL, name="[bold]Lastig[/] [link=x]", professional=person)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "lastig", story.PASSWORD)
        await settle(pilot)
        assert "Professional: [bold]Lastig[/] [link=x]" in screen_lines(app)[0]


async def test_the_demo_shows_its_logins_beside_the_form(sqlite_db, clock, tmp_path):
    demo = DemoSummary(logins=[DemoLogin("kroon", "vestigingsmanager, Overvecht")])
    app = app_for(clock, tmp_path, demo=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = str(app.screen.query_one("#demo-logins").render())
        assert "kroon" in panel and demo.password in panel


async def test_a_failure_while_checking_is_a_calm_message(sqlite_db, clock, tmp_path, monkeypatch):
    from peewee import OperationalError

    from screens import login
    from tui.kit.domain import SOMETHING_WENT_WRONG

    def broken(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(login, "authenticate", broken)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "kroon", "wat-dan-ook")
        assert isinstance(app.screen, LoginScreen)
        assert SOMETHING_WENT_WRONG in notifications(app)
        assert not app.screen.busy  # the user can try again


async def test_after_15_idle_minutes_the_session_returns_to_login(sqlite_db, clock, tmp_path):
    org = story.organisation("Stichting Welzijn Utrecht")
    story.branch(org, "Overvecht", "kroon")
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, EmployerScreen)
        clock.advance(dt.timedelta(minutes=14, seconds=59))
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, EmployerScreen)
        await pilot.press("down")  # input resets the idle time
        clock.advance(dt.timedelta(minutes=14, seconds=59))
        app.lock_if_idle()
        assert isinstance(app.screen, EmployerScreen)
        clock.advance(dt.timedelta(seconds=1))
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert len(app.screen_stack) == 2  # nothing of the session is left underneath
        assert app.account is None
        assert any("zonder activiteit" in message for message in notifications(app))
        assert "Stichting Welzijn Utrecht" not in screen_text(app)


