"""The workspace shell and the worker helper every screen shares: failures reach the user, ctrl+r,
the header's time, midnight, and one watcher per app."""
from __future__ import annotations

import datetime as dt
import threading

from textual.app import App, ComposeResult
from textual.containers import Vertical

from models.access import AccessDenied
from screens.employer import EmployerScreen
from screens.professional import ProfessionalScreen
from tests import story
from tests.screens.helpers import eventually, notifications, notified, screen_text, settle, shown
from tests.screens.panes import overview_names
from tests.screens.signing_in import app_for, log_in
from tui.kit.domain import SOMETHING_WENT_WRONG, DomainWork
from tui.widgets import HeaderNote


class Worker(DomainWork, Vertical):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.reset = 0

    def domain_failed(self) -> None:
        super().domain_failed()
        self.reset += 1


class KitApp(App):
    def compose(self) -> ComposeResult:
        yield Worker()


async def test_a_failure_in_background_work_always_reaches_the_user(sqlite_db):
    app = KitApp()
    async with app.run_test(notifications=True) as pilot:
        pane = app.query_one(Worker)
        pane.busy = True
        pane.run_domain(lambda: 1 / 0, pane.results.append)
        await settle(pilot)
        assert SOMETHING_WENT_WRONG in notifications(app)
        assert pane.results == [] and pane.reset == 1 and not pane.busy


async def test_a_failure_while_showing_a_result_reaches_the_user_too(sqlite_db):
    app = KitApp()
    async with app.run_test(notifications=True) as pilot:
        pane = app.query_one(Worker)
        pane.run_domain(lambda: 42, lambda value: {}["missing"])
        await settle(pilot)
        assert SOMETHING_WENT_WRONG in notifications(app) and pane.reset == 1


async def test_a_value_error_is_a_failure_not_a_refusal(sqlite_db, monkeypatch):
    """A ValueError from a programming error is logged and told as a storing, never shown as a calm warning
    (issue 30): only models.refusal.Refusal is a refusal."""
    reported: list[BaseException] = []
    monkeypatch.setattr("tui.failures.report", lambda error, where="": reported.append(error))
    app = KitApp()
    async with app.run_test(notifications=True) as pilot:
        pane = app.query_one(Worker)
        pane.run_domain(lambda: int("geen getal"))
        await settle(pilot)
        assert SOMETHING_WENT_WRONG in notifications(app) and pane.reset == 1
        assert not any("geen getal" in message for message in notifications(app))
        assert [type(error) for error in reported] == [ValueError]


async def test_a_refusal_is_told_calmly_and_a_result_arrives_on_the_ui_thread(sqlite_db):
    app = KitApp()
    async with app.run_test(notifications=True) as pilot:
        pane = app.query_one(Worker)
        pane.run_domain(lambda: (_ for _ in ()).throw(AccessDenied("U mag dit niet zien.")))
        seen: list[bool] = []
        pane.run_domain(lambda: 42, lambda value: seen.append(threading.current_thread() is threading.main_thread()))
        await settle(pilot)
        assert "U mag dit niet zien." in notifications(app) and SOMETHING_WENT_WRONG not in notifications(app)
        assert seen == [True]


async def test_a_result_for_a_pane_that_left_is_dropped(sqlite_db):
    app = KitApp()
    async with app.run_test(notifications=True) as pilot:
        pane = app.query_one(Worker)
        release = threading.Event()
        pane.run_domain(lambda: release.wait(5), pane.results.append)
        await pane.remove()
        release.set()
        await settle(pilot)
        assert pane.results == [] and notifications(app) == []


async def test_only_the_newest_of_exclusive_loads_is_shown(sqlite_db):
    app = KitApp()
    async with app.run_test() as pilot:
        pane = app.query_one(Worker)
        release = threading.Event()
        pane.run_domain(lambda: release.wait(5) and "old", pane.results.append, exclusive=True, group="load")
        pane.run_domain(lambda: "new", pane.results.append, exclusive=True, group="load")
        release.set()
        await settle(pilot)
        assert pane.results == ["new"]


# -- the shell ------------------------------------------------------------------------------------------------------
async def test_ctrl_r_refreshes_and_the_header_says_when(sqlite_db, clock, tmp_path):
    cast = story.employers()
    story.latest_period(story.registration(cast.test, story.register()))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, EmployerScreen)
        assert shown(app.screen.query_one(HeaderNote)) and "bijgewerkt 10:00:00" in screen_text(app)
        assert overview_names(app) == []
        story.grant(cast.test, cast.overvecht)  # written without the change feed: only ctrl+r shows it
        clock.advance(dt.timedelta(minutes=5))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert overview_names(app) == ["T. Test"]
        assert "bijgewerkt 10:05:00" in screen_text(app)


async def test_bijgewerkt_waits_until_the_panes_have_read_again(sqlite_db, clock, tmp_path, monkeypatch):
    """The header's time says the panes hold what was read then, not that a batch arrived (issue 29, point 4)."""
    from screens import professionals

    cast = story.employers()
    story.latest_period(story.registration(cast.test, story.register()))
    held, real = threading.Event(), professionals.overview_rows
    held.set()

    def slow_rows(*args, **kwargs):
        assert held.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(professionals, "overview_rows", slow_rows)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await eventually(pilot, lambda: "bijgewerkt 10:00:00" in screen_text(app))
        held.clear()  # the next read of the overview waits
        story.grant(cast.test, cast.overvecht)
        clock.advance(dt.timedelta(minutes=5))
        await pilot.press("ctrl+r")
        await pilot.pause(0.3)
        assert "bijgewerkt 10:00:00" in screen_text(app) and overview_names(app) == []  # still reading
        held.set()
        await eventually(pilot, lambda: "bijgewerkt 10:05:00" in screen_text(app))
        assert overview_names(app) == ["T. Test"]
        await notified(pilot, "Bijgewerkt.")


async def test_the_employers_dossier_answers_ctrl_r_and_says_when(sqlite_db, clock, tmp_path):
    from screens.dossier import DossierScreen
    from tui.table import VirtualTable

    cast = story.employers()
    period = story.latest_period(story.registration(cast.test, story.register()))
    story.grant(cast.test, cast.overvecht)
    app = app_for(clock, tmp_path, signed_in=cast.kroon)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.screen.query_one(VirtualTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)
        await eventually(pilot, lambda: "bijgewerkt 10:00:00" in screen_text(app))
        assert "0/60" in screen_text(app)
        story.activity(period, "training", 7, title="Geschreven zonder feed")  # only ctrl+r shows it
        clock.advance(dt.timedelta(minutes=5))
        await pilot.press("ctrl+r")
        await eventually(pilot, lambda: "bijgewerkt 10:05:00" in screen_text(app))
        assert "7/60" in screen_text(app)
        await notified(pilot, "Bijgewerkt.")


async def test_at_midnight_an_ended_grant_leaves_the_overview(sqlite_db, clock, tmp_path):
    cast = story.employers()
    story.latest_period(story.registration(cast.test, story.register()))
    story.grant(cast.test, cast.overvecht, end_date=clock.today())  # in force today, not tomorrow
    late = clock.now().replace(hour=21, minute=30)  # the clock is UTC: 22:30 in Amsterdam
    clock.advance(late - clock.now())
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert overview_names(app) == ["T. Test"]
        clock.advance(dt.timedelta(hours=2))  # 00:30 the next day in Amsterdam, 3 hours after signing in
        app.last_input = clock.now()  # not idle
        app.lock_if_idle()  # the app's periodic check notices the new day
        await eventually(pilot, lambda: overview_names(app) == [])


async def test_one_watcher_per_app_and_it_stops_with_the_app(sqlite_db, clock, tmp_path):
    story.employers()
    before = [thread.name for thread in threading.enumerate()].count("inzage-change-watcher")
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await pilot.press("f3", "f4", "f5", "f2")  # every tab shown: still one watcher
        names = [thread.name for thread in threading.enumerate()]
        assert names.count("inzage-change-watcher") == before + 1
    assert not any(thread.name == "inzage-change-watcher" and thread.is_alive() for thread in threading.enumerate())


async def test_every_role_has_the_shell_keys(sqlite_db, clock, tmp_path):
    cast = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, story.account_of(cast.test).username, story.PASSWORD)
        assert isinstance(app.screen, ProfessionalScreen)
        keys = {binding.key for binding in app.screen.BINDINGS}
        assert {"f2", "f3", "f4", "f7", "ctrl+l", "ctrl+r"} <= keys
        await pilot.press("f7")
        await settle(pilot)
        assert type(app.screen).__name__ == "SshKeysScreen"
