"""The screen helpers read only what a user can see: a hidden message is not found."""
from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from tests.screens.helpers import error_of, screen_text, shown
from tui.widgets import FormField

MESSAGE = "Vul uw naam in."


class OneField(App):
    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield FormField("Naam", "name")
            yield Static("Een hint", id="hint")


class _Other(Screen):
    def compose(self) -> ComposeResult:
        yield Static("Voorop")


async def test_a_shown_error_is_read():
    app = OneField()
    async with app.run_test(size=(60, 12)) as pilot:
        app.query_one(FormField).show_error(MESSAGE)
        await pilot.pause()
        assert error_of(app, "name") == MESSAGE
        assert MESSAGE in screen_text(app)


async def test_a_cleared_error_is_not_read():
    app = OneField()
    async with app.run_test(size=(60, 12)) as pilot:
        field = app.query_one(FormField)
        field.show_error(MESSAGE)
        await pilot.pause()
        field.show_error("")
        await pilot.pause()
        assert error_of(app, "name") == "" and MESSAGE not in screen_text(app)


def _hide_with_class(app):  # what show_error("") does, with the text left in place
    app.query_one("#name-error").add_class("-empty")


def _hide_itself(app):
    app.query_one("#name-error").display = False


def _hide_its_container(app):
    app.query_one("#box").display = False


def _make_it_invisible(app):
    app.query_one("#box").visible = False


def _cover_it_with_loading(app):
    app.query_one("#box").loading = True


@pytest.mark.parametrize("hide", [_hide_with_class, _hide_itself, _hide_its_container, _make_it_invisible,
                                  _cover_it_with_loading])
async def test_a_hidden_error_is_not_found(hide):
    app = OneField()
    async with app.run_test(size=(60, 12)) as pilot:
        app.query_one(FormField).show_error(MESSAGE)
        await pilot.pause()
        hide(app)
        await pilot.pause()
        assert error_of(app, "name") == ""
        assert MESSAGE not in screen_text(app)
        assert not shown(app.query_one("#name-error"))


async def test_a_screen_behind_another_is_not_read():
    app = OneField()
    async with app.run_test(size=(60, 12)) as pilot:
        behind = app.query_one("#hint")
        await app.push_screen(_Other())
        await pilot.pause()
        assert not shown(behind)
        assert "Een hint" not in screen_text(app) and "Voorop" in screen_text(app)
