"""Many writers at once, on SQLite and PostgreSQL: nothing is lost, nothing is overwritten unseen.

Two beheerders saving the same thing at the same moment (two threads, two connections): one
succeeds, the other is told it changed meanwhile. And eight worker processes granting, revoking,
keeping activities, signing in and changing shared branches for 6 seconds (slow; INZAGE_CONCURRENCY_SECONDS
for a longer run): afterwards every
row and audit event is accounted for by what the workers report, and no worker saw an error.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from peewee import fn

from models import ALL_MODELS, AccessGrant, Account, Activity, AuditEvent, Branch, Organisation
from models.audit import Action
from models.branches import (
    BranchSaved,
    RenamedMeanwhile,
    RolesChangedMeanwhile,
    branch_rows,
    remove_branch,
    rename_branch,
    save_roles,
)
from models.db import db, open_database
from models.inzage import GrantChanges, GrantRefused, SaveReport, save_changes
from models.periods import derived_columns
from models.professionals import Registration, RegistrationPeriod
from models.profile import ChangedMeanwhile, organisation_form, update_organisation
from models.rules import sum_points
from models.schema import migrate
from tests import story

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
DURATION_ENV = "INZAGE_CONCURRENCY_SECONDS"


def at_once(*steps: tuple[Callable[[], object], Callable[[object], object]]) -> list[object]:
    """Run each (load, save) in its own thread and connection: every load first, then every save together.

    Returns what each save returned, or the exception it raised."""
    loaded = threading.Barrier(len(steps))
    results: list[object] = [None] * len(steps)

    def run(index: int, load: Callable[[], object], save: Callable[[object], object]) -> None:
        with db.connection_context():
            seen = load()
            loaded.wait(timeout=30)
            try:
                results[index] = save(seen)
            except Exception as error:  # noqa: BLE001 - the test looks at what each got
                results[index] = error
    threads = [threading.Thread(target=run, args=(index, *step)) for index, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def two_beheerders(database, clock):
    """Welzijn Utrecht with Verburg and Kroon both beheerder."""
    world = story.employers()
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True)}, clock)
    world.overvecht.manager = story.signs_in_again(world.kroon)  # the role change ended Kroon's earlier session
    return world


# -- two beheerders at the same moment -----------------------------------------------------------------------
def test_two_beheerders_save_the_organisation_at_once_and_the_second_is_told(two_beheerders, clock):
    world, rounds = two_beheerders, 5
    for round_ in range(1, rounds + 1):
        def saving_as(account: Account, city: str):
            return (lambda: organisation_form(account),
                    lambda form: update_organisation(account, {**form.values, "visit_city": city}, form.version,
                                                     clock))
        cities = (f"Utrecht-Oost {round_}", f"Utrecht-West {round_}")
        results = at_once(saving_as(world.verburg, cities[0]), saving_as(world.kroon, cities[1]))
        winners = [index for index, result in enumerate(results) if result == round_ + 1]
        losers = [result for result in results if isinstance(result, ChangedMeanwhile)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "intussen door iemand anders gewijzigd" in str(losers[0])
        org = Organisation.get_by_id(world.utrecht.id)
        assert (org.visit_city, org.version) == (cities[winners[0]], round_ + 1)  # the first one's values stay
    assert AuditEvent.select().where(AuditEvent.action == Action.ORGANISATION_CHANGED).count() == rounds


def test_two_beheerders_change_the_same_branchs_role_at_once_and_the_second_is_told(two_beheerders, clock):
    world = two_beheerders
    today = clock.today()
    # Zuilen's manager is neither of them: a change to one's own role would end the other's session instead.
    zuilen = story.branch(world.utrecht, "Zuilen", "devries")

    def toggling(account: Account, change: Callable[[str, bool], tuple[str, bool]]):
        def load():
            return next(row for row in branch_rows(account, today) if row.id == zuilen.id)

        def save(row):
            return save_roles(account, {row.id: change(row.role, row.is_admin)}, clock,
                              {row.id: (row.role, row.is_admin)})
        return load, save
    verburg = toggling(world.verburg, lambda role, admin: ("contact_person", admin))  # De Vries contact person
    kroon = toggling(world.kroon, lambda role, admin: (role, True))  # De Vries beheerder
    results = at_once(verburg, kroon)
    assert sorted(type(result).__name__ for result in results) == ["RolesChangedMeanwhile", "int"], results
    told = next(result for result in results if isinstance(result, RolesChangedMeanwhile))
    assert told.branch_ids == [zuilen.id]
    assert str(told).startswith("De rol van Zuilen is intussen door iemand anders gewijzigd.")
    stored = Branch.get_by_id(zuilen.id)
    expected = ("contact_person", False) if results[0] == 1 else ("branch_manager", True)
    assert (stored.role, stored.is_admin) == expected  # only the first one's change, not both
    assert AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED).count() == 2  # with the fixture's


def test_two_beheerders_rename_the_same_branch_at_once_and_the_second_is_told(two_beheerders, clock):
    world = two_beheerders
    today = clock.today()

    def renaming(account: Account, name: str):
        def load():
            return next(row for row in branch_rows(account, today) if row.id == world.overvecht.id)
        return load, lambda row: rename_branch(account, row.id, name, clock, row.name)
    results = at_once(renaming(world.verburg, "Overvecht-Noord"), renaming(world.kroon, "Overvecht-Zuid"))
    told = [result for result in results if isinstance(result, RenamedMeanwhile)]
    renamed = [result for result in results if isinstance(result, BranchSaved)]
    assert len(told) == 1 and len(renamed) == 1, results
    assert told[0].current == renamed[0].name == Branch.get_by_id(world.overvecht.id).name
    assert f"intussen hernoemd tot \u201c{renamed[0].name}\u201d" in told[0].errors["name"]
    assert AuditEvent.select().where(AuditEvent.action == Action.BRANCH_RENAMED).count() == 1


def test_a_role_change_made_meanwhile_is_not_overwritten(two_beheerders, clock):
    """In turn, not at once: Verburg loaded the table, Kroon saved, then Verburg saves."""
    world = two_beheerders
    seen = {row.id: (row.role, row.is_admin) for row in branch_rows(world.verburg, clock.today())}
    save_roles(world.kroon, {world.overvecht.id: ("contact_person", True)}, clock)
    with pytest.raises(RolesChangedMeanwhile):
        save_roles(world.verburg, {world.overvecht.id: ("branch_manager", False),
                                   world.hoofdvestiging.id: ("branch_manager", True)}, clock,
                   {branch_id: seen[branch_id] for branch_id in (world.overvecht.id, world.hoofdvestiging.id)})
    overvecht, hoofd = Branch.get_by_id(world.overvecht.id), Branch.get_by_id(world.hoofdvestiging.id)
    # All or nothing: Hoofdvestiging's change is not saved either.
    assert (overvecht.role, overvecht.is_admin, hoofd.role) == ("contact_person", True, "contact_person")
    # Seen again, the same change goes through.
    assert save_roles(world.verburg, {world.overvecht.id: ("branch_manager", False)}, clock,
                      {world.overvecht.id: ("contact_person", True)}) == 1


def test_a_rename_to_the_name_someone_else_just_gave_is_no_conflict(two_beheerders, clock):
    world = two_beheerders
    rename_branch(world.kroon, world.overvecht.id, "Overvecht-Noord", clock, "Overvecht")
    assert rename_branch(world.verburg, world.overvecht.id, "Overvecht-Noord", clock, "Overvecht").name == (
        "Overvecht-Noord")
    assert AuditEvent.select().where(AuditEvent.action == Action.BRANCH_RENAMED).count() == 1


# -- a grant saved while its branch is removed --------------------------------------------------------------
RACES = {"sqlite": 50, "postgresql": 100}


def test_a_grant_saved_while_its_branch_is_removed_never_outlives_the_branch(database, request, clock):
    """Test grants a branch at the moment Verburg removes it, again and again: either the grant is made
    first and the removal ends it, or the removal comes first and the grant is refused; never a grant in
    force to a removed branch."""
    world = story.employers()
    story.registration(world.test, story.register())
    test = story.account_of(world.test)
    outcomes: Counter[str] = Counter()
    for race in range(RACES[request.node.callspec.params["database"]]):
        branch = story.branch(world.utrecht, f"Tijdelijk {race}", f"tijdelijk{race}")
        saved, removed = at_once(
            (lambda: None, lambda _: save_changes(test, GrantChanges(add=[(branch.id, None)]), clock)),
            (lambda: None, lambda _: remove_branch(world.verburg, branch.id, True, clock)),
        )
        assert removed is None, removed
        assert isinstance(saved, SaveReport | GrantRefused), saved
        left = AccessGrant.select().where(AccessGrant.branch == branch.id, AccessGrant.revoked_at.is_null())
        assert not left.exists(), f"race {race}: a grant outlived the removal of its branch"
        outcomes["refused" if isinstance(saved, GrantRefused) else "made, then ended"] += 1
    print(f"\n{dict(outcomes)}")
    assert Branch.select().where(Branch.removed_at.is_null(False)).count() == sum(outcomes.values())


# -- eight processes at once -----------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql", "sqlite-impatient"])
def shared_database(request, tmp_path):
    """(database, url, impatient): a new migrated SQLite file, or the session's PostgreSQL database emptied.

    "sqlite-impatient": the workers wait only 5 ms for SQLite's write lock instead of 10 s, so that
    lock errors are common and the retries (and DatabaseBusy when they run out) carry the load."""
    if request.param.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        database = open_database(url)
        migrate(database)
    else:
        url = request.getfixturevalue("pg_url")
        database = open_database(url)
        tables = ", ".join(f'"{model._meta.table_name}"' for model in ALL_MODELS)
        database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield database, url, request.param == "sqlite-impatient"
    database.close()


def prepare() -> dict:
    """Two organisations of three branches, every manager beheerder; eight professionals with an
    account and a running period. Each worker is a professional and one of the managers."""
    register = story.register()
    branches = []
    for organisation, place, names in (("Stichting Welzijn Utrecht", "u", ("Hoofdvestiging", "Overvecht", "Zuilen")),
                                       ("Zorggroep Amersfoort", "a", ("Centrum", "Vathorst", "Kattenbroek"))):
        org = story.organisation(organisation)
        branches += [story.branch(org, name, f"{place}-{name.lower()}", role="contact_person", admin=True)
                     for name in names]
    plans = []
    for number in range(WORKERS):
        person = story.professional(f"{chr(ord('A') + number)}.", f"Werker{number}")
        period = story.latest_period(story.registration(person, register))
        employer = branches[number % len(branches)]
        plans.append({
            "worker": number, "seed": 1000 + number, "account": story.account_of(person).id,
            "password": story.PASSWORD, "period": period.id, "employer": employer.manager_id,
            "organisation": employer.organisation_id, "branches": [branch.id for branch in branches],
            "shared_logins": [branches[0].manager.username, branches[3].manager.username],
        })
    return {"plans": plans, "branches": {branch.id: branch.name for branch in branches}}


def run_workers(url: str, plans: list[dict], tmp_path: Path, seconds: float) -> list[tuple[dict, str, int]]:
    """Start a process per plan, wait until every one is ready, then let them go together."""
    env = {**os.environ, "INZAGE_DATABASE_URL": url, DURATION_ENV: str(seconds)}
    running = []
    for plan in plans:
        out = open(tmp_path / f"worker{plan['worker']}.out", "w+")
        err = open(tmp_path / f"worker{plan['worker']}.err", "w+")
        process = subprocess.Popen([sys.executable, "-m", "tests.concurrency_worker"], cwd=ROOT, env=env,
                                   stdin=subprocess.PIPE, stdout=out, stderr=err, text=True)
        ready = tmp_path / f"worker{plan['worker']}.ready"
        process.stdin.write(json.dumps({**plan, "ready_file": str(ready)}) + "\n")
        process.stdin.flush()
        running.append((process, out, err, ready))
    deadline = time.monotonic() + 120
    while not all(ready.exists() or process.poll() is not None for process, _, _, ready in running):
        assert time.monotonic() < deadline, "the workers did not get ready"
        time.sleep(0.05)
    for process, _, _, _ in running:
        if process.poll() is None:
            process.stdin.write("go\n")
            process.stdin.close()
    results = []
    for process, out, err, _ in running:
        code = process.wait(timeout=seconds + 120)
        out.seek(0)
        err.seek(0)
        text, errors = out.read(), err.read()
        out.close()
        err.close()
        assert text.strip(), f"worker printed nothing (exit {code}): {errors}"
        results.append((json.loads(text), errors, code))
    return results


@pytest.mark.slow
def test_eight_processes_at_once_and_everything_reconciles(shared_database, tmp_path):
    database, url, impatient = shared_database
    world = prepare()
    if impatient:
        world["plans"] = [{**plan, "sqlite_busy_ms": 5, "busy_allowed": True} for plan in world["plans"]]
    seconds = float(os.environ.get(DURATION_ENV, "6"))  # both cores busy all along: 6 s keeps the suite quick
    results = run_workers(url, world["plans"], tmp_path, seconds)
    reports = [report for report, _, _ in results]

    # Nobody saw an error: no exception, no traceback or lock message, every process ended well.
    for report, errors, code in results:
        assert report["error"] is None, f"worker {report['worker']}: {report['error']}"
        assert code == 0, errors
        assert "Traceback" not in errors, errors
        if impatient:  # what gave up was told DatabaseBusy, and that is all that was not done
            assert report["gave_up"] == sum(report["busy"].values())
        else:
            for text in ("database is locked", "deadlock", "could not serialize"):
                assert text not in errors, errors
            assert report["gave_up"] == sum(report["busy"].values()) == 0
    assert max(r["started"] for r in reports) < min(r["ended"] for r in reports)  # they really ran together

    # Grants: every row is one a worker made; revoked and in force as each worker left them.
    made = [grant for r in reports for grant in r["grants_made"]]
    revoked = [grant for r in reports for grant in r["grants_revoked"]]
    assert len(made) == len(set(made)) == AccessGrant.select().count()
    assert set(made) == {grant.id for grant in AccessGrant.select()}
    assert sorted(revoked) == sorted(g.id for g in AccessGrant.select().where(AccessGrant.revoked_at.is_null(False)))
    for report in reports:
        account = Account.get_by_id(plan_of(world, report)["account"])
        live = {str(g.branch_id): [g.id, g.end_date.isoformat() if g.end_date else None]
                for g in AccessGrant.select().where(AccessGrant.professional == account.professional_id,
                                                    AccessGrant.revoked_at.is_null())}
        assert live == report["live"], f"worker {report['worker']}"
    in_force = AccessGrant.select().where(AccessGrant.revoked_at.is_null()).count()
    assert in_force == len(made) - len(revoked) == sum(len(r["live"]) for r in reports)

    # Activities: exactly those the workers kept; each period's stored points are the sum of its activities.
    # (SQLite hands out a deleted last row's id again, so ids alone do not say what was added.)
    ops = sum((Counter(r["ops"]) for r in reports), Counter())
    assert Activity.select().count() == ops["add_activity"] - ops["delete_activity"]
    for report in reports:
        period = RegistrationPeriod.get_by_id(plan_of(world, report)["period"])
        rows = list(Activity.select().where(Activity.period == period))
        assert {str(a.id): [a.category, a.points] for a in rows} == report["activities"], f"worker {report['worker']}"
        registration = Registration.get_by_id(period.registration_id)
        expected = derived_columns(registration.type, period.is_first, period.norm,
                                   sum_points((a.category, a.points) for a in rows))
        assert {column: getattr(period, column) for column in expected} == expected
        assert period.points_training + period.points_reflection + period.points_other == sum(a.points for a in rows)

    # Shared rows: every version of each organisation was saved by exactly one worker, and the last one stands.
    saves = sorted(tuple(save) for r in reports for save in r["organisation_saves"])
    for organisation in Organisation.select():
        versions = [(version, city) for org, version, city in saves if org == organisation.id]
        assert [version for version, _ in versions] == list(range(2, len(versions) + 2))
        assert organisation.version == len(versions) + 1
        if versions:
            assert organisation.visit_city == versions[-1][1]
    for branch in Branch.select():
        renamed = list(AuditEvent.select().where(AuditEvent.action == Action.BRANCH_RENAMED,
                                                 AuditEvent.branch == branch).order_by(AuditEvent.id))
        assert branch.name == (json.loads(renamed[-1].detail)["to"] if renamed else world["branches"][branch.id])
        assert sorted(json.loads(event.detail)["to"] for event in renamed) == sorted(
            name for r in reports for branch_id, name in r["renames"] if branch_id == branch.id)
        roles = list(AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED,
                                               AuditEvent.branch == branch).order_by(AuditEvent.id))
        assert branch.role == (json.loads(roles[-1].detail)["role"][1] if roles else "contact_person")
        assert all(json.loads(a.detail)["role"][1] != json.loads(b.detail)["role"][1]
                   for a, b in zip(roles, roles[1:]))  # each change changed something: none was lost

    # The audit trail: per action and actor exactly what the workers did, and nothing else.
    expected_audit: Counter[tuple[str, int | None]] = Counter()
    for report in reports:
        for action, actor, count in report["audit"]:
            expected_audit[(action, actor)] += count
    stored = Counter({(action, actor): count for action, actor, count in AuditEvent.select(
        AuditEvent.action, AuditEvent.actor, fn.COUNT(AuditEvent.id)).group_by(AuditEvent.action, AuditEvent.actor)
        .tuples()})
    assert stored == expected_audit
    assert not Account.select().where(Account.locked_until.is_null(False)).exists()

    operations = sum(ops.values())
    retries = sum(r["retries"] for r in reports)
    conflicts = sum((Counter(r["conflicts"]) for r in reports), Counter())
    elapsed = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    busy = sum((Counter(r["busy"]) for r in reports), Counter())
    database_name = ("sqlite (5 ms busy timeout)" if impatient else "sqlite") if "sqlite" in url else "postgresql"
    print(f"\n{database_name}: {WORKERS} workers, {elapsed:.1f} s, {operations} operations reconciled "
          f"({operations / elapsed:.0f}/s), {sum(expected_audit.values())} audit events, {len(made)} grants "
          f"({len(revoked)} revoked), {ops['add_activity']} activities added, {retries} retries, "
          f"{sum(busy.values())} gave up (DatabaseBusy), told changed meanwhile: {dict(conflicts)}; "
          f"per operation: {dict(sorted(ops.items()))}")
    assert operations > WORKERS * 10  # they did work, not only start up
    if impatient:
        assert retries > 0  # the lock errors happened, and were retried


def plan_of(world: dict, report: dict) -> dict:
    return world["plans"][report["worker"]]
