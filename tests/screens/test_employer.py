"""The employer workspace through the screens: who is listed, filters, sorting, dossier, remove, export."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select

from models import AccessGrant, Action, AuditEvent
from screens.dialogs import ConfirmDialog
from screens.dossier import DossierScreen
from screens.employer import EmployerScreen
from tests import story
from tests.screens.helpers import screen_lines, settle
from tests.screens.panes import overview_names
from tests.screens.signing_in import app_for, as_kroon, log_in
from tui.table import VirtualTable

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def utrecht(sqlite_db):
    org = story.organisation("Stichting Welzijn Utrecht")
    sw = story.register("Register Sociaal Werkers", "SW")
    co = story.register("Register Cliëntondersteuners", "CO")
    overvecht = story.branch(org, "Overvecht", "kroon")
    centrum = story.branch(org, "Centrum", "verburg", role="contact_person", admin=True)

    def person(initials, surname, *, end=dt.date(2028, 12, 31), register=sw, **grant):
        professional = story.professional(initials, surname)
        registration = story.registration(professional, register, periods=[
            (dt.date(2014, 1, 1), dt.date(2018, 12, 31)), (dt.date(2019, 1, 1), end)])
        story.activity(story.latest_period(registration), "training", 12, title="Omgaan met agressie")
        story.grant(professional, grant.pop("branch", overvecht), **grant)
        return professional

    people = {
        "kroon": person("M.", "Kroon", end=dt.date(2027, 3, 1)),
        "client": person("C.", "Cliënt", register=co),
        "until_today": person("E.", "Eindigt", end_date=TODAY),
        "expired": person("V.", "Verlopen", end_date=TODAY - dt.timedelta(days=1)),
        "revoked": person("I.", "Ingetrokken", revoked_by=overvecht.manager),
        "other_branch": person("A.", "Anders", branch=centrum),
    }
    return {"overvecht": overvecht, "people": people}


async def test_kroon_sees_exactly_the_grants_in_force_today(utrecht, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await as_kroon(app, pilot)
        assert sorted(overview_names(app)) == ["C. Cliënt", "E. Eindigt", "M. Kroon"]
        text = "\n".join(screen_lines(app))
        assert "3 professionals" in text and "1 daarvan eindigen binnen 6 maanden" in text
        assert "● ✖ rood" in text and "M. Kroon" in text and "01-03-2027" in text
        for hidden in ("Verlopen", "Ingetrokken", "Anders"):
            assert hidden not in text


async def test_filters_apply_as_the_user_types(utrecht, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        await pilot.press("slash", *"client")
        await pilot.pause()
        assert overview_names(app) == ["C. Cliënt"]
        app.screen.query_one("#name-filter", Input).value = ""
        app.screen.query_one("#register-filter", Select).value = "Register Sociaal Werkers"
        await pilot.pause()
        assert sorted(overview_names(app)) == ["E. Eindigt", "M. Kroon"]
        number = utrecht["people"]["kroon"].registrations.get().number
        app.screen.query_one("#number-filter", Input).value = number[-4:]
        await pilot.pause()
        assert overview_names(app) == ["M. Kroon"]


async def test_sorting_by_a_column_from_the_keyboard(utrecht, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        table = app.screen.query_one(VirtualTable)
        table.focus()
        assert overview_names(app)[0] == "M. Kroon"  # red and ending soonest comes first
        await pilot.press("s")  # the column cursor starts on Naam
        await pilot.pause()
        assert overview_names(app) == ["C. Cliënt", "E. Eindigt", "M. Kroon"]
        await pilot.press("s")
        await pilot.pause()
        assert overview_names(app) == ["M. Kroon", "E. Eindigt", "C. Cliënt"]
        assert (table.sort_column, table.sort_reverse) == ("name", True)


async def test_opening_a_dossier_shows_the_latest_period_and_is_recorded(utrecht, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        app.screen.query_one(VirtualTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)
        text = "\n".join(screen_lines(app))
        assert "Dossier van M. Kroon" in text
        assert "Periode 01-01-2019 t/m 01-03-2027" in text and "2014" not in text
        assert "Omgaan met agressie" in text and "12/60" in text and "12/150" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EmployerScreen)
    event = AuditEvent.get(AuditEvent.action == Action.DOSSIER_VIEWED)
    assert event.professional_id == utrecht["people"]["kroon"].id


async def test_removing_a_professional_after_confirming(utrecht, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        app.screen.query_one(VirtualTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # changed my mind
        await pilot.pause()
        assert "M. Kroon" in overview_names(app)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert "M. Kroon" not in overview_names(app) and len(overview_names(app)) == 2
    grant = AccessGrant.get(AccessGrant.professional == utrecht["people"]["kroon"])
    assert grant.revoked_by_id == utrecht["overvecht"].manager_id


async def test_export_writes_what_the_user_sees(utrecht, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("INZAGE_EXPORT_DIR", str(tmp_path / "export"))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        app.screen.query_one("#name-filter", Input).value = "kroon"
        await pilot.pause()
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert any("geëxporteerd naar" in n.message for n in app._notifications)
    [path] = (tmp_path / "export").glob("*.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and all("M. Kroon" in line for line in lines[1:])


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_overview_reads_well_at_small_and_large_sizes(utrecht, clock, tmp_path, size):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=size) as pilot:
        await as_kroon(app, pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "Professionals (F2)" in text and "Naam" in text and "M. Kroon" in text
        assert "3 professionals" in text
        assert all(len(line) <= size[0] for line in lines)
        assert "Openen" in lines[-1] and "Sorteren" in lines[-1]  # the footer shows the keys


async def test_a_long_overview_shows_its_first_screen_then_all_rows(sqlite_db, clock, tmp_path, monkeypatch):
    """More rows than the first screen holds: the first query's rows show while the rest loads, then all."""
    import screens.professionals as professionals

    monkeypatch.setattr(professionals, "FIRST_SCREEN", 5)
    org = story.organisation("Stichting Welzijn Utrecht")
    overvecht = story.branch(org, "Overvecht", "kroon")
    register = story.register("Register Sociaal Werkers", "SW")
    for index in range(12):
        professional = story.professional("A.", f"Persoon{index:02d}")
        story.registration(professional, register, periods=[(dt.date(2025, 1, 1), dt.date(2029, 12, 31))])
        story.grant(professional, overvecht)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        pane = app.screen.query_one(professionals.ProfessionalsPane)
        await settle(pilot)
        assert pane.overview is not None and len(overview_names(app)) == 12
        assert "12 professionals" in "\n".join(screen_lines(app))
        await pilot.press("slash", *"persoon07")
        await pilot.pause()
        assert overview_names(app) == ["A. Persoon07"]
