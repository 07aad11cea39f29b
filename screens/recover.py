"""Inloggegevens vergeten, and entering a code (reset or activation) to set a password."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from models.accounts import Account
from models.codes import request_login_details, set_password_with_code
from models.validation import FormChecker, clean_email
from screens.dialogs import MessageDialog
from screens.form import FormScreen
from tui.widgets import FormField, Header

SENT = ("Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten een e-mail met uw gebruikersnaam "
        "en een code waarmee u een nieuw wachtwoord instelt (F4 Code invoeren). De code is 30 minuten geldig.")
PASSWORD_SET = "Uw wachtwoord is ingesteld. U kunt nu inloggen met uw gebruikersnaam en uw nieuwe wachtwoord."


class ForgotScreen(FormScreen):
    """The same answer whether or not the address is known."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="form"):
            yield Label("Inloggegevens opvragen", classes="form-title")
            yield Static("Vul het e-mailadres van uw account in. U krijgt uw gebruikersnaam en een code om een "
                         "nieuw wachtwoord in te stellen.", classes="hint")
            yield FormField("E-mailadres", "email", required=True, max_length=320)
            yield from self.buttons()
        yield Footer()

    def submit(self, values: dict[str, str]) -> None:
        checker = FormChecker()
        checker.check("email", clean_email, values["email"])
        checker.raise_if_any()
        request_login_details(values["email"], self.app.clock)

    def done(self, result: None) -> None:
        self.app.deliver_mail()
        self.app.push_screen(MessageDialog("Kijk in uw e-mail", SENT), lambda _: self.dismiss())


class CodeScreen(FormScreen):
    """Set a password with a code from an email; dismisses with the username when it worked."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="form"):
            yield Label("Code invoeren", classes="form-title")
            yield Static("Vul de gebruikersnaam en de code uit de e-mail in, en kies een wachtwoord van minstens "
                         "15 tekens.", classes="hint")
            yield FormField("Gebruikersnaam", "username", required=True, max_length=150)
            yield FormField("Code", "code", required=True, placeholder="ABCDE-FGHJK", max_length=40)
            yield FormField("Nieuw wachtwoord", "password", required=True, password=True, max_length=256)
            yield FormField("Herhaal wachtwoord", "repeat", required=True, password=True, max_length=256)
            yield from self.buttons()
        yield Footer()

    def submit(self, values: dict[str, str]) -> Account:
        checker = FormChecker()
        if not values["username"].strip():
            checker.fail("username", "Vul uw gebruikersnaam in.")
        if not values["code"].strip():
            checker.fail("code", "Vul de code uit de e-mail in.")
        checker.raise_if_any()
        return set_password_with_code(values["username"], values["code"], values["password"], values["repeat"],
                                      self.app.clock)

    def done(self, account: Account) -> None:
        self.app.push_screen(MessageDialog("Wachtwoord ingesteld", PASSWORD_SET),
                             lambda _: self.dismiss(account.username))


