"""Live data at scale: how soon a change committed elsewhere shows in a running app's overview.

Run from the repository: `.venv/bin/python bench/live_update.py` (add `INZAGE_DATABASE_URL=postgresql://…`
for PostgreSQL as well; `--sizes 1000` for a quick run). It reuses bench/dataset.py's data set
(built on first use: SQLite in bench/.data/, PostgreSQL in the given database) and its employers
`bench-N`, signed in headless (`App.run_test()`, 120x40) on the Professionals tab with every row loaded.

Figures (median / p95 of `--changes` changes, 20 by default):

  reread_ms    overview_rows(professional_ids=[p]): the one query that reads a changed professional again
  apply_ui_ms  the UI thread's part: p's rows put in place in the OverviewSet, the view, cursor and summary
  apply_ms     pane.data_changed(batch naming p) to the first frame that shows p's new row (the query in a
               worker, the UI thread's part, the paint); p's points changed beforehand, outside the change feed
  live_update  the commit in ANOTHER PROCESS (models functions: an activity added or deleted, a grant revoked
               or given again, in turn) to the first frame that shows it, through the app's change watcher as
               it runs in use (SQLite: polling every second; PostgreSQL: LISTEN/NOTIFY). Both processes read
               time.monotonic(), one clock for the whole machine. A random pause before each change keeps it
               from falling at the same point of the watcher's second each time.

The data set is left as it was: every activity added is deleted again, every grant revoked is given again.

`--burst` measures instead what bench/burst.py describes: 100 changes from 4 writers at once with the
overview of 100,000 rows open (the screen equal to a fresh read, key echo meanwhile), and one account's
flood of writes against an unrelated open app (its CPU). `--sizes 1000` runs it on bench-1000 instead.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import random
import statistics
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

from bench.dataset import TODAY, ensure_dataset  # noqa: E402
from bench.scale import Frames, print_markdown  # noqa: E402
from models.accounts import Account  # noqa: E402
from models.db import open_database  # noqa: E402

SIZES = (1_000, 100_000)
CHANGES = 20
WIDTH, HEIGHT = 120, 40
GOALS = {  # p95 in ms, by (figure, database label or N)
    ("apply_ms", 100_000): 50,
    ("live_update", "SQLite"): 1500,
    ("live_update", "PostgreSQL"): 300,
}
GOAL_TEXT = {"apply_ms": "p95 ≤ 50 ms at 100,000", "live_update": "p95 ≤ 1500 ms SQLite, ≤ 300 ms PostgreSQL"}
WAIT = 30.0  # seconds before a change that never shows counts as a failure of the benchmark


def p95(samples: list[float]) -> float:
    """Nearest rank: of 20 samples, the 19th smallest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def both(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples) * 1000, p95(samples) * 1000


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 600
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.002)


# -- what changes: professionals in bench-N's overview with a running period -------------------------------------
class Subject:
    def __init__(self, professional_id: int, register: str, number: str, period_id: int, account_id: int,
                 grant_id: int, branch_id: int) -> None:
        self.professional_id, self.register, self.number = professional_id, register, number
        self.period_id, self.account_id, self.grant_id, self.branch_id = period_id, account_id, grant_id, branch_id


def subjects(account: Account, count: int, seed: int) -> list[Subject]:
    from models.grants import AccessGrant
    from models.overview import overview_rows
    from models.professionals import Register, Registration, RegistrationPeriod

    rows = [row for row in overview_rows(account, TODAY) if row.is_latest and row.end_date >= TODAY]
    rng = random.Random(seed)
    chosen: list[Subject] = []
    seen: set[int] = set()
    for row in rng.sample(rows, min(len(rows), count * 4)):
        if row.professional_id in seen:
            continue
        period = (RegistrationPeriod.select().join(Registration).join(Register)
                  .where(Register.name == row.register, Registration.number == row.number)
                  .order_by(RegistrationPeriod.seq.desc()).first())
        grant = (AccessGrant.select().where(AccessGrant.professional == row.professional_id,
                                            AccessGrant.branch.in_([b.id for b in account.managed_branches]),
                                            AccessGrant.revoked_at.is_null()).first())
        login = Account.get_or_none(Account.professional == row.professional_id)
        if period is None or period.start_date > TODAY or grant is None or login is None:
            continue
        seen.add(row.professional_id)
        chosen.append(Subject(row.professional_id, row.register, row.number, period.id, login.id, grant.id,
                              grant.branch_id))
        if len(chosen) == count:
            break
    return chosen


# -- the other process ------------------------------------------------------------------------------------------
def child(url: str) -> None:
    """Another session's process: one change per line on stdin, answered with the moment of its commit."""
    from models.activities import ActivityForm, add_activity, delete_activity
    from models.clock import FixedClock
    from models.inzage import GrantChanges, save_changes

    open_database(url)
    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9)))
    for line in sys.stdin:
        order = json.loads(line)
        account = Account.get_by_id(order["account"])
        answer: dict = {}
        if order["op"] == "add":
            form = ActivityForm("Benchmark", "training", TODAY.strftime("%d-%m-%Y"), "5", "bench")
            activity = add_activity(account, order["period"], form, clock)
            answer["activity"] = activity.id
        elif order["op"] == "delete":
            delete_activity(account, order["activity"], clock)
        elif order["op"] == "revoke":
            save_changes(account, GrantChanges(revoke={order["grant"]}), clock)
        else:
            save_changes(account, GrantChanges(add=[(order["branch"], None)]), clock)
        answer["at"] = time.monotonic()  # the change is committed: the models functions returned
        print(json.dumps(answer), flush=True)


# -- the running app ---------------------------------------------------------------------------------------------
async def figures(url: str, account: Account, changes: int, seed: int) -> dict[str, tuple[float, float]]:
    from bench.scale import make_bench_app
    from models.changes import Batch, Kind, Topic
    from models.grants import AccessGrant
    from models.overview import overview_rows
    from models.professionals import RegistrationPeriod
    from screens.professionals import ProfessionalsPane

    chosen = subjects(account, max(changes // 4, 1) * 2, seed)
    reread = []
    for subject in chosen * 2:
        start = time.perf_counter()
        overview_rows(account, TODAY, professional_ids=[subject.professional_id])
        reread.append(time.perf_counter() - start)

    app = make_bench_app()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        for _ in range(3):
            await pilot.pause()
        app.logged_in(account)
        await until(lambda: bool(app.screen.query(ProfessionalsPane))
                    and app.screen.query_one(ProfessionalsPane).overview is not None, "all rows loaded")
        pane = app.screen.query_one(ProfessionalsPane)
        table = pane.query_one("#overview-table")
        frames = Frames(app, clock=time.monotonic, collect=False)  # monotonic: the child's commit time too
        await pilot.pause()

        def row_of(subject: Subject):
            if pane.overview is None:
                return None
            index = pane.overview.position(subject.professional_id, subject.register, subject.number)
            return None if index is None else table.rows[index]

        def achieved(subject: Subject) -> int | None:
            row = row_of(subject)
            return None if row is None else row.achieved

        async def quiet() -> None:
            await until(lambda: not pane.reading and not pane._pending, "reads done")
            await pilot.pause()

        # apply_ms: p's points changed in the database behind the feed's back, then the batch handed over.
        ui_samples: list[float] = []
        timing = [False]
        some_read = pane.some_read

        def timed_some_read(*args) -> None:
            start = time.perf_counter()
            some_read(*args)
            if timing[0]:
                ui_samples.append(time.perf_counter() - start)
        pane.some_read = timed_some_read
        apply = []
        for number in range(changes):
            subject = chosen[number % len(chosen)]
            before = achieved(subject)
            for value, timed in ((before + 1, True), (before, False)):  # changed, and back (not timed)
                RegistrationPeriod.update(achieved=value).where(RegistrationPeriod.id == subject.period_id).execute()
                timing[0] = timed
                start = frames.expect(lambda subject=subject, value=value: achieved(subject) == value)
                pane.data_changed(Batch(frozenset({Topic(Kind.PROFESSIONAL, subject.professional_id)})))
                at = await frames.first(WAIT)
                if timed:
                    apply.append(at - start)
                await quiet()
        timing[0] = False

        # live_update: the change made in another process, seen through the change watcher.
        process = await asyncio.create_subprocess_exec(sys.executable, __file__, "--child", url, cwd=ROOT,
                                                       stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        rng = random.Random(seed)

        async def change(order: dict, shows: Callable[[], bool]) -> dict:
            await asyncio.sleep(rng.uniform(0, app.watch_interval))
            frames.expect(shows)
            process.stdin.write((json.dumps(order) + "\n").encode())
            await process.stdin.drain()
            answer = json.loads(await process.stdout.readline())
            live.append(await frames.first(WAIT) - answer["at"])
            await quiet()
            return answer

        live: list[float] = []
        number = 0
        while len(live) < changes:
            subject = chosen[number % len(chosen)]
            number += 1
            before = achieved(subject)
            answer = await change({"op": "add", "account": subject.account_id, "period": subject.period_id},
                                  lambda subject=subject, before=before: achieved(subject) not in (before, None))
            await change({"op": "delete", "account": subject.account_id, "activity": answer["activity"]},
                         lambda subject=subject, before=before: achieved(subject) == before)
            await change({"op": "revoke", "account": subject.account_id, "grant": subject.grant_id},
                         lambda subject=subject: pane.overview is not None
                         and pane.overview.position(subject.professional_id) is None)
            await change({"op": "grant", "account": subject.account_id, "branch": subject.branch_id},
                         lambda subject=subject: pane.overview is not None
                         and pane.overview.position(subject.professional_id) is not None)
            subject.grant_id = AccessGrant.get(AccessGrant.professional == subject.professional_id,
                                               AccessGrant.branch == subject.branch_id,
                                               AccessGrant.revoked_at.is_null()).id
        process.stdin.close()
        await process.wait()
        rows = float(pane.overview.row_count)
    return {"rows": (rows, rows), "reread_ms": both(reread), "apply_ui_ms": both(ui_samples),
            "apply_ms": both(apply), "live_update": both(live[:changes])}


# -- the table ---------------------------------------------------------------------------------------------------
ORDER = ["rows", "reread_ms", "apply_ui_ms", "apply_ms", "live_update"]


def cell(key: str, values: tuple[float, float]) -> str:
    if key == "rows":
        return f"{int(values[0]):,}"
    return " / ".join(f"{value:.1f}" if value < 100 else f"{value:.0f}" for value in values) + " ms"


def met(key: str, label: str, n: int, values: tuple[float, float]) -> bool | None:
    """Whether the p95 meets its goal; None where there is none."""
    limit = GOALS.get((key, n)) or GOALS.get((key, label))
    return None if limit is None else values[1] <= limit


def print_table(results: dict[tuple[str, int], dict[str, tuple[float, float]]], changes: int) -> None:
    keys = list(results)
    head = ["figure (median / p95)", *(f"{label} N={n:,}" for label, n in keys), "goal", ""]
    lines = [head]
    for key in ORDER:
        verdicts = {met(key, label, n, results[(label, n)][key]) for label, n in keys} - {None}
        lines.append([key, *(cell(key, results[k][key]) for k in keys), GOAL_TEXT.get(key, ""),
                      "" if not verdicts else "ok" if all(verdicts) else "MISSED"])
    print(f"\nLive updates — {changes} changes each, headless {WIDTH}×{HEIGHT}\n")
    print_markdown(lines)


def run_database(label: str, url: str, sizes: tuple[int, ...], changes: int,
                 results: dict[tuple[str, int], dict[str, tuple[float, float]]]) -> None:
    database = open_database(url)
    database.connect(reuse_if_open=True)
    print(f"\n## {label}", flush=True)
    usernames = ensure_dataset(database, say=lambda line: print(line, flush=True))
    for n in sizes:
        account = Account.get(Account.username == usernames[n])
        results[(label, n)] = asyncio.run(figures(url, account, changes, seed=n))
        print(f"  N={n:,} measured", flush=True)
    database.close()


def run_burst(n: int) -> None:
    from bench import burst

    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    results = {}
    targets = [("SQLite", f"sqlite:///{ROOT / 'bench' / '.data' / 'bench-100000.sqlite3'}")]
    if os.environ.get("INZAGE_DATABASE_URL", "").startswith("postgres"):
        targets.append(("PostgreSQL", os.environ["INZAGE_DATABASE_URL"]))
    for label, url in targets:
        database = open_database(url)
        database.connect(reuse_if_open=True)
        print(f"\n## {label}", flush=True)
        usernames = ensure_dataset(database, say=lambda line: print(line, flush=True))
        results[f"{label} N={n:,}"] = asyncio.run(burst.figures(url, Account.get(Account.username == usernames[n])))
        database.close()
    burst.print_table(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), choices=SIZES)
    parser.add_argument("--changes", type=int, default=CHANGES)
    parser.add_argument("--burst", action="store_true", help="the burst and flood figures (bench/burst.py)")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--writer", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.writer:
        from bench.burst import writer

        writer(args.writer)
        return
    if args.burst:
        run_burst(max(args.sizes) if args.sizes != list(SIZES) else 100_000)
        return
    sizes = tuple(sorted(args.sizes))
    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    results: dict[tuple[str, int], dict[str, tuple[float, float]]] = {}
    run_database("SQLite", f"sqlite:///{ROOT / 'bench' / '.data' / 'bench-100000.sqlite3'}", sizes, args.changes,
                 results)
    url = os.environ.get("INZAGE_DATABASE_URL", "")
    if url.startswith("postgres"):
        run_database("PostgreSQL", url, sizes, args.changes, results)
    print_table(results, args.changes)


if __name__ == "__main__":
    main()
