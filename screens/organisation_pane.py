"""Organisatie: the organisation's details, as a pane of the employer workspace.

A beheerder edits them (Ctrl+S saves, Ctrl+Z undoes), checked as in the application form; others
read them. The form follows changes saved elsewhere without a key press. What the user typed is
never overwritten: a field they did not touch shows the new details, a field they changed keeps
their text, and a line says who changed what meanwhile. A save is checked against the version the
form last showed, so it never overwrites a change the user has not been shown.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from models.access import AccessDenied, require_member
from models.accounts import Account
from models.changes import EVERYTHING, Batch, Kind, Topic
from models.meanwhile import changed_by
from models.profile import ChangedMeanwhile, OrganisationForm, organisation_form, update_organisation
from screens.dialogs import UnsavedChanges, meanwhile_text
from tui.kit.keys import key_help
from tui.kit.live import LivePane
from tui.plain import plain
from tui.widgets import DomainPane, FormField

READ_ONLY = "Alleen een beheerder kan de organisatiegegevens wijzigen."
SAVED = "De organisatiegegevens zijn opgeslagen."
KEPT = ("Uw wijzigingen staan er nog. Ctrl+S slaat ze op over de nieuwe gegevens heen; "
        "Ctrl+Z laadt de opgeslagen gegevens.")
NOT_SAVED_MEANWHILE = "Niet opgeslagen: de gegevens zijn intussen gewijzigd. Boven het formulier staat wat u kunt doen."
LOST_RIGHTS = "U bent geen beheerder meer; uw wijzigingen zijn niet opgeslagen."
DISCARD_QUESTION = "Wat u heeft gewijzigd maar nog niet opgeslagen, gaat verloren."
LEAVE_QUESTION = ("U heeft organisatiegegevens gewijzigd maar nog niet opgeslagen. Als u verdergaat, gaan de "
                  "wijzigingen verloren. Kies Annuleren en daarna Ctrl+S om ze op te slaan.")
LABELS = {"company": "Bedrijfsnaam", "visit_address": "Bezoekadres", "visit_postcode": "Postcode",
          "visit_city": "Plaats", "postal_address": "Postadres", "postal_postcode": "Postcode (postadres)",
          "postal_city": "Plaats (postadres)", "country": "Land"}


def follow_stored(fields: Iterable[FormField], loaded: dict[str, str], stored: dict[str, str]) -> list[str]:
    """Show `stored` in every field the user left as `loaded`, keep what they typed in the others;
    returns the ids of the fields whose stored value changed."""
    changed = []
    for field in fields:
        was, now = loaded.get(field.field_id, ""), stored.get(field.field_id, "")
        if now != was:
            changed.append(field.field_id)
            if field.value == was:
                field.input.value = now
    return changed


def edited(fields: Iterable[FormField], loaded: dict[str, str]) -> bool:
    return any(field.value != loaded.get(field.field_id, "") for field in fields)


class OrganisationView(NamedTuple):
    form: OrganisationForm
    organisation_id: int
    changed_by: str  # who else made the changes that arrived while the form was edited ("" if nobody)


def read_organisation(account: Account, meanwhile: Batch | None) -> OrganisationView:
    organisation_id = require_member(account).organisation_id
    names = changed_by(meanwhile, account, [Topic(Kind.ORGANISATION, organisation_id)]) if meanwhile is not None else ""
    return OrganisationView(organisation_form(account), organisation_id, names)


class OrganisationPane(LivePane, UnsavedChanges, DomainPane):
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

    LEAVE_QUESTION = LEAVE_QUESTION
    DISCARD_QUESTION = DISCARD_QUESTION
    BINDINGS = [
        Binding("ctrl+s", "save", "Opslaan", id="organisation_pane.save"),
        Binding("ctrl+z", "discard", "Ongedaan maken", id="organisation_pane.discard"),
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.version: int | None = None  # the version the form last showed
        self.loaded: dict[str, str] = {}  # the details at that version; a field that differs is edited
        self.editable = False
        self.organisation_id: int | None = None  # known after the first load
        # While the form is edited: the changes made elsewhere since, who made them, the fields they changed.
        self.meanwhile: Batch | None = None
        self.changed_by = ""
        self.changed: list[str] = []
        self.told = False
        self.lost = ""
        self.replacing = False  # a load that fills every field is on its way

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="organisation-form"):
            yield Label("Organisatiegegevens", classes="section-title")
            yield Static(f"Wijzig de gegevens. {key_help(self.BINDINGS)}. Velden met * zijn verplicht.",
                         id="organisation-how-to", classes="hint -hidden")
            yield Static(READ_ONLY, id="organisation-read-only", classes="-hidden")
            yield Static("", id="organisation-message", classes="-hidden")
            with Horizontal(id="organisation-columns"):
                with Vertical(classes="column"):
                    yield FormField(LABELS["company"], "company", required=True, max_length=300)
                    yield FormField(LABELS["visit_address"], "visit_address", required=True, max_length=300)
                    yield FormField(LABELS["visit_postcode"], "visit_postcode", required=True, placeholder="1234 AB",
                                    max_length=20)
                    yield FormField(LABELS["visit_city"], "visit_city", required=True, max_length=200)
                with Vertical(classes="column"):
                    yield FormField(LABELS["postal_address"], "postal_address", max_length=300)
                    yield FormField("Postcode", "postal_postcode", max_length=20)
                    yield FormField("Plaats", "postal_city", max_length=200)
                    yield FormField(LABELS["country"], "country", required=True, max_length=100)

    def on_mount(self) -> None:
        self.set_inputs_enabled(False)
        self.replacing = True  # the first read (LivePane's) fills every field

    @property
    def has_unsaved_changes(self) -> bool:
        return self.editable and edited(self.query(FormField), self.loaded)

    # -- loading and following changes ---------------------------------------------------------------------
    def load(self, replace: bool = True) -> None:
        """Read the details; `replace` fills every field, otherwise what the user typed stays (see show_form)."""
        self.replacing = replace or self.replacing  # a newer read must not undo an older one's replace
        self.reload()

    def read_call(self, batch: Batch):
        account, meanwhile = self.account, self.meanwhile
        return lambda: read_organisation(account, meanwhile)

    def show(self, view: OrganisationView, batch: Batch) -> None:
        self.show_form(view, self.replacing)

    def data_changed(self, batch: Batch) -> None:
        """Changes committed anywhere: read the details again when they concern this organisation."""
        if batch.touches(Kind.ORGANISATION, self.organisation_id):
            if self.has_unsaved_changes:
                self.meanwhile = batch if self.meanwhile is None else self.meanwhile | batch
            self.reload(batch)

    def show_form(self, view: OrganisationView, replace: bool = True) -> None:
        form, fields = view.form, list(self.query(FormField))
        self.replacing = False
        self.organisation_id = view.organisation_id
        self.changed_by = view.changed_by or self.changed_by
        was_edited = self.has_unsaved_changes
        self.lost = ""
        if replace or not was_edited or not form.editable:
            if was_edited and not replace:  # no longer beheerder: the typed text cannot be saved
                self.lost = f"{meanwhile_text(self.changed_by)} {LOST_RIGHTS}"
            for field in fields:
                field.input.value = form.values.get(field.field_id, "")
            self.told, self.changed = False, []
        elif form.version != self.version:
            changed = follow_stored(fields, self.loaded, form.values)
            self.changed += [field for field in changed if field not in self.changed]
            self.told = self.told or bool(changed)
        self.version, self.loaded, self.editable = form.version, dict(form.values), form.editable
        self.set_inputs_enabled(form.editable)
        self.query_one("#organisation-read-only").set_class(form.editable, "-hidden")
        self.query_one("#organisation-how-to").set_class(not form.editable, "-hidden")
        self.show_notice()
        self.refresh_bindings()

    def show_notice(self) -> None:
        """The line above the form: what changed meanwhile while the user was editing, and what they can do."""
        if not self.has_unsaved_changes:
            self.meanwhile, self.changed_by, self.changed, self.told = None, "", [], False
        text = self.lost
        if self.told:
            mine = [field for field in self.changed if self.query_one(f"#{field}", Input).value != self.loaded[field]]
            stored = "".join(f" Bij {LABELS[field]} staat uw tekst; opgeslagen is “{self.loaded[field]}”."
                             for field in mine)
            text = f"{meanwhile_text(self.changed_by, [LABELS[field] for field in self.changed])}{stored} {KEPT}"
        self.show_message(text)

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        if self.told and not self.has_unsaved_changes:  # typed back to what is stored: nothing to tell
            self.show_notice()
        self.refresh_bindings()

    def set_inputs_enabled(self, enabled: bool) -> None:
        for field in self.query(FormField):
            field.input.disabled = not enabled

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and not self.editable:
            return False
        if action == "discard":
            return self.has_unsaved_changes
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
        for field in self.query(FormField):
            field.show_error("")
        self.notify(SAVED)
        self.load()  # shows the details as stored (e.g. the postcode as 1234 AB)

    def refused(self, refusal: Exception) -> None:
        self.busy = False
        if isinstance(refusal, ChangedMeanwhile):  # saved elsewhere, not shown here yet: as if it had arrived
            self.meanwhile = self.meanwhile or EVERYTHING
            if self.has_unsaved_changes:
                self.told = True
                self.notify(NOT_SAVED_MEANWHILE, severity="warning", timeout=10)
            self.load(replace=False)
            return
        self.show_refusal(refusal)
        if isinstance(refusal, AccessDenied):  # e.g. no longer beheerder: show what is true now
            self.load()

    def discard(self) -> None:
        for field in self.query(FormField):
            field.input.value = self.loaded.get(field.field_id, "")
            field.show_error("")
        self.show_notice()
        self.refresh_bindings()

    def show_message(self, message: str) -> None:
        box = self.query_one("#organisation-message", Static)
        box.update(plain(message))
        box.set_class(not message, "-hidden")
