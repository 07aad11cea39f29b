"""Inloggen: username and password, checked in a worker so the screen keeps painting."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Label, Static

from models.auth import LoginResult, LoginStatus, authenticate
from models.validation import FormChecker, FormErrors
from screens.confirm_dialog import OneFieldDialog
from screens.form import FormScreen
from tui import config
from tui.plain import plain, visible
from tui.widgets import FormField, Header

WRONG_CREDENTIALS = ("Inloggen is niet gelukt. Controleer uw gebruikersnaam en wachtwoord. Na 5 mislukte pogingen "
                     "wordt het account 15 minuten geblokkeerd.")
PENDING = ("Uw aanvraag voor een werkgeversaccount is nog in behandeling bij Registerplein. U krijgt een e-mail "
           "zodra die is beoordeeld; daarna kunt u inloggen.")
REJECTED = "Registerplein heeft uw aanvraag voor een werkgeversaccount afgewezen. De reden: {reason}"
ASK_CODE = "Uw account vraagt na het wachtwoord een code. Vul de code van zes cijfers in die uw app nu toont."
WRONG_CODE = ("Inloggen is niet gelukt: deze code klopt niet of is al gebruikt. Wacht op de volgende code. Na 5 "
              "mislukte pogingen wordt het account 15 minuten geblokkeerd.")


class LoginScreen(FormScreen):
    """The first screen: who are you?"""

    CSS_PATH = "login.tcss"
    BUSY_SELECTOR = "#login-form"
    BINDINGS = [
        Binding("escape", "nothing", show=False, id="login.nothing"),
        Binding("f2", "apply", "Account aanvragen", id="login.apply"),
        Binding("f3", "forgot", "Inloggegevens vergeten", id="login.forgot"),
        Binding("f4", "code", "Code invoeren", id="login.code"),
    ]

    def compose(self) -> ComposeResult:
        remembered = config.remembered_username()
        yield Header()
        with Horizontal(id="login-row"):
            with VerticalScroll(classes="form", id="login-form"):
                yield Label("Inloggen", classes="form-title")
                yield FormField("Gebruikersnaam", "username", value=remembered)
                yield FormField("Wachtwoord", "password", password=True)
                yield Checkbox("Gebruikersnaam bewaren", value=bool(remembered), id="remember",
                               tooltip="Alleen uw gebruikersnaam wordt op deze computer bewaard, nooit uw wachtwoord.")
                yield Button("Inloggen", id="login", variant="primary")
                yield Static("", id="login-error", classes="field-error -empty")
                yield Static("F2 Account aanvragen · F3 Inloggegevens vergeten · F4 Code invoeren",
                             classes="hint", id="login-links")
            if self.app.demo is not None:
                yield self.demo_panel()
        yield Footer()

    def on_mount(self) -> None:
        target = "#password" if config.remembered_username() else "#username"
        self.query_one(target).focus()

    def demo_panel(self) -> Static:
        demo = self.app.demo
        lines = Text()
        lines.append("Demo: log in met wachtwoord\n")
        lines.append(f"{demo.password}\n", style="bold")
        lines.append("en een van deze gebruikersnamen:\n")
        for login in demo.logins:
            lines.append(f"\n{login.username}", style="bold")
            lines.append(visible(f"\n  {login.who}", multiline=True))
        return Static(lines, id="demo-logins")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login":
            self.action_submit()

    def action_nothing(self) -> None:
        pass

    def action_apply(self) -> None:
        from screens.apply import ApplyScreen

        self.app.push_screen(ApplyScreen())

    def action_forgot(self) -> None:
        from screens.recover import ForgotScreen

        self.app.push_screen(ForgotScreen())

    def action_code(self) -> None:
        from screens.recover import CodeScreen

        self.app.push_screen(CodeScreen(), self.password_was_set)

    def password_was_set(self, username: str | None) -> None:
        if username:
            self.query_one("#username-field", FormField).input.value = username
            self.query_one("#password").focus()

    def set_message(self, message: str) -> None:
        widget = self.query_one("#login-error", Static)
        widget.update(plain(message))
        widget.set_class(not message, "-empty")

    def action_submit(self) -> None:
        self.set_message("")
        super().action_submit()

    def ask_code(self, username: str, password: str) -> None:
        """The password was right and the account signs in with a code too: ask it, and check both again."""
        clock = self.app.clock

        def with_code(code: str) -> LoginResult:
            result = authenticate(username, password, clock, code=code)
            if result.status == LoginStatus.FAILED:
                raise FormErrors({"code": WRONG_CODE})
            return result

        self.app.push_screen(OneFieldDialog("Code uit uw app", ASK_CODE, "Code (of een herstelcode)", "code",
                                            with_code), self.done)

    def submit(self, values: dict[str, str]) -> LoginResult:
        checker = FormChecker()
        if not values["username"].strip():
            checker.fail("username", "Vul uw gebruikersnaam in.")
        if not values["password"]:
            checker.fail("password", "Vul uw wachtwoord in.")
        checker.raise_if_any()
        return authenticate(values["username"], values["password"], self.app.clock)

    def done(self, result: LoginResult | None) -> None:
        password = self.query_one("#password-field", FormField).input
        if result is None:  # the code was not given: start again
            password.value = ""
            password.focus()
            return
        if result.status == LoginStatus.NEEDS_CODE:
            self.ask_code(self.query_one("#username-field", FormField).value, password.value)
            return
        if result.ok:
            remember = self.query_one("#remember", Checkbox).value
            config.remember_username(result.account.username if remember else None)
            self.app.logged_in(result.account)
            return
        password.value = ""
        password.focus()
        if result.status == LoginStatus.PENDING:
            self.set_message(PENDING)
        elif result.status == LoginStatus.REJECTED:
            self.set_message(REJECTED.format(reason=result.reason))
        else:
            self.set_message(WRONG_CREDENTIALS)
