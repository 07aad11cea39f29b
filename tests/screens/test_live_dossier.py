"""The employer's open dossier follows the professional, without a key press: a new activity shows with its
points (as the overview has them), and a dossier whose inzage ends closes at once with nothing left on it.

The professional's changes are direct models calls: another session, reaching the app through the change feed.
"""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from models import Action, AuditEvent
from models.activities import ActivityForm, add_activity
from models.inzage import GrantChanges, save_changes
from models.overview import overview_rows
from screens.dossier import ACCESS_ENDED, DossierScreen
from screens.employer import EmployerScreen
from tests import story
from tests.screens.helpers import eventually, notifications, notified, screen_lines, settle, watching
from tests.screens.signing_in import app_for
from tui.table import VirtualTable


@pytest.fixture
def world(database):
    """Test (SW register, 12 training points) gives Kroon (Overvecht) inzage."""
    world = story.employers()
    period = story.latest_period(story.registration(world.test, story.register()))
    story.activity(period, "training", 12, title="Omgaan met agressie", day=dt.date(2026, 3, 1))
    grant = story.grant(world.test, world.overvecht)
    return {"world": world, "period": period, "grant": grant, "me": story.account_of(world.test)}


async def kroon_opens_the_dossier(pilot) -> DossierScreen:
    await settle(pilot)
    await watching(pilot)
    assert isinstance(pilot.app.screen, EmployerScreen)
    pilot.app.screen.query_one(VirtualTable).focus()
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DossierScreen)
    return screen


def text(app) -> str:
    return "\n".join(screen_lines(app))


def views() -> int:
    return AuditEvent.select().where(AuditEvent.action == Action.DOSSIER_VIEWED).count()


async def test_an_activity_the_professional_adds_shows_in_the_open_dossier(world, clock, tmp_path):
    cast = world["world"]
    app = app_for(clock, tmp_path, signed_in=cast.kroon)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await kroon_opens_the_dossier(pilot)
        assert "Behaald: 12" in text(app) and "12/60" in text(app)
        table = screen.query_one(DataTable)
        table.focus()
        add_activity(world["me"], world["period"].id, ActivityForm(
            "Meldcode huiselijk geweld", "training", "12-11-2026", "8", "Movisie", "Signalen eerder zien."), clock)
        await eventually(pilot, lambda: "Meldcode huiselijk geweld" in text(app))
        assert "Behaald: 20" in text(app) and "20/60" in text(app) and "20/150" in text(app)
        [row] = [row for row in overview_rows(cast.kroon, clock.today()) if row.is_latest]
        assert f"Behaald: {row.achieved}" in text(app)  # the overview and the dossier agree
        assert screen.query_one(DataTable) is table and app.focused is table  # updated in place
        assert str(table.get_row_at(table.cursor_row)[1]) == "Omgaan met agressie"  # the cursor stayed
        assert app.screen is screen
    assert views() == 1  # the opening; following the changes is not another look


async def test_the_dossier_closes_when_the_professional_revokes(world, clock, tmp_path):
    cast = world["world"]
    app = app_for(clock, tmp_path, signed_in=cast.kroon)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await kroon_opens_the_dossier(pilot)
        assert "Omgaan met agressie" in text(app)
        save_changes(world["me"], GrantChanges(revoke={world["grant"].id}), clock)
        await eventually(pilot, lambda: not screen.is_attached or app.screen is not screen)
        await settle(pilot)
        assert isinstance(app.screen, EmployerScreen)
        assert ACCESS_ENDED in notifications(app)
        assert "Omgaan met agressie" not in text(app)
        assert not screen.query("PeriodPanel")  # nothing of the dossier stays behind, on or off the screen
    assert views() == 1


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_dossier_whose_inzage_ends_behind_a_dialog_closes_when_it_is_back_in_front(world, clock, tmp_path):
    cast = world["world"]
    app = app_for(clock, tmp_path, signed_in=cast.kroon)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await kroon_opens_the_dossier(pilot)
        await pilot.press("ctrl+p")  # the command palette in front of the dossier
        await settle(pilot)
        assert app.screen is not screen
        save_changes(world["me"], GrantChanges(revoke={world["grant"].id}), clock)
        await eventually(pilot, lambda: screen.closing)
        assert not screen.query("PeriodPanel")
        await notified(pilot, ACCESS_ENDED)
        await pilot.press("escape")
        await eventually(pilot, lambda: isinstance(app.screen, EmployerScreen))


async def test_only_a_change_for_this_dossier_or_this_employer_reads_it_again(world, clock, tmp_path, monkeypatch):
    """A session pays only for what it shows (issue 29, point 8); a change to the employer's own organisation
    alone, with no professional named, makes the dossier check its access again (point 10)."""
    from models.changes import Kind, Topic, record
    from screens import dossier

    cast = world["world"]
    other = story.professional("R.", "Rest")
    story.registration(other, story.register("Register Cliëntondersteuners", "CO"))
    reads = []
    real = dossier.open_dossier
    monkeypatch.setattr(dossier, "open_dossier", lambda *args, **kwargs: reads.append(1) or real(*args, **kwargs))
    app = app_for(clock, tmp_path, signed_in=cast.kroon)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await kroon_opens_the_dossier(pilot)
        await eventually(pilot, lambda: app.places.organisations == {cast.utrecht.id})
        arrived = []
        app.data_changed.subscribe(app.screen, arrived.append)
        reads.clear()
        save_changes(story.account_of(other), GrantChanges(add=[(cast.centrum.id, None)]), clock)  # Amersfoort
        await eventually(pilot, lambda: any(batch.touches(Kind.BRANCH, cast.centrum.id) for batch in arrived))
        await app.workers.wait_for_complete()
        assert reads == []
        record([Topic(Kind.BRANCH, cast.overvecht.id)])  # only Kroon's branch: no professional, no account
        await eventually(pilot, lambda: len(reads) == 1)
        record([Topic(Kind.ORGANISATION, cast.utrecht.id)])  # only Kroon's organisation
        await eventually(pilot, lambda: len(reads) == 2)
        assert isinstance(app.screen, DossierScreen) and "Omgaan met agressie" in text(app)  # access holds
