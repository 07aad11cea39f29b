"""No database read or write runs on the UI thread (issue 30): every models/ call of a screen goes through the
one worker path. The UI thread's connection raises while each role is walked; nothing may have asked it."""
from __future__ import annotations

import contextlib
import threading
import traceback

import pyotp
import pytest
from peewee import Database

from models import Account, SecondFactor
from screens.employer import EmployerScreen
from screens.login import LoginScreen
from screens.professional import ProfessionalScreen
from screens.staff import StaffScreen
from tests import story
from tests.screens.helpers import fill, settle
from tests.screens.signing_in import app_for


class UiThreadAsked(RuntimeError):
    pass


@contextlib.contextmanager
def no_database_on_the_ui_thread(monkeypatch):
    """Every statement the UI thread sends raises, and is noted with where it came from."""
    asked: list[str] = []
    ui_thread = threading.current_thread()
    execute = Database.execute_sql
    guarding = True

    def guarded(self, sql, params=None, *args, **kwargs):
        if guarding and threading.current_thread() is ui_thread:
            ours = [f"{'/'.join(frame.filename.split('/')[-2:])}:{frame.lineno} {frame.name}"
                    for frame in traceback.extract_stack()
                    if any(f"/{part}/" in frame.filename for part in ("screens", "tui"))]
            asked.append(f"{sql.split()[0]} from {' < '.join(reversed(ours))}")
            raise UiThreadAsked(sql)
        return execute(self, sql, params, *args, **kwargs)

    monkeypatch.setattr(Database, "execute_sql", guarded)
    try:
        yield asked
    finally:
        guarding = False


async def walk(pilot, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.parametrize(("username", "workspace", "keys"), [
    ("kroon", EmployerScreen, ["enter", "ctrl+r", "escape", "f3", "f4", "f5", "f6", "ctrl+r", "f7", "escape", "f2"]),
    ("professional", ProfessionalScreen, ["f3", "f4", "f2", "ctrl+r", "f7", "escape"]),
    ("medewerker", StaffScreen, ["f6", "ctrl+r", "f5"]),
])
async def test_no_screen_asks_the_database_on_the_ui_thread(database, clock, tmp_path, monkeypatch, username,
                                                            workspace, keys):
    world = story.employers()
    register = story.register()
    story.registration(world.test, register)
    story.grant(world.test, world.overvecht)
    if username == "professional":
        username = story.account_of(world.test).username
    factor = SecondFactor.get_or_none(SecondFactor.account == Account.get(Account.username == username).id)
    secret = factor.secret if factor is not None else ""
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        with no_database_on_the_ui_thread(monkeypatch) as asked:
            await fill(pilot, username=username, password=story.PASSWORD)
            await pilot.press("enter")
            await settle(pilot)
            if secret:
                await fill(pilot, code=pyotp.TOTP(secret).at(clock.now()))
                await pilot.press("ctrl+s")
                await settle(pilot)
            assert isinstance(app.screen, workspace)
            await walk(pilot, keys)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
        assert not asked, "\n".join(sorted(set(asked)))
