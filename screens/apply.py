"""Werkgeversaccount aanvragen: the seed's application form, every field checked."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Label, Static

from models.accounts import Account
from models.applications import ApplicationForm, apply_for_employer_account
from screens.dialogs import MessageDialog
from screens.form import FormScreen
from tui.widgets import FormField, Header

THANKS = ("Bedankt voor uw aanvraag. Registerplein beoordeelt die en u krijgt per e-mail bericht zodra uw "
          "werkgeversaccount is goedgekeurd of afgewezen. U hebt een bevestiging per e-mail ontvangen. "
          "Na goedkeuring logt u in met de gebruikersnaam en het wachtwoord die u net hebt gekozen.")


class ApplyScreen(FormScreen):
    """Fields marked * are required. Nothing typed is lost when the form is refused."""

    CSS_PATH = "apply.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # two columns when there is room

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="form", id="apply-form"):
            yield Label("Werkgeversaccount aanvragen", classes="form-title")
            yield Static("Met uw werkgeversaccount volgt u, na autorisatie door Registerplein, de voortgang van "
                         "professionals die u inzage geven. Vul de gegevens in en kies OK (Ctrl+S).",
                         classes="hint")
            with Horizontal(id="apply-columns"):
                with Vertical(classes="column"):
                    yield Label("Uw gegevens", classes="section-title")
                    yield FormField("Naam", "name", required=True, max_length=300)
                    yield FormField("E-mailadres", "email", required=True, max_length=320)
                    yield FormField("Herhaal e-mailadres", "email_repeat", required=True, max_length=320)
                    yield FormField("Gebruikersnaam", "username", required=True, max_length=50)
                    yield FormField("Wachtwoord (minstens 15 tekens)", "password", required=True, password=True,
                                    max_length=256)
                    yield FormField("Herhaal wachtwoord", "password_repeat", required=True, password=True,
                                    max_length=256)
                with Vertical(classes="column"):
                    yield Label("Organisatiegegevens", classes="section-title")
                    yield FormField("Bedrijfsnaam", "company", required=True, max_length=300)
                    yield FormField("Bezoekadres", "visit_address", required=True, max_length=300)
                    yield FormField("Postcode", "visit_postcode", required=True, placeholder="1234 AB",
                                    max_length=20)
                    yield FormField("Plaats", "visit_city", required=True, max_length=200)
                    yield FormField("Postadres", "postal_address", max_length=300)
                    yield FormField("Postcode", "postal_postcode", max_length=20)
                    yield FormField("Plaats", "postal_city", max_length=200)
                    yield FormField("Land", "country", required=True, value="Nederland", max_length=100)
            yield Static("Velden met * zijn verplicht. Per e-mail krijgt u een bevestiging.", classes="hint")
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def submit(self, values: dict[str, str]) -> Account:
        return apply_for_employer_account(ApplicationForm(**values), self.app.clock)

    def done(self, account: Account) -> None:
        self.app.deliver_mail()
        self.app.push_screen(MessageDialog("Aanvraag ontvangen", THANKS), lambda _: self.dismiss())
