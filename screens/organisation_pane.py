"""Organisatie: the organisation's details, as a pane of the employer workspace.

A beheerder edits them (Ctrl+S saves), checked as in the application form; others read
them. A save never overwrites a change someone else made after this pane loaded.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from models.accounts import Account
from models.profile import ChangedMeanwhile, OrganisationForm, organisation_form, update_organisation
from tui.plain import plain
from tui.widgets import DomainPane, FormField

READ_ONLY = "Alleen een beheerder kan de organisatiegegevens wijzigen."
HOW_TO = "Wijzig de gegevens en kies Ctrl+S om op te slaan. Velden met * zijn verplicht."
SAVED = "De organisatiegegevens zijn opgeslagen."


class OrganisationPane(DomainPane):
    """The organisation part of the application form, filled in with the organisation's details."""

    DEFAULT_CSS = """
    OrganisationPane {
        height: 1fr;
        padding: 0 1;
    }
    OrganisationPane > #organisation-form {
        height: 1fr;
        max-width: 120;
    }
    OrganisationPane #organisation-columns {
        height: auto;
    }
    OrganisationPane #organisation-columns > .column {
        width: 1fr;
        height: auto;
        padding-right: 2;
    }
    OrganisationPane #organisation-read-only, OrganisationPane #organisation-message {
        color: $warning;
    }
    OrganisationPane .-hidden {
        display: none;
    }
    """

    BINDINGS = [Binding("ctrl+s", "save", "Opslaan")]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.version: int | None = None  # the version the shown details were read at
        self.editable = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="organisation-form"):
            yield Label("Organisatiegegevens", classes="section-title")
            yield Static(HOW_TO, id="organisation-how-to", classes="hint -hidden")
            yield Static(READ_ONLY, id="organisation-read-only", classes="-hidden")
            yield Static("", id="organisation-message", classes="-hidden")
            with Horizontal(id="organisation-columns"):
                with Vertical(classes="column"):
                    yield FormField("Bedrijfsnaam", "company", required=True, max_length=300)
                    yield FormField("Bezoekadres", "visit_address", required=True, max_length=300)
                    yield FormField("Postcode", "visit_postcode", required=True, placeholder="1234 AB",
                                    max_length=20)
                    yield FormField("Plaats", "visit_city", required=True, max_length=200)
                with Vertical(classes="column"):
                    yield FormField("Postadres", "postal_address", max_length=300)
                    yield FormField("Postcode", "postal_postcode", max_length=20)
                    yield FormField("Plaats", "postal_city", max_length=200)
                    yield FormField("Land", "country", required=True, max_length=100)

    def on_mount(self) -> None:
        self.set_inputs_enabled(False)
        self.load()

    def load(self) -> None:
        account = self.account
        self.run_domain(lambda: organisation_form(account), self.show_form)

    def show_form(self, form: OrganisationForm) -> None:
        self.version, self.editable = form.version, form.editable
        for field in self.query(FormField):
            field.input.value = form.values.get(field.field_id, "")
        self.set_inputs_enabled(form.editable)
        self.query_one("#organisation-read-only").set_class(form.editable, "-hidden")
        self.query_one("#organisation-how-to").set_class(not form.editable, "-hidden")
        self.refresh_bindings()

    def set_inputs_enabled(self, enabled: bool) -> None:
        for field in self.query(FormField):
            field.input.disabled = not enabled

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and not self.editable:
            return False
        return True

    @on(Input.Submitted)
    def next_or_save(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.screen.focus_next()

    def action_save(self) -> None:
        if self.busy or not self.editable or self.version is None:
            return
        self.busy = True
        values = {field.field_id: field.value for field in self.query(FormField)}
        account, version, clock = self.account, self.version, self.app.clock
        self.run_domain(lambda: update_organisation(account, values, version, clock), self.saved, self.refused,
                        expected=(ChangedMeanwhile,))

    def saved(self, version: int) -> None:
        self.busy = False
        self.version = version
        self.show_message("")
        for field in self.query(FormField):
            field.show_error("")
        self.notify(SAVED)
        self.load()  # shows the details as stored (e.g. the postcode as 1234 AB)

    def refused(self, refusal: Exception) -> None:
        self.busy = False
        if isinstance(refusal, ChangedMeanwhile):
            self.show_message(str(refusal))
            self.notify(str(refusal), severity="warning", timeout=10, markup=False)
            self.load()
            return
        self.show_refusal(refusal)
        if not isinstance(refusal, ValueError):  # e.g. no longer beheerder: show what is true now
            self.load()

    def show_message(self, message: str) -> None:
        box = self.query_one("#organisation-message", Static)
        box.update(plain(message))
        box.set_class(not message, "-hidden")
