"""Driving screens as a user would: type into fields, submit, wait for workers, read the screen."""
from __future__ import annotations

from textual.widgets import Static

from tui.widgets import FormField


async def settle(pilot) -> None:
    """Wait until every worker (password hashing, mail) has finished and the screen is repainted."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot, **values: str) -> None:
    """Put each value into its field, as a paste would (typing key by key is tested on the login screen)."""
    screen = pilot.app.screen
    for field_id, value in values.items():
        field = screen.query_one(f"#{field_id}-field", FormField)
        field.input.focus()
        field.input.value = value
    await pilot.pause()


def error_of(app, field_id: str) -> str:
    return str(app.screen.query_one(f"#{field_id}-error", Static).render())


def screen_text(app) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


def screen_lines(app) -> list[str]:
    """The whole screen as plain text lines, as a user would read it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
