"""The Professionals tab: everyone who granted this employer access, with their latest periods."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from models.access import AccessDenied
from models.accounts import Account
from models.clock import format_date
from models.db import DatabaseBusy, db
from models.export import ExportFailed, export_overview
from models.overview import DEFAULT_SORT, OverviewRow, OverviewSet, overview_rows, registers_present, summarise
from models.removal import remove_professional
from screens.dialogs import ConfirmDialog
from screens.labels import status_text
from tui import config
from tui.plain import plain, visible
from tui.table import Column, VirtualTable
from tui.widgets import PlainInput

ALL_REGISTERS = ""
FIRST_SCREEN = 100  # rows fetched first, so a large overview shows at once while the rest loads
CELL_PADDING = 2  # VirtualTable pads each cell with a space on both sides
SCROLLBAR = 2


def columns_for(width: int) -> list[Column]:
    """The seed's columns; name and register share what the fixed-width columns leave."""
    wide = width >= 110
    fixed = [
        Column("number", "Registratienummer" if wide else "Reg.nr.", 17 if wide else 9),
        Column("end_date", "Einddatum", 10),
        Column("norm", "Norm", 4, align="right"),
        Column("achieved", "Behaald", 7, align="right"),
        Column("status", "Status", 9),
    ]
    spare = width - SCROLLBAR - sum(column.width + CELL_PADDING for column in fixed) - 2 * CELL_PADDING
    name_width = max(12, min(30, spare * 2 // 5))
    register_width = max(12, spare - name_width)
    return [Column("name", "Naam", name_width), Column("register", "Register", register_width), *fixed]


def render_cell(key: str, row: OverviewRow) -> Text:
    dim = "" if row.is_latest else "dim"
    if key == "register":
        return plain(row.register.removeprefix("Register "), style=dim)  # every name starts so
    if key == "name":
        return plain(row.name if row.is_latest else "  ↳ vorige periode", style=dim)
    if key == "end_date":
        return Text(format_date(row.end_date), style=dim)
    if key == "status":
        return status_text(row.status)
    return Text(str(getattr(row, key)), style=dim)


class ProfessionalsPane(Vertical):
    """Filters apply as the user types, in memory: no query per keystroke, whatever the size.

    Loading takes two queries: the first screen of rows, shown at once, then all rows, prepared
    for filtering and sorting (`OverviewSet`) off the UI thread and swapped in.
    """

    DEFAULT_CSS = """
    ProfessionalsPane #filters { height: auto; }
    ProfessionalsPane #filters Select { width: 2fr; }
    ProfessionalsPane #filters Input { width: 1fr; }
    ProfessionalsPane #summary { height: 1; padding: 0 1; }
    ProfessionalsPane VirtualTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("delete", "remove", "Verwijderen"),
        Binding("ctrl+e", "export", "Exporteren"),
        Binding("slash", "focus_filter", "Zoeken"),
    ]

    def __init__(self, account: Account) -> None:
        super().__init__(id="professionals-pane")
        self.account = account
        self.overview: OverviewSet | None = None  # None until all rows are in
        self.professional_count = 0
        self.shown: list[OverviewRow] = []
        self.sort_key, self.sort_reverse = DEFAULT_SORT, False

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
        yield VirtualTable(columns_for(120), render_cell=render_cell, id="overview-table",
                           empty_text="Professionals worden geladen…")

    def on_mount(self) -> None:
        if self.show_first_screen():
            self.call_after_refresh(self.load)

    def show_first_screen(self) -> bool:
        """The first screen of rows, fetched here on the UI thread: one small query (a LIMIT), which
        in a worker took four times as long, queueing for the interpreter lock row by row while the
        workspace was being drawn. Everything else loads in a worker."""
        try:
            rows = overview_rows(self.account, self.app.clock.today(), limit=FIRST_SCREEN)
        except AccessDenied as refused:
            self.refused(str(refused))
            return False
        if len(rows) < FIRST_SCREEN:
            self.loaded(OverviewSet(rows), rows)  # that is all of them
            return False
        self.query_one(VirtualTable).set_rows(rows)
        self.query_one("#summary", Static).update(Text("Alle professionals worden geladen…", style="dim"))
        return True

    def on_resize(self) -> None:
        self.query_one(VirtualTable).set_columns(columns_for(self.size.width))

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load(self) -> None:
        """All rows, prepared for filtering and sorting off the UI thread, then swapped in."""
        try:
            with db.connection_context():
                rows = overview_rows(self.account, self.app.clock.today())
        except AccessDenied as refused:  # e.g. the branch was removed while signed in
            self.app.call_from_thread(self.refused, str(refused))
            return
        overview = OverviewSet(rows)
        overview.by_name  # noqa: B018 - the base of every sort, prepared here rather than on the first sort key
        self.app.call_from_thread(self.loaded, overview, rows)

    def refused(self, message: str) -> None:
        table = self.query_one(VirtualTable)
        table.empty_text = message
        table.refresh()

    def loaded(self, overview: OverviewSet, rows: list[OverviewRow]) -> None:
        self.overview = overview
        self.professional_count = len({row.professional_id for row in rows})
        select = self.query_one("#register-filter", Select)
        current = select.value
        select.set_options((plain(register), register) for register in registers_present(rows))
        if current in registers_present(rows):
            select.value = current
        self.query_one(VirtualTable).empty_text = "Geen professionals gevonden."
        self.refilter()

    @on(Input.Changed, "#number-filter")
    @on(Input.Changed, "#name-filter")
    @on(Select.Changed, "#register-filter")
    def refilter(self) -> None:
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
        self.query_one(VirtualTable).set_rows(self.shown)
        self.show_summary()

    def show_summary(self) -> None:
        summary = summarise(self.shown, self.app.clock.today())
        line = Text(f"{summary.professionals} professionals")
        line.append(" · ")
        line.append(f"{summary.red} met een rode periode", style="red" if summary.red else "")
        line.append(" · ")
        line.append(f"{summary.red_ending_soon} daarvan eindigen binnen 6 maanden",
                    style="bold red" if summary.red_ending_soon else "")
        if self.overview is not None and len(self.shown) != self.overview.row_count:
            line.append(f"  (gefilterd uit {self.professional_count})", style="dim")
        self.query_one("#summary", Static).update(line, layout=False)  # one line, always: no relayout per key

    @on(VirtualTable.SortRequested)
    def sort(self, event: VirtualTable.SortRequested) -> None:
        self.sort_key, self.sort_reverse = event.column_key, event.reverse
        table = self.query_one(VirtualTable)
        table.sort_column, table.sort_reverse = event.column_key, event.reverse
        self.refilter()

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

    @work(thread=True, group="remove", exit_on_error=False)
    def remove(self, professional_id: int, name: str) -> None:
        try:
            with db.connection_context():
                remove_professional(self.account, professional_id, self.app.clock)
        except (AccessDenied, DatabaseBusy) as refused:  # e.g. the professional revoked it a moment ago
            self.app.call_from_thread(self.notify, str(refused), severity="warning")
        else:
            self.app.call_from_thread(self.notify, visible(f"{name} is uit uw overzicht verwijderd."), markup=False)
        self.app.call_from_thread(self.load)

    def action_export(self) -> None:
        """Export what the filters and sort show; the model asks again who may be in it, and records it."""
        register = self.query_one("#register-filter", Select).value
        in_default_order = self.sort_key == DEFAULT_SORT and not self.sort_reverse
        self.export(register if isinstance(register, str) else ALL_REGISTERS,
                    self.query_one("#number-filter", Input).value, self.query_one("#name-filter", Input).value,
                    None if in_default_order else self.sort_key, self.sort_reverse)

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, register: str, number: str, name: str, sort_key: str | None, reverse: bool) -> None:
        try:
            with db.connection_context():
                result = export_overview(self.account, self.app.clock, config.export_dir(), register=register,
                                         number=number, name=name, sort_key=sort_key, reverse=reverse)
        except (AccessDenied, DatabaseBusy, ExportFailed) as refused:
            self.app.call_from_thread(self.notify, visible(str(refused)), severity="warning", markup=False)
            return
        self.app.call_from_thread(self.notify, visible(f"{result.rows} rijen geëxporteerd naar {result.path}"),
                                  title="Export klaar", timeout=20, markup=False)
