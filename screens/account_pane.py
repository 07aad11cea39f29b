"""Account: the employer's own contact details and password, as a pane of the employer workspace.

Ctrl+S saves the part the cursor is in: the contact details, or the new password.
F7 (or its button) opens the account's SSH keys.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from models.accounts import Account
from models.profile import change_password, update_contact
from screens.ssh_keys import SshKeysScreen
from tui.widgets import DomainPane, FormField, show_form_errors

CONTACT_SAVED = "Uw gegevens zijn opgeslagen."
PASSWORD_CHANGED = "Uw wachtwoord is gewijzigd. Gebruik voortaan het nieuwe wachtwoord om in te loggen."


class AccountPane(DomainPane):
    """Bij Account staan uw eigen gegevens als contactpersoon."""

    DEFAULT_CSS = """
    AccountPane {
        height: 1fr;
        padding: 0 1;
    }
    AccountPane > #account-form {
        height: 1fr;
        max-width: 80;
    }
    AccountPane #contact-section, AccountPane #password-section, AccountPane #ssh-section {
        height: auto;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Opslaan"),
        Binding("f7", "ssh_keys", "SSH-sleutels", show=False),  # the button says it; the footer is full
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="account-form"):
            yield Label("Uw gegevens", classes="section-title")
            yield Static("Uw eigen gegevens als contactpersoon. Ctrl+S slaat het deel op waarin de cursor staat.",
                         classes="hint")
            with Vertical(id="contact-section"):
                yield FormField("Naam", "name", required=True, value=self.account.name, max_length=300)
                yield FormField("E-mailadres", "email", required=True, value=self.account.email, max_length=320)
                with Horizontal(classes="buttons"):
                    yield Button("Gegevens opslaan", id="save-contact", variant="primary")
            yield Label("Wachtwoord wijzigen", classes="section-title")
            with Vertical(id="password-section"):
                yield FormField("Huidig wachtwoord", "current", required=True, password=True, max_length=256)
                yield FormField("Nieuw wachtwoord (minstens 12 tekens)", "password", required=True, password=True,
                                max_length=256)
                yield FormField("Herhaal nieuw wachtwoord", "repeat", required=True, password=True, max_length=256)
                with Horizontal(classes="buttons"):
                    yield Button("Wachtwoord wijzigen", id="save-password", variant="primary")
            yield Label("SSH-sleutels", classes="section-title")
            with Vertical(id="ssh-section"):
                yield Static("Met een SSH-sleutel logt u zonder wachtwoord in op inzage ssh. F7 opent uw sleutels.",
                             classes="hint")
                with Horizontal(classes="buttons"):
                    yield Button("SSH-sleutels beheren…", id="ssh-keys")

    @on(Button.Pressed, "#ssh-keys")
    def action_ssh_keys(self) -> None:
        self.app.push_screen(SshKeysScreen(self.account))

    def section_of(self, widget) -> Vertical | None:
        for section in (self.query_one("#contact-section", Vertical), self.query_one("#password-section", Vertical)):
            if widget is not None and (widget is section or section in widget.ancestors):
                return section
        return None

    def action_save(self) -> None:
        section = self.section_of(self.app.focused)
        if section is not None and section.id == "password-section":
            self.save_password()
        else:
            self.save_contact()

    @on(Input.Submitted)
    def next_or_save(self, event: Input.Submitted) -> None:
        event.stop()
        section = self.section_of(event.input)
        inputs = list(section.query(Input)) if section is not None else []
        if inputs and event.input is inputs[-1]:
            self.action_save()
        else:
            self.screen.focus_next()

    @on(Button.Pressed, "#save-contact")
    def save_contact(self) -> None:
        if self.busy:
            return
        self.busy = True
        section = self.query_one("#contact-section", Vertical)
        values = {field.field_id: field.value for field in section.query(FormField)}
        account, clock = self.account, self.app.clock
        self.run_domain(lambda: update_contact(account, values["name"], values["email"], clock),
                        self.contact_saved, lambda refusal: self.refused(section, refusal))

    def contact_saved(self, account: Account) -> None:
        self.busy = False
        section = self.query_one("#contact-section", Vertical)
        show_form_errors(section, {})
        self.query_one("#name", Input).value = account.name
        self.query_one("#email", Input).value = account.email
        self.notify(CONTACT_SAVED)

    @on(Button.Pressed, "#save-password")
    def save_password(self) -> None:
        if self.busy:
            return
        self.busy = True
        section = self.query_one("#password-section", Vertical)
        values = {field.field_id: field.value for field in section.query(FormField)}
        account, clock = self.account, self.app.clock
        self.run_domain(lambda: change_password(account, values["current"], values["password"], values["repeat"],
                                                clock),
                        self.password_changed, lambda refusal: self.refused(section, refusal))

    def password_changed(self, _: None) -> None:
        self.busy = False
        section = self.query_one("#password-section", Vertical)
        show_form_errors(section, {})
        for field in section.query(FormField):
            field.input.value = ""
        self.notify(PASSWORD_CHANGED)

    def refused(self, section: Vertical, refusal: Exception) -> None:
        """Messages next to the fields of the part that was saved; the other part keeps its own."""
        self.busy = False
        errors = getattr(refusal, "errors", None)
        if errors is not None:
            show_form_errors(section, errors)
        else:
            self.show_refusal(refusal)
