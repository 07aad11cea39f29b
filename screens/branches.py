"""Vestigingen: the organisation's branches, their managers and roles, as a pane of the employer workspace.

Every employer of the organisation sees the table; a beheerder adds (N), renames (E) and
removes (Delete) branches, and changes roles (Space) and beheerders (B), saved in one
step with Ctrl+S (Ctrl+Z undoes them). Pending changes are marked with * until they are saved.

The table follows changes made elsewhere (another beheerder, a professional's grant) without a key
press. Marked roles are never overwritten by such a change: the pane says who changed what meanwhile,
and the user saves theirs over it (Ctrl+S) or loads what is stored (Ctrl+Z). A save is checked against
the roles the pane last showed, so a change the user has not been shown is never overwritten.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from models.access import require_member
from models.accounts import Account
from models.branches import (
    BranchRow,
    BranchSaved,
    GrantsInForce,
    RolesChangedMeanwhile,
    branch_rows,
    may_change_branches,
    remove_branch,
    save_roles,
)
from models.changes import EVERYTHING, Batch, Kind, Topic
from models.meanwhile import changed_by
from models.organisations import ManagerRole
from screens.dialogs import ConfirmDialog, UnsavedChanges, meanwhile_text
from screens.branch_forms import NewBranchScreen, RenameBranchScreen
from screens.labels import MANAGER_ROLE
from tui.kit.keys import key_help
from tui.kit.live import LivePane
from tui.plain import CELL_WIDTH, cell, plain, visible
from tui.widgets import DomainPane

INTRO = ("Professionals kunnen inzage verlenen aan een of meer vestigingen of afdelingen van uw organisatie. "
         "Een vestigingsmanager ziet alleen de professionals die zijn of haar vestiging hebben gekozen. "
         "Een beheerder mag alle instellingen van de organisatie wijzigen.")
READ_ONLY = "Alleen een beheerder kan vestigingen, managers en rollen wijzigen. U ziet hier het overzicht."
PENDING = "* Gewijzigd maar nog niet opgeslagen. Kies Ctrl+S om de rollen op te slaan."
KEPT = ("Uw wijzigingen (*) staan er nog. Ctrl+S slaat ze op over de nieuwe gegevens heen; "
        "Ctrl+Z laadt de opgeslagen rollen.")
NOT_SAVED_MEANWHILE = ("De rollen zijn niet opgeslagen: ze zijn intussen gewijzigd. Onder de tabel staat wat u "
                       "kunt doen.")
LOST_RIGHTS = "U bent geen beheerder meer; uw gewijzigde rollen zijn niet opgeslagen."
DISCARD_QUESTION = "De gewijzigde rollen die u nog niet heeft opgeslagen, gaan verloren."
LEAVE_QUESTION = ("U heeft gewijzigde rollen die nog niet zijn opgeslagen. Als u verdergaat, gaan ze verloren. "
                  "Kies Annuleren en daarna Ctrl+S om ze op te slaan.")
NOTHING_TO_SAVE = "Er zijn geen gewijzigde rollen om op te slaan."
ROLES_SAVED = "De rollen zijn opgeslagen."
# Two-line headers keep the seed's column names and still fit a 100-column terminal.
COLUMNS = ("Vestiging/\nafdeling", "Manager", "Professionals\ngekoppeld", "Contactpersoon\nwerkgever",
           "Vestigings-\nmanager", "Beheerder")
CHANGE_ACTIONS = {"new_branch", "rename", "toggle_role", "toggle_admin", "save", "remove", "discard"}


class BranchesView(NamedTuple):
    """What the pane shows, read in one go."""

    rows: list[BranchRow]
    can_change: bool
    organisation_id: int
    changed_by: str  # who else made the changes that arrived while roles were marked ("" if nobody)


def read_branches(account: Account, today: dt.date, meanwhile: Batch | None) -> BranchesView:
    organisation_id = require_member(account).organisation_id
    names = changed_by(meanwhile, account, [Topic(Kind.ORGANISATION, organisation_id)]) if meanwhile is not None else ""
    return BranchesView(branch_rows(account, today), may_change_branches(account), organisation_id, names)


def roles_text(row: BranchRow) -> str:
    return MANAGER_ROLE.get(row.role, row.role) + (", beheerder" if row.is_admin else "")


def _touches_any(batch: Batch, kind: str, subjects: set[int]) -> bool:
    changed = batch.subjects(kind)
    return changed is None or bool(changed & subjects)


def _radio(selected: bool) -> Text:
    return Text("(•)" if selected else "( )")


def _check(checked: bool) -> Text:
    return Text("[x] ja" if checked else "[ ] nee")


class BranchesPane(LivePane, UnsavedChanges, DomainPane):
    """The seed's table of branches; read-only for an employer who is not a beheerder."""

    DEFAULT_CSS = """
    BranchesPane {
        height: 1fr;
        padding: 0 1;
    }
    BranchesPane > #branches-table {
        height: auto;
        max-height: 1fr;
        margin: 1 0;
    }
    BranchesPane > #branches-read-only, BranchesPane > #branches-meanwhile {
        color: $warning;
    }
    BranchesPane > .-hidden {
        display: none;
    }
    """

    LEAVE_QUESTION = LEAVE_QUESTION
    DISCARD_QUESTION = DISCARD_QUESTION
    BINDINGS = [
        Binding("n", "new_branch", "Nieuwe vestiging", id="branches.new_branch"),
        Binding("e", "rename", "Naam wijzigen", id="branches.rename"),
        Binding("space", "toggle_role", "Rol wisselen", id="branches.toggle_role"),
        Binding("b", "toggle_admin", "Beheerder", tooltip="beheerder aan/uit", id="branches.toggle_admin"),
        Binding("ctrl+s", "save", "Opslaan", tooltip="rollen opslaan", id="branches.save"),
        Binding("ctrl+z", "discard", "Ongedaan maken", id="branches.discard"),
        Binding("delete", "remove", "Verwijderen", id="branches.remove"),
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.rows: list[BranchRow] = []
        self.pending: dict[int, tuple[str, bool]] = {}  # branch id -> (role, is_admin) not yet saved
        self.can_change = False
        self.organisation_id: int | None = None  # known after the first load
        # While roles are marked: the changes made elsewhere since, who made them, the marked branches
        # whose stored role changed since they were marked, and whether the line under the table says so.
        self.meanwhile: Batch | None = None
        self.changed_by = ""
        self.moved: set[int] = set()
        self.told = False
        self.lost = ""  # why marked roles were dropped: the user is no longer a beheerder

    def compose(self) -> ComposeResult:
        yield Static(INTRO, classes="hint")
        yield Static(key_help(self.BINDINGS) + ".", id="branches-how-to", classes="hint -hidden")
        yield Static(READ_ONLY, id="branches-read-only", classes="-hidden")
        yield DataTable(id="branches-table", cursor_type="row", zebra_stripes=True, header_height=2)
        yield Static(PENDING, id="branches-pending", classes="hint -hidden")
        yield Static("", id="branches-meanwhile", classes="-hidden")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*(Text(label) for label in COLUMNS))  # before LivePane's first read

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self.pending)

    # -- loading and showing ---------------------------------------------------------------------------
    def load(self) -> None:
        """Read the table again (a burst of changes is one read: tui/kit/live.py)."""
        self.reload()

    def read_call(self, batch: Batch):
        account, today, meanwhile = self.account, self.app.clock.today(), self.meanwhile
        return lambda: read_branches(account, today, meanwhile)

    def show(self, view: BranchesView, batch: Batch) -> None:
        self.show_rows(view)

    def data_changed(self, batch: Batch) -> None:
        """Changes committed anywhere: read the table again when they concern this organisation."""
        if not self.concerns(batch):
            return
        if self.pending:
            self.meanwhile = batch if self.meanwhile is None else self.meanwhile | batch
        self.reload(batch)

    def concerns(self, batch: Batch) -> bool:
        if self.organisation_id is None:
            return any(batch.touches(kind) for kind in (Kind.ORGANISATION, Kind.BRANCH, Kind.ACCOUNT))
        return (batch.touches(Kind.ORGANISATION, self.organisation_id)
                or _touches_any(batch, Kind.BRANCH, {row.id for row in self.rows})
                or _touches_any(batch, Kind.ACCOUNT, {row.manager_id for row in self.rows} | {self.account.id}))

    def show_rows(self, view: BranchesView) -> None:
        before = {row.id: row for row in self.rows}
        shown_before = [(row.id, row.name, row.role, row.is_admin) for row in self.rows]
        self.rows, self.can_change, self.organisation_id = view.rows, view.can_change, view.organisation_id
        known = {row.id: row for row in self.rows}
        had_pending = bool(self.pending)
        for branch_id in self.pending:  # a marked branch whose stored role changed: the mark stays, the line says so
            old, new = before.get(branch_id), known.get(branch_id)
            if old is not None and new is not None and (old.role, old.is_admin) != (new.role, new.is_admin):
                self.moved.add(branch_id)
        self.pending = {branch_id: change for branch_id, change in self.pending.items()
                        if branch_id in known and change != (known[branch_id].role, known[branch_id].is_admin)}
        self.changed_by = view.changed_by or self.changed_by
        if not self.can_change:
            if had_pending:
                self.lost = f"{meanwhile_text(self.changed_by)} {LOST_RIGHTS}"
            self.pending.clear()
        else:
            self.lost = ""
        shown_now = [(row.id, row.name, row.role, row.is_admin) for row in self.rows]
        if self.pending and (self.moved & set(self.pending) or (view.changed_by and shown_now != shown_before)):
            self.told = True
        self.query_one("#branches-read-only").set_class(self.can_change, "-hidden")
        self.query_one("#branches-how-to").set_class(not self.can_change, "-hidden")
        self.render_rows()

    def render_rows(self) -> None:
        table = self.query_one(DataTable)
        current = self.current_row()
        table.clear()
        for row in self.rows:
            role, is_admin = self.effective(row)
            mark = "* " if row.id in self.pending else ""
            manager = plain(row.manager_name)
            manager.append(visible(f" ({row.manager_username})"), style="dim")
            if not row.manager_activated:
                manager.append(" · nog niet geactiveerd", style="italic")
            manager.truncate(CELL_WIDTH + 24, overflow="ellipsis")  # one line: the role columns stay in view
            table.add_row(cell(mark + row.name), manager, Text(str(row.linked), justify="right"),
                          _radio(role == ManagerRole.CONTACT_PERSON), _radio(role == ManagerRole.BRANCH_MANAGER),
                          _check(is_admin), key=str(row.id))
        if current is not None and str(current.id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(current.id)))
        self.query_one("#branches-pending").set_class(not self.pending, "-hidden")
        self.show_notice()
        self.refresh_bindings()

    def show_notice(self) -> None:
        """The line under the table: what changed meanwhile while roles were marked, and what the user can do."""
        if not self.pending:
            self.meanwhile, self.changed_by, self.moved, self.told = None, "", set(), False
        text = self.lost
        if self.told:
            moved = [row for row in self.rows if row.id in self.moved and row.id in self.pending]
            stored = (" Opgeslagen is nu: " + "; ".join(f"{row.name}: {roles_text(row)}" for row in moved) + "."
                      if moved else "")
            text = f"{meanwhile_text(self.changed_by)}{stored} {KEPT}"
        line = self.query_one("#branches-meanwhile", Static)
        line.update(plain(text))
        line.set_class(not text, "-hidden")

    def current_row(self) -> BranchRow | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((row for row in self.rows if str(row.id) == key), None)

    def effective(self, row: BranchRow) -> tuple[str, bool]:
        return self.pending.get(row.id, (row.role, row.is_admin))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHANGE_ACTIONS and not self.can_change:
            return False  # hidden and inactive: only a beheerder changes branches
        if action == "discard":
            return bool(self.pending)
        return True

    # -- roles: marked first, saved together -------------------------------------------------------------
    def mark(self, row: BranchRow, role: str, is_admin: bool) -> None:
        if (role, is_admin) == (row.role, row.is_admin):
            self.pending.pop(row.id, None)
        else:
            self.pending[row.id] = (role, is_admin)
        self.render_rows()

    def action_toggle_role(self) -> None:
        row = self.current_row()
        if row is not None:
            role, is_admin = self.effective(row)
            other = (ManagerRole.BRANCH_MANAGER if role == ManagerRole.CONTACT_PERSON
                     else ManagerRole.CONTACT_PERSON)
            self.mark(row, str(other), is_admin)

    def action_toggle_admin(self) -> None:
        row = self.current_row()
        if row is not None:
            role, is_admin = self.effective(row)
            self.mark(row, role, not is_admin)

    def action_save(self) -> None:
        if self.busy:
            return
        if not self.pending:
            self.notify(NOTHING_TO_SAVE)
            return
        self.busy = True
        account, changes, clock = self.account, dict(self.pending), self.app.clock
        seen = {row.id: (row.role, row.is_admin) for row in self.rows if row.id in changes}
        self.run_domain(lambda: save_roles(account, changes, clock, seen), self.roles_saved, self.refused)

    def roles_saved(self, changed: int) -> None:
        self.busy = False
        self.pending.clear()
        self.notify(ROLES_SAVED)
        self.load()

    def refused(self, refusal: Exception) -> None:
        """A refusal keeps the pending changes, so the user can correct them; the table is refreshed.

        Roles another beheerder changed meanwhile (not shown here yet): the marks stay, and the line
        under the table names what is stored now, as when the change arrives before the save."""
        if isinstance(refusal, RolesChangedMeanwhile):
            self.busy = False
            self.moved.update(branch_id for branch_id in refusal.branch_ids if branch_id in self.pending)
            self.told = True
            self.meanwhile = self.meanwhile or EVERYTHING  # by someone: the load names who, if it can
            self.notify(NOT_SAVED_MEANWHILE, severity="warning", timeout=10)
        else:
            self.show_refusal(refusal)
        self.load()

    def discard(self) -> None:
        self.pending.clear()
        self.render_rows()

    # -- adding, renaming, removing ------------------------------------------------------------------------
    def action_new_branch(self) -> None:
        self.app.push_screen(NewBranchScreen(self.account), self.branch_added)

    def branch_added(self, branch: BranchSaved | None) -> None:
        if branch is not None:
            self.notify(visible(f"Vestiging {branch.name} is toegevoegd. {branch.manager_name} krijgt een e-mail "
                                "met een activeringscode om een wachtwoord te kiezen."), markup=False, timeout=10)
            self.load()

    def action_rename(self) -> None:
        row = self.current_row()
        if row is not None:
            self.app.push_screen(RenameBranchScreen(self.account, row), self.renamed)

    def renamed(self, branch: BranchSaved | None) -> None:
        if branch is not None:
            self.notify(visible(f"De naam is gewijzigd in {branch.name}."), markup=False)
            self.load()

    def action_remove(self) -> None:
        row = self.current_row()
        if row is None or self.busy:
            return
        message = (f"{row.manager_name} ({row.manager_username}) kan daarna niet meer inloggen. "
                   "Professionals kunnen deze vestiging niet meer kiezen.")
        self.app.push_screen(ConfirmDialog(f"{row.name} verwijderen?", message, "Verwijderen"),
                             lambda yes: self.remove(row, end_grants=False) if yes else None)

    def remove(self, row: BranchRow, end_grants: bool) -> None:
        self.busy = True
        account, clock = self.account, self.app.clock
        self.run_domain(lambda: remove_branch(account, row.id, end_grants, clock), lambda _: self.removed(row),
                        lambda refusal: self.remove_refused(row, refusal), expected=(GrantsInForce,))

    def remove_refused(self, row: BranchRow, refusal: Exception) -> None:
        if not isinstance(refusal, GrantsInForce):
            self.refused(refusal)
            return
        self.busy = False
        self.app.push_screen(
            ConfirmDialog(f"{row.name} verwijderen?", f"{refusal} Wilt u de vestiging toch verwijderen?",
                          "Verwijderen en inzage beëindigen"),
            lambda yes: self.remove(row, end_grants=True) if yes else None)

    def removed(self, row: BranchRow) -> None:
        self.busy = False
        self.pending.pop(row.id, None)
        self.notify(visible(f"Vestiging {row.name} is verwijderd."), markup=False)
        self.load()
