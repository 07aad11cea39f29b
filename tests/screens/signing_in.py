"""The app the screen tests drive, and signing in to it as a user does."""
from __future__ import annotations

from screens.confirm_dialog import OneFieldDialog
from screens.employer import EmployerScreen
from tests import story
from tests.screens.helpers import fill, settle, watching
from tui.app import make_app

FAST = 0.05  # seconds between the SQLite watcher's looks; PostgreSQL is told at once anyway


def app_for(clock, tmp_path, **kwargs):
    from models.mail import MailSettings

    return make_app(clock, mail=MailSettings(outbox_dir=tmp_path / "outbox"), idle_minutes=15, **kwargs)


async def log_in(pilot, username: str, password: str) -> None:
    """Sign in as a user does; an account with a second factor is asked its code, answered from its app."""
    await fill(pilot, username=username, password=password)
    await pilot.press("enter")
    await settle(pilot)
    await answer_code(pilot, username)


async def answer_code(pilot, username: str) -> None:
    """When the app asks the code of an account with a second factor: the one its app shows now."""
    if pilot.app.screen.query("#code") and isinstance(pilot.app.screen, OneFieldDialog):
        import pyotp

        from models import Account, SecondFactor

        factor = SecondFactor.get(SecondFactor.account == Account.get(Account.username == username).id)
        await fill(pilot, code=pyotp.TOTP(factor.secret).at(pilot.app.clock.now()))
        await pilot.press("ctrl+s")
        await settle(pilot)


def live_app(clock, tmp_path, interval: float = FAST):
    """An app whose SQLite change watcher looks every `interval` seconds."""
    app = app_for(clock, tmp_path)
    app.watch_interval = interval
    return app


async def as_kroon(app, pilot, *, watch: bool = False) -> None:
    """Signed in as Kroon (vestigingsmanager of Overvecht), on the overview; with `watch`, once the change watcher
    knows where the feed stands."""
    await log_in(pilot, "kroon", story.PASSWORD)
    assert isinstance(app.screen, EmployerScreen)
    await settle(pilot)
    if watch:
        await watching(pilot)
