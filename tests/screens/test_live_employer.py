"""Vestigingen, Organisatie and Account follow changes made elsewhere without a key press, and never
overwrite what the user marked or typed: another beheerder, a professional, another process."""
from __future__ import annotations

import os
import subprocess
import sys

from textual.widgets import DataTable, Input, Static

from models import Account, Branch, Organisation, OutgoingEmail
from models.branches import rename_branch, save_roles
from models.db import is_sqlite
from models.inzage import GrantChanges, save_changes
from models.profile import organisation_form, update_contact, update_organisation
from screens.account_pane import AccountPane
from screens.account_pane import NOT_SAVED_MEANWHILE as CONTACT_NOT_SAVED
from screens.branches import KEPT as ROLES_KEPT
from screens.branches import PENDING, READ_ONLY, ROLES_SAVED, BranchesPane
from screens.confirm_dialog import OneFieldDialog
from screens.dialogs import ConfirmDialog
from screens.employer import EmployerScreen
from screens.login import LoginScreen
from screens.organisation_pane import KEPT, SAVED, OrganisationPane
from tests import story
from tests.screens.helpers import eventually, notifications, notified, settle, shown, watching
from tests.screens.panes import show_pane
from tests.screens.signing_in import live_app, log_in


async def signed_in(pilot, username: str, tab_key: str) -> None:
    """Log in, wait until the change watcher knows where the feed stands, and show a tab."""
    await log_in(pilot, username, story.PASSWORD)
    assert isinstance(pilot.app.screen, EmployerScreen)
    await watching(pilot)
    await pilot.press(tab_key)
    await settle(pilot)


def pane_text(pane) -> str:
    return "\n".join(str(widget.render()) for widget in pane.query(Static) if shown(widget))


# -- Vestigingen -------------------------------------------------------------------------------------------
def branches(app) -> BranchesPane:
    return app.screen.query_one(BranchesPane)


def rows(app) -> list[list[str]]:
    table = branches(app).query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def row(app, name: str) -> list[str] | None:
    return next((row for row in rows(app) if row[0].lstrip("* ") == name), None)


def highlighted(app) -> int:
    table = branches(app).query_one(DataTable)
    return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


async def to_branch(pilot, branch: Branch) -> None:
    table = branches(pilot.app).query_one(DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(str(branch.id)))
    await pilot.pause()


def kroon_is_beheerder_too(world, clock) -> None:
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True)}, clock)


async def test_another_beheerders_rename_and_role_change_appear_without_a_key_press(database, clock, tmp_path):
    """On SQLite and on PostgreSQL (LISTEN/NOTIFY)."""
    world = story.employers()
    kroon_is_beheerder_too(world, clock)
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "kroon", "f5")
        assert [row[0] for row in rows(app)] == ["Hoofdvestiging", "Overvecht"]
        await to_branch(pilot, world.overvecht)
        rename_branch(world.verburg, world.hoofdvestiging.id, "Zuilen", clock)  # Verburg, in her own session
        save_roles(world.verburg, {world.hoofdvestiging.id: ("branch_manager", True)}, clock)
        await eventually(pilot, lambda: row(app, "Zuilen") == ["Zuilen", "Verburg (verburg)", "0", "( )", "(•)",
                                                                "[x] ja"])
        assert [row[0] for row in rows(app)] == ["Overvecht", "Zuilen"]
        assert highlighted(app) == world.overvecht.id  # the cursor stayed on the same branch


async def test_professionals_gekoppeld_follows_a_grant_the_professional_revokes(sqlite_db, clock, tmp_path):
    world = story.employers()
    story.registration(world.test, story.register())
    grant = story.grant(world.test, world.overvecht)
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "verburg", "f5")
        assert row(app, "Overvecht")[2] == "1"
        save_changes(story.account_of(world.test), GrantChanges(revoke={grant.id}), clock)
        await eventually(pilot, lambda: row(app, "Overvecht")[2] == "0")


async def test_a_beheerder_whose_right_is_taken_away_is_signed_out_and_their_marks_are_not_saved(
        sqlite_db, clock, tmp_path):
    world = story.employers()
    kroon_is_beheerder_too(world, clock)
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "kroon", "f5")
        pane = branches(app)
        assert pane.can_change and READ_ONLY not in pane_text(pane)
        assert "vestigingsmanager en beheerder" in app.screen.sub_title
        await to_branch(pilot, world.hoofdvestiging)
        await pilot.press("space")  # Kroon marks a change ...
        await pilot.pause()
        save_roles(world.verburg, {world.overvecht.id: ("branch_manager", False)}, clock)  # ... Verburg ends his right
        await eventually(pilot, lambda: isinstance(app.screen, LoginScreen))  # a changed role ends the session
        await notified(pilot, "uw rol in de organisatie is gewijzigd")
    assert Branch.get_by_id(world.hoofdvestiging.id).role == world.hoofdvestiging.role  # Kroon's mark was not saved


async def test_marked_roles_survive_a_change_elsewhere_and_the_line_says_who_changed_what(sqlite_db, clock,
                                                                                           tmp_path):
    world = story.employers()
    kroon_is_beheerder_too(world, clock)
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "kroon", "f5")
        await to_branch(pilot, world.hoofdvestiging)
        await pilot.press("space")  # Kroon: Verburg becomes vestigingsmanager (still beheerder)
        await pilot.pause()
        assert row(app, "Hoofdvestiging") == ["* Hoofdvestiging", "Verburg (verburg)", "0", "( )", "(•)", "[x] ja"]
        # Verburg meanwhile renames Overvecht and makes herself vestigingsmanager without the beheerder right.
        rename_branch(world.verburg, world.overvecht.id, "Overvecht-Noord", clock)
        save_roles(world.verburg, {world.hoofdvestiging.id: ("branch_manager", False)}, clock)
        pane = branches(app)
        await eventually(pilot, lambda: "Intussen gewijzigd" in pane_text(pane) and row(app, "Overvecht-Noord"))
        assert ("Intussen gewijzigd door Verburg. Opgeslagen is nu: Hoofdvestiging: Vestigingsmanager. "
                f"{ROLES_KEPT}") in pane_text(pane)
        assert row(app, "Hoofdvestiging") == ["* Hoofdvestiging", "Verburg (verburg)", "0", "( )", "(•)", "[x] ja"]
        assert PENDING in pane_text(pane)
        assert highlighted(app) == world.hoofdvestiging.id
        await pilot.press("ctrl+s")  # told, and saves his over hers
        await settle(pilot)
        assert ROLES_SAVED in notifications(app)
        await eventually(pilot, lambda: "Intussen gewijzigd" not in pane_text(pane))
        assert row(app, "Hoofdvestiging") == ["Hoofdvestiging", "Verburg (verburg)", "0", "( )", "(•)", "[x] ja"]
    hoofdvestiging = Branch.get_by_id(world.hoofdvestiging.id)
    assert (hoofdvestiging.role, hoofdvestiging.is_admin) == ("branch_manager", True)


async def test_logging_out_with_marked_roles_asks_first(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "verburg", "f5")
        await to_branch(pilot, world.overvecht)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # Annuleren: stay, the mark stays
        await pilot.pause()
        assert isinstance(app.screen, EmployerScreen)
        assert row(app, "Overvecht")[0] == "* Overvecht"
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.click("#confirm")  # Niet opslaan en verdergaan
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
    assert not Branch.get_by_id(world.overvecht.id).is_admin


async def test_a_rename_in_another_process_appears(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "kroon", "f5")
        assert is_sqlite(sqlite_db)
        script = ("import sys, datetime as dt; from models.db import open_database; open_database(sys.argv[1]);"
                  "from models import Account; from models.branches import rename_branch;"
                  "from models.clock import FixedClock;"
                  "rename_branch(Account.get_by_id(int(sys.argv[2])), int(sys.argv[3]), sys.argv[4],"
                  " FixedClock(dt.datetime(2026, 11, 28, 9, 0)))")
        subprocess.run([sys.executable, "-c", script, f"sqlite:///{sqlite_db.database}", str(world.verburg.id),
                        str(world.overvecht.id), "Overvecht-Zuid"], check=True, cwd=os.getcwd(), timeout=60)
        await eventually(pilot, lambda: row(app, "Overvecht-Zuid") is not None)


# -- Organisatie -------------------------------------------------------------------------------------------
def value(app, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


async def test_typed_organisation_details_survive_a_change_elsewhere(sqlite_db, clock, tmp_path):
    world = story.employers()
    kroon_is_beheerder_too(world, clock)
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "verburg", "f4")
        pane = app.screen.query_one(OrganisationPane)
        kroon = story.signs_in_again(world.kroon)  # becoming beheerder ended Kroon's earlier sessions
        theirs = organisation_form(kroon)  # nothing typed yet: the form simply follows
        update_organisation(kroon, {**theirs.values, "visit_address": "Stationsplein 2"}, theirs.version, clock)
        await eventually(pilot, lambda: value(app, "visit_address") == "Stationsplein 2")
        assert "Intussen gewijzigd" not in pane_text(pane)

        await pilot.click("#company")
        app.screen.query_one("#company", Input).value = "Welzijn Utrecht"  # Verburg types ...
        await pilot.pause()
        assert pane.has_unsaved_changes
        theirs = organisation_form(kroon)  # ... while Kroon saves a new city and another name
        update_organisation(kroon, {**theirs.values, "company": "Stichting Welzijn Utrecht-Stad",
                                          "visit_city": "Utrecht-Oost"}, theirs.version, clock)
        await eventually(pilot, lambda: value(app, "visit_city") == "Utrecht-Oost")
        assert value(app, "company") == "Welzijn Utrecht"  # what she typed stays
        assert ("Intussen gewijzigd door Kroon (Bedrijfsnaam, Plaats). Bij Bedrijfsnaam staat uw tekst; opgeslagen "
                f"is “Stichting Welzijn Utrecht-Stad”. {KEPT}") in pane_text(pane)
        await pilot.press("ctrl+s")  # told, and saves hers over it
        await settle(pilot)
        assert SAVED in notifications(app)
        assert "Intussen gewijzigd" not in pane_text(pane)
        assert not pane.has_unsaved_changes
    org = Organisation.get_by_id(world.utrecht.id)
    assert (org.name, org.visit_address, org.visit_city, org.version) == (
        "Welzijn Utrecht", "Stationsplein 2", "Utrecht-Oost", 4)


async def test_leaving_typed_organisation_details_asks_and_ctrl_z_loads_the_stored_ones(sqlite_db, clock,
                                                                                        tmp_path):
    world = story.employers()
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "verburg", "f4")
        app.screen.query_one("#company", Input).value = "Welzijn Utrecht"
        await pilot.pause()
        await pilot.press("f5")  # to Vestigingen: asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EmployerScreen) and app.screen.current_tab == "organisation"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#confirm")
        await settle(pilot)
        assert value(app, "company") == "Stichting Welzijn Utrecht"
        await pilot.press("f5")  # nothing unsaved: no question
        await settle(pilot)
        assert app.screen.current_tab == "branches"
    assert Organisation.get_by_id(world.utrecht.id).version == 1


# -- Account -----------------------------------------------------------------------------------------------
async def test_contact_details_follow_another_session_and_typed_ones_stay(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot, "kroon", "f3")
        pane = app.screen.query_one(AccountPane)
        update_contact(world.kroon, "D. Kroon", "kroon@example.nl", clock)  # Kroon, in another session
        await eventually(pilot, lambda: value(app, "name") == "D. Kroon")
        assert "Intussen gewijzigd" not in pane_text(pane)
        app.screen.query_one("#email", Input).value = "d.kroon@welzijn.nl"  # typed here ...
        await pilot.pause()
        update_contact(world.kroon, "Dirk Kroon", "kroon@example.nl", clock)  # ... renamed there
        await eventually(pilot, lambda: value(app, "name") == "Dirk Kroon")
        assert value(app, "email") == "d.kroon@welzijn.nl"
        assert "Intussen gewijzigd in een andere sessie (Naam)." in pane_text(pane)
        app.screen.query_one("#contact_current", Input).value = story.PASSWORD  # a new address asks for it
        app.screen.query_one("#email", Input).focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OneFieldDialog)  # the code sent to the new address is asked for
        await pilot.press("escape")
        await settle(pilot)
        assert value(app, "name") == "Dirk Kroon" and value(app, "email") == "kroon@example.nl"
        assert "Intussen gewijzigd" not in pane_text(pane)
    stored = Branch.get_by_id(world.overvecht.id).manager
    assert (stored.name, stored.email) == ("Dirk Kroon", "kroon@example.nl")
    assert OutgoingEmail.select().where(OutgoingEmail.to_address == "d.kroon@welzijn.nl").exists()


async def test_a_contact_save_over_a_change_not_shown_yet_is_refused(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = live_app(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, AccountPane, world.kroon)  # on a bare screen: no live updates
        app.screen.query_one("#email", Input).value = "d.kroon@welzijn.nl"
        app.screen.query_one("#contact_current", Input).value = story.PASSWORD
        app.screen.query_one("#email", Input).focus()
        update_contact(Account.get_by_id(world.kroon.id), "Dirk Kroon", "kroon@example.nl", clock)  # elsewhere
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert CONTACT_NOT_SAVED in notifications(app)
        assert (value(app, "name"), value(app, "email")) == ("Dirk Kroon", "d.kroon@welzijn.nl")
        assert "Intussen gewijzigd in een andere sessie (Naam)." in pane_text(pane)
        assert Account.get_by_id(world.kroon.id).email == "kroon@example.nl"
        await pilot.press("ctrl+s")  # told: now it saves, and asks the code sent to the new address
        await settle(pilot)
        assert isinstance(app.screen, OneFieldDialog)
    stored = Account.get_by_id(world.kroon.id)
    assert (stored.name, stored.email) == ("Dirk Kroon", "kroon@example.nl")
    assert OutgoingEmail.select().where(OutgoingEmail.to_address == "d.kroon@welzijn.nl").exists()
