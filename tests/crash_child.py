"""The process that tests/models/test_crash_safety.py kills: it makes saves in a loop and says where it is.

    python -m tests.crash_child grants|roles|removal --first N [--saves N] [--pause SAVE:EVENT]
    python -m tests.crash_child demo --size N --seed N [--db-from-env] [--replace] [--pause 1:EVENT]

The database URL comes from $INZAGE_DATABASE_URL (never the command line), the report pipe from
$INZAGE_CRASH_FD. An event is one SQL statement run through Peewee, or one bulk batch of the demo
generator. Report lines, each written straight to the pipe:

    B save                 a save begins
    E save event in_tx     an event of the save ran; in_tx 1 if Peewee had a transaction open
    P save event in_tx     the same, and the child now waits to be killed
    C save events          the save returned (it committed)
    D                      nothing left to save
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import profiles

from models.clock import FixedClock

NOW = dt.datetime(2026, 11, 28, 9, 0)
URL_ENV = "INZAGE_DATABASE_URL"
FD_ENV = "INZAGE_CRASH_FD"

# grants: one professional, two sets of branches taking turns, and anchor grants whose end date
# counts the saves. Save i revokes the set (i-1) % 2, grants the set i % 2 and moves every anchor to today + i.
PROFESSIONAL = "461099001"
SET_SIZE = 20
ANCHORS = 10
# roles: a beheerder flips the role and beheerder of every team branch on each save.
ADMIN = "crash-beheerder"
TEAMS = 30
# removal: save i removes branch R-<i> with end_grants; each has a grant from every one of GRANTERS.
REMOVABLE = 200
GRANTERS = 8


def set_name(which: int, index: int) -> str:
    return f"Set{which}-{index:02d}"


def anchor_name(index: int) -> str:
    return f"Anker-{index:02d}"


def team_name(index: int) -> str:
    return f"Team-{index:02d}"


def removable_name(save: int) -> str:
    return f"R-{save:03d}"


def team_role(save: int) -> tuple[str, bool]:
    """The (role, is_admin) every team branch has after `save` saves (0: as set up)."""
    return ("contact_person", True) if save % 2 else ("branch_manager", False)


class Tracker:
    """Counts the events of the current save and reports them; pauses at the chosen one."""

    def __init__(self, fd: int, pause: tuple[int, int] | None) -> None:
        self.fd = fd
        self.pause = pause
        self.save: int | None = None
        self.events = 0

    def say(self, *words: object) -> None:
        os.write(self.fd, (" ".join(map(str, words)) + "\n").encode())

    def event(self) -> None:
        from models.db import db

        if self.save is None:
            return
        self.events += 1
        in_tx = int(db.in_transaction())
        if self.pause == (self.save, self.events):
            self.say("P", self.save, self.events, in_tx)
            while True:  # SIGKILL ends this
                time.sleep(60)
        self.say("E", self.save, self.events, in_tx)

    def statement(self, query_event) -> None:
        if not query_event.sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            self.event()

    @contextmanager
    def saving(self, number: int) -> Iterator[None]:
        self.save, self.events = number, 0
        self.say("B", number)
        yield
        self.say("C", number, self.events)
        self.save = None


def grant_saves(first: int, tracker: Tracker) -> Iterator[int]:
    from models import AccessGrant, Account, Branch
    from models.inzage import GrantChanges, save_changes

    clock = FixedClock(NOW)
    today = clock.today()
    account = Account.get(Account.username == PROFESSIONAL)
    sets = [[Branch.get(Branch.name == set_name(which, i)).id for i in range(1, SET_SIZE + 1)] for which in (0, 1)]
    anchors = [grant.id for grant in AccessGrant.select().join(Branch)
               .where(Branch.name.startswith("Anker-"), AccessGrant.revoked_at.is_null())]
    for i in itertools.count(first):
        end = today + dt.timedelta(days=i)
        revoke = {grant.id for grant in AccessGrant.select().where(
            AccessGrant.professional == account.professional_id, AccessGrant.branch.in_(sets[(i - 1) % 2]),
            AccessGrant.revoked_at.is_null())}
        changes = GrantChanges(add=[(branch, end) for branch in sets[i % 2]],
                               change={grant: end for grant in anchors}, revoke=revoke)
        with tracker.saving(i):
            save_changes(account, changes, clock)
        yield i


def role_saves(first: int, tracker: Tracker) -> Iterator[int]:
    from models import Account, Branch
    from models.branches import save_roles

    clock = FixedClock(NOW)
    admin = Account.get(Account.username == ADMIN)
    teams = [Branch.get(Branch.name == team_name(i)).id for i in range(1, TEAMS + 1)]
    for i in itertools.count(first):
        with tracker.saving(i):
            save_roles(admin, {branch: team_role(i) for branch in teams}, clock)
        yield i


def removal_saves(first: int, tracker: Tracker) -> Iterator[int]:
    from models import Account, Branch
    from models.branches import remove_branch

    clock = FixedClock(NOW)
    admin = Account.get(Account.username == ADMIN)
    for i in range(first, REMOVABLE + 1):
        branch = Branch.get(Branch.name == removable_name(i))
        with tracker.saving(i):
            remove_branch(admin, branch.id, True, clock)
        yield i


def run_saves(args: argparse.Namespace, tracker: Tracker) -> int:
    from models.db import open_database

    database = open_database(os.environ[URL_ENV])
    database.query_hooks.append(tracker.statement)
    saves = {"grants": grant_saves, "roles": role_saves, "removal": removal_saves}[args.scenario]
    for done, _ in enumerate(saves(args.first, tracker), 1):
        if done == args.saves:
            return 0
    tracker.say("D")
    return 0


def run_demo(args: argparse.Namespace, tracker: Tracker) -> int:
    """`inzage demo --no-run`, as a user runs it, with the generator's statements and batches reported."""
    import models.bulk
    import models.demo
    from tui import cli

    generate, flush = models.demo.generate, models.bulk.Bulk.flush

    def reported_generate(database, **kwargs):
        database.query_hooks.append(tracker.statement)
        with tracker.saving(1):
            return generate(database, **kwargs)

    def reported_flush(bulk) -> None:
        rows = len(bulk.rows)
        flush(bulk)
        if rows:
            tracker.event()

    models.demo.generate = reported_generate
    models.bulk.Bulk.flush = reported_flush
    argv = ["demo", "--no-run", "--size", str(args.size), "--seed", str(args.seed)]
    if args.db_from_env:
        argv += ["--db", os.environ[URL_ENV]]
    if args.replace:
        argv.append("--replace")
    return cli.main(argv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crash_child")
    parser.add_argument("scenario", choices=["grants", "roles", "removal", "demo"])
    parser.add_argument("--first", type=int, default=1, help="the number of the first save")
    parser.add_argument("--saves", type=int, default=0, help="stop after this many saves (0: until killed)")
    parser.add_argument("--pause", help="SAVE:EVENT, wait to be killed after that event")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db-from-env", action="store_true", help="demo: --db $INZAGE_DATABASE_URL")
    parser.add_argument("--replace", action="store_true")
    args = parser.parse_args(argv)
    from models.passwords import use_parameters

    use_parameters(profiles.CHEAPEST)  # hashing speed has nothing to do with crash safety
    pause = tuple(int(part) for part in args.pause.split(":")) if args.pause else None
    tracker = Tracker(int(os.environ[FD_ENV]), pause)
    if args.scenario == "demo":
        return run_demo(args, tracker)
    return run_saves(args, tracker)


if __name__ == "__main__":
    sys.exit(main())
