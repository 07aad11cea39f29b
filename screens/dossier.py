"""A professional's dossier: the latest period per registration, progress per rule, the activities."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from models.access import AccessDenied
from models.accounts import Account
from models.clock import format_date
from models.db import DatabaseBusy, db
from models.dossier import Dossier, PeriodView, open_dossier
from screens.labels import CATEGORY, REGISTRATION_TYPE, RULE, progress_bar, status_text
from tui.plain import cell, plain
from tui.widgets import Header

TITLE_WIDTH = 50  # wider titles are cut in the table and shown whole below it


class DossierScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Terug")]
    DEFAULT_CSS = """
    DossierScreen #dossier { padding: 0 2; }
    DossierScreen .period-title { text-style: bold; margin-top: 1; color: $accent; }
    DossierScreen DataTable { height: auto; max-height: 16; margin-top: 1; }
    DossierScreen .reflection { margin: 0 0 1 2; color: $text-muted; height: auto; }
    """

    def __init__(self, account: Account, professional_id: int, name: str) -> None:
        super().__init__()
        self.account = account
        self.professional_id = professional_id
        self.professional_name = name
        self.reflections: dict[str, dict[str, tuple[str, str | None]]] = {}  # table -> row -> title, reflection

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(Label(plain(f"Dossier van {self.professional_name}"), classes="form-title"),
                             id="dossier")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dossier").loading = True
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        try:
            with db.connection_context():
                dossier = open_dossier(self.account, self.professional_id, self.app.clock)
        except (AccessDenied, DatabaseBusy) as refused:
            self.app.call_from_thread(self.refused, str(refused))
            return
        self.app.call_from_thread(self.show, dossier)

    def refused(self, message: str) -> None:
        self.notify(message, severity="warning")
        self.dismiss()

    def show(self, dossier: Dossier) -> None:
        container = self.query_one("#dossier")
        container.loading = False
        if not dossier.periods:
            container.mount(Static("Deze professional heeft nog geen registratieperiode."))
        for index, period in enumerate(dossier.periods):
            container.mount_all(self.period_widgets(index, period))

    def period_widgets(self, index: int, period: PeriodView) -> list:
        title = plain(f"{period.register} · {period.number} · {REGISTRATION_TYPE[period.registration_type]}")
        summary = Text(f"Periode {format_date(period.start_date)} t/m {format_date(period.end_date)}   ")
        summary.append_text(status_text(period.status))
        if period.is_first:
            summary.append("   aanmeldperiode", style="italic")
        rules = Text()
        for rule in period.rules:
            if rule.required is None and rule.group == "other":
                continue  # no maximum for "other": nothing to show
            rules.append(f"{RULE[rule.group]:<22}")
            rules.append_text(progress_bar(rule.achieved, rule.required, is_maximum=rule.is_maximum))
            rules.append("\n")
        table = DataTable(id=f"activities-{index}", cursor_type="row", zebra_stripes=True)
        table.add_columns("Datum", "Titel", "Categorie", "Punten", "Aanbieder")
        reflections: dict[str, tuple[str, str | None]] = {}
        for number, line in enumerate(period.activities):
            key = str(number)
            table.add_row(format_date(line.date), cell(line.title, TITLE_WIDTH),
                          CATEGORY.get(line.category, line.category), Text(str(line.points), justify="right"),
                          cell(line.provider), key=key)
            reflections[key] = (line.title, line.reflection)
        self.reflections[table.id] = reflections
        if not period.activities:
            table.add_row("", Text("Nog geen activiteiten in deze periode.", style="dim"), "", "", "")
        rules.rstrip()
        return [Static(title, classes="period-title"), Static(summary), Static(rules), table,
                Static("", id=f"reflection-{index}", classes="reflection")]

    @on(DataTable.RowHighlighted)
    def show_reflection(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        title, text = self.reflections.get(table.id, {}).get(event.row_key.value if event.row_key else "", ("", None))
        index = table.id.removeprefix("activities-")
        shown = Text("")
        if len(title) > TITLE_WIDTH:  # cut in the table: here in full
            shown += Text("Titel: ", style="bold") + plain(title) + Text("\n")
        if text:
            shown += Text("Reflectie: ", style="bold") + plain(text, multiline=True)
        self.query_one(f"#reflection-{index}", Static).update(shown)

    def action_back(self) -> None:
        self.dismiss()
