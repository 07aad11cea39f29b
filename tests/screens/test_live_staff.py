"""The staff console follows changes made elsewhere without a key press: new applications appear, decided
ones go, an account's status follows; the highlighted row and the search text stay."""
from __future__ import annotations

import dataclasses

from textual.widgets import DataTable, Input

from models import Organisation, Role
from models.applications import apply_for_employer_account
from models.auth import MAX_FAILURES, authenticate
from models.staff import approve_application
from screens.staff import StaffScreen
from tests import story
from tests.applications import GOOD
from tests.screens.helpers import eventually, settle, watching
from tests.screens.panes import staff_rows
from tests.screens.signing_in import app_for, log_in


def application(company: str, username: str, postcode: str, city: str):
    return dataclasses.replace(GOOD, company=company, username=username, visit_postcode=postcode, visit_city=city,
                               email=f"{username}@example.nl", email_repeat=f"{username}@example.nl")


def names(app) -> list[str]:
    return [row[0] for row in staff_rows(app, "applications-table")]


def highlighted(app, table_id: str) -> str:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return str(table.get_row_at(table.cursor_row)[0])


async def signed_in_as_staff(pilot) -> None:
    await log_in(pilot, "medewerker", story.PASSWORD)
    assert isinstance(pilot.app.screen, StaffScreen)
    await watching(pilot)
    await settle(pilot)


async def test_applications_appear_and_go_without_a_key_press_and_the_cursor_stays(sqlite_db, clock, tmp_path):
    story.account("medewerker", Role.STAFF)
    colleague = story.account("collega", Role.STAFF)
    apply_for_employer_account(application("Buurtwerk Zwolle", "zwolle", "8011 AA", "Zwolle"), clock)
    apply_for_employer_account(application("Zorg Deventer", "deventer", "7411 AB", "Deventer"), clock)
    app = app_for(clock, tmp_path)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as_staff(pilot)
        assert names(app) == ["Buurtwerk Zwolle", "Zorg Deventer"]
        await pilot.press("down")
        await pilot.pause()
        assert highlighted(app, "applications-table") == "Zorg Deventer"

        apply_for_employer_account(application("Welzijn Kampen", "kampen", "8261 AA", "Kampen"), clock)
        await eventually(pilot, lambda: names(app) == ["Buurtwerk Zwolle", "Zorg Deventer", "Welzijn Kampen"])
        assert highlighted(app, "applications-table") == "Zorg Deventer"

        zwolle = Organisation.get(Organisation.name == "Buurtwerk Zwolle")
        approve_application(colleague, zwolle.id, clock)  # a colleague decides one
        await eventually(pilot, lambda: names(app) == ["Zorg Deventer", "Welzijn Kampen"])
        assert highlighted(app, "applications-table") == "Zorg Deventer"


async def test_the_account_list_follows_a_lock_and_keeps_the_search_text(sqlite_db, clock, tmp_path):
    story.account("medewerker", Role.STAFF)
    story.account("kroon", Role.EMPLOYER, name="D. Kroon")
    story.account("kroonenberg", Role.EMPLOYER, name="E. Kroonenberg")
    app = app_for(clock, tmp_path)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as_staff(pilot)
        await pilot.press("f6")
        await pilot.press(*"kroon")
        await settle(pilot)
        assert [row[:2] for row in staff_rows(app, "accounts-table")] == [["kroon", "actief"],
                                                                          ["kroonenberg", "actief"]]
        app.screen.query_one("#accounts-table", DataTable).focus()
        await pilot.press("down")
        await pilot.pause()
        for _ in range(MAX_FAILURES):  # someone guesses Kroonenberg's password
            authenticate("kroonenberg", "geraden", clock)
        await eventually(pilot, lambda: staff_rows(app, "accounts-table")[1][1] == "geblokkeerd")
        assert app.screen.query_one("#account-query", Input).value == "kroon"
        assert highlighted(app, "accounts-table") == "kroonenberg"


async def test_a_grant_saved_somewhere_reads_neither_list_again_but_a_new_application_does(sqlite_db, clock,
                                                                                           tmp_path, monkeypatch):
    """The console reads only what a batch touches (issue 29, point 6)."""
    from models.changes import Kind
    from models.inzage import GrantChanges, save_changes
    from screens import staff_panes as staff  # where the console reads its lists

    cast = story.employers()
    reads = []
    for name in ("pending_applications", "find_accounts"):
        real = getattr(staff, name)
        monkeypatch.setattr(staff, name, lambda *args, _real=real, _name=name: reads.append(_name) or _real(*args))
    app = app_for(clock, tmp_path)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as_staff(pilot)
        arrived = []
        app.data_changed.subscribe(app.screen, arrived.append)
        reads.clear()
        save_changes(story.account_of(cast.test), GrantChanges(add=[(cast.overvecht.id, None)]), clock)
        await eventually(pilot, lambda: any(batch.touches(Kind.ORGANISATION, cast.utrecht.id) for batch in arrived))
        await app.workers.wait_for_complete()
        assert reads == []
        apply_for_employer_account(application("Welzijn Kampen", "kampen", "8261 AA", "Kampen"), clock)
        await eventually(pilot, lambda: names(app) == ["Welzijn Kampen"])
        await eventually(pilot, lambda: "kampen" in [row[0] for row in staff_rows(app, "accounts-table")])
