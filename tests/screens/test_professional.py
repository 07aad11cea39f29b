"""The professional's workspace as a whole: tabs, and no unsaved grant change lost by leaving."""
from __future__ import annotations

from screens.dialogs import ConfirmDialog
from screens.login import LoginScreen
from screens.professional import ProfessionalScreen
from tests import story
from tests.screens.helpers import screen_lines, settle
from tests.screens.signing_in import app_for, log_in


async def test_leaving_the_inzage_tab_with_unsaved_changes_asks_first(sqlite_db, clock, tmp_path):
    cast = story.employers()
    story.registration(cast.test, story.register())
    story.grant(cast.test, cast.overvecht)
    username = story.account_of(cast.test).username
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, username, story.PASSWORD)
        assert isinstance(app.screen, ProfessionalScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert "Overvecht" in "\n".join(screen_lines(app))
        await pilot.press("delete")  # mark the grant for revocation: not saved yet
        await pilot.pause()
        assert app.screen.inzage.has_unsaved_changes
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.screen.inzage.has_unsaved_changes
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # logging out asks too
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
    from models import AccessGrant

    assert AccessGrant.get().revoked_at is None  # nothing was saved
