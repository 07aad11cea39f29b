"""Inzage voor organisaties: the professional's table of who may look, with changes gathered and saved together.

A adds branches of an organisation (GrantPicker), D changes the end date of the highlighted grant,
Delete marks it for revocation, Ctrl+S saves the whole change set, Escape (or Ctrl+Z) undoes it.
Unsaved changes are marked with * until they are saved; the host asks `confirm_leave` before leaving.
The table follows changes made elsewhere (an employer ending an inzage, a branch renamed) without
losing pending changes; a line on the pane says who changed what meanwhile.
"""
from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from models.accounts import Account
from models.changes import Batch, Kind, Topic
from models.clock import format_date, to_local
from models.inzage import BranchChoice, GrantChanges, GrantRow, GrantState, SaveReport, my_grants, save_changes
from models.meanwhile import changed_by
from screens.dialogs import UnsavedChanges
from screens.grant_dialogs import EndDateDialog, GrantPicker, PickedBranches
from screens.labels import roles_text
from screens.period_view import current_key, same_place
from tui.kit.keys import key_help
from tui.kit.live import LivePane
from tui.plain import plain, visible
from tui.widgets import DomainPane

INTRO = ("Hieronder vindt u een overzicht van de organisaties die u heeft gekoppeld. Aan de daarbij geselecteerde "
         "vestiging(en) of afdeling(en) verleent u tot de opgegeven datum inzage in de door u gevolgde "
         "deskundigheidsbevorderende activiteiten van de laatste registratieperiode. Als u geen datum invult, "
         "verleent u inzage voor onbepaalde tijd.")
EMPTY = "U heeft nog geen organisatie inzage gegeven. Kies A om een organisatie toe te voegen."
PENDING = ("* Gewijzigd maar nog niet opgeslagen. Kies Ctrl+S om op te slaan, of Escape om de wijzigingen "
           "ongedaan te maken.")
SAVED = "De wijzigingen zijn opgeslagen. De organisaties zien dit meteen."
NOTHING_TO_SAVE = "Er zijn geen wijzigingen om op te slaan."
ALREADY_ENDED = "Deze inzage is al beëindigd. Voeg de organisatie opnieuw toe (A) om weer inzage te geven."
MEANWHILE = "De inzage is intussen gewijzigd door {names}."
STILL_THERE = ("Uw niet-opgeslagen wijzigingen staan er nog; kies Ctrl+S om ze op te slaan of Escape om ze los "
               "te laten.")
OTHERS_STILL_THERE = ("Uw andere niet-opgeslagen wijzigingen staan er nog; kies Ctrl+S om ze op te slaan of Escape "
                      "om ze los te laten.")
LAPSED = "Uw wijziging voor {where} is vervallen: die inzage is intussen beëindigd."
LAPSED_MANY = "Uw wijzigingen voor {where} zijn vervallen: die inzage is intussen beëindigd."
LEAVE_QUESTION = ("U heeft wijzigingen in de inzage die nog niet zijn opgeslagen. Als u verdergaat, gaan ze "
                  "verloren. Kies Annuleren en daarna Ctrl+S om ze op te slaan.")
COLUMNS = ("Naam", "E-mailadres", "Instituut", "Vestiging", "Geautoriseerd\ntot", "Rol(len)", "Status")
# Long cells wrap onto more lines (rows grow), so that the table fits a 120-column terminal.
WRAP = (14, None, 16, 12, None, 14, 20)


def wrap(value: str, width: int | None) -> str:
    """`value` with its controls made visible, over lines of `width`. Words stay whole, unless one is more
    than twice the width (300 characters without a space): that one is broken too, so that a single
    cell cannot push the other columns off the screen."""
    shown = visible(value)
    if not width or not shown:
        return shown
    too_long = any(len(word) > 2 * width for word in shown.split())
    return "\n".join(textwrap.wrap(shown, width, break_long_words=too_long))


def cells(values: list[str], style: str = "", status_style: str = "") -> list[Text]:
    """One table row: each value wrapped to its column's width, the last one (the status) in its own style."""
    wrapped = [wrap(value, width) for value, width in zip(values, WRAP, strict=True)]
    return [Text(value, style=style) for value in wrapped[:-1]] + [Text(wrapped[-1], style=status_style or style)]


def state_text(row: GrantRow) -> str:
    """How an ended grant ended, as the professional reads it."""
    if row.state == GrantState.EXPIRED:
        return f"verlopen op {format_date(row.end_date)}"
    if row.state == GrantState.REVOKED and row.revoked_at is not None:
        verb = "ingetrokken" if row.revoked_by_you else "beëindigd"
        return f"{verb} {row.revoked_by} op {format_date(to_local(row.revoked_at).date())}"
    return "vestiging bestaat niet meer" if row.branch_removed else "heeft inzage"


@dataclass(frozen=True)
class PendingAdd:
    """A branch chosen in the picker but not saved yet."""

    branch: BranchChoice
    organisation: str
    end_date: dt.date | None


class InzagePane(LivePane, UnsavedChanges, DomainPane):
    """The seed's "Inzage voor organisaties": every grant, live and ended, and the pending changes."""

    DEFAULT_CSS = """
    InzagePane {
        height: 1fr;
        padding: 0 1;
    }
    InzagePane > #grants-table {
        height: auto;
        max-height: 1fr;
        margin: 1 0;
    }
    InzagePane > #grants-pending, InzagePane > #grants-meanwhile {
        color: $warning;
    }
    InzagePane > .-hidden {
        display: none;
    }
    """

    LEAVE_QUESTION = LEAVE_QUESTION
    BINDINGS = [
        Binding("a", "add", "Organisatie toevoegen", id="inzage.add"),
        Binding("d", "change_date", "Datum wijzigen", id="inzage.change_date"),
        Binding("delete", "revoke", "Intrekken", id="inzage.revoke"),
        Binding("ctrl+s", "save", "Opslaan", id="inzage.save"),
        Binding("escape,ctrl+z", "discard", "Wijzigingen ongedaan maken", id="inzage.discard"),
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.rows: list[GrantRow] = []
        self.adds: list[PendingAdd] = []
        self.changes: dict[int, dt.date | None] = {}  # grant id -> new end date
        self.revokes: set[int] = set()
        self.meanwhile = ""  # what changed elsewhere under pending changes; shown until the user acts on it

    def compose(self) -> ComposeResult:
        yield Label("Inzage voor organisaties", classes="section-title")
        yield Static(INTRO, classes="hint")
        yield Static(key_help(self.BINDINGS) + ".", classes="hint")
        yield DataTable(id="grants-table", cursor_type="row", zebra_stripes=True, header_height=2)
        yield Static(EMPTY, id="grants-empty", classes="hint -hidden")
        yield Static("", id="grants-meanwhile", classes="-hidden")
        yield Static(PENDING, id="grants-pending", classes="-hidden")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)

    def on_show(self) -> None:
        self.focus_inside(self.query_one(DataTable))

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self.adds or self.changes or self.revokes)

    def pending_changes(self) -> GrantChanges:
        return GrantChanges(add=[(add.branch.id, add.end_date) for add in self.adds], change=dict(self.changes),
                            revoke=set(self.revokes))

    # -- loading and showing ---------------------------------------------------------------------------
    def read_call(self, batch: Batch):
        """The grants as stored; with pending changes, also who else changed them (to tell the user)."""
        account, today = self.account, self.app.clock.today()
        ask = self.has_unsaved_changes and batch.by_others(account.id)

        def read() -> tuple[list[GrantRow], str]:
            mine = [Topic(Kind.PROFESSIONAL, account.professional_id)]
            return my_grants(account, today), changed_by(batch, account, mine) if ask else ""
        return read

    def show(self, found: tuple[list[GrantRow], str], batch: Batch) -> None:
        self.show_rows(*found)

    def follows(self, batch: Batch) -> bool:
        """The professional's grants changed, or an organisation or branch in the table did; not while saving
        (the save reads the grants when it is done)."""
        return not self.busy and self.concerns(batch)

    def concerns(self, batch: Batch) -> bool:
        if batch.touches(Kind.PROFESSIONAL, self.account.professional_id):
            return True
        for kind, shown in ((Kind.ORGANISATION, {row.organisation_id for row in self.rows}),
                            (Kind.BRANCH, {row.branch_id for row in self.rows})):
            changed = batch.subjects(kind)
            if changed is None or changed & shown:
                return True
        return False

    def show_rows(self, rows: list[GrantRow], others: str = "") -> None:
        """The grants as now stored, under the pending changes. A pending change to a grant that has
        ended meanwhile is dropped, and said so; a change someone else made is named."""
        before, self.rows = self.rows, rows
        live = {row.id for row in rows if row.live}
        lapsed = [row for row in rows if (row.id in self.changes or row.id in self.revokes) and row.id not in live]
        self.changes = {grant_id: end for grant_id, end in self.changes.items() if grant_id in live}
        self.revokes &= live
        news = []
        if others and rows != before:
            news.append(MEANWHILE.format(names=others))
        if lapsed:
            where = ", ".join(f"{row.branch} ({row.organisation})" for row in lapsed)
            news.append((LAPSED if len(lapsed) == 1 else LAPSED_MANY).format(where=where))
        if news:
            if self.has_unsaved_changes:
                news.append(OTHERS_STILL_THERE if lapsed else STILL_THERE)
            self.meanwhile = " ".join(news)
            self.notify(visible(self.meanwhile), severity="warning", timeout=10, markup=False)
        self.render_rows()

    def render_rows(self) -> None:
        table = self.query_one(DataTable)
        with same_place(table):
            table.clear()
            for index, add in enumerate(self.adds):
                branch = add.branch
                values = ["* " + branch.manager_name, "", add.organisation, branch.name, format_date(add.end_date),
                          roles_text(branch.role, branch.is_admin), "nieuw, nog niet opgeslagen"]
                table.add_row(*cells(values, status_style="bold"), key=f"add-{index}", height=None)
            for row in self.rows:
                table.add_row(*self.grant_cells(row), key=f"grant-{row.id}", height=None)
        self.query_one("#grants-empty").set_class(table.row_count > 0, "-hidden")
        meanwhile = self.query_one("#grants-meanwhile", Static)
        meanwhile.update(plain(self.meanwhile))
        meanwhile.set_class(not self.meanwhile, "-hidden")
        self.query_one("#grants-pending").set_class(not self.has_unsaved_changes, "-hidden")
        self.refresh_bindings()

    def user_changed(self) -> None:
        """The user changed the pending set: the note about changes made elsewhere has been seen."""
        self.meanwhile = ""
        self.render_rows()

    def grant_cells(self, row: GrantRow) -> list[Text]:
        end, status, style, mark = row.end_date, state_text(row), "", ""
        if row.id in self.revokes:
            style, mark, status = "strike", "* ", "wordt ingetrokken bij opslaan"
        elif row.id in self.changes:
            end, mark = self.changes[row.id], "* "
            status = f"nieuwe datum, nog niet opgeslagen (was {format_date(row.end_date) or 'onbeperkt'})"
        elif not row.live or row.state == GrantState.EXPIRED:
            style = "dim"
        values = [mark + row.manager_name, row.manager_email, row.organisation, row.branch, format_date(end),
                  roles_text(row.role, row.is_admin), status]
        return cells(values, style, status_style=style or ("bold" if mark else ""))

    def current_key(self) -> str | None:
        return current_key(self.query_one(DataTable))

    def current(self) -> GrantRow | int | None:
        """The highlighted saved grant, or the index of a pending addition."""
        key = self.current_key()
        if key is None:
            return None
        kind, _, value = key.partition("-")
        if kind == "add":
            return int(value)
        return next((row for row in self.rows if row.id == int(value)), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "discard":
            return self.has_unsaved_changes  # otherwise Escape belongs to the screen
        return True

    # -- gathering changes -----------------------------------------------------------------------------
    def action_add(self) -> None:
        if self.busy:
            return
        pending = {add.branch.id for add in self.adds}
        self.app.push_screen(GrantPicker(self.account, self.app.clock.today(), pending), self.picked)

    def picked(self, picked: PickedBranches | None) -> None:
        if picked is not None:
            self.adds += [PendingAdd(branch, picked.organisation, picked.end_date) for branch in picked.branches]
            self.user_changed()

    def action_change_date(self) -> None:
        target = self.current()
        if target is None or self.busy:
            return
        if isinstance(target, int):
            add = self.adds[target]
            title, current = f"{add.branch.name} ({add.organisation})", add.end_date
        elif not target.live:
            self.notify(ALREADY_ENDED, severity="warning")
            return
        else:
            title, current = f"{target.branch} ({target.organisation})", self.changes.get(target.id, target.end_date)
        self.app.push_screen(EndDateDialog(title, current, self.app.clock.today()),
                             lambda chosen: self.date_chosen(target, chosen))

    def date_chosen(self, target: GrantRow | int, chosen: tuple[dt.date | None] | None) -> None:
        if chosen is None:
            return
        (end,) = chosen
        if isinstance(target, int):
            add = self.adds[target]
            self.adds[target] = PendingAdd(add.branch, add.organisation, end)
        elif not any(row.id == target.id and row.live for row in self.rows):  # ended while the dialog was open
            self.notify(ALREADY_ENDED, severity="warning")
            return
        else:
            self.revokes.discard(target.id)
            if end == target.end_date:
                self.changes.pop(target.id, None)
            else:
                self.changes[target.id] = end
        self.user_changed()

    def action_revoke(self) -> None:
        target = self.current()
        if target is None or self.busy:
            return
        if isinstance(target, int):
            del self.adds[target]  # never saved: simply dropped
        elif not target.live:
            self.notify(ALREADY_ENDED, severity="warning")
            return
        elif target.id in self.revokes:
            self.revokes.discard(target.id)  # Delete again: keep it after all
        else:
            self.revokes.add(target.id)
            self.changes.pop(target.id, None)
        self.user_changed()

    # -- saving and undoing ----------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.busy:
            return
        if not self.has_unsaved_changes:
            self.notify(NOTHING_TO_SAVE)
            return
        self.busy = True
        account, changes, clock = self.account, self.pending_changes(), self.app.clock
        self.run_domain(lambda: save_changes(account, changes, clock), self.saved, self.refused)

    def saved(self, report: SaveReport) -> None:
        self.busy = False
        self.discard()
        self.notify(SAVED)
        self.reload()

    def refused(self, refusal: Exception) -> None:
        """The change set stays as it was, so the user can correct it; the table is refreshed."""
        self.show_refusal(refusal)
        self.reload()

    def discard(self) -> None:
        self.adds, self.changes, self.revokes = [], {}, set()
        self.user_changed()
