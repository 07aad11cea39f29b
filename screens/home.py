"""A placeholder home per role, until the workspaces of the later issues arrive."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from models.accounts import Account
from models.home import describe_role


class HomeScreen(Screen):
    BINDINGS = [Binding("ctrl+l", "log_out", "Uitloggen")]

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="form", id="home"):
            yield Label(Text(f"Welkom, {self.account.name}"), classes="form-title", id="welcome")
            yield Static(Text(describe_role(self.account)), id="role")
            yield Static("Uw werkruimte volgt hier.", classes="hint")
        yield Footer()

    def action_log_out(self) -> None:
        self.app.log_out()
