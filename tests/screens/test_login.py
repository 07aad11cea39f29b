"""Logging in through the screen, as a user would."""
from __future__ import annotations

from textual.widgets import Input, Static

from models import Role
from models.audit import Action, AuditEvent
from screens.home import HomeScreen
from screens.login import WRONG_CREDENTIALS, LoginScreen
from tests import story
from tui.app import make_app


async def type_credentials(pilot, username: str, password: str) -> None:
    await pilot.press(*username, "enter")
    await pilot.pause()
    await pilot.press(*password, "enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


async def test_an_employer_logs_in_and_sees_their_home(sqlite_db, clock):
    org = story.organisation("Stichting Welzijn Utrecht")
    story.branch(org, "Overvecht", "kroon")
    app = make_app(clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await type_credentials(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Welkom, Kroon" in text
        assert "vestigingsmanager van Stichting Welzijn Utrecht, vestiging Overvecht" in text
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    assert AuditEvent.select().where(AuditEvent.action == Action.LOGIN_SUCCEEDED).count() == 1


async def test_a_wrong_password_says_so_and_keeps_the_username(sqlite_db, clock):
    story.account("medewerker", Role.STAFF)
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_credentials(pilot, "medewerker", "fout")
        assert isinstance(app.screen, LoginScreen)
        assert WRONG_CREDENTIALS in screen_text(app)
        assert app.screen.query_one("#username", Input).value == "medewerker"
        assert app.screen.query_one("#password", Input).value == ""
        assert app.focused is app.screen.query_one("#password", Input)


async def test_empty_fields_get_a_message_next_to_them(sqlite_db, clock):
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "Vul uw gebruikersnaam in." in str(app.screen.query_one("#username-error", Static).render())
        assert AuditEvent.select().count() == 0  # nothing was tried


async def test_markup_in_a_name_is_shown_as_typed(sqlite_db, clock):
    story.account("lastig", Role.EMPLOYER, name="[bold]Lastig[/] [link=x]")
    app = make_app(clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_credentials(pilot, "lastig", story.PASSWORD)
        assert "Welkom, [bold]Lastig[/] [link=x]" in str(app.screen.query_one("#welcome").render())


async def test_the_demo_shows_its_logins_beside_the_form(sqlite_db, clock):
    from models.demo import DemoLogin, DemoSummary

    demo = DemoSummary(logins=[DemoLogin("kroon", "vestigingsmanager, Overvecht")])
    app = make_app(clock, demo=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = str(app.screen.query_one("#demo-logins", Static).render())
        assert "kroon" in panel and demo.password in panel


async def test_a_failure_while_checking_is_a_calm_message(sqlite_db, clock, monkeypatch):
    from peewee import OperationalError

    from screens import login
    from screens.login import SOMETHING_WENT_WRONG

    def broken(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(login, "authenticate", broken)
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_credentials(pilot, "kroon", "wat-dan-ook")
        assert isinstance(app.screen, LoginScreen)
        assert SOMETHING_WENT_WRONG in screen_text(app)
        assert not app.screen.query_one("#login").disabled  # the user can try again
