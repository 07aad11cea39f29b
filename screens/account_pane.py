"""Account: the employer's own contact details and password, as a pane of the employer workspace.

Ctrl+S saves the part the cursor is in: the contact details, or the new password; Ctrl+Z undoes
what was typed. F7 (or its button) opens the account's SSH keys.

The contact details follow changes saved elsewhere (the same account in another session) without a
key press; what the user typed stays, as in the Organisatie pane, and a save is checked against the
details the pane last showed.
"""
from __future__ import annotations


from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from models.accounts import Account
from models.changes import Batch, Kind, Topic
from models.meanwhile import changed_by
from models.email_change import confirm_email_change
from models.profile import ContactChangedMeanwhile, ContactSaved, change_password, contact_details, update_contact
from models.validation import FormErrors
from screens.confirm_dialog import OneFieldDialog
from screens.dialogs import UnsavedChanges, meanwhile_text
from screens.organisation_pane import edited, follow_stored
from tui.kit.live import LivePane
from tui.plain import plain
from tui.widgets import DomainPane, FormField, show_form_errors

CONTACT_SAVED = "Uw gegevens zijn opgeslagen."
CODE_SENT = ("We hebben een code gestuurd naar {new}. Vul die hier in; tot dan blijft {old} uw e-mailadres. Naar {old} "
             "gaat een bericht dat u dit vroeg.")
EMAIL_CHANGED = "Uw e-mailadres is gewijzigd. Uw andere sessies zijn beëindigd."
EMAIL_NOT_CHANGED = ("Uw e-mailadres is niet gewijzigd. De code blijft 30 minuten geldig: sla het nieuwe adres "
                     "opnieuw op voor een nieuwe code.")
PASSWORD_CHANGED = "Uw wachtwoord is gewijzigd. Gebruik voortaan het nieuwe wachtwoord om in te loggen."
KEYS_REMOVED = (" Uw SSH-sleutels ({count}) zijn verwijderd, zodat alleen wie het nieuwe wachtwoord kent nog "
                "binnenkomt; voeg ze zo nodig opnieuw toe (F7 SSH-sleutels).")
KEPT = ("Uw wijzigingen staan er nog. Ctrl+S slaat ze op over de nieuwe gegevens heen; "
        "Ctrl+Z laadt de opgeslagen gegevens.")
ELSEWHERE = "in een andere sessie"  # only the account itself changes its name and email
NOT_SAVED_MEANWHILE = "Niet opgeslagen: uw gegevens zijn intussen gewijzigd. Boven het formulier staat wat u kunt doen."
DISCARD_QUESTION = "Wat u heeft ingevuld maar nog niet opgeslagen, gaat verloren."
LEAVE_QUESTION = ("U heeft uw gegevens of wachtwoord gewijzigd maar nog niet opgeslagen. Als u verdergaat, gaan de "
                  "wijzigingen verloren. Kies Annuleren en daarna Ctrl+S om ze op te slaan.")
LABELS = {"name": "Naam", "email": "E-mailadres"}


def read_contact(account: Account, meanwhile: Batch | None) -> tuple[dict[str, str], str]:
    """The stored name and email, and who else changed them ("" if nobody else)."""
    name, email = contact_details(account)
    names = changed_by(meanwhile, account, [Topic(Kind.ACCOUNT, account.id)]) if meanwhile is not None else ""
    return {"name": name, "email": email}, names


class AccountPane(LivePane, UnsavedChanges, DomainPane):
    """Bij Account staan uw eigen gegevens als contactpersoon."""

    READ_ON_MOUNT = False  # the fields start from the session's account; a change reads them again

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
    AccountPane #account-meanwhile {
        color: $warning;
    }
    AccountPane .-hidden {
        display: none;
    }
    """

    LEAVE_QUESTION = LEAVE_QUESTION
    DISCARD_QUESTION = DISCARD_QUESTION
    BINDINGS = [
        Binding("ctrl+s", "save", "Opslaan", id="account_pane.save"),
        Binding("ctrl+z", "discard", "Ongedaan maken", id="account_pane.discard"),
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.loaded = {"name": account.name, "email": account.email}  # as last shown; a field that differs is edited
        # While the contact details are edited: changes made elsewhere since, by whom, the fields they changed.
        self.meanwhile: Batch | None = None
        self.changed_by = ""
        self.changed: list[str] = []
        self.told = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="account-form"):
            yield Label("Uw gegevens", classes="section-title")
            yield Static("Uw eigen gegevens als contactpersoon. Ctrl+S slaat het deel op waarin de cursor staat; "
                         "Ctrl+Z maakt ongedaan wat u nog niet opsloeg.", classes="hint")
            yield Static("", id="account-meanwhile", classes="-hidden")
            with Vertical(id="contact-section"):
                yield FormField("Naam", "name", required=True, value=self.account.name, max_length=300)
                yield FormField("E-mailadres", "email", required=True, value=self.account.email, max_length=320)
                yield FormField("Huidig wachtwoord (alleen voor een nieuw e-mailadres)", "contact_current",
                                password=True, max_length=256)
                with Horizontal(classes="buttons"):
                    yield Button("Gegevens opslaan", id="save-contact", variant="primary")
            yield Label("Wachtwoord wijzigen", classes="section-title")
            with Vertical(id="password-section"):
                yield FormField("Huidig wachtwoord", "current", required=True, password=True, max_length=256)
                yield FormField("Nieuw wachtwoord (minstens 15 tekens)", "password", required=True, password=True,
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
    def ssh_keys_pressed(self) -> None:
        self.screen.action_ssh_keys()  # the workspace's F7

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

    # -- following changes made elsewhere ----------------------------------------------------------------
    def contact_fields(self) -> list[FormField]:
        """Name and email: what is stored and followed (not the current password beside them)."""
        return [field for field in self.query_one("#contact-section", Vertical).query(FormField)
                if field.field_id in LABELS]

    def password_fields(self) -> list[FormField]:
        """Every password typed on this pane: the password section's and the one for a new email address."""
        return [*self.query_one("#password-section", Vertical).query(FormField),
                self.query_one("#contact_current-field", FormField)]

    @property
    def contact_edited(self) -> bool:
        return edited(self.contact_fields(), self.loaded)

    @property
    def has_unsaved_changes(self) -> bool:
        return self.contact_edited or any(field.value for field in self.password_fields())

    def data_changed(self, batch: Batch) -> None:
        if batch.touches(Kind.ACCOUNT, self.account.id):
            if self.contact_edited:
                self.meanwhile = batch if self.meanwhile is None else self.meanwhile | batch
            self.reload(batch)

    def load(self) -> None:
        self.reload()

    def read_call(self, batch: Batch):
        account, meanwhile = self.account, self.meanwhile
        return lambda: read_contact(account, meanwhile)

    def show(self, result: tuple[dict[str, str], str], batch: Batch) -> None:
        self.show_contact(result)

    def show_contact(self, result: tuple[dict[str, str], str]) -> None:
        """The stored details in every field the user did not change; a line when they changed one too."""
        stored, names = result
        self.changed_by = names or self.changed_by
        if self.contact_edited:
            changed = follow_stored(self.contact_fields(), self.loaded, stored)
            self.changed += [field for field in changed if field not in self.changed]
            self.told = self.told or bool(changed)
        else:
            for field in self.contact_fields():
                field.input.value = stored[field.field_id]
        self.loaded = stored
        if not self.contact_edited:
            self.account.name, self.account.email = stored["name"], stored["email"]  # the session's too
        self.show_notice()

    def show_notice(self) -> None:
        if not self.contact_edited:
            self.meanwhile, self.changed_by, self.changed, self.told = None, "", [], False
        text = ""
        if self.told:
            start = meanwhile_text(self.changed_by, [LABELS[field] for field in self.changed], ELSEWHERE)
            mine = [field for field in self.changed if self.query_one(f"#{field}", Input).value != self.loaded[field]]
            stored = "".join(f" Bij {LABELS[field]} staat uw tekst; opgeslagen is “{self.loaded[field]}”."
                             for field in mine)
            text = f"{start}{stored} {KEPT}"
        line = self.query_one("#account-meanwhile", Static)
        line.update(plain(text))
        line.set_class(not text, "-hidden")
        self.refresh_bindings()

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        if self.told and not self.contact_edited:
            self.show_notice()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "discard":
            return self.has_unsaved_changes
        return True

    def discard(self) -> None:
        for field in self.contact_fields():
            field.input.value = self.loaded[field.field_id]
        for field in self.password_fields():
            field.input.value = ""
        for field in self.query(FormField):
            field.show_error("")
        self.show_notice()

    # -- saving ------------------------------------------------------------------------------------------------
    @on(Button.Pressed, "#save-contact")
    def save_contact(self) -> None:
        if self.busy:
            return
        self.busy = True
        section = self.query_one("#contact-section", Vertical)
        values = {field.field_id: field.value for field in section.query(FormField)}
        account, clock, seen = self.account, self.app.clock, (self.loaded["name"], self.loaded["email"])

        def save() -> ContactSaved:
            try:
                return update_contact(account, values["name"], values["email"], clock, seen,
                                      current=values["contact_current"])
            except FormErrors as refused:  # this form's own current-password field
                raise FormErrors({"contact_current" if field == "current" else field: message
                                  for field, message in refused.errors.items()}) from None

        self.run_domain(save, self.contact_saved, lambda refusal: self.refused(section, refusal))

    def contact_saved(self, saved: ContactSaved) -> None:
        self.busy = False
        section = self.query_one("#contact-section", Vertical)
        show_form_errors(section, {})
        self.query_one("#contact_current", Input).value = ""
        self.loaded = {"name": saved.account.name, "email": self.loaded["email"]}
        self.query_one("#name", Input).value = saved.account.name
        if saved.code_sent_to is None:
            self.show_notice()
            self.notify(CONTACT_SAVED)
            return
        self.app.deliver_mail()
        account, clock = self.account, self.app.clock
        message = CODE_SENT.format(new=saved.code_sent_to, old=self.loaded["email"])
        self.app.push_screen(OneFieldDialog("Nieuw e-mailadres bevestigen", message, "Code uit de e-mail", "code",
                                            lambda code: confirm_email_change(account, code, clock)),
                             self.email_confirmed)

    def email_confirmed(self, account: Account | None) -> None:
        if account is not None:
            self.app.deliver_mail()  # the old address is told
        self.query_one("#email", Input).value = self.loaded["email"] if account is None else account.email
        self.load()
        self.notify(EMAIL_CHANGED if account is not None else EMAIL_NOT_CHANGED, timeout=10)

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

    def password_changed(self, removed_keys: list[str]) -> None:
        self.busy = False
        section = self.query_one("#password-section", Vertical)
        show_form_errors(section, {})
        for field in section.query(FormField):
            field.input.value = ""
        self.notify(PASSWORD_CHANGED + (KEYS_REMOVED.format(count=len(removed_keys)) if removed_keys else ""))
        self.app.deliver_mail()

    def refused(self, section: Vertical, refusal: Exception) -> None:
        """Messages next to the fields of the part that was saved; the other part keeps its own."""
        self.busy = False
        if isinstance(refusal, ContactChangedMeanwhile):  # changed in another session, not shown here yet
            self.told = True
            self.notify(NOT_SAVED_MEANWHILE, severity="warning", timeout=10)
            self.load()
            return
        errors = getattr(refusal, "errors", None)
        if errors is not None:
            show_form_errors(section, errors)
        else:
            self.show_refusal(refusal)
