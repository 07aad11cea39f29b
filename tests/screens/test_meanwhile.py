"""Through the screens: a change someone else made meanwhile is shown, not overwritten; a busy database is
a calm message that keeps what was typed."""
from __future__ import annotations

from textual.widgets import Input

from models import Branch, Organisation
from models.branches import rename_branch, save_roles
from models.db import BUSY, DatabaseBusy
from screens import login as login_screen
from screens import organisation_pane
from screens.branch_forms import RenameBranchScreen
from screens.branches import KEPT, NOT_SAVED_MEANWHILE, PENDING, BranchesPane
from screens.dialogs import ConfirmDialog
from screens.login import LoginScreen
from screens.organisation_pane import OrganisationPane
from tests import story
from tests.screens.helpers import error_of, fill, notifications, settle
from tests.screens.panes import row_named, show_pane, table_rows, to_row, visible_text
from tests.screens.signing_in import app_for, log_in


def busy(*args, **kwargs):
    raise DatabaseBusy()


async def test_roles_changed_meanwhile_are_shown_and_not_overwritten(sqlite_db, clock, tmp_path):
    world = story.employers()
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True)}, clock)  # Kroon is beheerder too
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)  # on a bare screen: no live updates
        await to_row(pilot, "Overvecht")
        await pilot.press("space")  # Verburg makes Kroon contact person ...
        await pilot.pause()
        assert row_named(app, "Overvecht")[0] == "* Overvecht"
        kroon = story.signs_in_again(world.kroon)  # becoming beheerder ended Kroon's earlier sessions
        save_roles(kroon, {world.overvecht.id: ("branch_manager", False)}, clock)  # ... Kroon steps down
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert NOT_SAVED_MEANWHILE in notifications(app)
        assert ("Intussen gewijzigd door een ander. Opgeslagen is nu: Overvecht: Vestigingsmanager. "
                f"{KEPT}") in visible_text(app)
        assert row_named(app, "Overvecht") == ["* Overvecht", "Kroon (kroon)", "0", "(•)", "( )", "[x] ja"]  # hers
        overvecht = Branch.get_by_id(world.overvecht.id)
        assert (overvecht.role, overvecht.is_admin) == ("branch_manager", False)  # Kroon's stays
        await pilot.press("ctrl+z")  # Verburg takes what is stored
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#confirm")
        await settle(pilot)
        assert row_named(app, "Overvecht") == ["Overvecht", "Kroon (kroon)", "0", "( )", "(•)", "[ ] nee"]
        assert PENDING not in visible_text(app) and "Intussen gewijzigd" not in visible_text(app)
    overvecht = Branch.get_by_id(world.overvecht.id)
    assert (overvecht.role, overvecht.is_admin) == ("branch_manager", False)


async def test_a_rename_made_meanwhile_is_named_next_to_the_field_and_ok_again_renames(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Overvecht")
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, name="Overvecht-Noord")
        rename_branch(world.verburg, world.overvecht.id, "Overvecht-Zuid", clock)  # in another session
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RenameBranchScreen)
        assert error_of(app, "name") == ("Iemand anders heeft deze vestiging intussen hernoemd tot "
                                         "\u201cOvervecht-Zuid\u201d. Kies OK om toch uw naam op te slaan, of "
                                         "Annuleren.")
        assert app.screen.query_one("#name", Input).value == "Overvecht-Noord"  # what was typed stays
        assert Branch.get_by_id(world.overvecht.id).name == "Overvecht-Zuid"
        await pilot.press("enter")  # told, and still wants it
        await settle(pilot)
        assert [row[0] for row in table_rows(app)] == ["Hoofdvestiging", "Overvecht-Noord"]
    assert Branch.get_by_id(world.overvecht.id).name == "Overvecht-Noord"


async def test_a_busy_database_at_login_is_a_calm_message_and_the_form_stays(sqlite_db, clock, tmp_path, monkeypatch):
    story.employers()
    monkeypatch.setattr(login_screen, "authenticate", busy)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, LoginScreen)
        assert BUSY in notifications(app)
        assert app.screen.query_one("#username", Input).value == "kroon"
        assert not app.screen.busy  # OK can be chosen again


async def test_a_busy_database_keeps_the_typed_organisation_details(sqlite_db, clock, tmp_path, monkeypatch):
    world = story.employers()
    monkeypatch.setattr(organisation_pane, "update_organisation", busy)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, OrganisationPane, world.verburg)
        await fill(pilot, company="Welzijn Utrecht")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert BUSY in notifications(app)
        assert app.screen.query_one("#company", Input).value == "Welzijn Utrecht"
        assert not pane.busy
    assert Organisation.get_by_id(world.utrecht.id).name == "Stichting Welzijn Utrecht"
