"""ctrl+e on the overview: the model decides who is in the file at that moment, and a failure is told in Dutch."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from models import AccessGrant, Action, AuditEvent
from screens.employer import EmployerScreen
from tests import story
from tests.files import unwritable
from tests.screens.helpers import notifications, settle, shown
from tests.screens.panes import overview_names
from tests.screens.signing_in import app_for, as_kroon
from tui.table import VirtualTable


@pytest.fixture
def overvecht(sqlite_db):
    """Kroon manages Overvecht; Aarts, Baas and Test granted it access."""
    org = story.organisation("Stichting Welzijn Utrecht")
    branch = story.branch(org, "Overvecht", "kroon")
    register = story.register("Register Sociaal Werkers", "SW")
    people = {}
    for surname in ("Aarts", "Baas", "Test"):
        people[surname] = story.professional("A.", surname)
        story.registration(people[surname], register, periods=[(dt.date(2025, 1, 1), dt.date(2029, 12, 31))])
        story.grant(people[surname], branch)
    return people


async def test_someone_who_revoked_after_the_screen_loaded_is_not_exported(overvecht, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("INZAGE_EXPORT_DIR", str(tmp_path / "export"))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        assert sorted(overview_names(app)) == ["A. Aarts", "A. Baas", "A. Test"]
        AccessGrant.update(revoked_at=clock.now(), revoked_by=story.account_of(overvecht["Test"])).where(
            AccessGrant.professional == overvecht["Test"]).execute()  # the screen still shows Test
        assert "A. Test" in overview_names(app)
        await pilot.press("ctrl+e")
        await settle(pilot)
        [path] = (tmp_path / "export").glob("*.csv")
        assert f"2 rijen geëxporteerd naar {path}" in notifications(app)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(";")[0] for line in lines[1:]] == ["A. Aarts", "A. Baas"]
    audited = {event.professional_id for event in AuditEvent.select().where(
        AuditEvent.action == Action.PROFESSIONALS_EXPORTED)}
    assert audited == {overvecht["Aarts"].id, overvecht["Baas"].id}


async def test_the_filters_and_sort_on_screen_go_into_the_export(overvecht, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("INZAGE_EXPORT_DIR", str(tmp_path / "export"))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_kroon(app, pilot)
        app.screen.query_one(VirtualTable).focus()
        await pilot.press("s", "s")  # by name, descending
        app.screen.query_one("#name-filter", Input).value = "aa"
        await pilot.pause()
        assert overview_names(app) == ["A. Baas", "A. Aarts"]
        await pilot.press("ctrl+e")
        await settle(pilot)
    [path] = (tmp_path / "export").glob("*.csv")
    assert [line.split(";")[0] for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]] == [
        "A. Baas", "A. Aarts"]


@pytest.mark.parametrize("kind", ["read-only folder", "a file where the folder should be"])
async def test_an_unwritable_export_folder_is_told_in_dutch(overvecht, clock, tmp_path, monkeypatch, kind):
    folder = unwritable(tmp_path, kind)
    monkeypatch.setenv("INZAGE_EXPORT_DIR", str(folder))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await as_kroon(app, pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        [message] = notifications(app)
        assert message.startswith(f"De export kon niet worden opgeslagen in {folder}: ")
        assert [n.severity for n in app._notifications] == ["warning"]
        [toast] = app.screen.query("Toast")  # the user sees it, as typed
        assert shown(toast) and str(toast.render()) == message
        assert isinstance(app.screen, EmployerScreen)  # and carries on
    assert not AuditEvent.select().where(AuditEvent.action == Action.PROFESSIONALS_EXPORTED).exists()
