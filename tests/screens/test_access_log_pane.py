"""Wie heeft mijn dossier bekeken, through the pane: empty at first, then every opening by an employer,
and every export of an employer's overview that held the professional."""
from __future__ import annotations

import datetime as dt

from models import Role
from models.dossier import open_dossier
from models.export import export_overview
from screens.access_log import NOBODY, AccessLogPane
from tests import story
from tests.screens.helpers import screen_lines, settle
from tests.screens.panes import show_pane, table_rows, visible_text
from tests.screens.signing_in import app_for


def followed_by_kroon_and_jansen():
    world = story.employers()
    story.registration(world.test, story.register())
    story.grant(world.test, world.overvecht)
    story.grant(world.test, world.centrum)
    return world


async def test_nobody_has_looked_yet(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccessLogPane, story.account_of(world.test))
        assert NOBODY in visible_text(app)


async def test_an_employers_view_is_shown_and_a_reload_shows_the_next(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    open_dossier(world.kroon, world.test.id, clock)  # 09:00 UTC is 10:00 in Amsterdam
    other = story.professional("A.", "Ander")
    story.grant(other, world.centrum)
    story.registration(other, story.register("Register Cliëntondersteuners", "CO"))
    open_dossier(world.jansen, other.id, clock)  # someone else's dossier: not shown
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await show_pane(pilot, AccessLogPane, story.account_of(world.test))
        assert table_rows(app) == [
            ["28-11-2026 10:00", "dossier bekeken door", "Kroon", "Stichting Welzijn Utrecht", "Overvecht"]]
        assert NOBODY not in visible_text(app)
        clock.advance(dt.timedelta(hours=2, minutes=15))
        open_dossier(world.jansen, world.test.id, clock)
        pane.reload()
        await settle(pilot)
        assert [row[:3] for row in table_rows(app)] == [["28-11-2026 12:15", "dossier bekeken door", "Jansen"],
                                                        ["28-11-2026 10:00", "dossier bekeken door", "Kroon"]]


async def test_markup_in_a_name_is_shown_as_typed(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    world.kroon.name = "[bold]K[/] [link=x]"
    world.kroon.save()
    assert world.kroon.role == Role.EMPLOYER
    open_dossier(world.kroon, world.test.id, clock)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccessLogPane, story.account_of(world.test))
        assert table_rows(app)[0][2] == "[bold]K[/] [link=x]"


async def test_an_export_that_held_the_professional_is_shown(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    open_dossier(world.kroon, world.test.id, clock)
    clock.advance(dt.timedelta(minutes=30))
    export_overview(world.jansen, clock, tmp_path / "export")  # Test is in Jansen's overview
    other = story.professional("A.", "Ander")
    story.registration(other, story.register("Register Cliëntondersteuners", "CO"))
    story.grant(other, world.overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccessLogPane, story.account_of(world.test))
        assert table_rows(app) == [
            ["28-11-2026 10:30", "in export van", "Jansen", "Zorggroep Amersfoort", "Centrum"],
            ["28-11-2026 10:00", "dossier bekeken door", "Kroon", "Stichting Welzijn Utrecht", "Overvecht"],
        ]
        line = next(line for line in screen_lines(app) if "in export van" in line)
        assert line.split() == ["28-11-2026", "10:30", "in", "export", "van", "Jansen", "Zorggroep", "Amersfoort",
                                "Centrum"]  # read in one line at 120 columns
    async with app_for(clock, tmp_path).run_test(size=(120, 40)) as pilot:
        await show_pane(pilot, AccessLogPane, story.account_of(other))  # Ander was in no export
        assert NOBODY in visible_text(pilot.app)
