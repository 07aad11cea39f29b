"""Mijn dossier: the professional's own periods, points and activities, as a pane of their workspace.

N adds an activity to the period whose table has the focus, E or Enter changes the highlighted
activity, Delete removes it after confirming. A period that has ended is shown read-only.
After every change the pane reloads, so points and status are those the employer sees too; a change
made in another session shows the same way, in place (screens/period_view.py). An activity form that
is open meanwhile keeps what was typed: saving it goes through the model's rules as always.
"""
from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, Tabs, TextArea

from models.accounts import Account
from models.activities import (
    FIELDS,
    MAX_PROVIDER,
    MAX_TITLE,
    ActivityForm,
    add_activity,
    delete_activity,
    edit_activity,
    is_open,
    my_dossier,
)
from models.changes import Batch, Kind
from models.clock import format_date
from models.dossier import ActivityLine, Dossier, PeriodView
from models.professionals import Activity
from screens.dialogs import ConfirmDialog
from screens.form import FormScreen
from screens.labels import CATEGORY
from screens.period_view import PanelLayout, PeriodPanel, current_key, show_periods, table_id
from tui.kit.keys import key_help
from tui.kit.live import LivePane
from tui.plain import plain
from tui.widgets import DomainPane, FormField, Header, PlainTextArea

NO_PERIODS = "U heeft nog geen registratieperiode. Zodra die er is, ziet u hier uw punten en activiteiten."
CLOSED = "Deze periode is afgelopen op {end}. U kunt de activiteiten bekijken, maar niet meer wijzigen."
NO_REFLECTION = "Geen reflectie bij deze activiteit."
ADDED = "De activiteit is toegevoegd."
CHANGED = "De activiteit is gewijzigd."
DELETED = "De activiteit is verwijderd."
CHANGE_ACTIONS = {"add", "edit", "remove"}
LAYOUT = PanelLayout(widths=(10, 40, 12, 6, 24), title_width=40, no_reflection=NO_REFLECTION)


def _shown(widget: Widget) -> bool:
    return all(node.display for node in (widget, *widget.ancestors) if isinstance(node, Widget))


class MyDossierPane(LivePane, DomainPane):
    """Per registration its latest period: the norm, the points per rule, the status, and the activities."""

    DEFAULT_CSS = """
    MyDossierPane {
        height: 1fr;
        padding: 0 1;
    }
    MyDossierPane > #my-dossier {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("n", "add", "Activiteit toevoegen", id="my_dossier.add"),
        Binding("e", "edit", "Wijzigen", tooltip="wijzigen (ook met Enter)", id="my_dossier.edit"),
        Binding("delete", "remove", "Verwijderen", id="my_dossier.remove"),
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.periods: dict[str, PeriodView] = {}  # table id -> its period
        self.lines: dict[int, ActivityLine] = {}  # activity id -> activity
        self.loaded_once = False
        self._select: tuple[int, int] | None = None  # (period id, activity id) to put the cursor on once read

    def compose(self) -> ComposeResult:
        yield Static(key_help(self.BINDINGS, " · ") + ". Eén punt is één netto uur.", classes="hint")
        yield VerticalScroll(id="my-dossier")

    def on_mount(self) -> None:
        self.query_one("#my-dossier").loading = True  # until the first read (LivePane) has landed

    # -- loading and showing ---------------------------------------------------------------------------------
    def load(self, select: tuple[int, int] | None = None) -> None:
        """Read the dossier again; `select` = (period id, activity id) puts the cursor on that activity."""
        self._select = select or self._select
        self.reload()

    def follows(self, batch: Batch) -> bool:
        """The dossier changed in another session (or this one): read it again, in place."""
        return batch.touches(Kind.PROFESSIONAL, self.account.professional_id)

    def read_call(self, batch: Batch):
        account = self.account
        return lambda: my_dossier(account)

    async def show(self, dossier: Dossier, batch: Batch) -> None:
        select = None
        if self.last_of_a_burst:  # the cursor goes to the new activity once the newest read shows it
            select, self._select = self._select, None
        container = self.query_one("#my-dossier", VerticalScroll)
        focused = self.screen.focused
        had_focus = focused is not None and self in focused.ancestors
        current = self.target_table()
        focus_id = table_id(select[0]) if select else current.id if current else None
        cursor_key, cursor_row = current_key(current), current.cursor_row if current is not None else 0
        today = self.app.clock.today()
        self.periods = {table_id(period.period_id): period for period in dossier.periods}
        self.lines = {line.id: line for period in dossier.periods for line in period.activities}
        made_anew = await show_periods(container, dossier.periods, LAYOUT, lambda period: self.note(period, today),
                                       NO_PERIODS)
        container.loading = False
        first_time, self.loaded_once = not self.loaded_once, True
        tables = [panel.table for panel in container.query_children(PeriodPanel)]
        table = next((table for table in tables if table.id == focus_id), tables[0] if tables else None)
        if table is not None:
            if select and str(select[1]) in table.rows:
                table.move_cursor(row=table.get_row_index(str(select[1])))
            elif made_anew and cursor_key is not None and cursor_key in table.rows:
                table.move_cursor(row=table.get_row_index(cursor_key))
            elif made_anew and table.row_count:
                table.move_cursor(row=min(cursor_row, table.row_count - 1))
            steal = first_time and _shown(self) and (self.screen.focused is None or
                                                      isinstance(self.screen.focused, Tabs))
            if (had_focus and made_anew) or select or steal:
                table.focus()
        self.refresh_bindings()

    @staticmethod
    def note(period: PeriodView, today: dt.date) -> str:
        return "" if is_open(period.end_date, today) else CLOSED.format(end=format_date(period.end_date))

    def on_show(self) -> None:
        """Back on this tab with nothing focused: the activities take the focus, so the keys work at once."""
        focused, table = self.screen.focused, self.target_table()
        if table is not None and (focused is None or isinstance(focused, Tabs)):
            table.focus()

    def domain_failed(self) -> None:
        super().domain_failed()
        self.query_one("#my-dossier").loading = False

    @on(DataTable.RowHighlighted)
    def row_highlighted(self) -> None:
        self.refresh_bindings()  # Wijzigen and Verwijderen need an activity

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # -- what the keys act on ----------------------------------------------------------------------------------
    def target_table(self) -> DataTable | None:
        """The focused activities table, else the first (a pane with one registration needs no choosing)."""
        focused = self.screen.focused if self.is_attached else None
        if isinstance(focused, DataTable) and focused.id in self.periods:
            return focused
        tables = [table for table in self.query(DataTable) if table.id in self.periods]
        return tables[0] if tables else None

    def target_period(self) -> PeriodView | None:
        table = self.target_table()
        return self.periods.get(table.id) if table is not None else None

    def line_for(self, key: str | None) -> ActivityLine | None:
        return self.lines.get(int(key)) if key and key.isdigit() else None

    def current_line(self) -> ActivityLine | None:
        return self.line_for(current_key(self.target_table()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in CHANGE_ACTIONS:
            return True
        period = self.target_period()
        if period is None or not is_open(period.end_date, self.app.clock.today()):
            return False  # hidden: nothing to add to, or a period that has ended
        if action != "add" and self.current_line() is None:
            return None  # shown dimmed: no activity highlighted
        return True

    # -- adding, changing, deleting ----------------------------------------------------------------------------
    def action_add(self) -> None:
        period = self.target_period()
        if period is not None and not self.busy:
            self.app.push_screen(ActivityScreen(self.account, period), lambda result: self.after_form(result, ADDED))

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in self.periods and self.check_action("edit", ()):
            self.action_edit()

    def action_edit(self) -> None:
        period, line = self.target_period(), self.current_line()
        if period is not None and line is not None and not self.busy:
            self.app.push_screen(ActivityScreen(self.account, period, line),
                                 lambda result: self.after_form(result, CHANGED))

    def after_form(self, result: Activity | None, message: str) -> None:
        if result is None:
            return  # cancelled
        self.notify(message)
        self.load(select=(result.period_id, result.id))

    def action_remove(self) -> None:
        line = self.current_line()
        if line is None or self.busy:
            return
        message = (f"{line.title} ({format_date(line.date)}, {line.points} punten) wordt uit uw dossier "
                   "verwijderd. De punten tellen dan niet meer mee.")
        self.app.push_screen(ConfirmDialog("Activiteit verwijderen?", message, "Verwijderen"),
                             lambda yes: self.remove(line) if yes else None)

    def remove(self, line: ActivityLine) -> None:
        self.busy = True
        account, clock = self.account, self.app.clock
        self.run_domain(lambda: delete_activity(account, line.id, clock), self.removed, self.remove_refused)

    def removed(self, _: None) -> None:
        self.busy = False
        self.notify(DELETED)
        self.load()

    def remove_refused(self, refusal: Exception) -> None:
        self.show_refusal(refusal)
        self.load()


class ActivityScreen(FormScreen):
    """An activity to add to a period, or to change; what is wrong is said next to its field."""

    DEFAULT_CSS = """
    ActivityScreen #activity-form {
        max-height: 100%;
    }
    ActivityScreen .choice-label {
        margin-top: 1;
    }
    ActivityScreen #reflection {
        height: 8;
    }
    """
    BUSY_SELECTOR = "#activity-form"

    def __init__(self, account: Account, period: PeriodView, line: ActivityLine | None = None) -> None:
        super().__init__()
        self.account = account
        self.period = period
        self.line = line
        self.form = ActivityForm.of(line) if line is not None else ActivityForm()

    def compose(self) -> ComposeResult:
        period, form = self.period, self.form
        yield Header()
        with VerticalScroll(classes="form", id="activity-form"):
            yield Label("Activiteit wijzigen" if self.line else "Activiteit toevoegen", classes="form-title")
            yield Static(plain(f"{period.register} · {period.number} · periode {format_date(period.start_date)} "
                              f"t/m {format_date(period.end_date)}. Eén punt is één netto uur."), classes="hint")
            yield FormField("Titel", "title", required=True, value=form.title, max_length=MAX_TITLE)
            yield Label("Categorie *", classes="choice-label")
            yield Select([(label, code) for code, label in CATEGORY.items()], prompt="Kies een categorie",
                         value=form.category if form.category in CATEGORY else Select.NULL, id="category")
            yield Static("", id="category-error", classes="field-error -empty")
            yield FormField("Datum", "date", required=True, value=form.date, placeholder="31-12-2026", max_length=10)
            yield FormField("Punten", "points", required=True, value=form.points, placeholder="8", max_length=10)
            yield FormField("Aanbieder", "provider", value=form.provider, max_length=MAX_PROVIDER)
            yield Label("Reflectie: wat heeft u geleerd, wat doet u nu anders?", classes="choice-label")
            yield PlainTextArea(form.reflection, id="reflection", soft_wrap=True)
            yield Static("", id="reflection-error", classes="field-error -empty")
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#title").focus()

    @on(Input.Submitted, "#provider")
    def on_to_reflection(self, event: Input.Submitted) -> None:
        """Enter in the last input goes on to the reflection (where Enter is a new line), not to OK."""
        event.stop()
        event.prevent_default()
        self.query_one("#reflection", TextArea).focus()

    def values(self) -> dict[str, str]:
        category = self.query_one("#category", Select).value
        return {**super().values(), "category": category if isinstance(category, str) else "",
                "reflection": self.query_one("#reflection", TextArea).text}

    def submit(self, values: dict[str, str]) -> Activity:
        """A refusal no field can fix (the period ended, the activity was deleted elsewhere) is told as a
        warning and the form stays open with what was typed (FormScreen.show_refusal)."""
        form = ActivityForm(**{field: values.get(field, "") for field in FIELDS})
        if self.line is None:
            return add_activity(self.account, self.period.period_id, form, self.app.clock)
        return edit_activity(self.account, self.line.id, form, self.app.clock)

    def refused(self, errors: dict[str, str]) -> None:
        super().refused(errors)  # the messages next to the text fields
        for field in ("category", "reflection"):
            message = errors.get(field, "")
            error = self.query_one(f"#{field}-error", Static)
            error.update(plain(message))
            error.set_class(not message, "-empty")
            self.query_one(f"#{field}").set_class(bool(message), "-invalid")
        first = next((field for field in FIELDS if field in errors), None)
        if first is not None:
            self.query_one(f"#{first}").focus()

    def done(self, result: Activity) -> None:
        self.dismiss(result)
