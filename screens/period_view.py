"""One registration period as both dossier screens show it: the employer's (screens/dossier.py) and the
professional's own (screens/my_dossier.py).

A PeriodPanel shows a title line, the period in one line (dates, norm, points, status), a bar per
rule, an optional note, the activities table (one row per activity, keyed by its id) and, below
it, the highlighted activity's whole title (when the table cuts it) and reflection. When the
dossier is read again, `show_periods` updates the panels in place: the cursor stays on the same
activity, the focus and the scroll position where they were.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from models.clock import format_date
from models.dossier import ActivityLine, PeriodView
from screens.labels import CATEGORY, REGISTRATION_TYPE, RULE, progress_bar, status_text
from tui.plain import cell, plain

NO_ACTIVITIES = "Nog geen activiteiten in deze periode."
COLUMNS = ("Datum", "Titel", "Categorie", "Punten", "Aanbieder")
TABLE_PREFIX = "activities-"
NO_ROW = "none"  # the key of the row that says there are no activities


@dataclass(frozen=True)
class PanelLayout:
    """What differs between the two dossier screens: column widths (None: as wide as the cells; the
    title is cut at `title_width` and shown whole below the table) and the line under the table
    when the highlighted activity has no reflection."""

    widths: Sequence[int | None] = (None, None, None, None, None)
    title_width: int = 50
    no_reflection: str = ""


def table_id(period_id: int) -> str:
    return f"{TABLE_PREFIX}{period_id}"


def current_key(table: DataTable | None) -> str | None:
    """The key of the highlighted row, None in an empty table."""
    if table is None or table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def width_of(value: str | Text) -> int:
    return value.cell_len if isinstance(value, Text) else cell_len(value)


@contextmanager
def same_place(table: DataTable) -> Iterator[None]:
    """Around clearing and filling `table` again: afterwards the cursor is on the row with the same key
    (else at the same position) and the table is scrolled as it was."""
    key, row, scrolled = current_key(table), table.cursor_row, table.scroll_y
    yield
    if key is not None and key in table.rows:
        table.move_cursor(row=table.get_row_index(key), scroll=False)
    elif table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1), scroll=False)

    def scroll_back() -> None:  # once the table knows its new height
        table.scroll_to(y=scrolled, animate=False, immediate=True)
        table.move_cursor(row=table.cursor_row)  # and, should rows have come in above it, the cursor in view

    table.call_after_refresh(scroll_back)


def title_line(period: PeriodView) -> Text:
    kind = REGISTRATION_TYPE.get(period.registration_type, period.registration_type)
    return plain(f"{period.register} · {period.number} · {kind}")


def summary_line(period: PeriodView) -> Text:
    end = format_date(period.end_date)
    summary = Text(f"Periode {format_date(period.start_date)} t/m {end}   Einddatum: {end}   "
                   f"Norm: {period.norm}   Behaald: {period.achieved}   Status: ")
    summary.append_text(status_text(period.status))
    if period.is_first:
        summary.append("   aanmeldperiode", style="italic")
    return summary


def rule_bars(period: PeriodView) -> Text:
    rules = Text()
    for rule in period.rules:
        if rule.required is None and rule.group == "other":
            continue  # no maximum for "other": nothing to show
        rules.append(f"{RULE[rule.group]:<22}")
        rules.append_text(progress_bar(rule.achieved, rule.required, is_maximum=rule.is_maximum))
        rules.append("\n")
    rules.rstrip()
    return rules


class PeriodPanel(Vertical):
    """One period with its activities; `show_period` puts a newer reading of it in place."""

    DEFAULT_CSS = """
    PeriodPanel {
        height: auto;
    }
    PeriodPanel > .period-title {
        text-style: bold;
        margin-top: 1;
        color: $accent;
    }
    PeriodPanel > .period-note {
        color: $warning;
    }
    PeriodPanel > .period-note.-empty {
        display: none;
    }
    PeriodPanel > DataTable {
        height: auto;
        max-height: 16;
        margin-top: 1;
    }
    PeriodPanel > .reflection {
        margin: 0 0 1 2;
        color: $text-muted;
        height: auto;
    }
    """

    def __init__(self, period: PeriodView, layout: PanelLayout, note: str = "") -> None:
        super().__init__(classes="period")
        self.period = period
        self.panel_layout = layout
        self.note = note
        self.lines: dict[str, ActivityLine] = {}

    @property
    def period_id(self) -> int:
        return self.period.period_id

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def compose(self) -> ComposeResult:
        yield Static(title_line(self.period), classes="period-title")
        yield Static(summary_line(self.period), classes="period-summary")
        yield Static(rule_bars(self.period), classes="period-rules")
        yield Static(self.note, classes="period-note" + ("" if self.note else " -empty"))
        table = DataTable(id=table_id(self.period_id), cursor_type="row", zebra_stripes=True)
        self.fill(table)
        yield table
        yield Static("", id=f"reflection-{self.period_id}", classes="reflection")

    def fill(self, table: DataTable) -> None:
        """The period's activities as the table's rows, each column as wide as its widest cell. The widths
        are set here, not left to the table: it measures only when idle, and cells drawn before that stay
        cut at the width of what it showed before (Textual 8.2)."""
        self.lines = {str(line.id): line for line in self.period.activities}
        rows = [(format_date(line.date), cell(line.title, self.panel_layout.title_width),
                 CATEGORY.get(line.category, line.category), Text(str(line.points), justify="right"),
                 cell(line.provider), str(line.id)) for line in self.period.activities]
        rows = rows or [("", Text(NO_ACTIVITIES, style="dim"), "", "", "", NO_ROW)]
        table.clear(columns=True)
        for index, (label, width) in enumerate(zip(COLUMNS, self.panel_layout.widths, strict=True)):
            table.add_column(label, width=width or max(cell_len(label), *(width_of(row[index]) for row in rows)))
        for *cells, key in rows:
            table.add_row(*cells, key=key)

    def show_period(self, period: PeriodView, note: str = "") -> None:
        """The same period read again: every line updated, the cursor on the same activity."""
        self.period, self.note = period, note
        self.query_one(".period-title", Static).update(title_line(period))
        self.query_one(".period-summary", Static).update(summary_line(period))
        self.query_one(".period-rules", Static).update(rule_bars(period))
        shown_note = self.query_one(".period-note", Static)
        shown_note.update(note)
        shown_note.set_class(not note, "-empty")
        table = self.table
        with same_place(table):
            table.clear()
            self.fill(table)
        self.show_reflection()

    def current_line(self) -> ActivityLine | None:
        return self.lines.get(current_key(self.table) or "")

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_reflection()  # the event goes on to the screen, which may offer other keys now

    def show_reflection(self) -> None:
        line = self.current_line()
        shown = Text("")
        if line is not None:
            if len(line.title) > self.panel_layout.title_width:  # cut in the table: here in full
                shown += Text("Titel: ", style="bold") + plain(line.title) + Text("\n")
            if line.reflection:
                shown += Text("Reflectie: ", style="bold") + plain(line.reflection, multiline=True)
            elif self.panel_layout.no_reflection:
                shown += Text(self.panel_layout.no_reflection, style="italic")
        self.query_one(".reflection", Static).update(shown)


async def show_periods(container: Widget, periods: list[PeriodView], layout: PanelLayout,
                       note: Callable[[PeriodView], str] = lambda period: "", empty: str = "") -> bool:
    """Show `periods` in `container`, which holds nothing else. The same periods as shown are updated
    in place (cursor, focus and scroll stay); otherwise the panels are made anew. Returns whether
    they were made anew."""
    panels = list(container.query_children(PeriodPanel))
    if panels and [panel.period_id for panel in panels] == [period.period_id for period in periods]:
        for panel, period in zip(panels, periods, strict=True):
            panel.show_period(period, note(period))
        return False
    await container.remove_children()
    widgets: list[Widget] = [PeriodPanel(period, layout, note(period)) for period in periods]
    await container.mount_all(widgets or [Static(empty, classes="no-periods")])
    return True
