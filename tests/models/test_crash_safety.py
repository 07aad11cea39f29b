"""Crash safety: a process killed with SIGKILL in the middle of a multi-row save leaves each save wholly there
or wholly absent, and a database that passes its integrity checks.

tests/crash_child.py makes the saves and reports each statement on a pipe. Two kinds of kill:
- paused: the child stops after a chosen statement of a chosen save and waits; the test proves from outside
  that its write transaction is open (SQLite: BEGIN IMMEDIATE is refused; PostgreSQL: pg_stat_activity says
  "idle in transaction"), then kills it. That save must be wholly absent, every earlier one wholly there.
- free: the child saves in a loop and is killed after a random delay (fixed seed). A kill that came after
  a statement of save i inside its transaction, with save i absent afterwards, landed mid-transaction.
After every kill the number of whole saves is derived from the data alone, and the audit trail must match it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from peewee import JOIN, ForeignKeyField

from models import ALL_MODELS, AccessGrant, Account, AuditEvent, Branch
from models.audit import Action
from models.clock import Clock
from models.db import is_sqlite, open_database, sqlite_path
from models.demo import generate
from models.schema import migrate
from tests import crash_child as child
from tests import story
from tui import cli, config

ROOT = Path(__file__).resolve().parents[2]
TODAY = child.NOW.date()
PAUSED_KILLS = 5
FREE_KILLS = 6
WAIT_S = 60


# -- the child process ---------------------------------------------------------------------------------------------
@dataclass
class Line:
    kind: str  # B, E, P, C, D
    numbers: list[int]
    at: float  # when the test read it

    @property
    def save(self) -> int:
        return self.numbers[0]


class Child:
    """A running tests/crash_child.py and the lines it reported (read by a thread, so the pipe never fills)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        read_end, write_end = os.pipe()
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_child", *args], cwd=ROOT, stdout=out, stderr=out,
                env={**env, child.FD_ENV: str(write_end)}, pass_fds=(write_end,),
            )
        os.close(write_end)
        self.log = log
        self.lines: list[Line] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, args=(read_end,), daemon=True)
        self.reader.start()

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for raw in pipe:
                words = raw.decode().split()
                with self.changed:
                    self.lines.append(Line(words[0], [int(word) for word in words[1:]], time.monotonic()))
                    self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, kind: str, save: int | None = None) -> Line:
        deadline = time.monotonic() + WAIT_S
        with self.changed:
            while True:
                for line in self.lines:
                    if line.kind == kind and (save is None or line.save == save):
                        return line
                if self.process.poll() is not None and not self.reader.is_alive():
                    raise AssertionError(f"the child ended ({self.process.returncode}) without {kind}: "
                                         f"{self.log.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"no {kind} line from the child within {WAIT_S} s")
                self.changed.wait(0.5)

    def kill(self, may_have_ended: bool = False) -> list[Line]:
        """SIGKILL, then every line it wrote before dying."""
        os.kill(self.process.pid, signal.SIGKILL)  # an ended child stays a zombie until waited for: no error
        self.process.wait(WAIT_S)
        self.reader.join(WAIT_S)
        if not (may_have_ended and self.process.returncode == 0):
            assert self.process.returncode == -signal.SIGKILL, f"the child ended: {self.log.read_text()[-2000:]}"
        return list(self.lines)

    def finish(self) -> int:
        self.process.wait(WAIT_S * 4)
        self.reader.join(WAIT_S)
        return self.process.returncode

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(WAIT_S)


# -- the database under test ---------------------------------------------------------------------------------------
@dataclass
class Target:
    """The database the children write: a SQLite file in WAL mode, or the session's PostgreSQL database."""

    url: str
    logs: Path
    app_name: str = field(default_factory=lambda: f"inzage-crash-{uuid.uuid4().hex[:8]}")
    children: list[Child] = field(default_factory=list)

    @property
    def path(self) -> str | None:
        return sqlite_path(self.url)

    def env(self) -> dict[str, str]:
        # The URL travels in the environment, never on a command line; PGAPPNAME names the child's session.
        return {**os.environ, child.URL_ENV: self.url, "PGAPPNAME": self.app_name}

    def start(self, args: list[str]) -> Child:
        started = Child(args, self.env(), self.logs / f"child-{len(self.children) + 1}.log")
        self.children.append(started)
        return started

    def transaction_open(self) -> bool:
        """Proof from outside the child that it holds an open (write) transaction."""
        if self.path is not None:
            connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                assert "locked" in str(error)
                return True
            finally:
                connection.close()
            return False
        with psycopg.connect(self.url, autocommit=True) as connection:
            states = [row[0] for row in connection.execute(
                "SELECT state FROM pg_stat_activity WHERE application_name = %s", (self.app_name,))]
        return states == ["idle in transaction"]

    def settle(self) -> None:
        """On PostgreSQL, wait until the server has ended the killed child's session (and so rolled it back)."""
        if self.path is not None:
            return
        deadline = time.monotonic() + WAIT_S
        with psycopg.connect(self.url, autocommit=True) as connection:
            while connection.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s",
                                     (self.app_name,)).fetchone()[0]:
                assert time.monotonic() < deadline, "PostgreSQL kept the killed child's session"
                time.sleep(0.05)

    def check_integrity(self) -> None:
        """SQLite's own checks on the file as left behind; on both, no row refers to a missing row."""
        if self.path is not None:
            connection = sqlite3.connect(self.path, isolation_level=None)
            try:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            finally:
                connection.close()
        database = open_database(self.url)
        try:
            assert orphans() == [], "rows refer to rows that do not exist"
            if not is_sqlite(database):
                assert sequences_behind(database) == [], "an id sequence would hand out an id in use"
        finally:
            database.close()


def orphans() -> list[str]:
    """Every foreign key that points at no row, as "table.column", checked with a query per key."""
    found = []
    for model in ALL_MODELS:
        for field_ in model._meta.sorted_fields:
            if not isinstance(field_, ForeignKeyField):
                continue
            parent = field_.rel_model.alias()
            target = getattr(parent, field_.rel_field.name)
            missing = (model.select().join(parent, JOIN.LEFT_OUTER, on=(field_ == target))
                       .where(field_.is_null(False), target.is_null()).count())
            if missing:
                found.append(f"{model._meta.table_name}.{field_.column_name}")
    return found


def sequences_behind(database) -> list[str]:
    behind = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        sequence = database.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
        if sequence is None:
            continue
        last, called = database.execute_sql(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        highest = database.execute_sql(f'SELECT MAX(id) FROM "{table}"').fetchone()[0] or 0
        if last + int(called) <= highest:
            behind.append(table)
    return behind


@pytest.fixture
def target(database, request, tmp_path) -> Target:
    logs = tmp_path / "logs"
    logs.mkdir()
    url = f"sqlite:///{database.database}" if is_sqlite(database) else request.getfixturevalue("pg_url")
    made = Target(url, logs)
    yield made
    for started in made.children:
        started.stop()


# -- the saves: what each scenario sets up, and how many whole saves the data shows ---------------------------------
def setup_grants() -> None:
    org = story.organisation("Crash Zorg")
    person = story.professional("C.", "Crash", number=child.PROFESSIONAL)
    for which in (0, 1):
        for i in range(1, child.SET_SIZE + 1):
            branch = story.branch(org, child.set_name(which, i), f"m{which}-{i:02d}")
            if which == 0:
                story.grant(person, branch)  # save 1 revokes these
    for i in range(1, child.ANCHORS + 1):
        story.grant(person, story.branch(org, child.anchor_name(i), f"anker-{i:02d}"), end_date=TODAY)


def grant_saves_done() -> int:
    """Save i revoked set (i-1) % 2, granted set i % 2 until today + i, moved every anchor to today + i."""
    person = Account.get(Account.username == child.PROFESSIONAL).professional_id
    grants = list(AccessGrant.select(AccessGrant, Branch).join(Branch).where(AccessGrant.professional == person))
    anchors = [g for g in grants if g.branch.name.startswith("Anker-")]
    in_sets = [g for g in grants if g.branch.name.startswith("Set")]
    assert len(anchors) == child.ANCHORS and all(g.revoked_at is None for g in anchors)
    ends = {g.end_date for g in anchors}
    assert len(ends) == 1, f"anchors from different saves: {sorted(ends)}"
    n = (ends.pop() - TODAY).days
    revoked = [g for g in in_sets if g.revoked_at is not None]
    live = [g for g in in_sets if g.revoked_at is None]
    assert len(in_sets) == child.SET_SIZE * (n + 1)
    assert len(revoked) == child.SET_SIZE * n
    assert {g.branch.name[:4] for g in live} == {f"Set{n % 2}"} and len(live) == child.SET_SIZE
    assert {g.end_date for g in live} == {TODAY + dt.timedelta(days=n) if n else None}

    events = list(AuditEvent.select().where(AuditEvent.professional == person).order_by(AuditEvent.id))
    by_action = Counter(event.action for event in events)
    assert by_action == Counter({Action.GRANT_MADE: child.SET_SIZE * n, Action.GRANT_REVOKED: child.SET_SIZE * n,
                                 Action.GRANT_CHANGED: child.ANCHORS * n}) - Counter()
    made = sorted((e.branch_id, json.loads(e.detail)["end_date"]) for e in events if e.action == Action.GRANT_MADE)
    assert made == sorted((g.branch_id, g.end_date.isoformat()) for g in in_sets if g.end_date is not None)
    assert (sorted(e.branch_id for e in events if e.action == Action.GRANT_REVOKED)
            == sorted(g.branch_id for g in revoked))
    for anchor in anchors:
        chain = [json.loads(e.detail)["end_date"] for e in events
                 if e.action == Action.GRANT_CHANGED and e.branch_id == anchor.branch_id]
        assert chain == [[(TODAY + dt.timedelta(days=j - 1)).isoformat(), (TODAY + dt.timedelta(days=j)).isoformat()]
                         for j in range(1, n + 1)]
    return n


def setup_roles() -> None:
    org = story.organisation("Crash Welzijn")
    story.branch(org, "Beheer", child.ADMIN, role="contact_person", admin=True)
    role, admin = child.team_role(0)
    for i in range(1, child.TEAMS + 1):
        story.branch(org, child.team_name(i), f"team-{i:02d}", role=role, admin=admin)


def role_saves_done() -> int:
    """Save i set every team branch to team_role(i), with a role_changed event each."""
    teams = list(Branch.select().where(Branch.name.startswith("Team-")))
    events = list(AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED).order_by(AuditEvent.id))
    assert len(teams) == child.TEAMS
    n, rest = divmod(len(events), child.TEAMS)
    assert rest == 0, f"{len(events)} role changes: not whole saves of {child.TEAMS}"
    for team in teams:
        assert (team.role, team.is_admin) == child.team_role(n)
        details = [json.loads(e.detail) for e in events if e.branch_id == team.id]
        assert details == [{"role": [child.team_role(j - 1)[0], child.team_role(j)[0]],
                            "is_admin": [child.team_role(j - 1)[1], child.team_role(j)[1]]} for j in range(1, n + 1)]
    beheer = Branch.get(Branch.name == "Beheer")
    assert (beheer.role, beheer.is_admin) == ("contact_person", True)
    return n


def setup_removal() -> None:
    org = story.organisation("Crash Buurtwerk")
    story.branch(org, "Beheer", child.ADMIN, role="contact_person", admin=True)
    granters = [story.professional("G.", f"Gever{j}") for j in range(1, child.GRANTERS + 1)]
    branches = [story.branch(org, child.removable_name(i), f"r-{i:03d}") for i in range(1, child.REMOVABLE + 1)]
    AccessGrant.insert_many([{"professional": person, "branch": branch, "granted_at": story.NOW}
                             for branch in branches for person in granters]).execute()


def removal_saves_done() -> int:
    """Save i removed branch R-i and ended its grants: branch_removed plus one grant_revoked per grant."""
    branches = list(Branch.select().where(Branch.name.startswith("R-")).order_by(Branch.name))
    removed = [b for b in branches if b.removed_at is not None]
    n = len(removed)
    assert [b.name for b in removed] == [child.removable_name(i) for i in range(1, n + 1)], "not a prefix of saves"
    removed_ids = {b.id for b in removed}
    grants = list(AccessGrant.select())
    ended = [g for g in grants if g.revoked_at is not None]
    assert sorted(g.branch_id for g in ended) == sorted(g.branch_id for g in grants if g.branch_id in removed_ids)
    assert len(ended) == child.GRANTERS * n
    events = list(AuditEvent.select())
    gone = [e for e in events if e.action == Action.BRANCH_REMOVED]
    assert sorted(e.branch_id for e in gone) == sorted(removed_ids)
    assert all(json.loads(e.detail) == {"grants_ended": child.GRANTERS} for e in gone)
    revoked = [e for e in events if e.action == Action.GRANT_REVOKED]
    assert sorted((e.branch_id, e.professional_id) for e in revoked) == sorted(
        (g.branch_id, g.professional_id) for g in ended)
    assert len(events) == len(gone) + len(revoked)
    return n


SCENARIOS = {
    "grants": (setup_grants, grant_saves_done),
    "roles": (setup_roles, role_saves_done),
    "removal": (setup_removal, removal_saves_done),
}


# -- the kills -----------------------------------------------------------------------------------------------------
@dataclass
class Tally:
    kills: int = 0
    paused: int = 0
    paused_in_transaction: int = 0  # proven open from outside just before the kill, and the save absent after
    free: int = 0
    free_mid_transaction: int = 0  # after a statement inside save i's transaction, and save i absent after
    free_in_commit: int = 0  # after the last reported statement, yet the save is there: COMMIT had gone through
    free_outside: int = 0  # between saves, or before the save's BEGIN

    def line(self, what: str) -> str:
        return (f"{what}: {self.kills} kills; paused {self.paused} ({self.paused_in_transaction} proven inside an "
                f"open transaction); free {self.free} ({self.free_mid_transaction} mid-transaction, "
                f"{self.free_in_commit} in COMMIT, {self.free_outside} outside a transaction)")


def checked(target: Target, saves_done) -> int:
    """Integrity first, then the number of whole saves as the data shows it (asserting every save is whole)."""
    target.settle()
    target.check_integrity()
    database = open_database(target.url)
    try:
        return saves_done()
    finally:
        database.close()


def kill_saves(target: Target, scenario: str, seed: int) -> Tally:
    saves_done = SCENARIOS[scenario][1]
    rng = random.Random(seed)
    tally = Tally()
    calibration = target.start([scenario, "--first", "1", "--saves", "2"])
    assert calibration.finish() == 0, calibration.log.read_text()
    done = [line for line in calibration.lines if line.kind == "C"]
    # Reads before BEGIN (the acting account, say) are statements of the save outside its transaction.
    inside = [[line.numbers[1] for line in calibration.lines if line.kind == "E" and line.save == save
               and line.numbers[2] == 1] for save in (1, 2)]
    assert inside[0] == inside[1] and inside[0]
    begun = {line.save: line.at for line in calibration.lines if line.kind == "B"}
    save_time = max(line.at - begun[line.save] for line in done)
    n = checked(target, saves_done)
    assert n == 2

    for _ in range(PAUSED_KILLS):
        save, event = n + 1 + rng.randrange(3), rng.choice(inside[0])
        running = target.start([scenario, "--first", str(n + 1), "--pause", f"{save}:{event}"])
        paused = running.wait_for("P")
        assert paused.numbers == [save, event, 1]
        assert target.transaction_open(), f"save {save}, statement {event}: no open transaction seen from outside"
        running.kill()
        n = checked(target, saves_done)
        assert n == save - 1, f"killed in save {save} at statement {event}, but {n} saves are whole"
        tally.kills += 1
        tally.paused += 1
        tally.paused_in_transaction += 1

    for _ in range(FREE_KILLS):
        running = target.start([scenario, "--first", str(n + 1)])
        running.wait_for("B", n + 1)
        time.sleep(rng.uniform(0, 3 * save_time))
        lines = running.kill()
        last = lines[-1]
        committed = max((line.save for line in lines if line.kind == "C"), default=n)
        n = checked(target, saves_done)
        tally.kills += 1
        tally.free += 1
        if last.kind == "E" and last.numbers[2] == 1 and n == committed:
            tally.free_mid_transaction += 1
        elif last.kind == "E" and last.numbers[2] == 1:
            assert n == committed + 1 == last.save
            tally.free_in_commit += 1
        else:  # after C, after B, or after a read before BEGIN
            assert n == committed
            tally.free_outside += 1
    return tally


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["grants", "roles", "removal"])
def test_a_killed_save_is_wholly_there_or_wholly_absent(target, scenario):
    """(a) a professional's change set: 20 grants made, 20 revoked, 10 end dates changed, 50 audit rows;
    (c) a beheerder's role save over 30 branches; removing a branch that ends 8 grants."""
    database = open_database(target.url)
    SCENARIOS[scenario][0]()
    database.close()
    tally = kill_saves(target, scenario, seed=20261128)
    print(tally.line(f"{scenario} on {'SQLite' if target.path else 'PostgreSQL'}"))
    assert tally.paused_in_transaction == PAUSED_KILLS
    assert tally.free_mid_transaction >= 1, "no free kill landed inside a transaction"


# -- the demo generator --------------------------------------------------------------------------------------------
DEMO_SEED = 5
DEMO_SIZE = {"sqlite": 400, "postgresql": 250}


def table_counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}


def reference_counts(tmp_path: Path, size: int) -> dict[str, int]:
    """What a whole demo data set holds, made in-process with the same seed and day as the command."""
    database = open_database(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    migrate(database)
    generate(database, size=size, seed=DEMO_SEED, today=Clock().today())
    counts = table_counts()
    database.close()
    return counts


def demo_saves_done(reference: dict[str, int]):
    def saves_done() -> int:
        counts = table_counts()
        if not any(counts.values()):
            return 0
        assert counts == reference, "a mixed or partial demo data set"
        return 1
    return saves_done


def kill_demo(target: Target, tmp_path: Path, use_db: bool) -> tuple[Tally, int]:
    """Runs of `inzage demo --no-run`, killed while generating; every run starts on the last one's leftovers."""
    size = DEMO_SIZE["sqlite" if target.path else "postgresql"]
    saves_done = demo_saves_done(reference_counts(tmp_path, size))
    rng = random.Random(DEMO_SEED)
    tally = Tally()
    reused = 0  # runs that started on a killed run's leftovers without --replace and got to generating
    state: int | None = None  # whole data sets in the database: 0 or 1

    def run(pause: int | None = None) -> Child:
        nonlocal reused
        args = ["demo", "--size", str(size), "--seed", str(DEMO_SEED)]
        if use_db:
            args.append("--db-from-env")
            if state == 1:
                args.append("--replace")  # a whole data set stays unless the user says to replace it
        if pause:
            args += ["--pause", f"1:{pause}"]
        started = target.start(args)
        started.wait_for("B", 1)
        reused += state == 0
        return started

    calibration = run()
    assert calibration.finish() == 0, calibration.log.read_text()
    state = checked(target, saves_done)
    assert state == 1
    done = calibration.wait_for("C")
    events, save_time = done.numbers[1], done.at - calibration.wait_for("B").at

    # The first and last statements, the one before COMMIT, the first after it (PostgreSQL: everything after the
    # data must be safe to lose), and some in between.
    after_commit = [line.numbers[1] for line in calibration.lines if line.kind == "E" and line.numbers[2] == 0]
    pauses = sorted({1, events - 1, events, *after_commit[:1], *rng.sample(range(2, events - 1), PAUSED_KILLS - 3)})
    for event in pauses:
        running = run(event)
        paused = running.wait_for("P")
        in_transaction = paused.numbers[2] == 1
        assert target.transaction_open() == in_transaction
        running.kill()
        state = checked(target, saves_done)
        # Inside the transaction nothing is kept; after it (PostgreSQL's ANALYZE) everything is.
        assert state == (0 if in_transaction else 1), f"killed at event {event} of {events}"
        tally.kills += 1
        tally.paused += 1
        tally.paused_in_transaction += in_transaction

    for _ in range(FREE_KILLS):
        running = run()
        time.sleep(rng.uniform(0, 0.9 * save_time))
        lines = running.kill(may_have_ended=True)
        state = checked(target, saves_done)
        if running.process.returncode == 0:  # finished before the kill: not a kill
            assert state == 1
            continue
        last = lines[-1]
        tally.kills += 1
        tally.free += 1
        if last.kind == "E" and last.numbers[2] == 1 and state == 0:
            tally.free_mid_transaction += 1
        elif last.kind == "E" and last.numbers[2] == 1:
            tally.free_in_commit += 1
        else:
            tally.free_outside += 1

    final = run()
    assert final.finish() == 0, final.log.read_text()
    assert checked(target, saves_done) == 1
    assert tally.paused_in_transaction >= len(pauses) - 1
    assert tally.free_mid_transaction >= 1, "no free kill landed inside the demo's transaction"
    return tally, reused



def test_demo_takes_a_database_with_tables_but_no_rows_and_keeps_one_with_a_row(database, request, capsys):
    """What a killed `inzage demo --db` leaves (the schema, no rows) needs no --replace; a single row does."""
    url = f"sqlite:///{database.database}" if is_sqlite(database) else request.getfixturevalue("pg_url")
    assert cli.main(["demo", "--size", "5", "--db", url, "--no-run"]) == 0
    open_database(url)
    assert table_counts()["professional"] == 5
    for model in reversed(ALL_MODELS):
        model.delete().execute()
    AuditEvent.create(at=child.NOW, action=Action.LOGIN_FAILED)
    capsys.readouterr()
    assert cli.main(["demo", "--size", "5", "--db", url, "--no-run"]) == 2
    assert "--replace" in capsys.readouterr().err
    open_database(url)
    assert AuditEvent.select().count() == 1 and table_counts()["professional"] == 0

@pytest.mark.slow
def test_a_killed_demo_in_its_own_file_is_replaced_by_the_next_demo(tmp_path):
    """`inzage demo` (its own SQLite file) killed while generating: the file holds the whole data set or none,
    and the next `inzage demo` makes a whole one."""
    target = Target(config.sqlite_url(config.demo_database_path()), tmp_path)
    try:
        tally, reused = kill_demo(target, tmp_path, use_db=False)
    finally:
        for started in target.children:
            started.stop()
    print(tally.line("demo, own file, SQLite") + f"; {reused} runs started on a killed run's leftovers")
    assert reused >= 1


@pytest.mark.slow
def test_a_killed_demo_with_db_leaves_nothing_and_the_next_demo_needs_no_replace(target, tmp_path):
    """`inzage demo --db URL` killed while generating keeps nothing, so the next one needs no --replace."""
    tally, reused = kill_demo(target, tmp_path, use_db=True)
    print(tally.line(f"demo --db, {'SQLite' if target.path else 'PostgreSQL'}")
          + f"; {reused} runs started on a killed run's leftovers")
    assert reused >= 1
