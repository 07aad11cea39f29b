"""Live data under a burst and under one account's flood (issue 29, points 8 and 9); run through
`bench/live_update.py --burst`, which prints the table.

burst  bench-100000 has the Professionals tab open, every row loaded. Four writer processes make 100
       changes at once, as fast as they can (25 each: an activity added, the grant revoked, given again,
       the activity deleted, professional after professional). Meanwhile a key (↓, then ↑) is pressed
       every 50 ms and timed to the first frame that shows the cursor moved.
         settle_s   the last commit to the moment the screen last changed, once it equals a fresh read
                    (the changed professionals' rows and the number of rows): goal ≤ 2 s
         echo_ms    key press to frame during the burst, median / p95: goal p95 ≤ 100 ms
flood  An employer of another organisation has their overview open. One professional adds and deletes an
       activity in a loop for FLOOD_S seconds (with a clock that stands still: the per-account rate limit
       counts moments, so it lets this through; a real clock is refused after 60 in a minute).
         flood_writes   the writes committed
         flood_cpu_s    CPU seconds the open app used meanwhile: goal ≤ 0.5 per 20 s
         idle_cpu_s     the same app over FLOOD_S seconds with nobody writing
The data set is left as it was: every activity added is deleted, every grant revoked is given again.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path

from bench.dataset import TODAY
from models.accounts import Account

ROOT = Path(__file__).resolve().parent.parent
WRITERS, PER_WRITER = 4, 25
ECHO_EVERY_S = 0.05
ECHO_FOR_S = 3.0  # keys are pressed from the start of the burst for this long at least
FLOOD_S = 20.0
SETTLE_GOAL_S, ECHO_GOAL_MS, CPU_GOAL_S = 2.0, 100.0, 0.5


# -- the writers (child processes) ---------------------------------------------------------------------------------
def writer(url: str) -> None:
    """Orders on stdin: one JSON list, then the mode ("burst": once, "flood": again and again for FLOOD_S);
    answers with the monotonic time of its last commit, then on "clean" deletes what it added."""
    from models.activities import ActivityForm, add_activity, delete_activity
    from models.clock import FixedClock
    from models.db import open_database
    from models.grants import AccessGrant
    from models.inzage import GrantChanges, save_changes

    open_database(url)
    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9)))
    form = ActivityForm("Burst", "training", TODAY.strftime("%d-%m-%Y"), "5", "bench")
    orders = json.loads(sys.stdin.readline())
    print("ready", flush=True)
    mode = sys.stdin.readline().strip()
    done, made, last = 0, {}, 0.0
    deadline = time.monotonic() + FLOOD_S
    while True:
        for order in orders:
            account = Account.get_by_id(order["account"])
            if order["op"] == "add":
                made[order["period"]] = (account, add_activity(account, order["period"], form, clock).id)
            elif order["op"] == "delete":
                delete_activity(account, made.pop(order["period"])[1], clock)
            elif order["op"] == "revoke":
                grant = AccessGrant.get(AccessGrant.professional == account.professional_id,
                                        AccessGrant.branch == order["branch"], AccessGrant.revoked_at.is_null())
                save_changes(account, GrantChanges(revoke={grant.id}), clock)
            else:
                save_changes(account, GrantChanges(add=[(order["branch"], None)]), clock)
            done, last = done + 1, time.monotonic()
        if mode != "flood" or time.monotonic() > deadline:
            break
    print(json.dumps({"last": last, "done": done}), flush=True)
    sys.stdin.readline()  # "clean", once the figures are taken
    for account, activity in made.values():  # the data set as it was
        delete_activity(account, activity, clock)


async def start_writer(url: str, orders: list[dict]) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "live_update.py"), "--writer", url, cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    process.stdin.write((json.dumps(orders) + "\n").encode())
    await process.stdin.drain()
    assert (await process.stdout.readline()).strip() == b"ready"
    return process


async def go(processes: list[asyncio.subprocess.Process], mode: str) -> list[dict]:
    for process in processes:
        process.stdin.write(f"{mode}\n".encode())
        await process.stdin.drain()
    return [json.loads(await process.stdout.readline()) for process in processes]


async def clean(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        process.stdin.write(b"clean\n")
        process.stdin.close()
        await process.wait()


def cycle(subject, count: int) -> list[dict]:
    """`count` orders on one professional: add an activity, revoke the grant, grant again, delete the activity."""
    steps = ("add", "revoke", "grant", "delete")
    return [{"op": steps[index % 4], "account": subject.account_id, "period": subject.period_id,
             "branch": subject.branch_id} for index in range(count)]


def orders_for(subjects, count: int) -> list[dict]:
    """`count` orders, professional after professional; a grant left revoked is given again (an activity left
    added is deleted by the writer when it cleans up)."""
    orders: list[dict] = []
    for subject in subjects:
        orders += cycle(subject, 4)
    orders = orders[:count]
    last = orders[-1]
    if last["op"] == "revoke":  # never leave a grant revoked (an activity added is deleted by the writer)
        orders.append({**last, "op": "grant"})
    return orders


@contextlib.asynccontextmanager
async def overview_open(account: Account):
    """A headless app (120x40) signed in as `account`, on the Professionals tab with every row loaded and its
    change watcher listening: (app, pilot, the pane)."""
    from bench.live_update import until
    from bench.scale import make_bench_app
    from screens.professionals import ProfessionalsPane

    app = make_bench_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
        app.logged_in(account)
        await until(lambda: bool(app.screen.query(ProfessionalsPane))
                    and app.screen.query_one(ProfessionalsPane).overview is not None, "all rows loaded")
        await until(lambda: app._watcher.ready.is_set(), "the watcher")
        yield app, pilot, app.screen.query_one(ProfessionalsPane)


# -- the burst -----------------------------------------------------------------------------------------------------
async def burst(url: str, account: Account) -> dict[str, tuple[float, float]]:
    from bench.live_update import both, subjects
    from bench.scale import Frames
    from models.db import db
    from models.overview import overview_rows

    chosen = subjects(account, WRITERS * 7, seed=29)
    groups = [chosen[number::WRITERS] for number in range(WRITERS)]
    touched = {subject.professional_id for subject in chosen}
    processes = [await start_writer(url, orders_for(group, PER_WRITER)) for group in groups]

    async with overview_open(account) as (app, pilot, pane):
        table = pane.query_one("#overview-table")
        table.focus()
        await pilot.pause()
        frames = Frames(app, clock=time.monotonic, collect=False)

        def signature():
            if pane.overview is None:
                return None
            return (pane.overview.row_count, tuple(sorted(
                row for professional in touched for group in pane.overview._of.get(professional, ()) for row in group)))

        changed_at, last_seen = [time.monotonic()], [signature()]

        async def watch() -> None:
            while True:
                now = signature()
                if now != last_seen[0]:
                    last_seen[0], changed_at[0] = now, time.monotonic()
                await asyncio.sleep(0.005)

        watching = asyncio.ensure_future(watch())
        writes = asyncio.ensure_future(go(processes, "burst"))
        echo: list[float] = []
        down, until_at = True, time.monotonic() + ECHO_FOR_S
        while not writes.done() or time.monotonic() < until_at:  # the writes, and the app's work after them
            target = table.cursor_row + (1 if down else -1)
            start = frames.expect(lambda target=target: table.cursor_row == target)
            await pilot.press("down" if down else "up")
            echo.append(await frames.first(30) - start)
            down = not down
            await asyncio.sleep(ECHO_EVERY_S)
        answers = await writes
        last_commit = max(answer["last"] for answer in answers)

        def fresh():
            with db.connection_context():
                rows = overview_rows(account, TODAY)
            mine = tuple(sorted(row for row in rows if row.professional_id in touched))
            return len(rows), mine

        expected = await asyncio.to_thread(fresh)
        deadline = time.monotonic() + 60
        while last_seen[0] != expected:
            if time.monotonic() > deadline:
                shown, want = last_seen[0], expected
                state = (pane.reading, pane._pending, pane._in_flight, pane._read_all, pane._check_scope,
                         [str(n.message) for n in app._notifications])
                raise AssertionError(f"the screen differs from a fresh read (pane {state}): "
                                     f"{shown[0]} rows shown, {want[0]} read; "
                                     f"shown only {sorted(set(shown[1]) - set(want[1]))[:3]}, "
                                     f"read only {sorted(set(want[1]) - set(shown[1]))[:3]}")
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # and to stay so
        watching.cancel()
        assert last_seen[0] == expected
        settle = max(0.0, changed_at[0] - last_commit)
        await clean(processes)
    made = sum(answer["done"] for answer in answers)
    return {"burst_changes": (made, made), "settle_s": (settle, settle), "echo_ms": both(echo)}


# -- the flood -------------------------------------------------------------------------------------------------------
async def flood(url: str, watcher: Account, writer_subject) -> dict[str, tuple[float, float]]:
    async with overview_open(watcher) as (app, pilot, pane):
        await asyncio.sleep(1)
        start = time.process_time()
        await asyncio.sleep(FLOOD_S)
        idle = time.process_time() - start
        orders = [{"op": op, "account": writer_subject.account_id, "period": writer_subject.period_id,
                   "branch": writer_subject.branch_id} for op in ("add", "delete")]
        process = await start_writer(url, orders)
        start = time.process_time()
        [answer] = await go([process], "flood")
        busy = time.process_time() - start
        await clean([process])
        await pilot.pause()
    return {"flood_writes": (answer["done"], answer["done"]), "flood_cpu_s": (busy, busy), "idle_cpu_s": (idle, idle)}


def unrelated_employer(account: Account) -> Account:
    """An employer of another organisation than `account`'s, with professionals of their own."""
    from models.organisations import Branch, Organisation, OrganisationStatus

    own = {branch.organisation_id for branch in account.managed_branches}
    branch = (Branch.select().join(Organisation)
              .where(Organisation.status == OrganisationStatus.APPROVED, Organisation.id.not_in(own),
                     Branch.removed_at.is_null())
              .order_by(Branch.id).first())
    return branch.manager


async def figures(url: str, account: Account) -> dict[str, tuple[float, float]]:
    from bench.live_update import subjects

    results = await burst(url, account)
    [writer_subject] = subjects(account, 1, seed=8)
    results.update(await flood(url, unrelated_employer(account), writer_subject))
    return results


ORDER = ["burst_changes", "settle_s", "echo_ms", "flood_writes", "flood_cpu_s", "idle_cpu_s"]
GOAL_TEXT = {"settle_s": f"≤ {SETTLE_GOAL_S:g} s", "echo_ms": f"p95 ≤ {ECHO_GOAL_MS:g} ms",
             "flood_cpu_s": f"≤ {CPU_GOAL_S:g} per {FLOOD_S:g} s"}


def cell(key: str, values: tuple[float, float]) -> str:
    if key in ("burst_changes", "flood_writes"):
        return f"{int(values[0]):,}"
    if key == "echo_ms":
        return f"{values[0]:.0f} / {values[1]:.0f} ms"
    return f"{values[0]:.2f} s"


def met(key: str, values: tuple[float, float]) -> bool | None:
    return {"settle_s": values[1] <= SETTLE_GOAL_S, "echo_ms": values[1] <= ECHO_GOAL_MS,
            "flood_cpu_s": values[1] <= CPU_GOAL_S * FLOOD_S / 20}.get(key)


def print_table(results: dict[str, dict[str, tuple[float, float]]]) -> None:
    from bench.scale import print_markdown

    labels = list(results)
    lines = [["figure", *labels, "goal", ""]]
    for key in ORDER:
        verdicts = {met(key, results[label][key]) for label in labels} - {None}
        lines.append([key, *(cell(key, results[label][key]) for label in labels), GOAL_TEXT.get(key, ""),
                      "" if not verdicts else "ok" if all(verdicts) else "MISSED"])
    print(f"\nBursts and floods — bench-100000's overview open, {WRITERS}×{PER_WRITER} changes; "
          f"a {FLOOD_S:g} s flood\n")
    print_markdown(lines)
