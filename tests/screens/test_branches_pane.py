"""Vestigingen through the pane: add, rename, roles saved in one go, remove, and read-only for others."""
from __future__ import annotations

from peewee import OperationalError

from models import AccessGrant, Account, AuditEvent, Branch, OutgoingEmail
from models.audit import Action
from models.branches import LAST_ADMIN
from screens import branches as branches_screen
from screens.branch_forms import NewBranchScreen
from screens.branches import PENDING, READ_ONLY, ROLES_SAVED, BranchesPane
from screens.dialogs import ConfirmDialog
from tui.kit.domain import SOMETHING_WENT_WRONG
from tests import story
from tests.screens.helpers import error_of, fill, notifications, screen_text, settle
from tests.screens.panes import PaneHost, row_named, show_pane, shown_keys, table_rows, to_row, visible_text
from tests.screens.signing_in import app_for


async def test_the_table_shows_branches_managers_roles_and_linked_professionals(sqlite_db, clock, tmp_path):
    world = story.employers()
    story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        assert table_rows(app) == [
            ["Hoofdvestiging", "Verburg (verburg)", "0", "(•)", "( )", "[x] ja"],
            ["Overvecht", "Kroon (kroon)", "1", "( )", "(•)", "[ ] nee"],
        ]
        assert READ_ONLY not in visible_text(app)
        assert {"n", "e", "space", "b", "ctrl+s", "delete"} <= shown_keys(app)


async def test_a_beheerder_adds_a_branch_and_the_manager_gets_an_activation_email(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewBranchScreen)
        await fill(pilot, name="Zuilen", manager_name="P. de Vries", manager_email="p.devries@welzijn.nl",
                   manager_username="kroon")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app, "manager_username") == "Deze gebruikersnaam is al in gebruik. Kies een andere."
        await fill(pilot, manager_username="pdevries")
        await pilot.press("enter")  # from the last field: submit
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert row_named(app, "Zuilen")[1:] == ["P. de Vries (pdevries) · nog niet geactiveerd", "0", "( )", "(•)",
                                                "[ ] nee"]
        assert any("krijgt een e-mail met een activeringscode" in message for message in notifications(app))
    manager = Account.get(Account.username == "pdevries")
    assert manager.password_hash is None
    mail = OutgoingEmail.get(OutgoingEmail.to_address == "p.devries@welzijn.nl")
    assert "pdevries" in mail.body and mail.sent_at is not None  # delivered to the outbox


async def test_a_new_branch_can_have_a_contact_person_who_is_beheerder(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, name="Zuilen", manager_name="P. de Vries", manager_email="p.devries@welzijn.nl",
                   manager_username="pdevries")
        await pilot.click("#role-contact_person")
        await pilot.click("#is_admin")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert row_named(app, "Zuilen")[3:] == ["(•)", "( )", "[x] ja"]
    branch = Branch.get(Branch.name == "Zuilen")
    assert (branch.role, branch.is_admin) == ("contact_person", True)


async def test_a_beheerder_renames_a_branch(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Overvecht")
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, name="Hoofdvestiging")
        await pilot.press("enter")
        await settle(pilot)
        assert "al een vestiging" in error_of(app, "name")
        await fill(pilot, name="Overvecht-Noord")
        await pilot.press("enter")
        await settle(pilot)
        assert [row[0] for row in table_rows(app)] == ["Hoofdvestiging", "Overvecht-Noord"]
    assert Branch.get_by_id(world.overvecht.id).name == "Overvecht-Noord"


async def test_role_and_beheerder_changes_are_marked_then_saved_in_one_go(sqlite_db, clock, tmp_path, monkeypatch):
    world = story.employers()
    calls = []
    real = branches_screen.save_roles
    monkeypatch.setattr(branches_screen, "save_roles", lambda *args: calls.append(args) or real(*args))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Overvecht")
        await pilot.press("space", "b")
        await pilot.pause()
        assert row_named(app, "Overvecht") == ["* Overvecht", "Kroon (kroon)", "0", "(•)", "( )", "[x] ja"]
        assert PENDING in visible_text(app)
        await to_row(pilot, "Hoofdvestiging")
        await pilot.press("space")
        assert Branch.get_by_id(world.overvecht.id).role == "branch_manager"  # nothing saved yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ROLES_SAVED in notifications(app)
        assert [row[0] for row in table_rows(app)] == ["Hoofdvestiging", "Overvecht"]  # no marks left
        assert PENDING not in visible_text(app)
    assert len(calls) == 1
    overvecht, hoofd = Branch.get_by_id(world.overvecht.id), Branch.get_by_id(world.hoofdvestiging.id)
    assert (overvecht.role, overvecht.is_admin, hoofd.role, hoofd.is_admin) == (
        "contact_person", True, "branch_manager", True)
    assert AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED).count() == 2


async def test_toggling_back_leaves_nothing_to_save(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Overvecht")
        await pilot.press("space", "space")
        assert row_named(app, "Overvecht")[0] == "Overvecht"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Er zijn geen gewijzigde rollen om op te slaan." in notifications(app)


async def test_dropping_the_last_beheerder_is_refused_with_a_message(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Hoofdvestiging")
        await pilot.press("b", "ctrl+s")
        await settle(pilot)
        assert LAST_ADMIN in notifications(app)
        assert row_named(app, "Hoofdvestiging")[0] == "* Hoofdvestiging"  # still marked, so it can be fixed
    assert Branch.get_by_id(world.hoofdvestiging.id).is_admin


async def test_removing_a_branch_with_grants_in_force_asks_twice(sqlite_db, clock, tmp_path):
    world = story.employers()
    story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Kroon (kroon) kan daarna niet meer inloggen" in screen_text(app)
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "1 professional heeft nu inzage; hun inzage eindigt." in screen_text(app)
        assert Branch.get_by_id(world.overvecht.id).removed_at is None  # not yet
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert [row[0] for row in table_rows(app)] == ["Hoofdvestiging"]
    assert Branch.get_by_id(world.overvecht.id).removed_at == clock.now()
    assert AccessGrant.get().revoked_by_id == world.verburg.id


async def test_cancelling_a_removal_keeps_the_branch(sqlite_db, clock, tmp_path):
    world = story.employers()
    story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await to_row(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")  # Annuleren has the focus
        await settle(pilot)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        await pilot.press("escape")  # the second question
        await settle(pilot)
        assert [row[0] for row in table_rows(app)] == ["Hoofdvestiging", "Overvecht"]
    assert Branch.get_by_id(world.overvecht.id).removed_at is None
    assert AccessGrant.get().revoked_at is None


async def test_a_non_beheerder_sees_the_table_read_only(sqlite_db, clock, tmp_path):
    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.kroon)
        assert [row[0] for row in table_rows(app)] == ["Hoofdvestiging", "Overvecht"]
        assert READ_ONLY in visible_text(app)
        assert not {"n", "e", "space", "b", "ctrl+s", "delete"} & shown_keys(app)
        await to_row(pilot, "Overvecht")
        await pilot.press("space", "b", "n", "e", "delete", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert row_named(app, "Overvecht")[0] == "Overvecht"
    assert Branch.get_by_id(world.overvecht.id).removed_at is None
    assert not AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED).exists()


async def test_markup_in_a_branch_name_is_shown_as_typed(sqlite_db, clock, tmp_path):
    org = story.organisation()
    admin = story.branch(org, "[bold]Centrum[/]", "verburg", admin=True).manager
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, admin)
        assert table_rows(app)[0][0] == "[bold]Centrum[/]"


async def test_a_failure_while_loading_is_a_calm_message(sqlite_db, clock, tmp_path, monkeypatch):
    world = story.employers()

    def broken(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(branches_screen, "branch_rows", broken)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        assert SOMETHING_WENT_WRONG in notifications(app)
        assert isinstance(app.screen, PaneHost)
