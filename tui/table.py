"""A read-only virtual table: draws only the visible lines, so 100,000 rows cost no more than 10.

The owner hands over any sequence of row objects and a `render_cell` function; the
table keeps a reference to that sequence and turns a row into cells only when that
row is on screen. Sorting and filtering belong to the owner: the table merely asks
for them (`SortRequested`) and shows the current order in its header.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.cells import CELL_PADDING, SORT_MARKS, CellRenderer, Column, LineStyles, fit_cell, fit_plain

class _RowMessage(Message):
    """A message about row `index` (`row`, None when there are none) of `table`."""

    def __init__(self, table: VirtualTable, index: int, row: Any | None) -> None:
        super().__init__()
        self.table = table
        self.index = index
        self.row = row

    @property
    def control(self) -> VirtualTable:
        return self.table


class VirtualTable(ScrollView, can_focus=True):
    """A read-only table with a fixed header, a row cursor and a column cursor.

    Line 0 of the widget is the header; line 1 + i shows row i. Only the lines on
    screen are rendered, and rendered rows are kept in a small cache that
    `set_rows` clears.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--header-cursor",
        "virtual-table--cursor",
        "virtual-table--even-row",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        color: $foreground;

        & > .virtual-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .virtual-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        &:focus > .virtual-table--header-cursor {
            background: $accent-darken-1;
            color: $foreground;
            text-style: bold underline;
        }
        &:ansi > .virtual-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        &:nocolor > .virtual-table--cursor {
            text-style: reverse;
        }
        &:nocolor:focus > .virtual-table--cursor {
            text-style: bold reverse;
        }
        &:nocolor:focus > .virtual-table--header-cursor {
            text-style: bold reverse;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Vorige rij", show=False, id="table.cursor_up"),
        Binding("down", "cursor_down", "Volgende rij", show=False, id="table.cursor_down"),
        Binding("pageup", "page_up_rows", "Pagina omhoog", show=False, id="table.page_up_rows"),
        Binding("pagedown", "page_down_rows", "Pagina omlaag", show=False, id="table.page_down_rows"),
        Binding("home", "first_row", "Eerste rij", show=False, id="table.first_row"),
        Binding("end", "last_row", "Laatste rij", show=False, id="table.last_row"),
        Binding("left", "column_left", "Vorige kolom", show=False, id="table.column_left"),
        Binding("right", "column_right", "Volgende kolom", show=False, id="table.column_right"),
        Binding("enter", "select_row", "Openen", id="table.select_row"),
        Binding("s", "sort", "Sorteren", id="table.sort"),
    ]

    sort_column: reactive[str | None] = reactive(None)
    """Key of the column the owner sorted the rows by (shown with ▲/▼), or None."""
    sort_reverse: reactive[bool] = reactive(False)
    """True when the rows are in descending order of `sort_column` (▼)."""

    class RowSelected(_RowMessage):
        """Enter (or a double click) on a row."""

    class RowHighlighted(_RowMessage):
        """The cursor moved, or the rows under it changed; `row` is None when there are none."""

    class SortRequested(Message):
        """The user asks to sort by `column_key`; the owner sorts and calls `set_rows`."""

        def __init__(self, table: VirtualTable, column_key: str, reverse: bool) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key
            self.reverse = reverse

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: list[Column], *, render_cell: CellRenderer, empty_text: str = "Geen rijen",
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.render_cell = render_cell
        self.empty_text = empty_text
        self._rows: Sequence[Any] = ()
        self._cursor_row = 0
        self._cursor_column = 0
        self._row_cache: LRUCache[int, Strip] = LRUCache(256)
        self._styles: LineStyles | None = None
        self._lay_out_columns()

    def _lay_out_columns(self) -> None:
        self._starts: list[int] = []
        x = 0
        for column in self.columns:
            self._starts.append(x)
            x += column.width + 2 * CELL_PADDING
        self._total_width = x
        self._update_virtual_size()

    # -- public API ---------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Any]:
        """The rows as last given to `set_rows` (the same object, not a copy)."""
        return self._rows

    @property
    def cursor_row(self) -> int:
        """Index of the highlighted row in `rows` (0 when there are none)."""
        return self._cursor_row

    @property
    def cursor_column(self) -> int:
        """Index of the highlighted header cell, the column that `s` sorts by."""
        return self._cursor_column

    @property
    def current_row(self) -> Any | None:
        """The highlighted row, or None when there are no rows."""
        return self._rows[self._cursor_row] if self._rows else None

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show `rows` instead of the current rows; the cursor keeps its index, clamped.

        Nothing is rendered here: only the lines that end up on screen are. The table
        keeps `rows` itself (no copy): call `set_rows` again after changing it. Posts
        `RowHighlighted` for the row now under the cursor. Call it on the UI thread.
        """
        self._rows = rows
        self._row_cache.clear()
        self._cursor_row = max(0, min(self._cursor_row, len(rows) - 1))
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_highlighted()

    def set_columns(self, columns: list[Column]) -> None:
        """New column widths or labels (e.g. to fit the terminal after a resize); the rows stay."""
        self.columns = list(columns)
        self._cursor_column = min(self._cursor_column, len(self.columns) - 1)
        self._row_cache.clear()
        self._lay_out_columns()
        self.refresh()

    def move_cursor(self, row: int) -> None:
        """Highlight row `row` (clamped to the rows there are) and scroll it into view."""
        new = max(0, min(row, len(self._rows) - 1))
        old = self._cursor_row
        self._scroll_cursor_into_view(new)
        if new != old:
            self._cursor_row = new
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
            self._post_highlighted()

    # -- rendering ----------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        body = len(self._rows) if self._rows else 1  # one line for the empty text
        self.virtual_size = Size(self._total_width, body + 1)

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def _line_styles(self) -> LineStyles:
        """The rich styles of the lines, looked up once per style change (rich_style is not free)."""
        if self._styles is None:
            base = self.rich_style
            header = self.get_component_rich_style("virtual-table--header")
            self._styles = LineStyles(
                base=base,
                header=header,
                header_cursor=header + self.get_component_rich_style("virtual-table--header-cursor"),
                even_row=base + self.get_component_rich_style("virtual-table--even-row"),
                cursor=self.get_component_rich_style("virtual-table--cursor"),
            )
        return self._styles

    def _header_strip(self) -> Strip:
        focused = self.has_focus
        styles = self._line_styles()
        header_style, cursor_style = styles.header, styles.header_cursor
        pad = " " * CELL_PADDING
        segments: list[Segment] = []
        for index, column in enumerate(self.columns):
            label = column.label
            if column.key == self.sort_column:
                label = f"{fit_cell(label, max(0, column.width - 2)).plain.rstrip()} {SORT_MARKS[self.sort_reverse]}"
            text = fit_cell(label, column.width, column.align)
            style = cursor_style if focused and index == self._cursor_column else header_style
            segments.append(Segment(pad + text.plain + pad, style))
        return Strip(segments, self._total_width)

    def _row_strip(self, index: int) -> Strip:
        """Row `index` as unstyled segments across all columns (cached while it is in view)."""
        strip = self._row_cache.get(index)
        if strip is None:
            row = self._rows[index]
            console = self.app.console
            pad = " " * CELL_PADDING
            segments: list[Segment] = []
            for column in self.columns:
                content = self.render_cell(column.key, row)
                if isinstance(content, Text):
                    segments.append(Segment(pad))
                    segments.extend(fit_cell(content, column.width, column.align).render(console))
                    segments.append(Segment(pad))
                else:
                    segments.append(Segment(pad + fit_plain(str(content), column.width, column.align) + pad))
            strip = Strip(segments, self._total_width)
            self._row_cache[index] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        styles = self._line_styles()
        base = styles.base
        if y == 0:
            return self._header_strip().crop_extend(scroll_x, scroll_x + width, styles.header)
        index = scroll_y + y - 1
        if not self._rows:
            if index == 0:
                return Strip([Segment(" " + self.empty_text, base)]).crop_extend(scroll_x, scroll_x + width, base)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        strip = self._row_strip(index).crop_extend(scroll_x, scroll_x + width, None)
        style = styles.even_row if index % 2 == 0 else base
        post = styles.cursor if index == self._cursor_row else None
        return Strip(Segment.apply_style(strip, style, post), width)

    # -- behaviour ----------------------------------------------------------------

    def _post_highlighted(self) -> None:
        self.post_message(self.RowHighlighted(self, self._cursor_row, self.current_row))

    def _scroll_cursor_into_view(self, row: int | None = None) -> None:
        row = self._cursor_row if row is None else row
        height = self._body_height()
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, force=True)

    def _scroll_column_into_view(self) -> None:
        start = self._starts[self._cursor_column]
        end = start + self.columns[self._cursor_column].width + 2 * CELL_PADDING
        width = self.scrollable_content_region.width
        left = round(self.scroll_x)
        if start < left:
            self.scroll_to(x=start, animate=False, force=True)
        elif end > left + width:
            self.scroll_to(x=min(start, end - width), animate=False, force=True)

    def _request_sort(self, column_index: int) -> None:
        key = self.columns[column_index].key
        reverse = key == self.sort_column and not self.sort_reverse
        self.post_message(self.SortRequested(self, key, reverse))

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor_row + 1)

    def action_page_up_rows(self) -> None:
        height = self._body_height()
        self.scroll_to(y=self.scroll_y - height, animate=False, force=True)
        self.move_cursor(self._cursor_row - height)

    def action_page_down_rows(self) -> None:
        height = self._body_height()
        self.scroll_to(y=self.scroll_y + height, animate=False, force=True)
        self.move_cursor(self._cursor_row + height)

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_select_row(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor_row, self.current_row))

    def action_column_left(self) -> None:
        self._move_column(self._cursor_column - 1)

    def action_column_right(self) -> None:
        self._move_column(self._cursor_column + 1)

    def _move_column(self, column: int) -> None:
        self._cursor_column = max(0, min(column, len(self.columns) - 1))
        self._scroll_column_into_view()
        self.refresh_lines(round(self.scroll_y))  # the header is the first line on screen

    def action_sort(self) -> None:
        if self.columns:
            self._request_sort(self._cursor_column)

    def _column_at(self, x: int) -> int | None:
        for index, start in enumerate(self._starts):
            if start <= x < start + self.columns[index].width + 2 * CELL_PADDING:
                return index
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            column = self._column_at(offset.x + round(self.scroll_x))
            if column is not None:
                self._cursor_column = column
                self.refresh_lines(round(self.scroll_y))
                self._request_sort(column)
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._rows):
            self.move_cursor(index)
            if event.chain == 2:
                self.action_select_row()

    def on_focus(self) -> None:
        self.refresh()  # the cursors look different with and without focus

    def on_blur(self) -> None:
        self.refresh()
