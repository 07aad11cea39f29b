"""inzage at national-register scale: one table per database, medians of 5 runs, at N = 1,000 to 100,000.

Run from the repository: `.venv/bin/python bench/scale.py` (add `INZAGE_DATABASE_URL=postgresql://…`
for a PostgreSQL table as well; that database must be empty or an earlier benchmark set). The data
set (100,000 professionals from the demo generator, plus employers `bench-N` who see N overview
rows) is built on first use and reused: SQLite in bench/.data/, PostgreSQL in the given database.

Screen figures are headless (`App.run_test()`, 120x40) and run from just before the action (the
workspace opening, a key pressed) to the first frame the app sends to the terminal that shows its
result (see `Frames`).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="inzage-bench-"))  # no state.json in your home
os.environ.setdefault("XDG_CONFIG_HOME", os.environ["XDG_DATA_HOME"])

from bench.dataset import PASSWORD, SIZES, TODAY, ensure_dataset  # noqa: E402
from bench.floor import floor_rows  # noqa: E402
from models.accounts import Account  # noqa: E402
from models.clock import FixedClock  # noqa: E402
from models.db import open_database  # noqa: E402
from models.overview import overview_rows  # noqa: E402
from models.passwords import verify_password  # noqa: E402
from tui.pty_session import set_window_size  # noqa: E402

RUNS = 5
WIDTH, HEIGHT = 120, 40
TARGETS = {  # at N = 100,000, in ms (peak_rss in MB)
    "tab_paint": 300, "filter_key": 50, "sort": 200, "dossier_open": 100, "cold_start": 1000, "peak_rss": 300,
}


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return median(samples) * 1000, result


# -- the screen, headless ------------------------------------------------------------------
def make_bench_app():
    from models.mail import MailSettings
    from tui.app import make_app

    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9)))
    return make_app(clock, mail=MailSettings(outbox_dir=Path(tempfile.mkdtemp()) / "outbox"), idle_minutes=600)


async def until(condition: Callable[[], bool], pilot) -> None:
    while not condition():
        await asyncio.sleep(0.001)
    await pilot.pause()


class Frames:
    """When the screen first showed something: every frame the app sends to the terminal passes
    through `App._display` (headless too), and the first one for which `condition()` holds ends
    the measurement. So a figure stops at the frame, not at the pilot's idle wait after it."""

    def __init__(self, app, clock: Callable[[], float] = time.perf_counter, collect: bool = True) -> None:
        """`clock`: time.monotonic to compare with a time taken in another process; `collect`: run the
        garbage collector before each measurement, so that it does not run during one."""
        self.condition: Callable[[], bool] | None = None
        self.at: float | None = None
        self.clock, self.collect = clock, collect
        display = app._display

        def watched(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and self.at is None and self.condition is not None and self.condition():
                self.at = self.clock()
        app._display = watched

    def expect(self, condition: Callable[[], bool]) -> float:
        if self.collect:
            gc.collect()
        self.condition, self.at = condition, None
        return self.clock()

    async def first(self, timeout: float) -> float:
        """The time of the first frame for which the condition held; TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while self.at is None:
            if time.monotonic() > deadline:
                raise TimeoutError("the change did not show")
            await asyncio.sleep(0.001)
        self.condition = None
        return self.at

    async def seen(self, start: float, pilot) -> float:
        while self.at is None:
            await asyncio.sleep(0.001)
        elapsed = self.at - start
        await pilot.pause()
        return elapsed


async def screen_figures(account: Account, runs: int) -> dict[str, float]:
    from screens.dossier import DossierScreen
    from screens.professionals import ProfessionalsPane
    from tui.table import VirtualTable

    paint, filter_key, sort, dossier = [], [], [], []
    for run in range(runs):
        app = make_bench_app()
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            for _ in range(3):  # let the login screen finish mounting (as it has when a user signs in)
                await pilot.pause()
            frames = Frames(app)

            def rows_shown() -> bool:
                tables = app.screen.query(VirtualTable)
                return bool(tables) and len(tables.first().rows) > 0
            start = frames.expect(rows_shown)
            app.logged_in(account)  # the workspace opens on its first tab, Professionals
            paint.append(await frames.seen(start, pilot))
            pane = app.screen.query_one(ProfessionalsPane)
            table = app.screen.query_one(VirtualTable)
            await until(lambda: pane.overview is not None, pilot)  # all rows in: the rest works on them
            assert len(table.rows) == pane.overview.row_count

            name_filter = app.screen.query_one("#name-filter")
            name_filter.focus()
            await pilot.pause()
            before = table.rows
            start = frames.expect(lambda: table.rows is not before)
            await pilot.press("aeoin"[run % 5])
            filter_key.append(await frames.seen(start, pilot))
            assert 0 < len(table.rows) < pane.overview.row_count or pane.overview.row_count < 50
            name_filter.value = ""
            table.focus()
            await pilot.pause()

            before = table.rows
            start = frames.expect(lambda: table.rows is not before)
            await pilot.press("s")  # sort by the cursor's column, Naam
            sort.append(await frames.seen(start, pilot))
            assert pane.sort_key == "name"

            for _ in range(run * 7):
                table.action_cursor_down()
            await pilot.pause()

            def dossier_shown() -> bool:
                return isinstance(app.screen, DossierScreen) and not app.screen.query_one("#dossier").loading
            start = frames.expect(dossier_shown)
            await pilot.press("enter")
            dossier.append(await frames.seen(start, pilot))
            await pilot.press("escape")
    return {"tab_paint": median(paint) * 1000, "filter_key": median(filter_key) * 1000,
            "sort": median(sort) * 1000, "dossier_open": median(dossier) * 1000}


# -- processes: cold start and peak memory ---------------------------------------------------
def cold_start(url: str, runs: int) -> float:
    """Process start to the login screen drawn, in a real PTY read through a terminal emulator."""
    import pty

    import pyte

    samples = []
    for _ in range(runs):
        master, slave = pty.openpty()
        screen = pyte.Screen(WIDTH, HEIGHT)
        stream = pyte.ByteStream(screen)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env.update(TERM="xterm-256color", INZAGE_DATABASE_URL=url)
        set_window_size(master, WIDTH, HEIGHT)
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "tui.cli", "run"], stdin=slave, stdout=slave, stderr=slave,
                                 env=env, cwd=ROOT, start_new_session=True)
        os.close(slave)
        while "Gebruikersnaam" not in "\n".join(screen.display):
            stream.feed(os.read(master, 65536))
        samples.append(time.perf_counter() - start)
        os.write(master, b"\x11")  # ctrl+q
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass
        child.wait(timeout=30)
        os.close(master)
    return median(samples) * 1000


def peak_rss(url: str, username: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, __file__, "--probe-rss", url, username], capture_output=True,
                                text=True, check=True, cwd=ROOT, timeout=300).stdout
        samples.append(float(output.split()[-1]))
    return median(samples)


def probe_rss(url: str, username: str) -> None:
    """In its own process: open the workspace with every row loaded, then report the peak RSS in MB."""
    from screens.professionals import ProfessionalsPane

    open_database(url)
    account = Account.get(Account.username == username)

    async def run() -> None:
        app = make_bench_app()
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            for _ in range(3):
                await pilot.pause()
            app.logged_in(account)
            await until(lambda: app.screen.query(ProfessionalsPane)
                        and app.screen.query_one(ProfessionalsPane).overview is not None, pilot)
    asyncio.run(run())
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the forking parent
    # (this benchmark, holding 100,000 rows), VmHWM starts afresh with the new program.
    status = Path("/proc/self/status").read_text()
    print(int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024)


# -- the stock table, for comparison -----------------------------------------------------------
async def stock_datatable(rows: list, runs: int) -> dict[str, float]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    cells = [(row.name, row.register, row.number, str(row.end_date), str(row.norm), str(row.achieved), row.status)
             for row in rows]

    class StockApp(App):
        def compose(self) -> ComposeResult:
            table = DataTable(cursor_type="row")
            table.add_columns("Naam", "Register", "Registratienummer", "Einddatum", "Norm", "Behaald", "Status")
            yield table

    paint, sort = [], []
    for _ in range(runs):
        app = StockApp()
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await pilot.pause()
            table = app.query_one(DataTable)
            gc.collect()
            start = time.perf_counter()
            table.add_rows(cells)
            await pilot.pause()
            paint.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            table.sort(table.ordered_columns[0].key)
            await pilot.pause()
            sort.append(time.perf_counter() - start)
    return {"tab_paint": median(paint) * 1000, "sort": median(sort) * 1000}


# -- one database ----------------------------------------------------------------------------
def run_database(label: str, url: str, runs: int, sizes: tuple[int, ...], compare: bool) -> None:
    database = open_database(url)
    database.connect(reuse_if_open=True)
    print(f"\n## {label}\n", flush=True)
    usernames = ensure_dataset(database, say=lambda line: print(line, flush=True))
    from models.passwords import PRODUCTION_PARAMETERS, use_parameters

    use_parameters(PRODUCTION_PARAMETERS)
    figures: dict[int, dict[str, float]] = {}
    rows_by_size: dict[int, list] = {}
    for n in sizes:
        account = Account.get(Account.username == usernames[n])
        sql_ms, rows = timed(lambda account=account: overview_rows(account, TODAY), runs)
        floor_ms, floor = timed(lambda account=account: floor_rows(database, account.id, TODAY), runs)
        assert [(row[0], row[3], row[7]) for row in rows] == [(row[0], row[3], row[7]) for row in floor], \
            "floor_sql does not return the same rows"
        rows_by_size[n] = rows
        login_ms, _ = timed(lambda account=account: verify_password(account.password_hash, PASSWORD), runs)
        screen = asyncio.run(screen_figures(account, runs))
        figures[n] = {"rows": len(rows), "overview_sql": sql_ms, "floor_sql": floor_ms, "ratio": sql_ms / floor_ms,
                      **screen, "login_verify": login_ms, "cold_start": cold_start(url, runs),
                      "peak_rss": peak_rss(url, usernames[n], runs)}
        print(f"  N={n:,} measured", flush=True)
    print_table(label, figures, sizes)
    if compare and sizes[-1] >= 100_000:
        print_comparison(figures[sizes[-1]], rows_by_size[sizes[-1]], runs)
    database.close()


ORDER = ["rows", "overview_sql", "floor_sql", "ratio", "tab_paint", "filter_key", "sort", "dossier_open",
         "login_verify", "cold_start", "peak_rss"]


def show(key: str, value: float) -> str:
    if key == "rows":
        return f"{int(value):,}"
    if key == "ratio":
        return f"{value:.2f}×"
    if key == "peak_rss":
        return f"{value:.0f} MB"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def target_of(key: str, values: dict[str, float]) -> tuple[str, str]:
    if key == "ratio":
        return "≤ 2.00×", "ok" if values["ratio"] <= 2 else "MISSED"
    if key in TARGETS:
        limit = TARGETS[key]
        unit = " MB" if key == "peak_rss" else " ms"
        return f"≤ {limit}{unit}", "ok" if values[key] <= limit else "MISSED"
    return "", ""


def print_table(label: str, figures: dict[int, dict[str, float]], sizes: tuple[int, ...]) -> None:
    first, last = sizes[0], sizes[-1]
    head = ["figure", *(f"N={n:,}" for n in sizes), f"target at {last:,}", "", f"{last // first}× N: growth"]
    lines = [head]
    for key in ORDER:
        target, verdict = target_of(key, figures[last])
        growth = "" if key in ("rows", "ratio") else f"{figures[last][key] / figures[first][key]:.1f}×"
        lines.append([key, *(show(key, figures[n][key]) for n in sizes), target, verdict, growth])
    print(f"\n{label} — median of {RUNS} runs, headless {WIDTH}×{HEIGHT}\n")
    print_markdown(lines)


def print_markdown(lines: list[list[str]]) -> None:
    """A markdown table: the first line is the head; the first column left-aligned, the others right."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    print("| " + " | ".join(cell.ljust(width) for cell, width in zip(lines[0], widths)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for line in lines[1:]:
        print("| " + " | ".join(cell.rjust(width) if i else cell.ljust(width)
                                  for i, (cell, width) in enumerate(zip(line, widths))) + " |")
    sys.stdout.flush()


def print_comparison(ours: dict[str, float], rows: list, runs: int) -> None:
    stock = asyncio.run(stock_datatable(rows, runs))
    print(f"\nThe same {len(rows):,} rows in other tables (median of {runs} runs):\n")
    print("| table | rows on screen | sort by name |")
    print("|---|---|---|")
    print(f"| inzage VirtualTable (tab_paint, sort above) | {show('tab_paint', ours['tab_paint'])} | "
          f"{show('sort', ours['sort'])} |")
    print(f"| Textual DataTable (add_rows + paint) | {show('x', stock['tab_paint'])} | {show('x', stock['sort'])} |")
    try:
        import textual_fastdatatable  # noqa: F401
    except ImportError:
        print("| textual-fastdatatable | not installed | |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), choices=SIZES)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-compare", action="store_true", help="skip the stock DataTable at 100,000 rows")
    parser.add_argument("--probe-rss", nargs=2, metavar=("URL", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_rss:
        probe_rss(*args.probe_rss)
        return
    sizes = tuple(sorted(args.sizes))
    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    run_database("SQLite", f"sqlite:///{ROOT / 'bench' / '.data' / 'bench-100000.sqlite3'}", args.runs, sizes,
                 not args.no_compare)
    url = os.environ.get("INZAGE_DATABASE_URL", "")
    if url.startswith("postgres"):
        run_database("PostgreSQL", url, args.runs, sizes, False)


if __name__ == "__main__":
    main()
