"""The boundary between models/ and the screens (issue 30), checked while each role is walked:
- no database read or write runs on the UI thread: every models/ call of a screen goes through the one worker
  path (the UI thread's connection raises; nothing may have asked it);
- no value that models/ hands a screen carries a password hash, a code's hash or a second factor's secret."""
from __future__ import annotations

import contextlib
import dataclasses
import threading
import traceback

import pyotp
import pytest
from peewee import Database, Model

from models import Account, SecondFactor
from screens.employer import EmployerScreen
from screens.login import LoginScreen
from screens.professional import ProfessionalScreen
from screens.staff import StaffScreen
from tests import story
from tests.screens.helpers import fill, settle
from tests.screens.signing_in import app_for
from tui.kit.domain import DomainWork


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


SECRET_FIELDS = ("password_hash", "code_hash", "secret")


def secrets_in(value, seen: set[int] | None = None, path: str = "result") -> list[str]:
    """Where in `value` (rows, values and the collections holding them) a secret field is."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, (str, bytes, int, float, bool, type(None))):
        return []
    seen.add(id(value))
    found = []
    if isinstance(value, Model):
        found += [f"{path}: {type(value).__name__}.{name}" for name in SECRET_FIELDS if name in value.__data__]
        items = [(name, value.__data__[name]) for name in value.__data__] + list(value.__rel__.items())
    elif dataclasses.is_dataclass(value):
        found += [f"{path}.{field.name}" for field in dataclasses.fields(value) if field.name in SECRET_FIELDS]
        items = [(field.name, getattr(value, field.name)) for field in dataclasses.fields(value)]
    elif isinstance(value, dict):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = [(str(index), item) for index, item in enumerate(value)]
        if hasattr(value, "_fields"):
            found += [f"{path}.{name}" for name in value._fields if name in SECRET_FIELDS]
    else:
        return []
    for name, item in items:
        found += secrets_in(item, seen, f"{path}.{name}")
    return found


@contextlib.contextmanager
def values_handed_to_screens(monkeypatch):
    """Every result and refusal that the worker path hands back to a screen."""
    handed: list[tuple[str, object]] = []
    hand_back = DomainWork._hand_back

    def noted(self, worker, callback, value):
        handed.append((type(self).__name__, value))
        return hand_back(self, worker, callback, value)

    monkeypatch.setattr(DomainWork, "_hand_back", noted)
    yield handed


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
        with no_database_on_the_ui_thread(monkeypatch) as asked, values_handed_to_screens(monkeypatch) as handed:
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
        assert len(handed) > len(keys)
        leaks = [f"{node}: {where}" for node, value in handed for where in secrets_in(value)]
        assert not leaks, "\n".join(leaks)
