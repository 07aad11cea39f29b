"""Applying, recovering login details and activating, through the screens."""
from __future__ import annotations

import re

from textual.widgets import Input

from models import Account, Organisation, OutgoingEmail
from models.branches import add_branch
from screens.apply import ApplyScreen
from screens.dialogs import MessageDialog
from screens.employer import EmployerScreen
from screens.login import LoginScreen
from screens.recover import CodeScreen, ForgotScreen
from tests import story
from tests.applications import FIELD_CASES
from tests.screens.helpers import error_of, fill, settle
from tests.screens.signing_in import app_for, log_in

FORM = {
    "name": "M. Verburg", "email": "m.verburg@welzijn.nl", "email_repeat": "m.verburg@welzijn.nl",
    "username": "mverburg", "password": "tulpen-in-de-regen", "password_repeat": "tulpen-in-de-regen",
    "company": "Stichting Welzijn Utrecht", "visit_address": "Stationsplein 1", "visit_postcode": "3511ab",
    "visit_city": "Utrecht",
}


async def test_an_application_is_refused_field_by_field_and_nothing_typed_is_lost(sqlite_db, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ApplyScreen)
        assert app.screen.query_one("#country", Input).value == "Nederland"
        await fill(pilot, **{**FORM, "email_repeat": "ander@welzijn.nl", "visit_postcode": "12", "password": "kort",
                             "password_repeat": "kort"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ApplyScreen)
        assert error_of(app, "email_repeat") == "De e-mailadressen zijn niet gelijk."
        assert error_of(app, "visit_postcode") == "Vul een Nederlandse postcode in als 1234 AB."
        assert "minstens 15 tekens" in error_of(app, "password")
        assert error_of(app, "name") == ""
        assert app.screen.query_one("#company", Input).value == "Stichting Welzijn Utrecht"  # kept
        assert app.focused is app.screen.query_one("#email_repeat", Input)  # the first wrong field
        await fill(pilot, email_repeat=FORM["email"], visit_postcode="3511 ab", password=FORM["password"],
                   password_repeat=FORM["password"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
    organisation = Organisation.get()
    assert (organisation.status, organisation.visit_postcode) == ("pending", "3511 AB")
    mail = OutgoingEmail.get()
    assert mail.sent_at is not None and mail.transport == "outbox"  # delivered to the outbox folder
    assert list((tmp_path / "outbox").glob("*.eml"))


async def test_escape_leaves_the_application_without_saving(sqlite_db, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await fill(pilot, name="Half ingevuld")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    assert Organisation.select().count() == 0


async def test_forgot_login_details_then_set_a_new_password_with_the_code(sqlite_db, clock, tmp_path):
    story.employers()  # Kroon manages Overvecht (an employer without a branch is signed out at once)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ForgotScreen)
        await fill(pilot, email="geen-adres")
        await pilot.press("enter")
        await settle(pilot)
        assert "geen geldig e-mailadres" in error_of(app, "email")
        await fill(pilot, email="onbekend@example.nl")
        await pilot.press("enter")
        await settle(pilot)
        unknown_answer = str(app.screen.query_one("Static").render()) if isinstance(app.screen, MessageDialog) else ""
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f3")
        await fill(pilot, email="kroon@example.nl")
        await pilot.press("enter")
        await settle(pilot)
        known_answer = str(app.screen.query_one("Static").render())
        assert known_answer == unknown_answer != ""  # the same answer either way
        await pilot.press("enter")
        await settle(pilot)
        delivered = "".join(path.read_text() for path in (tmp_path / "outbox").glob("*.eml"))
        [code] = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", delivered)  # as the user reads it: the queue keeps no code

        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, CodeScreen)
        await fill(pilot, username="kroon", code="AAAAA-BBBBB", password="zonnebloem-op-de-dijk",
                   repeat="zonnebloem-op-de-dijk")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "klopt niet" in error_of(app, "code")
        await fill(pilot, code=code.lower())
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # close "Wachtwoord ingesteld"
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#username", Input).value == "kroon"
        await pilot.press(*"zonnebloem-op-de-dijk", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EmployerScreen)


async def test_a_new_manager_activates_through_the_code_screen(sqlite_db, clock, tmp_path):
    world = story.employers()  # a beheerder adds the branch, with its manager, as in Vestigingen
    add_branch(world.verburg, "Zuid", "D. Kroon", "d.kroon@example.nl", "dkroon", "branch_manager", False, clock)
    [code] = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", OutgoingEmail.get().body)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await fill(pilot, username="dkroon", code=code, password="dkroon-is-mijn-naam", repeat="x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "gebruikersnaam" in error_of(app, "password")
        assert "niet gelijk" in error_of(app, "repeat")
        await fill(pilot, password="lange-wandeling-langs-de-vecht", repeat="lange-wandeling-langs-de-vecht")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await log_in(pilot, "dkroon", "lange-wandeling-langs-de-vecht")
        assert isinstance(app.screen, EmployerScreen)
    assert Account.get(Account.username == "dkroon").password_hash is not None


async def test_every_validation_message_of_the_application_shows_next_to_its_field(sqlite_db, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        for changes, field, fragment in FIELD_CASES:
            await fill(pilot, **{**FORM, "country": "Nederland", "postal_address": "", "postal_postcode": "",
                                 "postal_city": "", **changes})
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert fragment in error_of(app, field), (changes, field)
            assert app.focused is app.screen.query_one(f"#{field}", Input)
    assert Organisation.select().count() == 0
