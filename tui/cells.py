"""A table's cells: its columns, and content fitted to exactly a column's width (for tui.table.VirtualTable)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.plain import plain, visible

CellRenderer = Callable[[str, Any], "str | Text"]

CELL_PADDING = 1
SORT_MARKS = {False: "▲", True: "▼"}


class LineStyles(NamedTuple):
    base: Style
    header: Style
    header_cursor: Style
    even_row: Style
    cursor: Style


@dataclass(frozen=True)
class Column:
    """One column of a `VirtualTable`: the key passed to `render_cell`, its header and width."""

    key: str
    label: str
    width: int
    align: str = "left"


def fit_cell(content: str | Text, width: int, align: str = "left") -> Text:
    """One line of exactly `width` cells: control characters made visible (tui.plain), cut with "…", padded."""
    if isinstance(content, Text):
        text = content.copy()
        shown = visible(text.plain)  # one for one, so the spans of the Text stay valid
        if shown != text.plain:
            text.plain = shown
    else:
        text = plain(str(content))  # never markup
    text.no_wrap = True
    text.truncate(width, overflow="ellipsis")
    missing = width - text.cell_len
    if missing > 0:
        if align == "right":
            text.pad_left(missing)
        else:
            text.pad_right(missing)
    return text


def fit_plain(content: str, width: int, align: str = "left") -> str:
    """`fit_cell` for a plain string, without building a Text when it fits (the usual case)."""
    shown = visible(content)
    missing = width - cell_len(shown)
    if missing < 0:
        return fit_cell(shown, width).plain
    return " " * missing + shown if align == "right" else shown + " " * missing
