"""The professional's workspace: their own dossier, who may look (Inzage), and who looked."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from models.accounts import Account
from screens.access_log import AccessLogPane
from screens.inzage import InzagePane
from screens.my_dossier import MyDossierPane
from screens.ssh_keys import SshKeysScreen
from tui.plain import visible
from tui.widgets import Header

INZAGE_TAB = "inzage"


class ProfessionalScreen(Screen):
    BINDINGS = [
        Binding("f2", "show_tab('dossier')", "Mijn dossier"),
        Binding("f3", "show_tab('inzage')", "Inzage"),
        Binding("f4", "show_tab('looked')", "Wie keek er"),
        Binding("f7", "ssh_keys", "SSH-sleutels"),
        Binding("ctrl+l", "log_out", "Uitloggen"),
    ]

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self._current_tab = "dossier"

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="dossier"):
            with TabPane("Mijn dossier (F2)", id="dossier"):
                yield MyDossierPane(self.account)
            with TabPane("Inzage (F3)", id=INZAGE_TAB):
                yield InzagePane(self.account)
            with TabPane("Wie keek er (F4)", id="looked"):
                yield AccessLogPane(self.account)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = visible(f"Professional: {self.account.name}")

    @property
    def inzage(self) -> InzagePane:
        return self.query_one(InzagePane)

    def leave_inzage_then(self, then) -> None:
        """Ask before unsaved grant changes are left behind; `then` runs when it is fine to go."""
        if self._current_tab == INZAGE_TAB and self.inzage.has_unsaved_changes:
            self.inzage.confirm_leave(then)
        else:
            then()

    def action_show_tab(self, tab: str) -> None:
        def switch() -> None:
            self._current_tab = tab
            self.query_one(TabbedContent).active = tab

        if tab != self._current_tab:
            self.leave_inzage_then(switch)

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab chosen with the mouse or the tab strip: go back first if Inzage has unsaved changes."""
        new = event.pane.id
        if new == self._current_tab:
            return
        if self._current_tab == INZAGE_TAB and self.inzage.has_unsaved_changes:
            self.query_one(TabbedContent).active = INZAGE_TAB
            self.action_show_tab(new)
            return
        self._current_tab = new
        if new == "looked":
            self.query_one(AccessLogPane).reload()

    def action_ssh_keys(self) -> None:
        self.app.push_screen(SshKeysScreen(self.account))  # on top: unsaved Inzage changes stay as they are

    def action_log_out(self) -> None:
        self.leave_inzage_then(self.app.log_out)
