"""The employer workspace: the seed's tabs Professionals, Account, Organisatie, Vestigingen, Registerplein."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from models.accounts import Account
from models.home import describe_role
from screens.account_pane import AccountPane
from screens.branches import BranchesPane
from screens.organisation_pane import OrganisationPane
from screens.professionals import ProfessionalsPane
from screens.registerplein import RegisterpleinPane
from screens.ssh_keys import SshKeysScreen
from tui.commands import WorkspaceCommands
from tui.plain import visible
from tui.widgets import Header

TABS = ["professionals", "account", "organisation", "branches", "registerplein"]


class EmployerScreen(Screen):
    COMMANDS = Screen.COMMANDS | {WorkspaceCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#overview-table"  # the rows, not the tab strip: arrows and Enter work at once
    BINDINGS = [
        Binding("f2", "show_tab('professionals')", "Professionals"),
        Binding("f3", "show_tab('account')", "Account"),
        Binding("f4", "show_tab('organisation')", "Organisatie"),
        Binding("f5", "show_tab('branches')", "Vestigingen"),
        Binding("f6", "show_tab('registerplein')", "Registerplein"),
        Binding("ctrl+l", "log_out", "Uitloggen"),
    ]

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="professionals"):
            with TabPane("Professionals (F2)", id="professionals"):
                yield ProfessionalsPane(self.account)
            # The other tabs mount just after the first paint: the rows come first.
            with TabPane("Account (F3)", id="account"):
                yield Lazy(AccountPane(self.account))
            with TabPane("Organisatie (F4)", id="organisation"):
                yield Lazy(OrganisationPane(self.account))
            with TabPane("Vestigingen (F5)", id="branches"):
                yield Lazy(BranchesPane(self.account))
            with TabPane("Registerplein (F6)", id="registerplein"):
                yield Lazy(RegisterpleinPane())
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = visible(describe_role(self.account))  # names the organisation and branch

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "professionals":
            self.query_one("#overview-table").focus()
            return
        pane = self.query_one(f"#{tab}", TabPane)
        focusable = [widget for widget in pane.query("*") if widget.focusable]
        if focusable:
            focusable[0].focus()

    def action_export(self) -> None:
        self.action_show_tab("professionals")
        self.query_one(ProfessionalsPane).action_export()

    def action_ssh_keys(self) -> None:
        """From the command palette; in the Account tab F7 and a button do the same."""
        self.app.push_screen(SshKeysScreen(self.account))

    def action_log_out(self) -> None:
        self.app.log_out()
