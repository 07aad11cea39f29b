"""Showing one workspace pane on a screen of its own, after the app has started, as the workspace would."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Static

from models import Account
from tui.table import VirtualTable
from tests.screens.helpers import settle


class PaneHost(Screen):
    """A bare screen around one pane, with the footer that shows its keys."""

    def __init__(self, pane: Widget) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.pane
        yield Footer()


async def show_pane(pilot, pane_class: type[Widget], account: Account) -> Widget:
    """Sign `account` in (without the login screen) and show its pane; returns the pane once loaded. A bare
    screen has no live updates: the app's change watcher is stopped, so a test makes changes meanwhile itself."""
    if pilot.app._watcher is not None:
        pilot.app._watcher.stop()
    pilot.app.account = account
    pane = pane_class(account)
    await pilot.app.push_screen(PaneHost(pane))
    await settle(pilot)
    return pane


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def shown_keys(app) -> set[str]:
    """The keys the footer offers on the current screen."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


def visible_text(app) -> str:
    """The text of the Statics the user can see (hidden ones left out)."""
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static)
                     if all(node.display for node in (widget, *widget.ancestors) if isinstance(node, Widget)))


def overview_table(app) -> VirtualTable:
    """The employer's overview table."""
    return app.screen.query_one("#overview-table", VirtualTable)


def overview_names(app) -> list[str]:
    """The professionals in the overview, in its order (their previous periods not counted)."""
    return [row.name for row in overview_table(app).rows if row.is_latest]


def staff_rows(app, table_id: str) -> list[list[str]]:
    """The cells of one of the staff console's tables."""
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def row_named(app, name: str) -> list[str]:
    """The row of the branch (or other first column) `name`; a * marks an unsaved change."""
    return next(row for row in table_rows(app) if row[0].lstrip("* ") == name)


async def to_row(pilot, name: str) -> None:
    """Put the table's cursor on the row of `name`."""
    table = pilot.app.screen.query_one(DataTable)
    table.focus()
    names = [row[0].lstrip("* ") for row in table_rows(pilot.app)]
    table.move_cursor(row=names.index(name))
    await pilot.pause()
