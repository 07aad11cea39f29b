"""The login screen with a password in the wrong field: nothing of it is kept on this computer or in the audit."""
from __future__ import annotations

from textual.widgets import Checkbox

from models import AuditEvent, Role
from models.mail import MailSettings
from screens.login import WRONG_CREDENTIALS, LoginScreen
from tests import story
from tests.screens.helpers import fill, screen_text, settle
from tui import config
from tui.app import make_app


async def test_a_password_typed_as_username_is_neither_remembered_nor_audited(sqlite_db, clock, tmp_path):
    story.account("kroon", Role.EMPLOYER)
    app = make_app(clock, mail=MailSettings(outbox_dir=tmp_path / "outbox"), idle_minutes=15)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(pilot, username=story.PASSWORD, password=story.PASSWORD)
        app.screen.query_one("#remember", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert WRONG_CREDENTIALS in screen_text(app)
        assert story.PASSWORD not in screen_text(app)  # the message does not repeat what was typed
    assert not (config.config_dir() / "state.json").exists()
    assert config.remembered_username() == ""
    [attempt] = AuditEvent.select()
    assert attempt.actor is None and story.PASSWORD.casefold() not in attempt.detail.casefold()
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert all(story.PASSWORD.encode() not in path.read_bytes() for path in files)
