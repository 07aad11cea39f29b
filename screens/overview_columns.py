"""The overview's columns at each width, its cells, and the place of the highlighted row (screens/professionals.py)."""
from __future__ import annotations

from typing import NamedTuple

from rich.text import Text

from models.clock import format_date
from models.overview import OverviewRow
from screens.labels import status_text
from tui.cells import Column
from tui.kit.theme import style
from tui.plain import plain

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


class Place(NamedTuple):
    """The highlighted row, to find again after the rows changed: the same registration, else the same index."""

    professional_id: int
    register: str
    number: str
    is_latest: bool
    index: int
    top: int  # the first row on screen


def render_cell(key: str, row: OverviewRow) -> Text:
    dim = "" if row.is_latest else style("muted")
    if key == "register":
        return plain(row.register.removeprefix("Register "), style=dim)  # every name starts so
    if key == "name":
        return plain(row.name if row.is_latest else "  ↳ vorige periode", style=dim)
    if key == "end_date":
        return Text(format_date(row.end_date), style=dim)
    if key == "status":
        return status_text(row.status)
    return Text(str(getattr(row, key)), style=dim)
