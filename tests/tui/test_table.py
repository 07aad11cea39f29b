"""The virtual table: what it draws, the messages its keys and clicks post, and 100,000 rows."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.message import Message

from tui.cells import Column, fit_cell
from tui.table import VirtualTable

COLUMNS = [
    Column("number", "Nr", 6, align="right"),
    Column("name", "Naam", 10),
    Column("city", "Plaats", 8),
]


@dataclass(frozen=True)
class Person:
    number: int
    name: str
    city: str


def render_cell(key: str, row: Person) -> str | Text:
    if key == "number":
        return str(row.number)
    if key == "city":
        return Text(row.city, style="italic")
    return row.name


def people(count: int) -> list[Person]:
    return [Person(i, f"Persoon {i}", "Utrecht") for i in range(count)]


class TableApp(App):
    """Just the table, recording every message it posts."""

    def __init__(self, rows: list[Person] | None = None, **kwargs) -> None:
        super().__init__()
        self.initial_rows = rows
        self.kwargs = kwargs
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, render_cell=render_cell, id="table", **self.kwargs)

    def on_mount(self) -> None:
        if self.initial_rows is not None:
            self.query_one(VirtualTable).set_rows(self.initial_rows)

    @on(VirtualTable.RowSelected)
    @on(VirtualTable.RowHighlighted)
    @on(VirtualTable.SortRequested)
    def record(self, message: Message) -> None:
        self.messages.append(message)

    def last(self, kind: type[Message]) -> Message:
        return [message for message in self.messages if isinstance(message, kind)][-1]


def lines(table: VirtualTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.scrollable_content_region.height)]


async def test_rows_render_in_column_order_with_alignment_and_truncation():
    rows = [Person(7, "Jansen", "Utrecht"), Person(12345, "Van der Berg-Smit", "Den Haag")]
    app = TableApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = lines(app.query_one(VirtualTable))
        assert shown[0] == "     Nr  Naam        Plaats"
        assert shown[1] == "      7  Jansen      Utrecht"
        assert shown[2] == "  12345  Van der B…  Den Haag"
        assert shown[3] == ""


def test_fit_cell_keeps_wide_characters_aligned():
    for content in ["日本語テキスト", "ab😀cd😀ef", "kort", "regel\neen\ttwee"]:
        text = fit_cell(content, 7)
        assert text.cell_len == 7
        assert "\n" not in text.plain and "\t" not in text.plain
    assert fit_cell("日本語テキスト", 7).plain == "日本語…"
    assert fit_cell("42", 5, "right").plain == "   42"


async def test_markup_in_a_cell_is_shown_literally():
    app = TableApp([Person(1, "[bold]x[/]", "[red]")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert lines(app.query_one(VirtualTable))[1] == "      1  [bold]x[/]  [red]"
        assert "[bold]x[/]" in app.export_screenshot().replace("&#160;", " ")


async def test_cursor_keys_move_and_post_highlights_and_enter_selects():
    rows = people(100)
    app = TableApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.focus()
        await pilot.pause()
        page = table.scrollable_content_region.height - 1  # body lines under the header
        expected = [("down", 1), ("down", 2), ("up", 1), ("pagedown", 1 + page), ("pageup", 1),
                    ("end", 99), ("pagedown", 99), ("home", 0), ("up", 0)]
        for key, index in expected:
            await pilot.press(key)
            await pilot.pause()
            assert table.cursor_row == index, key
            highlighted = app.last(VirtualTable.RowHighlighted)
            assert (highlighted.index, highlighted.row) == (index, rows[index])
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        selected = app.last(VirtualTable.RowSelected)
        assert (selected.table, selected.index, selected.row) == (table, 2, rows[2])
        assert table.current_row is rows[2]


async def test_the_cursor_row_stays_on_screen():
    app = TableApp(people(1000))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert lines(table)[-1].strip().startswith("999")
        await pilot.press("home")
        await pilot.pause()
        assert lines(table)[1].strip().startswith("0 ")


async def test_the_header_marks_the_sorted_column():
    app = TableApp(people(3))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.sort_column = "name"
        await pilot.pause()
        assert lines(table)[0] == "     Nr  Naam ▲      Plaats"
        table.sort_reverse = True
        await pilot.pause()
        assert lines(table)[0] == "     Nr  Naam ▼      Plaats"
        table.sort_column = None
        await pilot.pause()
        assert "▲" not in lines(table)[0] and "▼" not in lines(table)[0]


async def test_s_asks_to_sort_by_the_column_under_the_column_cursor():
    app = TableApp(people(3))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.focus()
        await pilot.press("right", "s")
        await pilot.pause()
        request = app.last(VirtualTable.SortRequested)
        assert (request.column_key, request.reverse) == ("name", False)
        # The owner sorts and says so; asking again for the same column reverses it.
        table.sort_column = "name"
        await pilot.press("s")
        await pilot.pause()
        assert app.last(VirtualTable.SortRequested).reverse is True
        await pilot.press("right", "right", "right", "s")  # stops at the last column
        await pilot.pause()
        request = app.last(VirtualTable.SortRequested)
        assert (request.column_key, request.reverse) == ("city", False)
        assert table.cursor_column == 2


async def test_clicking_a_header_asks_to_sort_and_clicking_a_row_moves_the_cursor():
    app = TableApp(people(10))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(22, 0))  # "Plaats" starts at x=21
        await pilot.pause()
        request = app.last(VirtualTable.SortRequested)
        assert (request.column_key, request.reverse) == ("city", False)
        assert table.cursor_column == 2
        await pilot.click(VirtualTable, offset=(3, 4))  # line 4 is row 3
        await pilot.pause()
        assert table.cursor_row == 3
        assert app.last(VirtualTable.RowHighlighted).index == 3
        assert not any(isinstance(message, VirtualTable.RowSelected) for message in app.messages)
        await pilot.double_click(VirtualTable, offset=(3, 6))  # a double click opens row 5
        await pilot.pause()
        assert table.cursor_row == 5
        assert app.last(VirtualTable.RowSelected).index == 5


async def test_fewer_rows_clamp_the_cursor():
    app = TableApp(people(50))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.move_cursor(40)
        await pilot.pause()
        fewer = people(5)
        table.set_rows(fewer)
        await pilot.pause()
        assert table.cursor_row == 4
        assert table.current_row is fewer[4]
        assert table.rows is fewer
        highlighted = app.last(VirtualTable.RowHighlighted)
        assert (highlighted.index, highlighted.row) == (4, fewer[4])
        assert lines(table)[5].strip().startswith("4 ")


@pytest.mark.parametrize("kwargs, expected", [({}, "Geen rijen"), ({"empty_text": "Niemand gevonden"}, "Niemand gevonden")])
async def test_an_empty_table_says_so(kwargs, expected):
    app = TableApp([], **kwargs)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.focus()
        await pilot.press("down", "end", "enter")
        await pilot.pause()
        shown = lines(table)
        assert shown[1] == f" {expected}"
        assert all(line == "" for line in shown[2:])
        assert table.current_row is None
        assert not any(isinstance(message, VirtualTable.RowSelected) for message in app.messages)
        assert app.last(VirtualTable.RowHighlighted).row is None


async def test_one_hundred_thousand_rows_paint_and_scroll_to_the_end():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.focus()
        await pilot.pause()
        rows = people(100_000)
        table.set_rows(rows)
        await pilot.pause()
        assert lines(table)[1] == "      0  Persoon 0   Utrecht"
        assert "Persoon 0" in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("end")
        await pilot.pause()
        assert lines(table)[-1] == "  99999  Persoon 9…  Utrecht"
        assert table.current_row is rows[-1]
