"""The benchmark's data: the demo generator's national-register-sized set, plus one employer per N.

`ensure_dataset(url)` builds it once (or reuses it: the accounts `bench-1000`, `bench-10000`
and `bench-100000` mark a finished set) and returns those accounts' usernames by N. Each
`bench-N` manages a branch of "Benchmark Zorg" to which professionals granted access, in
id order, until its overview holds N rows (a few more when the last professional has
several registrations).
"""
from __future__ import annotations

import datetime as dt
import time

from peewee import Database, fn

from models import AccessGrant, Account, Branch, ManagerRole, Organisation, OrganisationStatus, Role
from models.demo import generate
from models.passwords import hash_password
from models.professionals import Registration, RegistrationPeriod
from models.schema import SchemaState, inspect_schema, migrate

SIZES = (1_000, 10_000, 100_000)
PROFESSIONALS = 100_000  # the demo generator's largest set: every registration number in use
TODAY = dt.date(2026, 11, 28)  # the data is generated for this day; the benchmark's clock stands still on it
PASSWORD = "bench-wachtwoord-2026"


def username(n: int) -> str:
    return f"bench-{n}"


class NotABenchDatabase(Exception):
    pass


def ensure_dataset(database: Database, say=print) -> dict[int, str]:
    state = inspect_schema(database).state
    if state == SchemaState.OUTDATED:
        migrate(database)  # a data set kept from an earlier version: bring its schema up to date first
    if state != SchemaState.EMPTY:
        if Account.select().where(Account.username == username(SIZES[-1])).exists():
            return {n: username(n) for n in SIZES}
        raise NotABenchDatabase("this database holds other data; point the benchmark at an empty one")
    migrate(database)
    started = time.perf_counter()
    say(f"  building the data set: {PROFESSIONALS:,} professionals with the demo generator…")
    generate(database, size=PROFESSIONALS, seed=2026, today=TODAY)
    say(f"  generated in {time.perf_counter() - started:.0f} s; adding one employer per N…")
    with database.atomic():
        _bench_employers(database)
    if database.__class__.__name__.startswith("Postgres"):
        database.execute_sql("ANALYZE")
    say(f"  data set ready after {time.perf_counter() - started:.0f} s")
    return {n: username(n) for n in SIZES}


def rows_per_professional() -> list[tuple[int, int]]:
    """(professional id, overview rows it brings: its latest period and, if any, the one before), by id."""
    periods = (RegistrationPeriod.select(Registration.professional, fn.COUNT(RegistrationPeriod.id))
               .join(Registration).group_by(RegistrationPeriod.registration, Registration.professional))
    per: dict[int, int] = {}
    for professional_id, count in periods.tuples():
        per[professional_id] = per.get(professional_id, 0) + min(count, 2)
    return sorted(per.items())


def _bench_employers(database: Database) -> None:
    now = dt.datetime.combine(TODAY, dt.time(9))
    organisation = Organisation.create(
        name="Benchmark Zorg", name_key="benchmark zorg", visit_address="Meetlaan 1", visit_postcode="3511 AA",
        visit_city="Utrecht", country="Nederland", status=OrganisationStatus.APPROVED, decided_at=now,
        created_at=now,
    )
    password_hash = hash_password(PASSWORD)
    counts = rows_per_professional()
    for n in SIZES:
        manager = Account.create(username=username(n), password_hash=password_hash, name=f"Bench {n}",
                                 email=f"bench-{n}@example.nl", role=Role.EMPLOYER, created_at=now)
        branch = Branch.create(organisation=organisation, name=f"Vestiging {n}", manager=manager,
                               role=ManagerRole.BRANCH_MANAGER, is_admin=n == SIZES[0])
        grants, total = [], 0
        for professional_id, rows in counts:
            if total >= n:
                break
            grants.append({"professional": professional_id, "branch": branch.id,
                           "granted_at": now - dt.timedelta(days=30)})
            total += rows
        for start in range(0, len(grants), 5000):
            AccessGrant.insert_many(grants[start:start + 5000]).execute()
