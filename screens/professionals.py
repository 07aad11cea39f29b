"""The Professionals tab: everyone who granted this employer access, with their latest periods."""
from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from models.access import AccessDenied
from models.accounts import Account
from models.changes import Batch, Kind
from models.export import ExportResult, export_overview
from models.overview import OverviewRow, overview_rows, overview_scope
from models.overview_set import DEFAULT_SORT, OverviewSet, summarise
from models.refusal import Refusal
from models.removal import remove_professional
from screens.dialogs import ConfirmDialog
from screens.overview_columns import Place, columns_for, render_cell
from tui import config
from tui.kit.domain import DomainWork
from tui.kit.live import FollowsChanges
from tui.kit.theme import style
from tui.plain import plain, visible
from tui.table import VirtualTable
from tui.widgets import PlainInput

ALL_REGISTERS = ""
FIRST_SCREEN = 100  # rows fetched first, so a large overview shows at once while the rest loads
LIVE_LIMIT = 500  # more professionals changed at once than this: read the whole overview again
RETRY_S = 2.0  # after a failed live read, everything is read again once this much later
LOADING = "Professionals worden geladen…"
LOAD_FAILED = "De professionals konden niet worden geladen. Probeer het later opnieuw met ctrl+r."
PARTLY_LOADED = "Niet alle professionals konden worden geladen. Probeer het later opnieuw met ctrl+r."


class ProfessionalsPane(FollowsChanges, DomainWork, Vertical):
    """Filters apply as the user types, in memory: no query per keystroke, whatever the size.

    Loading takes two queries: the first screen of rows, shown at once, then all rows, prepared
    for filtering and sorting (`OverviewSet`) off the UI thread and swapped in.

    Live: committed changes arrive as batches (`data_changed`). The professionals they name are read
    again (access checked at that moment) and put in place in the `OverviewSet`; everything is read
    again when more may have changed (ctrl+r, many professionals, other branches in the overview).
    One read at a time, so results land in the order they were read; changes arriving meanwhile are
    read next. Filters, sort, the highlighted registration and the scroll position stay.
    """

    DEFAULT_CSS = """
    ProfessionalsPane #filters { height: auto; }
    ProfessionalsPane #filters Select { width: 2fr; }
    ProfessionalsPane #filters Input { width: 1fr; }
    ProfessionalsPane #summary { height: 1; padding: 0 1; }
    ProfessionalsPane VirtualTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("delete", "remove", "Verwijderen", id="professionals.remove"),
        Binding("ctrl+e", "export", "Exporteren", id="professionals.export"),
        Binding("slash", "focus_filter", "Zoeken", id="professionals.focus_filter"),
    ]

    def __init__(self, account: Account) -> None:
        super().__init__(id="professionals-pane")
        self.account = account
        self.overview: OverviewSet | None = None  # None until all rows are in (and after a refusal)
        self.shown: list[OverviewRow] = []
        self.sort_key, self.sort_reverse = DEFAULT_SORT, False
        self.scope: frozenset[int] | None = None  # the branches the overview was read for (None: unknown)
        self.reading = False  # a read for this pane is under way
        self._pending: set[int] = set()  # professionals changed since the last read started
        self._in_flight: frozenset[int] | None = frozenset()  # those the read under way reads (None: everyone)
        self._retried = False  # a failed live read was tried again (once, until a read succeeds)
        self._check_scope = False  # ... and branches or organisations too
        self._read_all = False  # ... or anything
        self._registers: list[str] = []

    @property
    def professional_count(self) -> int:
        return self.overview.professional_count if self.overview is not None else 0

    def compose(self) -> ComposeResult:
        yield Static("Hieronder staan de professionals die inzage hebben verleend aan uw vestiging. Van elke "
                     "professional ziet u de laatste registratieperiode en, als die er is, de periode ervoor.",
                     classes="hint")
        with Horizontal(id="filters"):
            yield Select([], prompt="Alle registers", allow_blank=True, id="register-filter")
            yield PlainInput(placeholder="Registratienummer", id="number-filter", restrict=r"[0-9]*", max_length=9)
            yield PlainInput(placeholder="Naam", id="name-filter", max_length=100)
        yield Static("", id="summary")
        # Not `loading`: a loading widget cannot take the focus, and the rows should have it.
        yield VirtualTable(columns_for(120), render_cell=render_cell, id="overview-table", empty_text=LOADING)

    def on_mount(self) -> None:
        """The first screen of rows first (one small query, a LIMIT), then everything (`load`); both in the worker."""
        account, today = self.account, self.app.clock.today()

        def first_screen() -> tuple[frozenset[int], list[OverviewRow]]:
            scope = overview_scope(account)  # first: a change to it meanwhile is caught by the next batch
            return scope, overview_rows(account, today, limit=FIRST_SCREEN)

        self.reading, self._in_flight = True, None
        self.run_domain(first_screen, self.first_screen_read, self.read_refused, expected=(Exception,),
                        group="overview")

    def first_screen_read(self, result: tuple[frozenset[int], list[OverviewRow]]) -> None:
        self.reading, self._in_flight = False, frozenset()
        scope, rows = result
        if len(rows) < FIRST_SCREEN:  # that is all of them
            self.scope = scope
            self.loaded(OverviewSet(rows))
            self.read_next()  # what changed meanwhile
            return
        self.query_one(VirtualTable).set_rows(rows)
        self.shown = rows
        self.query_one("#summary", Static).update(Text("Alle professionals worden geladen…", style=style("muted")))
        self.load()

    def on_resize(self) -> None:
        self.query_one(VirtualTable).set_columns(columns_for(self.size.width))

    # -- reading: all rows, or those of the professionals that changed -----------------------------------------
    def load(self) -> None:
        """Read every row again (keeping filters, sort and the highlighted registration)."""
        self._read_all = True
        self.read_next()

    def follow(self, professional_ids: Collection[int]) -> None:
        """Read these professionals' rows again."""
        self._pending.update(professional_ids)
        self.read_next()

    def data_changed(self, batch: Batch) -> None:
        """Committed changes (from the app's change watcher; EVERYTHING on ctrl+r)."""
        changed, branches = batch.subjects(Kind.PROFESSIONAL), batch.subjects(Kind.BRANCH)
        # A professional comes into the overview only through a grant to one of its branches, which names the
        # branch; one already shown changes by anything that names them. The rest is not read at all.
        # "Shown" includes those a read under way or waiting may bring in: a change to them cannot wait.
        door_open = branches is None or self.scope is None or bool(branches & self.scope)
        if changed is not None and not door_open and self.overview is not None and self._in_flight is not None:
            changed = self.overview.holds(changed) | (changed & (self._pending | self._in_flight))
        if changed is None or len(changed | self._pending) > LIVE_LIMIT:
            self._read_all = True
        else:
            self._pending |= changed
        # The account's own branches change (removed, another manager, organisation suspended) only with a
        # change to the account or its own organisation.
        if self.app.concerns_account(batch):
            self._check_scope = True
        if self._pending or self._check_scope or self._read_all:
            self.read_next()

    def read_next(self) -> None:
        if self.reading:
            return  # read when this one has landed
        if self.overview is None and (self._pending or self._check_scope):
            self._read_all = True  # nothing shown to bring up to date
        account, today = self.account, self.app.clock.today()
        if self._read_all:
            self._read_all, self._check_scope = False, False
            self._pending.clear()

            def read_all() -> tuple[frozenset[int], OverviewSet]:
                scope = overview_scope(account)
                overview = OverviewSet(overview_rows(account, today))
                overview.by_name  # noqa: B018 - the base of every sort, prepared here rather than on the first sort key
                return scope, overview

            self.reading, self._in_flight = True, None
            self.run_domain(read_all, self.all_read, self.read_refused, expected=(Exception,), group="overview")
        elif self._pending or self._check_scope:
            changed, check_scope = frozenset(self._pending), self._check_scope
            self._pending, self._check_scope = set(), False

            def read_some() -> tuple[frozenset[int] | None, list[OverviewRow]]:
                scope = overview_scope(account) if check_scope else None
                return scope, overview_rows(account, today, professional_ids=changed)

            self.reading, self._in_flight = True, changed
            self.run_domain(read_some, lambda result: self.some_read(changed, *result), self.read_refused,
                            expected=(Exception,), group="overview")

    def all_read(self, result: tuple[frozenset[int], OverviewSet]) -> None:
        self.reading, self._in_flight, self._retried = False, frozenset(), False
        self.scope, overview = result
        self.loaded(overview)
        self.read_next()

    def some_read(self, changed: frozenset[int], scope: frozenset[int] | None, rows: list[OverviewRow]) -> None:
        self.reading, self._in_flight, self._retried = False, frozenset(), False
        if self.overview is None:  # refused meanwhile
            self._read_all = True
        elif scope is not None and scope != self.scope:
            self._read_all = True  # other branches: any row may have come or gone
        elif changed:
            place = self.place()  # before the replace: the table shows the list it changes
            self.overview.replace(changed, rows)
            self.show_registers()
            self.refilter(place)
        self.read_next()

    def read_refused(self, error: Exception) -> None:
        """A read that was refused (AccessDenied: nothing may stay on screen) or failed."""
        self.reading, self._in_flight = False, frozenset()
        if isinstance(error, AccessDenied):  # e.g. the branch was removed while signed in
            self.refused(str(error))
            return
        if isinstance(error, Refusal):
            self.show_refusal(error)  # e.g. DatabaseBusy: a calm warning
        else:
            self._failed(error)  # logged, and told in Dutch
        # The rows on screen stay (what was read before); everything is read again once more after RETRY_S
        # (a change that came meanwhile must not wait for the next one), then at the next change or ctrl+r.
        self._read_all = True
        if self.overview is not None and not self._retried:
            self._retried = True
            self.set_timer(RETRY_S, self.read_next)
        table = self.query_one(VirtualTable)
        if self.overview is None:
            table.empty_text = LOAD_FAILED
            table.refresh()
            if self.shown:
                self.query_one("#summary", Static).update(Text(PARTLY_LOADED, style="bold"))

    def refused(self, message: str) -> None:
        self.overview, self.shown, self.scope = None, [], None
        self._pending.clear()
        table = self.query_one(VirtualTable)
        table.empty_text = message
        table.set_rows([])
        self.query_one("#summary", Static).update("")
        self.show_registers()

    def loaded(self, overview: OverviewSet) -> None:
        place = self.place()
        self.overview = overview
        self.show_registers()
        self.query_one(VirtualTable).empty_text = "Geen professionals gevonden."
        self.refilter(place)

    def show_registers(self) -> None:
        """The register filter's choices, when they changed."""
        registers = self.overview.registers if self.overview is not None else []
        if registers == self._registers:
            return
        self._registers = registers
        select = self.query_one("#register-filter", Select)
        current = select.value
        select.set_options((plain(register), register) for register in registers)
        if current in registers:
            select.value = current

    # -- what is shown -----------------------------------------------------------------------------------------
    @on(Input.Changed, "#number-filter")
    @on(Input.Changed, "#name-filter")
    @on(Select.Changed, "#register-filter")
    def filters_changed(self) -> None:
        self.refilter()

    def refilter(self, place: Place | None = None) -> None:
        """Show the rows the filters and sort choose; with `place`, highlight that row again."""
        if self.overview is None:
            return  # still loading: the filters apply as soon as all rows are in
        register = self.query_one("#register-filter", Select).value
        in_default_order = self.sort_key == DEFAULT_SORT and not self.sort_reverse  # as the query returns them
        self.shown = self.overview.view(
            register=register if isinstance(register, str) else ALL_REGISTERS,
            number=self.query_one("#number-filter", Input).value,
            name=self.query_one("#name-filter", Input).value,
            sort_key=None if in_default_order else self.sort_key,
            reverse=self.sort_reverse,
        )
        table = self.query_one(VirtualTable)
        table.set_rows(self.shown)
        if place is not None:
            self.restore(place)
        self.show_summary()

    def place(self) -> Place | None:
        table = self.query_one(VirtualTable)
        row = table.current_row
        if row is None:
            return None
        return Place(row.professional_id, row.register, row.number, row.is_latest, table.cursor_row,
                     round(table.scroll_y))

    def restore(self, place: Place) -> None:
        """The same registration highlighted (else another of the professional's, else the same index), on the
        same line of the screen when it can be: rows that came or went above it do not move it."""
        assert self.overview is not None
        table = self.query_one(VirtualTable)
        index = self.overview.position(place.professional_id, place.register, place.number)
        if index is None:
            index = self.overview.position(place.professional_id)
        elif not place.is_latest and index + 1 < len(self.shown) and not self.shown[index + 1].is_latest:
            index += 1  # the previous period was highlighted, and is still shown
        if index is None:
            index = place.index
        index = max(0, min(index, len(self.shown) - 1))
        table.scroll_to(y=max(0, place.top + index - place.index), animate=False, force=True)
        table.move_cursor(index)

    def show_summary(self) -> None:
        today = self.app.clock.today()
        summary = self.overview.summary(today) if self.overview is not None else summarise(self.shown, today)
        line = Text(f"{summary.professionals} professionals")
        line.append(" · ")
        line.append(f"{summary.red} met een rode periode", style=style("short") if summary.red else "")
        line.append(" · ")
        line.append(f"{summary.red_ending_soon} daarvan eindigen binnen 6 maanden",
                    style=style("risk") if summary.red_ending_soon else "")
        if self.overview is not None and len(self.shown) != self.overview.row_count:
            line.append(f"  (gefilterd uit {self.professional_count})", style=style("muted"))
        self.query_one("#summary", Static).update(line, layout=False)  # one line, always: no relayout per key

    @on(VirtualTable.SortRequested)
    def sort(self, event: VirtualTable.SortRequested) -> None:
        self.sort_key, self.sort_reverse = event.column_key, event.reverse
        table = self.query_one(VirtualTable)
        table.sort_column, table.sort_reverse = event.column_key, event.reverse
        self.refilter()

    # -- actions -----------------------------------------------------------------------------------------------
    @on(VirtualTable.RowSelected)
    def action_open(self) -> None:
        row = self.query_one(VirtualTable).current_row
        if row is not None:
            from screens.dossier import DossierScreen

            self.app.push_screen(DossierScreen(self.account, row.professional_id, row.name))

    def action_focus_filter(self) -> None:
        self.query_one("#name-filter", Input).focus()

    @on(Input.Submitted)
    def back_to_table(self) -> None:
        self.query_one(VirtualTable).focus()

    def action_remove(self) -> None:
        row = self.query_one(VirtualTable).current_row
        if row is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.remove(row.professional_id, row.name)

        self.app.push_screen(ConfirmDialog(
            f"{row.name} verwijderen?",
            f"{row.name} verdwijnt uit uw overzicht: de inzage die hij of zij aan uw vestiging gaf, eindigt nu. "
            "De professional ziet dat u de inzage hebt beëindigd. Alleen de professional kan u opnieuw "
            "inzage geven.", "Verwijderen"), confirmed)

    def remove(self, professional_id: int, name: str) -> None:
        account, clock = self.account, self.app.clock

        def removed(_count: int) -> None:
            self.notify(visible(f"{name} is uit uw overzicht verwijderd."), markup=False)
            self.follow({professional_id})

        def refused(refusal: Exception) -> None:  # e.g. the professional revoked it a moment ago
            self.show_refusal(refusal)
            self.follow({professional_id})

        self.run_domain(lambda: remove_professional(account, professional_id, clock), removed, refused,
                        group="remove")

    def action_export(self) -> None:
        """Export what the filters and sort show; the model asks again who may be in it, and records it."""
        register = self.query_one("#register-filter", Select).value
        in_default_order = self.sort_key == DEFAULT_SORT and not self.sort_reverse
        account, clock, folder = self.account, self.app.clock, config.export_dir()
        filters = dict(register=register if isinstance(register, str) else ALL_REGISTERS,
                       number=self.query_one("#number-filter", Input).value,
                       name=self.query_one("#name-filter", Input).value,
                       sort_key=None if in_default_order else self.sort_key, reverse=self.sort_reverse)

        def exported(result: ExportResult) -> None:
            self.notify(visible(f"{result.rows} rijen geëxporteerd naar {result.path}"), title="Export klaar",
                        timeout=20, markup=False)

        self.run_domain(lambda: export_overview(account, clock, folder, **filters), exported, group="export")
