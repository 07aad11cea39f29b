"""Inzage through the pane: add branches of an organisation, change a date, revoke, save or undo, ask before leaving."""
from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, OptionList, SelectionList

from models import AccessGrant, Action, AuditEvent
from models.inzage import PAST_DATE
from models.overview import overview_rows
from screens.dialogs import ConfirmDialog
from screens.grant_dialogs import EndDateDialog, GrantPicker
from screens.inzage import EMPTY, PENDING, SAVED, InzagePane
from tests import story
from tests.screens.helpers import error_of, fill, notifications, settle
from tests.screens.panes import PaneHost, show_pane, shown_keys, visible_text
from tests.screens.panes import table_rows as wrapped_rows
from tests.screens.signing_in import app_for


def world_with_registration():
    world = story.employers()
    story.registration(world.test, story.register())
    return world


def table_rows(app) -> list[list[str]]:
    """The table's cells, each on one line (long cells wrap over several lines on the screen)."""
    return [[" ".join(cell.split()) for cell in row] for row in wrapped_rows(app)]


def seen_by(employer, today) -> list[str]:
    return sorted({row.name for row in overview_rows(employer, today)})


def options_of(app) -> list[str]:
    options = app.screen.query_one("#organisations", OptionList)
    return [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]


def branch_prompts(app) -> list[str]:
    selections = app.screen.query_one("#branches", SelectionList)
    return [str(selections.get_option_at_index(index).prompt) for index in range(selections.option_count)]


async def to_row(pilot, branch: str) -> None:
    table = pilot.app.screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=[row[3] for row in table_rows(pilot.app)].index(branch))
    await pilot.pause()


async def test_the_full_grant_flow_and_the_employer_sees_the_professional(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    story.branch(world.utrecht, "Zuilen", "zuilen")
    for number in range(60):  # many organisations: the picker shows at most 50
        story.organisation(f"Kinderopvang {number:02d}")
    story.organisation("Welzijn in aanvraag", status="pending")
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        pane = await show_pane(pilot, InzagePane, story.account_of(world.test))
        assert EMPTY in visible_text(app)
        assert {"a", "d", "delete", "ctrl+s"} <= shown_keys(app) and "escape" not in shown_keys(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, GrantPicker)
        assert len(options_of(app)) == 50
        await pilot.press(*"welzijn")
        await settle(pilot)
        assert options_of(app) == ["Stichting Welzijn Utrecht"]  # approved ones only
        await pilot.press("enter")  # the only match: Enter chooses it
        await settle(pilot)
        assert branch_prompts(app) == [
            "Hoofdvestiging — Verburg, Contactpersoon werkgever, Beheerder",
            "Overvecht — Kroon, Vestigingsmanager",
            "Zuilen — Zuilen, Vestigingsmanager",
        ]
        await pilot.press("space", "down", "space")  # tick Hoofdvestiging and Overvecht
        await fill(pilot, end_date="27-11-2026")  # yesterday
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GrantPicker)
        assert error_of(app, "end_date") == PAST_DATE
        await fill(pilot, end_date="31-12-2027")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert [row[:5] + row[6:] for row in table_rows(app)] == [
            ["* Verburg", "", "Stichting Welzijn Utrecht", "Hoofdvestiging", "31-12-2027",
             "nieuw, nog niet opgeslagen"],
            ["* Kroon", "", "Stichting Welzijn Utrecht", "Overvecht", "31-12-2027", "nieuw, nog niet opgeslagen"],
        ]
        assert pane.has_unsaved_changes and PENDING in visible_text(app)
        assert AccessGrant.select().count() == 0  # nothing saved yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert SAVED in notifications(app)
        assert not pane.has_unsaved_changes and PENDING not in visible_text(app)
        assert [row[:3] + row[4:] for row in table_rows(app)] == [
            ["Kroon", "kroon@example.nl", "Stichting Welzijn Utrecht", "31-12-2027", "Vestigingsmanager",
             "heeft inzage"],
            ["Verburg", "verburg@example.nl", "Stichting Welzijn Utrecht", "31-12-2027",
             "Contactpersoon werkgever, Beheerder", "heeft inzage"],
        ]
    assert seen_by(world.kroon, clock.today()) == ["T. Test"]
    assert seen_by(world.verburg, dt.date(2027, 12, 31)) == ["T. Test"]
    assert seen_by(world.jansen, clock.today()) == []
    assert AuditEvent.select().where(AuditEvent.action == Action.GRANT_MADE).count() == 2


async def test_branches_already_granted_are_marked_and_cannot_be_ticked(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, InzagePane, story.account_of(world.test))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"utrecht", "enter")
        await settle(pilot)
        assert branch_prompts(app)[1] == "Overvecht — Kroon, Vestigingsmanager  (heeft al inzage)"
        await pilot.press("ctrl+s")  # nothing ticked
        await pilot.pause()
        assert isinstance(app.screen, GrantPicker)
        assert "vink daarna een of meer vestigingen" in str(app.screen.query_one("#branches-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PaneHost)


async def test_changing_a_date(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    grant = story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, InzagePane, story.account_of(world.test))
        await to_row(pilot, "Overvecht")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, EndDateDialog)
        await fill(pilot, end_date="1-1-2020")
        await pilot.press("enter")
        await pilot.pause()
        assert error_of(app, "end_date") == PAST_DATE
        await fill(pilot, end_date="28-11-2026")  # today itself is fine
        await pilot.press("enter")
        await pilot.pause()
        [row] = table_rows(app)
        assert (row[0], row[4], row[6]) == ("* Kroon", "28-11-2026",
                                            "nieuwe datum, nog niet opgeslagen (was onbeperkt)")
        assert pane.has_unsaved_changes
        assert AccessGrant.get_by_id(grant.id).end_date is None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert table_rows(app)[0][4] == "28-11-2026" and not pane.has_unsaved_changes
    assert AccessGrant.get_by_id(grant.id).end_date == dt.date(2026, 11, 28)
    assert AuditEvent.get(AuditEvent.action == Action.GRANT_CHANGED).branch_id == world.overvecht.id


async def test_revoking_and_how_ended_grants_are_shown(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    story.grant(world.test, world.overvecht)
    story.grant(world.test, world.centrum, end_date=dt.date(2026, 10, 31))
    story.grant(world.test, world.hoofdvestiging, revoked_by=world.verburg)
    account = story.account_of(world.test)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await show_pane(pilot, InzagePane, account)
        assert [(row[3], row[6]) for row in table_rows(app)] == [
            ("Overvecht", "heeft inzage"),
            ("Centrum", "verlopen op 31-10-2026"),
            ("Hoofdvestiging", "beëindigd door Verburg (Stichting Welzijn Utrecht) op 01-11-2026"),
        ]
        await to_row(pilot, "Hoofdvestiging")
        await pilot.press("delete")  # already ended: nothing to revoke
        await pilot.pause()
        assert not pane.has_unsaved_changes
        await to_row(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        assert table_rows(app)[0][0] == "* Kroon" and table_rows(app)[0][6] == "wordt ingetrokken bij opslaan"
        assert seen_by(world.kroon, clock.today()) == ["T. Test"]  # not before saving
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [(row[3], row[6]) for row in table_rows(app)] == [
            ("Centrum", "verlopen op 31-10-2026"),
            ("Hoofdvestiging", "beëindigd door Verburg (Stichting Welzijn Utrecht) op 01-11-2026"),
            ("Overvecht", "ingetrokken door u op 28-11-2026"),  # granted at the same time: the older grant
        ]
    assert seen_by(world.kroon, clock.today()) == []
    revoked = AccessGrant.get(AccessGrant.branch == world.overvecht)
    assert (revoked.revoked_at, revoked.revoked_by_id) == (clock.now(), account.id)


async def test_pending_changes_are_undone_after_confirming(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    grant = story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, InzagePane, story.account_of(world.test))
        await to_row(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        assert "escape" in shown_keys(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#cancel")  # keep them after all
        await pilot.pause()
        assert pane.has_unsaved_changes
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert isinstance(app.screen, PaneHost)
        assert not pane.has_unsaved_changes
        assert table_rows(app)[0][0] == "Kroon" and PENDING not in visible_text(app)
    assert AccessGrant.get_by_id(grant.id).revoked_at is None


async def test_leaving_with_unsaved_changes_asks_first(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    story.grant(world.test, world.overvecht)
    left = []
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, InzagePane, story.account_of(world.test))
        assert not pane.has_unsaved_changes
        pane.confirm_leave(lambda: left.append("at once"))
        assert left == ["at once"]
        await to_row(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        assert pane.has_unsaved_changes
        pane.confirm_leave(lambda: left.append("after asking"))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#cancel")
        await pilot.pause()
        assert left == ["at once"] and pane.has_unsaved_changes
        pane.confirm_leave(lambda: left.append("after asking"))
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert left == ["at once", "after asking"] and not pane.has_unsaved_changes
    assert AccessGrant.get().revoked_at is None


async def test_a_refused_save_keeps_the_changes(sqlite_db, clock, tmp_path):
    world = world_with_registration()
    story.grant(world.test, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, InzagePane, story.account_of(world.test))
        await to_row(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        story.grant(world.test, world.centrum)  # meanwhile, elsewhere: the employer ends the grant first
        AccessGrant.update(revoked_at=clock.now(), revoked_by=world.kroon).where(
            AccessGrant.branch == world.overvecht).execute()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("al beëindigd" in message for message in notifications(app))
        assert not pane.busy
        # The grant is no longer live, so its pending revocation is dropped on reload.
        assert [row[3] for row in table_rows(app)] == ["Centrum", "Overvecht"]
