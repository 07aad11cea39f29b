"""The staff console's two tabs as live panes: applications to decide, and accounts to find.

Each follows changes made elsewhere (a new application, an account locked) without a key press, keeping the
search text and the highlighted row. A list is read again only when a batch touches what it shows, or may add
to it: for organisations and accounts it does not show, the read first asks `applications_touched` or
`accounts_touched` (only the rows the batch names) and reads the list only if it changes; a grant saved
somewhere costs nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from models.accounts import Account
from models.changes import EVERYTHING, Batch, Kind
from models.clock import format_date, to_local
from models.staff import (
    ACCOUNT_SEARCH_LIMIT,
    AccountRow,
    AccountsShown,
    AlreadyDecided,
    Application,
    accounts_touched,
    applications_touched,
    find_accounts,
    pending_applications,
)
from screens.period_view import current_key
from tui.kit.live import LivePane
from tui.kit.theme import style
from tui.plain import cell, visible
from tui.widgets import DomainPane, PlainInput

ROLE_NAMES = {"staff": "medewerker", "employer": "werkgever", "professional": "professional"}
UNCHANGED = object()  # a read that found the list unchanged: nothing to show


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


class StaffPane(LivePane, DomainPane):
    """What both tabs share: a staff action on the highlighted row reads both lists again."""

    def run_action(self, action: Callable[..., Any], *args: Any, done: str) -> None:
        account, clock = self.account, self.app.clock

        def succeeded(_: Any) -> None:
            self.notify(visible(done), markup=False)  # names what the user typed
            self.app.deliver_mail()
            self.screen.action_refresh_data()

        def refused(refusal: Exception) -> None:
            self.show_refusal(refusal)
            self.screen.action_refresh_data()

        self.run_domain(lambda: action(account, *args, clock), succeeded, refused, expected=(AlreadyDecided,),
                        group="action")

    def unknown(self, batch: Batch, organisations: set[int], accounts: set[int]) -> tuple[set[int], set[int]] | None:
        """The organisations and accounts `batch` names that this list does not show; None when the list must be
        read again anyway (everything, or something it shows)."""
        changed_organisations, changed_accounts = batch.subjects(Kind.ORGANISATION), batch.subjects(Kind.ACCOUNT)
        if batch is EVERYTHING or changed_organisations is None or changed_accounts is None:
            return None
        if changed_organisations & organisations or changed_accounts & accounts:
            return None
        return set(changed_organisations - organisations), set(changed_accounts - accounts)


class ApplicationsPane(StaffPane):
    def __init__(self, account: Account) -> None:
        super().__init__(id="applications-pane")
        self.account = account
        self.applications: dict[int, Application] = {}  # organisation id -> application

    def compose(self) -> ComposeResult:
        yield Static("Aanvragen in behandeling, oudste eerst. A: goedkeuren, R: afwijzen met reden.", classes="hint")
        yield DataTable(id="applications-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="duplicates")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Organisatie", "Postcode", "Plaats", "Aanvrager", "E-mailadres",
                                              "Ingediend", "Let op")

    def follows(self, batch: Batch) -> bool:
        return bool(batch.touches(Kind.ORGANISATION) or batch.touches(Kind.ACCOUNT))

    def read_call(self, batch: Batch):
        account = self.account
        unknown = self.unknown(batch, set(self.applications), {row.applicant.id for row in self.applications.values()})

        def read() -> list[Application] | object:
            if unknown is not None and not applications_touched(account, unknown[0]):
                return UNCHANGED
            return pending_applications(account)
        return read

    def show(self, rows: list[Application] | object, batch: Batch) -> None:
        if rows is UNCHANGED:
            return
        self.applications = {row.organisation.id: row for row in rows}
        table = self.query_one(DataTable)
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

    @on(DataTable.RowHighlighted)
    def show_duplicates(self) -> None:
        row = self.current()
        text = Text()
        if row is not None and row.duplicates:
            text.append("Mogelijk dubbel: ", style="bold")
            text.append(visible("; ".join(row.duplicates)))
        self.query_one("#duplicates", Static).update(text)

    def current(self) -> Application | None:
        key = current_key(self.query_one(DataTable))
        return self.applications.get(int(key)) if key is not None else None


class AccountsPane(StaffPane):
    def __init__(self, account: Account) -> None:
        super().__init__(id="accounts-pane")
        self.account = account
        self.accounts: set[int] = set()  # the ids of the accounts found
        self.account_organisations: dict[int, str | None] = {}  # organisation id -> name, as shown
        self.last_username: str | None = None  # the last account found, when there were as many as are shown

    def compose(self) -> ComposeResult:
        yield Vertical(Label("Zoek op gebruikersnaam, naam, e-mailadres of organisatie"),
                       PlainInput(id="account-query", placeholder="bijvoorbeeld kroon"), id="account-search")
        yield DataTable(id="accounts-table", cursor_type="row", zebra_stripes=True)
        yield Static("U: deblokkeren, C: nieuwe activeringscode sturen.", classes="hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Gebruikersnaam", "Status", "Naam", "Rol", "E-mailadres",
                                              "Organisatie")

    @on(Input.Changed, "#account-query")
    def search_changed(self) -> None:
        self.reload()

    def follows(self, batch: Batch) -> bool:
        return bool(batch.touches(Kind.ORGANISATION) or batch.touches(Kind.ACCOUNT))

    def read_call(self, batch: Batch):
        account, clock, query = self.account, self.app.clock, self.query_one("#account-query", Input).value
        unknown = self.unknown(batch, set(), self.accounts)
        shown = AccountsShown(frozenset(self.accounts), dict(self.account_organisations), self.last_username)

        def read() -> list[AccountRow] | object:
            if unknown is not None and not accounts_touched(account, query, *unknown, shown):
                return UNCHANGED
            return find_accounts(account, query, clock)
        return read

    def show(self, rows: list[AccountRow] | object, batch: Batch) -> None:
        if rows is UNCHANGED:
            return
        self.accounts = {row.id for row in rows}
        self.last_username = rows[-1].username if len(rows) >= ACCOUNT_SEARCH_LIMIT else None
        self.account_organisations = {row.organisation_id: row.organisation for row in rows
                                      if row.organisation_id is not None}
        table = self.query_one(DataTable)
        with kept_cursor(table):
            table.clear()
            for row in rows:
                status = "geblokkeerd" if row.locked else ("nog niet geactiveerd" if not row.activated else "actief")
                table.add_row(cell(row.username), status,
                              *(cell(value) for value in (row.name, ROLE_NAMES[row.role], row.email,
                                                           row.organisation or "")),
                              key=str(row.id))

    def current(self) -> int | None:
        key = current_key(self.query_one(DataTable))
        return int(key) if key is not None else None
