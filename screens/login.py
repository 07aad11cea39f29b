"""Inloggen: username and password, checked in a worker so the screen keeps painting."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from models.accounts import Account
from models.auth import authenticate
from models.db import db

WRONG_CREDENTIALS = "Gebruikersnaam of wachtwoord onjuist. Controleer beide en probeer het opnieuw."
SOMETHING_WENT_WRONG = "Inloggen lukt nu niet door een storing. Probeer het over een paar minuten opnieuw."


class LoginScreen(Screen):
    """The first screen: who are you?"""

    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#username"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="login-row"):
            yield from self.login_form()
            if self.app.demo is not None:
                yield from self.demo_panel()
        yield Footer()

    def login_form(self) -> ComposeResult:
        with Vertical(classes="form", id="login-form"):
            yield Label("Inloggen", classes="form-title")
            yield Static("Voer uw logingegevens in en druk op Enter.", classes="hint")
            yield Label("Gebruikersnaam", classes="field-label")
            yield Input(placeholder="Gebruikersnaam", id="username")
            yield Static("", id="username-error", classes="field-error -empty")
            yield Label("Wachtwoord", classes="field-label")
            yield Input(placeholder="Wachtwoord", password=True, id="password")
            yield Static("", id="password-error", classes="field-error -empty")
            yield Button("Inloggen", id="login", variant="primary")
            yield Static("", id="login-error", classes="field-error -empty")

    def demo_panel(self) -> ComposeResult:
        demo = self.app.demo
        lines = Text()
        lines.append("Demo: log in met wachtwoord\n")
        lines.append(f"{demo.password}\n", style="bold")
        lines.append("en een van deze gebruikersnamen:\n")
        for login in demo.logins:
            lines.append(f"\n{login.username}", style="bold")
            lines.append(f"\n  {login.who}")
        yield Static(lines, id="demo-logins")

    def show_error(self, field: str, message: str) -> None:
        widget = self.query_one(f"#{field}-error", Static)
        widget.update(message)
        widget.set_class(not message, "-empty")

    @on(Input.Submitted, "#username")
    def next_field(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        self.show_error("username", "" if username.strip() else "Vul uw gebruikersnaam in.")
        self.show_error("password", "" if password else "Vul uw wachtwoord in.")
        self.show_error("login", "")
        if not username.strip():
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.query_one("#password", Input).focus()
            return
        self.set_busy(True)
        self.verify(username, password)

    def set_busy(self, busy: bool) -> None:
        """While the password is checked: a spinner over the form, and no second submit."""
        self.query_one("#login", Button).disabled = busy
        self.query_one("#login-form").loading = busy

    @work(thread=True, exclusive=True, exit_on_error=False)
    def verify(self, username: str, password: str) -> None:
        with db.connection_context():
            account = authenticate(username, password, self.app.clock)
        self.app.call_from_thread(self.verified, account)

    def verified(self, account: Account | None) -> None:
        self.set_busy(False)
        if account is None:
            self.show_error("login", WRONG_CREDENTIALS)
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()
            return
        self.app.logged_in(account)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.log.error(f"login failed: {event.worker.error!r}")
            self.set_busy(False)
            self.show_error("login", SOMETHING_WENT_WRONG)
