"""Benchmark: VirtualTable against Textual's DataTable, headless, at 1,000 to 100,000 rows.

Run with `.venv/bin/python bench/table_bench.py [--datatable-runs-at-100k N]`. Every figure
is the median of 5 runs, from just before the rows are handed over (or the key is
pressed) to just after `await pilot.pause()` has let the screen paint. `pilot.pause()`
itself waits for the process to go idle, so each figure includes that wait (printed
first, on an empty table); "set_rows+render lines" is the table's own work without
the event loop: `set_rows` plus `render_line` for every line on screen.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable

from tui.table import Column, VirtualTable

SIZES = (1_000, 10_000, 100_000)
RUNS = 5
COLUMNS = [
    Column("number", "Registratienr.", 14, "right"),
    Column("name", "Naam", 28),
    Column("branch", "Vestiging", 20),
    Column("points", "Punten", 8, "right"),
    Column("status", "Status", 14),
]
Row = tuple[str, str, str, str, str]


def make_rows(count: int) -> list[Row]:
    statuses = ("op schema", "achter", "behaald")
    return [(f"{100000 + i}", f"Professional {i:06d} van der Berg", f"Vestiging {i % 37}", str(i % 120),
             statuses[i % 3]) for i in range(count)]


def render_cell(key: str, row: Row) -> str:
    return row[[column.key for column in COLUMNS].index(key)]


class VirtualApp(App):
    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, render_cell=render_cell)


class StockApp(App):
    def compose(self) -> ComposeResult:
        table = DataTable(cursor_type="row")
        table.add_columns(*(column.label for column in COLUMNS))
        yield table


async def settle(pilot: Pilot) -> None:
    """Let a freshly started app finish its start-up work (one pause is not enough)."""
    for _ in range(3):
        await pilot.pause()


async def timed(app: App, prepare: Callable[[App], None] | None,
                action: Callable[[App, Pilot], Awaitable[None] | None]) -> float:
    """Seconds from just before `action` until the screen has been painted after it."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        if prepare is not None:
            prepare(app)
            await settle(pilot)
        gc.collect()  # garbage from building the rows or from the previous run is not the table's cost
        start = time.perf_counter()
        result = action(app, pilot)
        if result is not None:
            await result
        await pilot.pause()
        elapsed = time.perf_counter() - start
        text = app.export_screenshot()
        assert "Vestiging" in text, "nothing painted"
        return elapsed


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:9.1f} ms"


def widget_work(app: App, rows: list[Row]) -> float:
    """Seconds for set_rows plus rendering every line on screen, without the event loop."""
    table = app.query_one(VirtualTable)
    start = time.perf_counter()
    table.set_rows(rows)
    for y in range(table.size.height):
        table.render_line(y)
    return time.perf_counter() - start


async def widget_samples(rows: list[Row]) -> list[float]:
    app = VirtualApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        samples = []
        for _ in range(RUNS):
            app.query_one(VirtualTable).set_rows([])
            await pilot.pause()
            gc.collect()
            samples.append(widget_work(app, rows))
        return samples


async def run(datatable_runs_at_100k: int) -> None:
    async def press_unbound(app: App, pilot: Pilot) -> None:
        await pilot.press("x")

    idle = [await timed(VirtualApp(), None, lambda app, pilot: None) for _ in range(RUNS)]
    press = [await timed(VirtualApp(), None, press_unbound) for _ in range(RUNS)]
    print("Headless, 120x40; median of 5 runs. Pilot overhead on an empty table:")
    print(f"  pause() alone {median_ms(idle).strip()}; press() of an unbound key + pause() {median_ms(press).strip()}\n")
    print(f"{'rows':>8} | {'(a) set_rows+paint':>18} | {'set_rows+render lines':>21} | "
          f"{'(b) page down':>13} | {'(c) DataTable add_rows+paint':>28}")
    print("-" * 101)
    for count in SIZES:
        rows = make_rows(count)

        def set_rows(app: App, pilot: Pilot, rows: list[Row] = rows) -> None:
            app.query_one(VirtualTable).set_rows(rows)

        def prepare(app: App, rows: list[Row] = rows) -> None:
            table = app.query_one(VirtualTable)
            table.set_rows(rows)
            table.focus()

        async def page_down(app: App, pilot: Pilot) -> None:
            await pilot.press("pagedown")

        def add_rows(app: App, pilot: Pilot, rows: list[Row] = rows) -> None:
            app.query_one(DataTable).add_rows(rows)

        virtual = [await timed(VirtualApp(), None, set_rows) for _ in range(RUNS)]
        direct = await widget_samples(rows)
        paging = [await timed(VirtualApp(), prepare, page_down) for _ in range(RUNS)]
        stock_runs = RUNS if count < 100_000 else datatable_runs_at_100k
        stock = [await timed(StockApp(), None, add_rows) for _ in range(stock_runs)]
        note = "" if stock_runs == RUNS else " (1 run)" if stock_runs == 1 else f" ({stock_runs} runs)"
        print(f"{count:>8,} | {median_ms(virtual):>18} | {median_ms(direct):>21} | {median_ms(paging):>13} | "
              f"{median_ms(stock):>28}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datatable-runs-at-100k", type=int, default=1,
                        help="runs of the stock DataTable at 100,000 rows (each takes 10+ seconds)")
    asyncio.run(run(max(1, parser.parse_args().datatable_runs_at_100k)))


if __name__ == "__main__":
    main()
