"""Driving screens as a user would: type into fields, submit, wait for workers, read the screen."""
from __future__ import annotations

import re

from textual.widget import Widget
from textual.widgets import Static

from models.mail import outbox_messages, read_outbox_message
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


def shown(widget: Widget) -> bool:
    """Whether a user can see `widget`, scrolling if need be: it is on the screen in front, it and
    every container around it are displayed and not made invisible, no loading indicator covers it,
    and it takes up room on the screen."""
    if not widget.is_attached or widget.screen is not widget.app.screen or not widget.visible:
        return False
    for node in widget.ancestors_with_self:
        if node is widget.screen:
            break
        if not node.display or (node is not widget and node.loading):
            return False
    return widget.outer_size.area > 0


def error_of(app, field_id: str) -> str:
    """The message next to a field as the user sees it: "" while it is hidden."""
    error = app.screen.query_one(f"#{field_id}-error", Static)
    return str(error.render()) if shown(error) else ""


def screen_text(app) -> str:
    """The text of every Static the user can see on the screen in front."""
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static) if shown(widget))


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


def screen_lines(app) -> list[str]:
    """The whole screen as plain text lines, as a user would read it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def watching(pilot) -> None:
    """Wait until the app's change watcher knows where the feed stands: a change committed before that
    moment is part of what the screen first read, not a change to follow. A live test makes its change
    from elsewhere only after this."""
    await eventually(pilot, lambda: pilot.app._watcher is not None and pilot.app._watcher.ready.is_set())


async def notified(pilot, text: str) -> None:
    """Wait until a notification containing `text` has been raised: `notify()` posts a message, so the
    notice may come a moment after the screen change that went with it."""
    await eventually(pilot, lambda: any(text in message for message in notifications(pilot.app)))


async def eventually(pilot, condition, ceiling: float = 15.0) -> None:
    """Wait until `condition()` holds — a change from elsewhere arrives through the change watcher —
    failing after a generous `ceiling` in seconds. Time itself is never asserted."""
    import asyncio
    import time

    deadline = time.monotonic() + ceiling
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.05)
        await pilot.pause()


def code_in_outbox(outbox, address: str) -> str:
    """The code in the newest message to `address`, as its owner reads it."""
    entry = next(entry for entry in outbox_messages(outbox) if entry.to == address)
    return re.search(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", read_outbox_message(outbox, entry.path.name)).group(0)
