"""The Inzage tab's dialogs: choosing an organisation's branches to give inzage (GrantPicker), and a grant's end
date (EndDateDialog)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from models.accounts import Account
from models.clock import format_date
from models.inzage import (
    MAX_CHOICES,
    BranchChoice,
    OrganisationChoice,
    choosable_branches,
    choosable_organisations,
    clean_end_date,
)
from models.validation import FieldError
from screens.labels import roles_text
from tui.kit.domain import DomainWork
from tui.kit.keys import key_help
from tui.plain import plain
from tui.widgets import FormField, PlainInput

PICKER_INTRO = ("Selecteer hieronder degenen met toegang tot uw dossier en vul eventueel een datum in tot wanneer "
                "deze persoon in uw dossier mag. Indien u deze datum leeg laat heeft de persoon onbeperkt toegang "
                "in uw dossier.")
PICKER_HOW_TO = "Typ een deel van de naam en kies de organisatie met Enter; vink vestigingen aan met de spatiebalk."
CHOOSE_BRANCHES = "Kies eerst een organisatie en vink daarna een of meer vestigingen of afdelingen aan."


@dataclass(frozen=True)
class PickedBranches:
    organisation: str
    branches: list[BranchChoice]
    end_date: dt.date | None


class EndDateDialog(ModalScreen[tuple[dt.date | None] | None]):
    """Geautoriseerd tot: a Dutch date from today on, or empty for until revoked. None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuleren", id="grant_dialogs.cancel"),
        Binding("ctrl+s", "ok", "OK", id="grant_dialogs.ok"),
    ]

    def __init__(self, title: str, current: dt.date | None, today: dt.date) -> None:
        super().__init__()
        self.title_text = title
        self.current = current
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(f"Datum wijzigen: {self.title_text}"), classes="form-title")
            yield Static("Tot en met deze datum heeft de organisatie inzage. Laat het veld leeg voor onbeperkte "
                         "inzage.", classes="hint")
            yield FormField("Geautoriseerd tot", "end_date", value=format_date(self.current),
                            placeholder="dd-mm-jjjj", max_length=10)
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Annuleren", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#end_date").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        field = self.query_one(FormField)
        try:
            end = clean_end_date(field.value, self.today)
        except FieldError as error:
            field.show_error(str(error))
            field.input.focus()
            return
        self.dismiss((end,))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class GrantPicker(DomainWork, ModalScreen[PickedBranches | None]):
    """Organisatie toevoegen: search an approved organisation, tick branches, optionally an end date."""

    DEFAULT_CSS = """
    GrantPicker > #grant-picker {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    GrantPicker .buttons Button {
        margin-top: 1;
    }
    GrantPicker OptionList, GrantPicker SelectionList {
        height: auto;
        max-height: 8;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Annuleren", id="grant_dialogs.cancel"),
        Binding("ctrl+s", "ok", "OK", id="grant_dialogs.ok"),
    ]

    def __init__(self, account: Account, today: dt.date, pending_branch_ids: set[int]) -> None:
        super().__init__()
        self.account = account
        self.today = today
        self.pending_branch_ids = pending_branch_ids
        self.organisation: OrganisationChoice | None = None
        self.organisations: list[OrganisationChoice] = []
        self.branches: list[BranchChoice] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="grant-picker"):
            yield Label("Organisatie toevoegen", classes="form-title")
            yield Static(PICKER_INTRO, classes="hint")
            yield Static(f"{PICKER_HOW_TO} {key_help(reversed(self.BINDINGS))}.", classes="hint")
            yield Label("Instituut *", classes="section-title")
            yield PlainInput(placeholder="Typ een deel van de naam van de organisatie", id="search", max_length=100)
            yield OptionList(id="organisations")
            yield Static("", id="organisations-found", classes="hint")
            yield Label("Vestigingen of afdelingen", id="branches-title", classes="section-title")
            yield SelectionList[int](id="branches")
            yield Static("", id="branches-error", classes="field-error -empty")
            yield FormField("Geautoriseerd tot (leeg = onbeperkt)", "end_date", placeholder="dd-mm-jjjj",
                            max_length=10)
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Annuleren", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#search").focus()
        self.search("")

    # -- organisations, queried as the user types --------------------------------------------------------
    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        account = self.account
        self.run_domain(lambda: choosable_organisations(account, text, MAX_CHOICES), self.show_organisations,
                        group="search", exclusive=True)

    def show_organisations(self, found: list[OrganisationChoice]) -> None:
        self.organisations = found
        options = self.query_one("#organisations", OptionList)
        options.set_options(Option(plain(org.name), id=str(org.id)) for org in found)
        options.highlighted = 0 if found else None  # Enter chooses the first match at once
        if not found:
            note = "Geen organisatie gevonden. Controleer de naam, of vraag uw werkgever of die al is aangemeld."
        elif len(found) >= MAX_CHOICES:
            note = f"De eerste {MAX_CHOICES} organisaties; typ verder om te zoeken."
        else:
            note = f"{len(found)} {'organisatie' if len(found) == 1 else 'organisaties'} gevonden."
        self.query_one("#organisations-found", Static).update(note)

    @on(Input.Submitted, "#search")
    def to_organisations(self) -> None:
        """One match: Enter takes it. Several: Enter moves to the list to choose with the arrows."""
        if len(self.organisations) == 1:
            self.choose(self.organisations[0])
        elif self.organisations:
            self.query_one("#organisations").focus()

    @on(OptionList.OptionSelected, "#organisations")
    def organisation_chosen(self, event: OptionList.OptionSelected) -> None:
        self.choose(next(org for org in self.organisations if str(org.id) == event.option.id))

    def choose(self, organisation: OrganisationChoice) -> None:
        self.organisation = organisation
        self.query_one("#branches-title", Label).update(
            plain(f"Vestigingen of afdelingen van {self.organisation.name}"))
        self.load_branches(self.organisation.id)

    # -- branches of the chosen organisation -----------------------------------------------------------------
    def load_branches(self, organisation_id: int) -> None:
        account = self.account
        self.run_domain(lambda: choosable_branches(account, organisation_id), self.show_branches,
                        group="branches", exclusive=True)

    def show_branches(self, branches: list[BranchChoice]) -> None:
        self.branches = branches
        selections = self.query_one("#branches", SelectionList)
        selections.clear_options()
        for branch in branches:
            prompt = plain(f"{branch.name} — {branch.manager_name}, {roles_text(branch.role, branch.is_admin)}")
            taken = branch.granted_on(self.today) or branch.id in self.pending_branch_ids
            if branch.id in self.pending_branch_ids:
                prompt.append("  (al toegevoegd, nog niet opgeslagen)", style="italic")
            elif branch.granted_on(self.today):
                prompt.append("  (heeft al inzage)", style="italic")
            elif branch.live_grant_id is not None:
                prompt.append(f"  (inzage verlopen op {format_date(branch.live_grant_end)})", style="italic")
            selections.add_option(Selection(prompt, branch.id, disabled=taken))
        free = [index for index, branch in enumerate(branches)
                if not (branch.granted_on(self.today) or branch.id in self.pending_branch_ids)]
        selections.highlighted = free[0] if free else None
        if not branches:
            self.show_branches_error("Deze organisatie heeft geen vestigingen om te kiezen.")
        else:
            self.show_branches_error("")
            selections.focus()

    def show_branches_error(self, message: str) -> None:
        error = self.query_one("#branches-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")

    # -- OK and cancel ---------------------------------------------------------------------------------------
    @on(Input.Submitted, "#end_date")
    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        ticked = set(self.query_one("#branches", SelectionList).selected)
        chosen = [branch for branch in self.branches if branch.id in ticked]
        field = self.query_one(FormField)
        end, date_error = None, ""
        try:
            end = clean_end_date(field.value, self.today)
        except FieldError as error:
            date_error = str(error)
        field.show_error(date_error)
        self.show_branches_error("" if chosen else CHOOSE_BRANCHES)
        if not chosen:
            self.query_one("#organisations" if self.organisation is None else "#branches").focus()
        elif date_error:
            field.input.focus()
        elif self.organisation is not None:
            self.dismiss(PickedBranches(self.organisation.name, chosen, end))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
