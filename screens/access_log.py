"""Wie heeft mijn dossier bekeken: every opening of the professional's dossier by an employer, and every
export of an employer's overview that held the professional, newest first."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label, Static

from models.access_log import LookRow, who_looked
from models.accounts import Account
from models.audit import Action
from models.clock import format_date
from tui.plain import cell
from tui.widgets import DomainPane

INTRO = ("Hier ziet u wanneer een werkgever aan wie u inzage gaf uw dossier heeft geopend, of een export "
         "van zijn overzicht heeft gemaakt waarin u stond, met de naam, de organisatie en de vestiging of afdeling.")
NOBODY = "Nog niemand heeft uw dossier bekeken."
COLUMNS = ("Datum en tijd", "Wat", "Naam", "Organisatie", "Vestiging")
# The Wat column, read with the columns after it: "in export van Kroon, Stichting Welzijn Utrecht, Overvecht".
WHAT = {Action.DOSSIER_VIEWED: "dossier bekeken door", Action.PROFESSIONALS_EXPORTED: "in export van"}


class AccessLogPane(DomainPane):
    """A read-only table of who looked; it reloads whenever it is shown (or on `reload()`)."""

    DEFAULT_CSS = """
    AccessLogPane {
        height: 1fr;
        padding: 0 1;
    }
    AccessLogPane > #looks-table {
        height: auto;
        max-height: 1fr;
        margin: 1 0;
    }
    AccessLogPane > .-hidden {
        display: none;
    }
    """

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.looks: list[LookRow] = []

    def compose(self) -> ComposeResult:
        yield Label("Wie heeft mijn dossier bekeken", classes="section-title")
        yield Static(INTRO, classes="hint")
        yield DataTable(id="looks-table", cursor_type="row", zebra_stripes=True)
        yield Static(NOBODY, id="looks-empty", classes="hint -hidden")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)

    def on_show(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        account = self.account
        self.run_domain(lambda: who_looked(account), self.show_looks)

    def show_looks(self, looks: list[LookRow]) -> None:
        self.looks = looks
        table = self.query_one(DataTable)
        table.clear()
        for look in looks:
            when = f"{format_date(look.at.date())} {look.at:%H:%M}"
            table.add_row(Text(when), Text(WHAT[look.kind]), cell(look.viewer), cell(look.organisation),
                          cell(look.branch))
        table.display = bool(looks)
        self.query_one("#looks-empty").set_class(bool(looks), "-hidden")
