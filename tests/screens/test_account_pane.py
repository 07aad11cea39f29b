"""Account: own contact details and changing the password through the pane."""
from __future__ import annotations


from textual.widgets import Input

from models import Account
from models.auth import authenticate
from models.mail import outbox_messages
from models.profile import wrong_password
from screens.account_pane import CONTACT_SAVED, EMAIL_CHANGED, PASSWORD_CHANGED, AccountPane
from screens.confirm_dialog import OneFieldDialog
from tests import story
from tests.screens.helpers import code_in_outbox, error_of, fill, notifications, notified, screen_text, settle
from tests.screens.panes import show_pane
from tests.screens.signing_in import app_for

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
        await fill(pilot, name="D. Kroon", email="kroon@example.nl")  # the name alone: no password asked
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert CONTACT_SAVED in notifications(app)
        assert error_of(app, "email") == ""
    stored = Account.get_by_id(world.kroon.id)
    assert (stored.name, stored.email) == ("D. Kroon", "kroon@example.nl")
    assert app.account.name == "D. Kroon"  # the session shows the new name


async def test_a_new_email_asks_the_password_then_the_code_sent_to_it(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccountPane, world.kroon)
        await fill(pilot, email="D.Kroon@Welzijn.nl")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "huidige wachtwoord" in error_of(app, "contact_current")  # next to this part's own field
        await fill(pilot, contact_current=story.PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OneFieldDialog) and "d.kroon@welzijn.nl" in screen_text(app)
        assert Account.get_by_id(world.kroon.id).email == "kroon@example.nl"  # not yet
        await fill(pilot, code="AAAAA-BBBBB")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "klopt niet" in error_of(app, "code")
        await fill(pilot, code=code_in_outbox(tmp_path / "outbox", "d.kroon@welzijn.nl"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await notified(pilot, EMAIL_CHANGED)
        assert app.screen.query_one("#email", Input).value == "d.kroon@welzijn.nl"
        assert app.screen.query_one("#contact_current", Input).value == ""
        await settle(pilot)  # the mail worker
    assert Account.get_by_id(world.kroon.id).email == "d.kroon@welzijn.nl"
    told = [entry.subject for entry in outbox_messages(tmp_path / "outbox") if entry.to == "kroon@example.nl"]
    assert len(told) == 2  # the old address: asked, then changed


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
