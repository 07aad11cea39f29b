"""The staff console: decide applications, find, unlock and re-activate accounts."""
from __future__ import annotations

import dataclasses

from textual.widgets import Input

from models import Account, Organisation, OutgoingEmail, Role
from models.applications import apply_for_employer_account
from models.auth import LoginStatus, authenticate
from models.codes import create_manager_account
from screens.dialogs import ReasonDialog
from screens.staff import StaffScreen
from tests import story
from tests.applications import GOOD
from tests.screens.helpers import notifications, screen_text, settle
from tests.screens.panes import staff_rows
from tests.screens.signing_in import app_for, log_in


async def as_staff(app, pilot) -> None:
    await log_in(pilot, "medewerker", story.PASSWORD)
    assert isinstance(app.screen, StaffScreen)


async def test_staff_approve_one_application_and_reject_another_with_a_reason(sqlite_db, clock, tmp_path):
    story.account("medewerker", Role.STAFF)
    story.organisation("Stichting Welzijn Utrecht")  # already approved: the new one may be a duplicate
    apply_for_employer_account(GOOD, clock)
    apply_for_employer_account(dataclasses.replace(GOOD, username="tweede", company="Buurtwerk Zwolle",
                                                   visit_postcode="8011 AA", visit_city="Zwolle",
                                                   email="b@zwolle.nl", email_repeat="b@zwolle.nl"), clock)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_staff(app, pilot)
        await settle(pilot)
        rows = staff_rows(app, "applications-table")
        assert [row[0] for row in rows] == ["Stichting Welzijn Utrecht", "Buurtwerk Zwolle"]
        assert "mogelijk dubbel" in rows[0][6] and rows[1][6] == ""
        assert "zelfde naam en postcode als Stichting Welzijn Utrecht" in screen_text(app)

        await pilot.press("r")  # reject the first (highlighted) one
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")  # no reason yet
        await pilot.pause()
        assert "Vul een reden in" in screen_text(app)
        await pilot.press(*"Dubbel account", "enter")
        await settle(pilot)
        assert [row[0] for row in staff_rows(app, "applications-table")] == ["Buurtwerk Zwolle"]
        await pilot.press("a")
        await settle(pilot)
        assert staff_rows(app, "applications-table") == []
        assert any("goedgekeurd" in message for message in notifications(app))
    assert authenticate("mverburg", GOOD.password, clock).status == LoginStatus.REJECTED
    assert authenticate("tweede", GOOD.password, clock).ok
    assert Organisation.select().where(Organisation.status == "approved").count() == 2
    assert OutgoingEmail.select().where(OutgoingEmail.sent_at.is_null()).count() == 0  # all delivered


async def test_staff_find_unlock_and_resend_activation(sqlite_db, clock, tmp_path):
    story.account("medewerker", Role.STAFF)
    kroon = story.account("kroon", Role.EMPLOYER, name="D. Kroon")
    create_manager_account("A. Nieuw", "nieuw@example.nl", "nieuw", clock)
    for _ in range(5):
        authenticate("kroon", "fout", clock)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_staff(app, pilot)
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one("#account-query", Input).value = "kroon"
        await settle(pilot)
        assert staff_rows(app, "accounts-table") == [["kroon", "geblokkeerd", "D. Kroon", "werkgever",
                                                     "kroon@example.nl", ""]]
        app.screen.query_one("#accounts-table").focus()
        await pilot.press("u")
        await settle(pilot)
        assert staff_rows(app, "accounts-table")[0][1] == "actief"
        app.screen.query_one("#account-query", Input).value = "nieuw"
        await settle(pilot)
        app.screen.query_one("#accounts-table").focus()
        await pilot.press("c")
        await settle(pilot)
    assert Account.get_by_id(kroon.id).locked_until is None
    assert OutgoingEmail.select().where(OutgoingEmail.to_address == "nieuw@example.nl").count() == 2
