"""WorkspaceScreen: what every role's workspace does, written once.

A header naming who is signed in (and when the screen was last brought up to date), tabs with
their F-keys, the footer, log out, SSH keys, ctrl+r, the command palette, live data, and a
question before unsaved changes are left behind. A role's workspace lists its TABS and composes
each tab's pane (`pane_for`).

Live data: the app's change watcher publishes every batch of committed changes
(`InzageApp.data_changed`); each pane hears it through its own subscription (tui/kit/live.py; hidden tabs
too, so a tab is up to date when the user gets there; a lazy tab not mounted yet loads fresh when it
mounts), and the workspace notes the time once their reads have landed. ctrl+r hands them EVERYTHING.
A pane with `has_unsaved_changes` must offer `confirm_leave(then)`.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, TabbedContent, TabPane

from models.accounts import Account
from models.changes import EVERYTHING, Batch
from models.home import describe_role
from screens.ssh_keys import SshKeysScreen
from tui.kit.domain import DomainWork
from tui.kit.live import FollowsChanges
from tui.kit.updated import UPDATED, ShowsUpdated
from tui.plain import visible
from tui.widgets import Header


class Tab(NamedTuple):
    id: str
    title: str
    key: str  # the F-key that shows it
    hint: str = ""  # for the command palette
    lazy: bool = False  # mounted once the first tab's reads have landed, or when chosen (its rows come first)


class WorkspaceCommands(Provider):
    """ctrl+p: every tab and the workspace's actions, in Dutch."""

    def _commands(self):
        screen = self.screen
        for tab in screen.TABS:
            yield f"Ga naar {tab.title}", partial(screen.action_show_tab, tab.id), tab.hint
        for name, action, hint in screen.COMMAND_ACTIONS:
            yield name, getattr(screen, f"action_{action}"), hint
        yield "Verversen", screen.action_refresh_data, "alles op dit scherm opnieuw ophalen"
        yield "SSH-sleutels beheren", screen.action_ssh_keys, "inloggen op inzage ssh zonder wachtwoord"
        yield "Inloggen met een code", screen.action_two_factor, "een code uit een app na uw wachtwoord (F8)"
        yield "Uitloggen", screen.action_log_out, "terug naar het inlogscherm"

    async def discover(self) -> Hits:
        for name, callback, hint in self._commands():
            yield DiscoveryHit(name, callback, help=hint)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, hint in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=hint)


class WorkspaceScreen(ShowsUpdated, DomainWork, Screen):
    TABS: ClassVar[list[Tab]] = []
    COMMAND_ACTIONS: ClassVar[list[tuple[str, str, str]]] = []  # (palette name, action, hint)
    COMMANDS = Screen.COMMANDS | {WorkspaceCommands}
    SHELL_BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+r", "refresh_data", "Verversen", show=False, id="workspace.refresh_data"),
        Binding("f7", "ssh_keys", "SSH-sleutels", id="workspace.ssh_keys"),
        Binding("f8", "two_factor", "Code", show=False, id="workspace.two_factor"),
        Binding("ctrl+l", "log_out", "Uitloggen", id="workspace.log_out"),
    ]

    def __init_subclass__(cls, **kwargs) -> None:
        """Each tab's F-key first, then the role's own bindings, then the shell's."""
        own = cls.__dict__.get("BINDINGS", [])
        tabs = [Binding(tab.key, f"show_tab('{tab.id}')", tab.title, id=f"workspace.tab.{tab.id}") for tab in cls.TABS]
        cls.BINDINGS = tabs + own + cls.SHELL_BINDINGS
        super().__init_subclass__(**kwargs)

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self.role_line = ""
        self.current_tab = self.TABS[0].id
        self.later = [tab.id for tab in self.TABS if tab.lazy]  # lazy tabs whose pane is not mounted yet

    def pane_for(self, tab: str) -> Widget:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial=self.current_tab):
            for tab in self.TABS:
                with TabPane(f"{tab.title} ({tab.key.upper()})", id=tab.id):
                    if not tab.lazy:
                        yield self.pane_for(tab.id)
        yield Footer()

    def on_mount(self) -> None:
        self.app.data_changed.subscribe(self, self.data_changed)
        self.load_role()
        self.stamp_when_read()  # once the first reads of the panes have landed
        self.run_worker(self.mount_later, group="later")

    async def mount_later(self) -> None:
        """The lazy tabs' panes, once the first tab's reads have landed: its rows are not kept waiting behind
        the other tabs' mounting (and the reads those start) for the interpreter."""
        await self.reads_landed()
        for tab in list(self.later):
            await self.mount_tab(tab)

    async def mount_tab(self, tab: str) -> None:
        """Mount the pane of lazy tab `tab` now, if it is not mounted yet."""
        if tab in self.later:
            self.later.remove(tab)
            await self.query_one(f"TabPane#{tab}", TabPane).mount(self.pane_for(tab))

    # -- who is signed in, and since when the screen is up to date ---------------------------------------------
    def describe(self) -> str:
        """Who is signed in, in one line for the header (runs in a worker: it may read the database)."""
        return describe_role(self.account)

    def load_role(self) -> None:
        self.run_domain(self.describe, self.show_role, group="role", exclusive=True)

    def show_role(self, line: str) -> None:
        self.role_line = line
        self.sub_title = visible(line)

    # -- live data ------------------------------------------------------------------------------------------
    def data_changed(self, batch: Batch) -> None:
        """Each pane hears `batch` through its own subscription (tui/kit/live.py), before this; note the time
        once their reads have landed, and read the header's role line again when the account may have changed."""
        if self.app.concerns_account(batch):
            self.load_role()  # a changed role, organisation or branch name shows in the header
        self.stamp_when_read(only_after_reads=batch is not EVERYTHING)

    def action_refresh_data(self) -> None:
        """ctrl+r: every pane on this screen reads everything again (hidden ones when shown)."""
        for node in self.walk_children(with_self=False):
            if isinstance(node, FollowsChanges):
                node._changed(EVERYTHING)
        self.data_changed(EVERYTHING)
        self.stamp_when_read(then_say=UPDATED)

    # -- tabs --------------------------------------------------------------------------------------------------
    def pane_of(self, tab: str) -> Widget | None:
        """The pane inside tab `tab` (None while a lazy one is not mounted yet)."""
        children = self.query_one(f"TabPane#{tab}", TabPane).children
        return children[0] if children else None

    def with_unsaved_changes(self) -> list[Widget]:
        return [node for node in self.query("*") if getattr(node, "has_unsaved_changes", False)]

    def leave_then(self, then: Callable[[], None], panes: list[Widget] | None = None) -> None:
        """Run `then` once every pane with unsaved changes (all, or of `panes`) agreed to lose them."""
        waiting = [pane for pane in (self.with_unsaved_changes() if panes is None else panes)
                   if getattr(pane, "has_unsaved_changes", False)]
        if not waiting:
            then()
            return
        waiting[0].confirm_leave(lambda: self.leave_then(then, waiting[1:]))

    def action_show_tab(self, tab: str) -> None:
        if tab == self.current_tab:
            self.focus_tab(tab)
            return
        pane = self.pane_of(self.current_tab)
        self.leave_then(partial(self.switch_to, tab), [pane] if pane is not None else [])

    def switch_to(self, tab: str) -> None:
        self.current_tab = tab
        self.query_one(TabbedContent).active = tab
        if tab in self.later:
            self.call_later(self.mount_then_focus, tab)
        else:
            self.focus_tab(tab)

    async def mount_then_focus(self, tab: str) -> None:
        await self.mount_tab(tab)
        self.focus_tab(tab)

    def focus_tab(self, tab: str) -> None:
        """The first thing to use in the tab, not the tab strip: arrows, Enter and the tab's keys work at once."""
        pane = self.query_one(f"TabPane#{tab}", TabPane)
        focusable = [widget for widget in pane.query("*") if widget.focusable]
        if focusable and (self.focused is None or pane not in self.focused.ancestors):
            focusable[0].focus()

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab chosen with the mouse or the tab strip: the same question before unsaved changes are left."""
        new = event.pane.id
        if new == self.current_tab:
            return
        self.query_one(TabbedContent).active = self.current_tab
        self.action_show_tab(new)

    # -- leaving ---------------------------------------------------------------------------------------------
    def action_ssh_keys(self) -> None:
        self.app.push_screen(SshKeysScreen(self.account))  # on top: unsaved changes stay as they are

    def action_two_factor(self) -> None:
        """Set up the second factor, or turn it off (not staff: they must keep it)."""
        from models.two_factor import STAFF_KEEP, has_second_factor, second_factor_required
        from screens.two_factor import TurnOffDialog, set_up

        account = self.account

        def chosen(on: bool) -> None:
            if not on:
                set_up(self, account)
            elif second_factor_required(account):
                self.notify(STAFF_KEEP, timeout=10)
            else:
                self.app.push_screen(TurnOffDialog(account))

        self.run_domain(lambda: has_second_factor(account.id), chosen)

    def action_log_out(self) -> None:
        self.leave_then(self.app.log_out)
