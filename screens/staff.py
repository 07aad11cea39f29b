"""The staff console: applications to decide, accounts to find, unlock and re-activate.

Staff see no dossiers; this screen only shows organisations and accounts. Its two tabs are live panes
(screens/staff_panes.py): both lists follow changes made elsewhere without a key press, keeping the
search text and the highlighted row.
"""
from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget

from models.staff import (
    approve_application,
    clean_reason,
    reject_application,
    resend_activation,
    unlock_account,
)
from screens.dialogs import ReasonDialog
from screens.staff_panes import AccountsPane, ApplicationsPane
from screens.workspace import Tab, WorkspaceScreen


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

    def pane_for(self, tab: str) -> Widget:
        return ApplicationsPane(self.account) if tab == "applications" else AccountsPane(self.account)

    def on_mount(self) -> None:
        self.call_after_refresh(self.focus_tab, self.current_tab)  # the applications, ready for A and R

    @property
    def applications(self) -> ApplicationsPane:
        return self.query_one(ApplicationsPane)

    @property
    def accounts(self) -> AccountsPane:
        return self.query_one(AccountsPane)

    # -- actions ---------------------------------------------------------------
    def on_tab(self, tab: str) -> bool:
        return self.current_tab == tab

    def action_search(self) -> None:
        self.action_show_tab("accounts")

    def action_approve(self) -> None:
        row = self.applications.current() if self.on_tab("applications") else None
        if row is not None:
            done = f"{row.organisation.name} is goedgekeurd; de aanvrager krijgt een e-mail."
            self.applications.run_action(approve_application, row.organisation.id, done=done)

    def action_reject(self) -> None:
        row = self.applications.current() if self.on_tab("applications") else None
        if row is None:
            return

        def rejected(reason: str | None) -> None:
            if reason:
                done = f"{row.organisation.name} is afgewezen; de aanvrager krijgt een e-mail."
                self.applications.run_action(reject_application, row.organisation.id, reason, done=done)

        self.app.push_screen(ReasonDialog(f"{row.organisation.name} afwijzen",
                                          "Waarom wordt deze aanvraag afgewezen? (bijvoorbeeld: dubbel account)",
                                          "Afwijzen", check=clean_reason), rejected)

    def action_unlock(self) -> None:
        account_id = self.accounts.current() if self.on_tab("accounts") else None
        if account_id is not None:
            self.accounts.run_action(unlock_account, account_id, done="Het account is gedeblokkeerd.")

    def action_resend(self) -> None:
        account_id = self.accounts.current() if self.on_tab("accounts") else None
        if account_id is not None:
            self.accounts.run_action(resend_activation, account_id, done="Er is een nieuwe activeringscode gemaild.")
