"""Account: own contact details and changing the password through the pane."""
from __future__ import annotations

from textual.widgets import Input

from models import Account
from models.auth import authenticate
from models.profile import wrong_password
from screens.account_pane import CONTACT_SAVED, PASSWORD_CHANGED, AccountPane
from tests import story
from tests.screens.helpers import error_of, fill, notifications, settle
from tests.screens.panes import show_pane
from tests.screens.test_login import app_for

NEW_PASSWORD = "zonnebloem-op-de-dijk"


async def test_the_pane_shows_and_saves_the_own_contact_details(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccountPane, world.kroon)
        assert app.screen.query_one("#name", Input).value == "Kroon"
        assert app.screen.query_one("#email", Input).value == "kroon@example.nl"
        await fill(pilot, email="geen-adres")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "geen geldig e-mailadres" in error_of(app, "email")
        await fill(pilot, name="D. Kroon", email="D.Kroon@Welzijn.nl")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert CONTACT_SAVED in notifications(app)
        assert error_of(app, "email") == ""
        assert app.screen.query_one("#email", Input).value == "d.kroon@welzijn.nl"
    stored = Account.get_by_id(world.kroon.id)
    assert (stored.name, stored.email) == ("D. Kroon", "d.kroon@welzijn.nl")
    assert app.account.name == "D. Kroon"  # the session shows the new name


async def test_a_wrong_current_password_is_refused_then_the_right_one_works(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccountPane, world.kroon)
        await fill(pilot, current="niet-mijn-wachtwoord", password=NEW_PASSWORD, repeat=NEW_PASSWORD)
        await pilot.press("ctrl+s")  # the cursor is in the password part
        await settle(pilot)
        assert error_of(app, "current") == wrong_password(4)
        assert app.focused is app.screen.query_one("#current", Input)
        assert PASSWORD_CHANGED not in notifications(app)
        await fill(pilot, current=story.PASSWORD, password=NEW_PASSWORD, repeat="iets-anders")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app, "current") == "" and error_of(app, "repeat") == "De wachtwoorden zijn niet gelijk."
        await fill(pilot, repeat=NEW_PASSWORD)
        await pilot.press("enter")  # from the last field of the part: save it
        await settle(pilot)
        assert PASSWORD_CHANGED in notifications(app)
        assert all(app.screen.query_one(f"#{field}", Input).value == "" for field in ("current", "password", "repeat"))
        assert error_of(app, "repeat") == ""
    assert authenticate("kroon", NEW_PASSWORD, clock).ok
    assert Account.get_by_id(world.kroon.id).name == "Kroon"  # the contact part was not saved
