"""Wie heeft mijn dossier bekeken: every opening of the professional's dossier by an employer, and every
export of an employer's overview that held the professional, newest first.

Live: a new look shows while the tab is in view. A look while the tab is hidden only marks the pane
out of date, and it reads again when it is shown: an export names every professional of an
organisation, and each of their sessions need not read its log for a tab nobody is looking at.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label, Static

from models.access_log import LookRow, who_looked
from models.accounts import Account
from models.audit import Action
from models.changes import Batch, Kind
from models.clock import format_date
from screens.period_view import same_place
from tui.kit.live import LivePane
from tui.plain import cell
from tui.widgets import DomainPane

INTRO = ("Hier ziet u wanneer een werkgever aan wie u inzage gaf uw dossier heeft geopend, of een export "
         "van zijn overzicht heeft gemaakt waarin u stond, met de naam, de organisatie en de vestiging of afdeling.")
NOBODY = "Nog niemand heeft uw dossier bekeken."
COLUMNS = ("Datum en tijd", "Wat", "Naam", "Organisatie", "Vestiging")
# The Wat column, read with the columns after it: "in export van Kroon, Stichting Welzijn Utrecht, Overvecht".
WHAT = {Action.DOSSIER_VIEWED: "dossier bekeken door", Action.PROFESSIONALS_EXPORTED: "in export van"}


class AccessLogPane(LivePane, DomainPane):
    """A read-only table of who looked; it reads it on first showing, on `reload()`, and when someone looks
    (only while in view: a hidden one reads when shown)."""

    READ_WHILE_HIDDEN = False

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
        self.focus_inside(self.query_one(DataTable))

    def follows(self, batch: Batch) -> bool:
        """Someone opened this dossier, or exported a list that may hold it."""
        return batch.touches(Kind.LOOKED, self.account.professional_id)

    def read_call(self, batch: Batch):
        account = self.account
        return lambda: who_looked(account)

    def show(self, looks: list[LookRow], batch: Batch) -> None:
        self.show_looks(looks)

    def show_looks(self, looks: list[LookRow]) -> None:
        self.looks = looks
        table = self.query_one(DataTable)
        with same_place(table):  # newest first: a new line comes on top, the cursor stays on the same line
            table.clear()
            for number, look in zip(range(len(looks), 0, -1), looks, strict=True):  # numbered from the oldest
                when = f"{format_date(look.at.date())} {look.at:%H:%M}"
                table.add_row(Text(when), Text(WHAT[look.kind]), cell(look.viewer), cell(look.organisation),
                              cell(look.branch), key=str(number))
        table.display = bool(looks)
        self.query_one("#looks-empty").set_class(bool(looks), "-hidden")
