"""The Textual application and the one factory that builds it (CLI, SSH and tests alike)."""
from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from models.accounts import Account
from models.clock import Clock
from models.demo import DemoSummary
from screens.home import HomeScreen
from screens.login import LoginScreen


class InzageApp(App):
    """inzage: employers follow the progress of professionals who granted them access."""

    TITLE = "inzage"
    SUB_TITLE = "Registerplein"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [Binding("ctrl+q", "quit", "Afsluiten", priority=True)]

    def __init__(self, clock: Clock, demo: DemoSummary | None = None) -> None:
        super().__init__()
        self.clock = clock
        self.demo = demo  # shown on the login screen, so demo users need not remember the logins
        self.account: Account | None = None

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())

    def logged_in(self, account: Account) -> None:
        self.account = account
        self.switch_screen(HomeScreen(account))

    def log_out(self) -> None:
        self.account = None
        self.switch_screen(LoginScreen())


def make_app(clock: Clock | None = None, demo: DemoSummary | None = None) -> InzageApp:
    """Build the app against the database already opened with models.db.open_database()."""
    return InzageApp(clock or Clock(), demo)
