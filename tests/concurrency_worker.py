"""One process of the concurrency test: for a while, one professional (and one beheerder) at work.

Started by tests/models/test_concurrency.py as `python -m tests.concurrency_worker`. The plan (JSON)
comes as a line on stdin, the database URL from INZAGE_DATABASE_URL; the worker makes its ready
file and starts when the next line arrives. Every operation goes through the domain
functions, as the screens call them. Printed on stdout at the end, as JSON: what succeeded (per
operation), the audit events that should exist because of it (per action and actor), the rows it
created and left, the conflicts the domain reported (another beheerder was quicker), the retries
the database layer made, what ended in DatabaseBusy (only allowed when the plan says so), and any
error (there should be none).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
import traceback
from collections import Counter

from argon2 import profiles

from models.access import SessionEnded
from models.accounts import Account
from models.activities import ActivityForm, add_activity, delete_activity, edit_activity
from models.audit import Action
from models.auth import LoginStatus, authenticate
from models.branches import RenamedMeanwhile, RolesChangedMeanwhile, branch_rows, rename_branch, save_roles
from models.clock import FixedClock, format_date
from models.db import DatabaseBusy, open_database, retry_counter
from models.grants import AccessGrant
from models.inzage import GrantChanges, save_changes
from models.organisations import ManagerRole
from models.passwords import use_parameters
from models.profile import ChangedMeanwhile, organisation_form, update_organisation
from models.rules import Category

NOW = dt.datetime(2026, 11, 28, 9, 0)
DURATION_ENV = "INZAGE_CONCURRENCY_SECONDS"
# Operation -> weight. The professional's own work dominates; logins and the beheerder's changes
# make the shared rows (branches, organisations, employer accounts) hot.
WEIGHTS = {
    "grant": 6, "revoke": 3, "change_end": 3,
    "add_activity": 6, "edit_activity": 3, "delete_activity": 2,
    "login": 2, "login_wrong": 1, "login_shared": 2,
    "rename_branch": 1, "toggle_role": 1, "save_organisation": 1,
}


class Worker:
    def __init__(self, plan: dict) -> None:
        self.number = plan["worker"]
        self.rng = random.Random(plan["seed"])
        self.clock = FixedClock(NOW)
        self.today = self.clock.today()
        self.me = Account.get_by_id(plan["account"])
        self.professional = self.me.professional_id
        self.employer = Account.get_by_id(plan["employer"])
        self.organisation = plan["organisation"]  # the employer's
        self.password = plan["password"]
        self.period = plan["period"]
        self.branches: list[int] = plan["branches"]
        self.shared_logins: list[str] = plan["shared_logins"]
        self.live: dict[int, tuple[int, str | None]] = {}  # branch id -> (grant id, end date)
        self.activities: dict[int, tuple[str, int]] = {}  # id -> (category, points)
        self.ops: Counter[str] = Counter()
        self.audit: Counter[tuple[str, int]] = Counter()
        self.conflicts: Counter[str] = Counter()
        self.busy: Counter[str] = Counter()  # operations that ended in DatabaseBusy (nothing written)
        self.busy_allowed = plan.get("busy_allowed", False)
        self.grants_made: list[int] = []
        self.grants_revoked: list[int] = []
        self.activities_added: list[int] = []
        self.renames: list[tuple[int, str]] = []
        self.roles: list[tuple[int, str]] = []
        self.organisation_saves: list[tuple[int, int, str]] = []  # organisation id, new version, city
        self.serial = 0

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix} {self.number}.{self.serial}"

    def run(self, seconds: float) -> None:
        operations, weights = zip(*WEIGHTS.items())
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            operation = self.rng.choices(operations, weights)[0]
            try:
                getattr(self, operation)()
            except DatabaseBusy:  # the user is told to try again; only allowed when the test makes it likely
                if not self.busy_allowed:
                    raise
                self.busy[operation] += 1
            except SessionEnded:  # another worker changed this beheerder's role: signed in again, as a user would
                self.employer = Account.get_by_id(self.employer.id)

    # -- the professional's grants ------------------------------------------------------------------------------
    def end_date(self) -> dt.date | None:
        return None if self.rng.random() < 0.3 else self.today + dt.timedelta(days=self.rng.randint(0, 800))

    def grant(self) -> None:
        free = [branch for branch in self.branches if branch not in self.live]
        if not free:
            return self.revoke()
        chosen = self.rng.sample(free, k=min(len(free), self.rng.choice((1, 1, 2))))
        ends = {branch: self.end_date() for branch in chosen}
        report = save_changes(self.me, GrantChanges(add=list(ends.items())), self.clock)
        assert report.made == len(chosen), report
        for grant in AccessGrant.select().where(AccessGrant.professional == self.professional,
                                                AccessGrant.branch.in_(chosen), AccessGrant.revoked_at.is_null()):
            self.live[grant.branch_id] = (grant.id, _iso(ends[grant.branch_id]))
            self.grants_made.append(grant.id)
        self.ops["grant"] += 1
        self.audit[(Action.GRANT_MADE, self.me.id)] += len(chosen)

    def revoke(self) -> None:
        if not self.live:
            return self.grant()
        branch = self.rng.choice(sorted(self.live))
        grant_id, _ = self.live[branch]
        report = save_changes(self.me, GrantChanges(revoke={grant_id}), self.clock)
        assert report.revoked == 1, report
        del self.live[branch]
        self.grants_revoked.append(grant_id)
        self.ops["revoke"] += 1
        self.audit[(Action.GRANT_REVOKED, self.me.id)] += 1

    def change_end(self) -> None:
        if not self.live:
            return self.grant()
        branch = self.rng.choice(sorted(self.live))
        grant_id, old = self.live[branch]
        new = self.end_date()
        while _iso(new) == old:
            new = self.end_date()
        report = save_changes(self.me, GrantChanges(change={grant_id: new}), self.clock)
        assert report.changed == 1, report
        self.live[branch] = (grant_id, _iso(new))
        self.ops["change_end"] += 1
        self.audit[(Action.GRANT_CHANGED, self.me.id)] += 1

    # -- the professional's activities ------------------------------------------------------------------------
    def form(self, category: str, points: int) -> ActivityForm:
        day = dt.date(2026, 1, 1) + dt.timedelta(days=self.rng.randint(0, (self.today - dt.date(2026, 1, 1)).days))
        return ActivityForm(title=self.name("Cursus"), category=category, date=format_date(day), points=str(points),
                            provider="Movisie")

    def add_activity(self) -> None:
        category, points = self.rng.choice(list(Category)).value, self.rng.randint(1, 40)
        activity = add_activity(self.me, self.period, self.form(category, points), self.clock)
        self.activities[activity.id] = (category, points)
        self.activities_added.append(activity.id)
        self.ops["add_activity"] += 1
        self.audit[(Action.ACTIVITY_ADDED, self.me.id)] += 1

    def edit_activity(self) -> None:
        if not self.activities:
            return self.add_activity()
        activity_id = self.rng.choice(sorted(self.activities))
        category, points = self.rng.choice(list(Category)).value, self.rng.randint(1, 40)
        edit_activity(self.me, activity_id, self.form(category, points), self.clock)  # the title always changes
        self.activities[activity_id] = (category, points)
        self.ops["edit_activity"] += 1
        self.audit[(Action.ACTIVITY_CHANGED, self.me.id)] += 1

    def delete_activity(self) -> None:
        if not self.activities:
            return self.add_activity()
        activity_id = self.rng.choice(sorted(self.activities))
        delete_activity(self.me, activity_id, self.clock)
        del self.activities[activity_id]
        self.ops["delete_activity"] += 1
        self.audit[(Action.ACTIVITY_DELETED, self.me.id)] += 1

    # -- signing in ---------------------------------------------------------------------------------------------
    def login(self, username: str | None = None, op: str = "login") -> None:
        result = authenticate(username or self.me.username, self.password, self.clock)
        assert result.ok, result
        self.ops[op] += 1
        self.audit[(Action.LOGIN_SUCCEEDED, result.account.id)] += 1

    def login_wrong(self) -> None:
        """A typo, then the right password: the own account never gets near the lockout."""
        result = authenticate(self.me.username, self.password + "x", self.clock)
        assert result.status == LoginStatus.FAILED, result
        self.ops["login_wrong"] += 1
        self.audit[(Action.LOGIN_FAILED, self.me.id)] += 1
        while True:  # until it goes through, so that failures never add up to a lockout
            try:
                return self.login()
            except DatabaseBusy:
                if not self.busy_allowed:
                    raise
                self.busy["login"] += 1

    def login_shared(self) -> None:
        self.login(self.rng.choice(self.shared_logins), "login_shared")

    # -- the beheerder's changes to shared rows ---------------------------------------------------------------
    def rename_branch(self) -> None:
        row = self.rng.choice(branch_rows(self.employer, self.today))
        name = self.name(row.name.split(" ")[0])
        try:
            rename_branch(self.employer, row.id, name, self.clock, row.name)
        except RenamedMeanwhile:
            self.conflicts["rename_branch"] += 1
            return
        self.renames.append((row.id, name))
        self.ops["rename_branch"] += 1
        self.audit[(Action.BRANCH_RENAMED, self.employer.id)] += 1

    def toggle_role(self) -> None:
        row = self.rng.choice(branch_rows(self.employer, self.today))
        role = ManagerRole.BRANCH_MANAGER if row.role == ManagerRole.CONTACT_PERSON else ManagerRole.CONTACT_PERSON
        try:
            changed = save_roles(self.employer, {row.id: (role.value, row.is_admin)}, self.clock,
                                 {row.id: (row.role, row.is_admin)})
        except RolesChangedMeanwhile:
            self.conflicts["toggle_role"] += 1
            return
        assert changed == 1, changed
        self.roles.append((row.id, role.value))
        self.ops["toggle_role"] += 1
        self.audit[(Action.ROLE_CHANGED, self.employer.id)] += 1

    def save_organisation(self) -> None:
        form = organisation_form(self.employer)
        city = self.name("Stad")
        try:
            version = update_organisation(self.employer, {**form.values, "visit_city": city}, form.version,
                                          self.clock)
        except ChangedMeanwhile:
            self.conflicts["save_organisation"] += 1
            return
        self.organisation_saves.append((self.organisation, version, city))
        self.ops["save_organisation"] += 1
        self.audit[(Action.ORGANISATION_CHANGED, self.employer.id)] += 1

    def report(self, started: float, ended: float, error: str | None) -> dict:
        return {
            "worker": self.number, "started": started, "ended": ended, "error": error,
            "ops": dict(self.ops), "conflicts": dict(self.conflicts), "busy": dict(self.busy),
            "audit": [[action, actor, count] for (action, actor), count in sorted(self.audit.items())],
            "grants_made": self.grants_made, "grants_revoked": self.grants_revoked,
            "live": {str(branch): list(grant) for branch, grant in self.live.items()},
            "activities_added": self.activities_added,
            "activities": {str(activity): list(value) for activity, value in self.activities.items()},
            "renames": self.renames, "roles": self.roles, "organisation_saves": self.organisation_saves,
            "retries": retry_counter.retries, "gave_up": retry_counter.gave_up,
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def main() -> None:
    plan = json.loads(sys.stdin.readline())
    use_parameters(profiles.CHEAPEST)  # the accounts' hashes were made so; no rehash to production strength
    database = open_database(os.environ["INZAGE_DATABASE_URL"])
    if plan.get("sqlite_busy_ms") is not None:  # wait that long for SQLite's write lock instead of 10 s
        database.execute_sql(f"PRAGMA busy_timeout = {int(plan['sqlite_busy_ms'])}")
    worker = Worker(plan)
    with open(plan["ready_file"], "w"):  # ready; all workers begin together when the test says "go"
        pass
    sys.stdin.readline()
    started, error = time.time(), None
    try:
        worker.run(float(os.environ.get(DURATION_ENV, "30")))
    except Exception:  # noqa: BLE001 - reported to the test, which fails on any
        error = traceback.format_exc()
    ended = time.time()
    database.close()
    print(json.dumps(worker.report(started, ended, error)))


if __name__ == "__main__":
    main()
