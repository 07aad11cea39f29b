"""The staff console: applications to decide, accounts to find, unlock and re-activate.

Staff see no dossiers; this screen only shows organisations and accounts. Both lists follow changes
made elsewhere (a new application, an account locked) without a key press, keeping the search text
and the highlighted row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static, TabbedContent

from models.accounts import Account
from models.changes import Batch, Kind
from models.clock import format_date, to_local
from models.staff import (
    ACCOUNT_SEARCH_LIMIT,
    AccountsShown,
    AlreadyDecided,
    ListsTouched,
    approve_application,
    clean_reason,
    find_accounts,
    lists_touched,
    pending_applications,
    reject_application,
    resend_activation,
    unlock_account,
)
from screens.dialogs import ReasonDialog
from screens.workspace import Tab, WorkspaceScreen
from tui.kit.theme import style
from tui.plain import cell, visible
from tui.widgets import PlainInput

ROLE_NAMES = {"staff": "medewerker", "employer": "werkgever", "professional": "professional"}


class StaffScreen(WorkspaceScreen):
    CSS_PATH = "staff.tcss"
    TABS = [
        Tab("applications", "Aanvragen", "f5", "aanvragen van organisaties beoordelen"),
        Tab("accounts", "Accounts", "f6", "accounts zoeken, deblokkeren, activeringscode sturen"),
    ]
    BINDINGS = [
        Binding("a", "approve", "Goedkeuren", id="staff.approve"),
        Binding("r", "reject", "Afwijzen", id="staff.reject"),
        Binding("u", "unlock", "Deblokkeren", id="staff.unlock"),
        Binding("c", "resend", "Activeringscode", id="staff.resend"),
        Binding("/", "search", "Zoeken", id="staff.search"),
    ]

    def __init__(self, account: Account) -> None:
        super().__init__(account)
        self.applications: dict[int, Any] = {}  # organisation id -> models.staff.Application
        self.accounts: set[int] = set()  # the ids of the accounts found
        self.account_organisations: dict[int, str | None] = {}  # organisation id -> name, as shown in the accounts
        self.last_username: str | None = None  # the last account found, when there were as many as are shown

    def pane_for(self, tab: str) -> Widget:
        if tab == "applications":
            return Vertical(
                Static("Aanvragen in behandeling, oudste eerst. A: goedkeuren, R: afwijzen met reden.", classes="hint"),
                DataTable(id="applications-table", cursor_type="row", zebra_stripes=True),
                Static("", id="duplicates"))
        return Vertical(
            Vertical(Label("Zoek op gebruikersnaam, naam, e-mailadres of organisatie"),
                     PlainInput(id="account-query", placeholder="bijvoorbeeld kroon"), id="account-search"),
            DataTable(id="accounts-table", cursor_type="row", zebra_stripes=True),
            Static("U: deblokkeren, C: nieuwe activeringscode sturen.", classes="hint"))


    def on_mount(self) -> None:
        super().on_mount()
        applications = self.query_one("#applications-table", DataTable)
        applications.add_columns("Organisatie", "Postcode", "Plaats", "Aanvrager", "E-mailadres", "Ingediend",
                                 "Let op")
        accounts = self.query_one("#accounts-table", DataTable)
        accounts.add_columns("Gebruikersnaam", "Status", "Naam", "Rol", "E-mailadres", "Organisatie")
        self.load_applications()
        self.load_accounts()
        applications.focus()

    def own_data_changed(self, batch: Batch) -> None:
        """New applications appear, decided ones go; an account's status follows locks and activations.
        A list is read again only when the batch touches what it shows, or may add to it (lists_touched:
        only the rows the batch names are read); a grant saved somewhere costs nothing."""
        organisations, accounts = batch.subjects(Kind.ORGANISATION), batch.subjects(Kind.ACCOUNT)
        if organisations is None or accounts is None:
            self.reload()
            return
        applicants = {row.applicant.id for row in self.applications.values()}
        reload_applications = bool(organisations & set(self.applications) or accounts & applicants)
        reload_accounts = bool(accounts & set(self.accounts))
        if reload_applications:
            self.load_applications()
        if reload_accounts:
            self.load_accounts()
        unknown_organisations, unknown_accounts = organisations - set(self.applications), accounts - set(self.accounts)
        if reload_applications and reload_accounts or not (unknown_organisations or unknown_accounts):
            return
        account, query = self.account, self.query_one("#account-query", Input).value
        shown = AccountsShown(frozenset(self.accounts), dict(self.account_organisations), self.last_username)

        def touched(found: ListsTouched) -> None:
            if found.applications and not reload_applications:
                self.load_applications()
            if found.accounts and not reload_accounts:
                self.load_accounts()

        self.run_domain(lambda: lists_touched(account, query, unknown_organisations, unknown_accounts, shown),
                        touched, group="touched")

    # -- loading (a newer load of a list replaces one still running) ---------------------------------------
    def load_applications(self) -> None:
        account = self.account
        self.run_domain(lambda: pending_applications(account), self.show_applications, group="applications",
                        exclusive=True)

    def show_applications(self, rows) -> None:
        self.applications = {row.organisation.id: row for row in rows}
        table = self.query_one("#applications-table", DataTable)
        with kept_cursor(table):
            table.clear()
            for row in rows:
                org = row.organisation
                flag = Text("⚠ mogelijk dubbel", style=style("warning")) if row.duplicates else Text("")
                table.add_row(*(cell(value) for value in (org.name, org.visit_postcode, org.visit_city,
                                                           row.applicant.name, row.applicant.email)),
                              format_date(to_local(org.created_at).date()), flag, key=str(org.id))
        if not rows:
            self.query_one("#duplicates", Static).update("Er zijn geen aanvragen in behandeling.")
        else:
            self.show_duplicates()

    @on(DataTable.RowHighlighted, "#applications-table")
    def show_duplicates(self) -> None:
        row = self.current_application()
        text = Text()
        if row is not None and row.duplicates:
            text.append("Mogelijk dubbel: ", style="bold")
            text.append(visible("; ".join(row.duplicates)))
        self.query_one("#duplicates", Static).update(text)

    @on(Input.Changed, "#account-query")
    def search_changed(self, event: Input.Changed) -> None:
        self.load_accounts()

    def load_accounts(self) -> None:
        """The accounts matching the search text as it is now."""
        account, clock, query = self.account, self.app.clock, self.query_one("#account-query", Input).value
        self.run_domain(lambda: find_accounts(account, query, clock), self.show_accounts, group="accounts",
                        exclusive=True)

    def show_accounts(self, rows) -> None:
        self.accounts = {row.id for row in rows}
        self.last_username = rows[-1].username if len(rows) >= ACCOUNT_SEARCH_LIMIT else None
        self.account_organisations = {row.organisation_id: row.organisation for row in rows
                                      if row.organisation_id is not None}
        table = self.query_one("#accounts-table", DataTable)
        with kept_cursor(table):
            table.clear()
            for row in rows:
                status = "geblokkeerd" if row.locked else ("nog niet geactiveerd" if not row.activated else "actief")
                table.add_row(cell(row.username), status,
                              *(cell(value) for value in (row.name, ROLE_NAMES[row.role], row.email,
                                                           row.organisation or "")),
                              key=str(row.id))

    # -- actions ---------------------------------------------------------------
    def current_application(self):
        table = self.query_one("#applications-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.applications.get(int(key))

    def current_account_id(self) -> int | None:
        table = self.query_one("#accounts-table", DataTable)
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_tab(self, tab: str) -> bool:
        return self.query_one(TabbedContent).active == tab

    def focus_tab(self, tab: str) -> None:
        self.query_one("#applications-table" if tab == "applications" else "#account-query").focus()

    def action_search(self) -> None:
        self.action_show_tab("accounts")

    def action_approve(self) -> None:
        row = self.current_application() if self.on_tab("applications") else None
        if row is not None:
            self.run_action(approve_application, row.organisation.id,
                            done=f"{row.organisation.name} is goedgekeurd; de aanvrager krijgt een e-mail.")

    def action_reject(self) -> None:
        row = self.current_application() if self.on_tab("applications") else None
        if row is None:
            return

        def rejected(reason: str | None) -> None:
            if reason:
                self.run_action(reject_application, row.organisation.id, reason,
                                done=f"{row.organisation.name} is afgewezen; de aanvrager krijgt een e-mail.")

        self.app.push_screen(ReasonDialog(f"{row.organisation.name} afwijzen",
                                          "Waarom wordt deze aanvraag afgewezen? (bijvoorbeeld: dubbel account)",
                                          "Afwijzen", check=clean_reason), rejected)

    def action_unlock(self) -> None:
        account_id = self.current_account_id() if self.on_tab("accounts") else None
        if account_id is not None:
            self.run_action(unlock_account, account_id, done="Het account is gedeblokkeerd.")

    def action_resend(self) -> None:
        account_id = self.current_account_id() if self.on_tab("accounts") else None
        if account_id is not None:
            self.run_action(resend_activation, account_id, done="Er is een nieuwe activeringscode gemaild.")

    def run_action(self, action: Callable[..., Any], *args: Any, done: str) -> None:
        """Run a staff action; either way both lists are read again."""
        account, clock = self.account, self.app.clock

        def succeeded(_: Any) -> None:
            self.notify(visible(done), markup=False)  # names what the user typed
            self.app.deliver_mail()
            self.reload()

        def refused(refusal: Exception) -> None:
            self.show_refusal(refusal)
            self.reload()

        self.run_domain(lambda: action(account, *args, clock), succeeded, refused, expected=(AlreadyDecided,),
                        group="action")

    def reload(self) -> None:
        self.load_applications()
        self.load_accounts()


@contextmanager
def kept_cursor(table: DataTable) -> Iterator[None]:
    """Around refilling `table`: the cursor stays on the row with the same key (the same row number if
    that row went)."""
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
    row = table.cursor_row
    yield
    if key is not None and key in table.rows:
        table.move_cursor(row=table.get_row_index(key))
    elif table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1))
