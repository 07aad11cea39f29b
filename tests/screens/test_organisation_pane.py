"""Organisatie: a beheerder edits the organisation's details; others read them; nothing is overwritten."""
from __future__ import annotations

from textual.widgets import Input

from models import Organisation
from models.branches import save_roles
from models.profile import organisation_form, update_organisation
from screens.organisation_pane import KEPT, NOT_SAVED_MEANWHILE, READ_ONLY, SAVED, OrganisationPane
from tests import story
from tests.screens.helpers import error_of, fill, notifications, settle
from tests.screens.panes import show_pane, shown_keys, visible_text
from tests.screens.signing_in import app_for


def value(app, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


async def test_a_beheerder_edits_the_details_with_a_message_next_to_a_wrong_field(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, OrganisationPane, world.verburg)
        assert (value(app, "company"), value(app, "visit_postcode"), value(app, "country")) == (
            "Stichting Welzijn Utrecht", "3511 AB", "Nederland")
        assert READ_ONLY not in visible_text(app)
        await fill(pilot, company="Welzijn Utrecht", visit_postcode="12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app, "visit_postcode") == "Vul een Nederlandse postcode in als 1234 AB."
        assert app.focused is app.screen.query_one("#visit_postcode", Input)
        assert Organisation.get_by_id(world.utrecht.id).name == "Stichting Welzijn Utrecht"
        await fill(pilot, visit_postcode="3511bd")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert SAVED in notifications(app)
        assert error_of(app, "visit_postcode") == ""
        assert value(app, "visit_postcode") == "3511 BD"  # as stored
    org = Organisation.get_by_id(world.utrecht.id)
    assert (org.name, org.visit_postcode, org.version) == ("Welzijn Utrecht", "3511 BD", 2)


async def test_a_change_made_meanwhile_is_not_overwritten(sqlite_db, clock, tmp_path):
    world = story.employers()
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True)}, clock)  # Kroon is beheerder too
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, OrganisationPane, world.verburg)  # on a bare screen: no live updates
        kroon = story.signs_in_again(world.kroon)  # becoming beheerder ended Kroon's earlier sessions
        theirs = organisation_form(kroon)  # Kroon saves while Verburg is still typing
        update_organisation(kroon, {**theirs.values, "visit_city": "Utrecht-Oost"}, theirs.version, clock)
        await fill(pilot, company="Welzijn Utrecht")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert NOT_SAVED_MEANWHILE in notifications(app)
        assert f"Intussen gewijzigd door een ander (Plaats). {KEPT}" in visible_text(app)
        # What Verburg typed stays; the field she left shows Kroon's change.
        assert (value(app, "company"), value(app, "visit_city")) == ("Welzijn Utrecht", "Utrecht-Oost")
        org = Organisation.get_by_id(world.utrecht.id)
        assert (org.name, org.visit_city, org.version) == ("Stichting Welzijn Utrecht", "Utrecht-Oost", 2)
        await pilot.press("ctrl+s")  # told, and saves hers over it
        await settle(pilot)
        assert SAVED in notifications(app)
        assert "Intussen gewijzigd" not in visible_text(app)
    org = Organisation.get_by_id(world.utrecht.id)
    assert (org.name, org.visit_city, org.version) == ("Welzijn Utrecht", "Utrecht-Oost", 3)


async def test_others_read_the_details_but_cannot_change_them(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, OrganisationPane, world.kroon)
        assert value(app, "company") == "Stichting Welzijn Utrecht"
        assert READ_ONLY in visible_text(app)
        assert all(field.disabled for field in app.screen.query(Input))
        assert "ctrl+s" not in shown_keys(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert SAVED not in notifications(app)
    assert Organisation.get_by_id(world.utrecht.id).version == 1
