"""A deterministic, realistic Dutch demo data set, built with bulk inserts.

`generate()` fills an empty, migrated database. The same seed and the same
"today" give the same data. At 100,000 professionals it inserts a few million
rows; rows are streamed to the database in batches, never held all at once.
"""
from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from peewee import Database

from models import demo_data as data
from models.accounts import Account, Role
from models.bulk import BulkWriter
from models.db import is_sqlite
from models.grants import AccessGrant
from models.organisations import Branch, ManagerRole, Organisation, OrganisationStatus
from models.passwords import hash_password
from models.periods import derived_columns
from models.professionals import Activity, Professional, Register, Registration, RegistrationPeriod
from models.rules import (
    GROUP_OF,
    Category,
    Norm,
    RegistrationType,
    RuleGroup,
    norm_for,
    sum_points,
)
from models.text import fold

DEMO_PASSWORD = "kopje-koffie-om-tien"
NUMBER_SPACE = 100_000  # 4610 followed by five digits
MAX_SIZE = NUMBER_SPACE
# T. Test from the user guide: one number for six registers, and a second MW number.
TEST_NUMBER = "461027636"
TEST_SECOND_MW_NUMBER = "461024366"


@dataclass
class DemoLogin:
    username: str
    who: str


@dataclass
class DemoSummary:
    professionals: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD


_CATEGORIES = [category.value for category in Category]
_CATEGORY_CUM_WEIGHTS = list(itertools.accumulate((45, 8, 10, 6, 5, 6, 20)))
_REFLECTION = frozenset(category.value for category in Category if GROUP_OF[category] == RuleGroup.REFLECTION)


class _Generator:
    def __init__(self, size: int, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(9, 0))
        self.password_hash = hash_password(DEMO_PASSWORD)
        self.writer = BulkWriter(
            [Professional, Account, Organisation, Branch, Registration, RegistrationPeriod, Activity, AccessGrant]
        )
        self.professionals = self.writer[Professional]
        self.accounts = self.writer[Account]
        self.organisations = self.writer[Organisation]
        self.branches = self.writer[Branch]
        self.registrations = self.writer[Registration]
        self.periods = self.writer[RegistrationPeriod]
        self.activities = self.writer[Activity]
        self.grants = self.writer[AccessGrant]
        self.usernames: set[str] = set()
        self.summary = DemoSummary()

    # -- helpers -------------------------------------------------------------
    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def person(self) -> tuple[str, str, str]:
        initials = "".join(f"{self.rng.choice(data.INITIALS)}." for _ in range(self.rng.choice((1, 1, 2))))
        prefix = self.rng.choice(data.PREFIXES) if self.rng.random() < 0.25 else ""
        return initials, prefix, self.rng.choice(data.SURNAMES)

    def username_for(self, surname: str) -> str:
        base = "".join(ch for ch in fold(surname) if ch.isalnum()) or "manager"
        candidate, n = base, 1
        while candidate in self.usernames:
            n += 1
            candidate = f"{base}{n}"
        self.usernames.add(candidate)
        return candidate

    def account(self, username: str, name: str, role: Role, professional_id: int | None = None) -> int:
        self.usernames.add(username)
        email_local = username if role != Role.PROFESSIONAL else f"p{username}"
        return self.accounts.add(
            username=username,
            password_hash=self.password_hash,
            name=name,
            email=f"{email_local}@demo.inzage.nl",
            role=role,
            professional=professional_id,
            locked_until=None,
            failed_logins=0,
            last_login=None,
            created_at=self.now - dt.timedelta(days=400),
        )

    # -- registers -------------------------------------------------------------
    def registers(self) -> None:
        self.register_rows: list[tuple[int, str, Norm]] = []
        for name, code, (total, training, reflection, other) in data.REGISTERS:
            norm = Norm(total, training, reflection, other)
            register = Register.create_with_norms(name, code, norm)
            self.register_rows.append((register.id, code, norm))

    # -- organisations ---------------------------------------------------------
    def organisation(self, name: str, city_index: int, status: OrganisationStatus, reason: str | None = None) -> int:
        city, postcode = data.CITIES[city_index % len(data.CITIES)]
        decided = status != OrganisationStatus.PENDING
        return self.organisations.add(
            name=name,
            name_key=fold(name),
            visit_address=f"{self.rng.choice(data.STREETS)} {self.rng.randint(1, 200)}",
            visit_postcode=f"{postcode} {self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{self.rng.choice('ABDEGHJKLNPRSTVWXZ')}",
            visit_city=city,
            postal_address=None,
            postal_postcode=None,
            postal_city=None,
            country="Nederland",
            status=status,
            rejection_reason=reason,
            decided_by=self.staff_id if decided else None,
            decided_at=self.now - dt.timedelta(days=300) if decided else None,
            created_at=self.now - dt.timedelta(days=320),
        )

    def branch(self, org_id: int, name: str, manager: tuple[str, str, str], role: ManagerRole, admin: bool,
               username: str | None = None) -> tuple[int, int]:
        manager_name = " ".join(part for part in manager if part)
        account_id = self.account(username or self.username_for(manager[2]), manager_name, Role.EMPLOYER)
        branch_id = self.branches.add(organisation=org_id, name=name, manager=account_id, role=role, is_admin=admin)
        return branch_id, account_id

    def employers(self) -> None:
        self.staff_id = self.account("medewerker", "R. de Plein", Role.STAFF)
        self.summary.logins.append(DemoLogin("medewerker", "Registerplein-medewerker; zet eerst inloggen met een code aan"))
        showcase = self.organisation("Stichting Welzijn Utrecht", 0, OrganisationStatus.APPROVED)
        centrum = self.branch(showcase, "Centrum", ("M.", "", "Verburg"), ManagerRole.CONTACT_PERSON, True, "verburg")
        overvecht = self.branch(showcase, "Overvecht", ("D.", "", "Kroon"), ManagerRole.BRANCH_MANAGER, False, "kroon")
        rijn = self.branch(showcase, "Leidsche Rijn", ("S.", "", "Bakker"), ManagerRole.BRANCH_MANAGER, False, "bakker")
        self.summary.logins += [
            DemoLogin("verburg", "contactpersoon, beheerder, Centrum"),
            DemoLogin("kroon", "vestigingsmanager, Overvecht"),
        ]
        pending = self.organisation("Buurtzorg Zwolle e.o.", 12, OrganisationStatus.PENDING)
        self.branch(pending, "Hoofdkantoor", ("A.", "de", "Wit"), ManagerRole.CONTACT_PERSON, True, "dewit")
        rejected = self.organisation(
            "Welzijn Utrecht", 0, OrganisationStatus.REJECTED,
            "Dubbel account: Stichting Welzijn Utrecht heeft al een werkgeversaccount.",
        )
        self.branch(rejected, "Utrecht", ("K.", "van", "Leeuwen"), ManagerRole.CONTACT_PERSON, True, "vanleeuwen")
        self.summary.logins += [
            DemoLogin("dewit", "aanvraag nog in behandeling"),
            DemoLogin("vanleeuwen", "aanvraag afgewezen"),
        ]
        # Employers professionals work for: the showcase first, then generated ones.
        self.employer_branches: list[list[tuple[int, int]]] = [[centrum, overvecht, rijn]]
        names: set[str] = {"Stichting Welzijn Utrecht"}
        for index in range(max(5, self.size // 150)):
            city_index = self.rng.randrange(len(data.CITIES))
            name = f"{self.rng.choice(data.ORGANISATION_KINDS)} {data.CITIES[city_index][0]}"
            while name in names:
                name = f"{name} {self.rng.choice(['Noord', 'Zuid', 'Oost', 'West', 'e.o.', 'Regio'])}"
            names.add(name)
            org = self.organisation(name, city_index, OrganisationStatus.APPROVED)
            branch_names = self.rng.sample(data.BRANCH_NAMES, self.rng.randint(1, 4))
            branches = []
            for position, branch_name in enumerate(branch_names):
                role = ManagerRole.CONTACT_PERSON if position == 0 else ManagerRole.BRANCH_MANAGER
                branches.append(self.branch(org, branch_name, self.person(), role, position == 0))
            self.employer_branches.append(branches)

    # -- professionals -----------------------------------------------------------
    def numbers(self) -> Iterator[str]:
        reserved = {TEST_NUMBER, TEST_SECOND_MW_NUMBER if self.size < NUMBER_SPACE else None}
        pool = [f"4610{n:05d}" for n in range(NUMBER_SPACE)]
        self.rng.shuffle(pool)
        return (number for number in pool if number not in reserved)

    def professionals_and_grants(self) -> None:
        numbers = self.numbers()
        for index in range(self.size):
            if index == 0:
                self.test_professional()
                continue
            initials, prefix, surname = self.person()
            professional_id = self.professionals.add(**Professional.name_fields(initials, prefix, surname))
            number = next(numbers)
            self.account(number, Professional.name_fields(initials, prefix, surname)["name"],
                         Role.PROFESSIONAL, professional_id)
            count = self.rng.choices((1, 2, 3), weights=(65, 28, 7))[0]
            for register_id, _code, norm in self.rng.sample(self.register_rows, count):
                kind = self.rng.choices(list(RegistrationType), weights=(10, 8, 82))[0]
                self.registration(professional_id, register_id, number, kind, norm, self.days_ago(30, 14 * 365))
            self.grants_for(professional_id)
        self.summary.professionals = self.size

    def test_professional(self) -> None:
        """T. Test, as in the user guide's screenshot: seven registrations in six registers."""
        fields = Professional.name_fields("T.", "", "Test")
        professional_id = self.professionals.add(**fields)
        self.account(TEST_NUMBER, fields["name"], Role.PROFESSIONAL, professional_id)
        by_code = {code: (register_id, norm) for register_id, code, norm in self.register_rows}
        plan = [
            ("CO", RegistrationType.REGISTERED, 9 * 365),
            ("MW", RegistrationType.BASIS, 3 * 365),
            ("MZM", RegistrationType.REGISTERED, 7 * 365),
            ("PW", RegistrationType.REGISTERED, 2 * 365),
            ("AG", RegistrationType.ASPIRANT, 4 * 365),
            ("SW", RegistrationType.REGISTERED, 6 * 365 + 100),
        ]
        for code, kind, age in plan:
            register_id, norm = by_code[code]
            self.registration(professional_id, register_id, TEST_NUMBER, kind, norm, self.today - dt.timedelta(days=age))
        if self.size < NUMBER_SPACE:
            register_id, norm = by_code["MW"]
            self.registration(professional_id, register_id, TEST_SECOND_MW_NUMBER, RegistrationType.REGISTERED,
                              norm, self.today - dt.timedelta(days=8 * 365))
        (centrum, _), (overvecht, _), _ = self.employer_branches[0]
        for branch_id in (centrum, overvecht):
            self.grant(professional_id, branch_id, end_date=None)
        self.summary.logins.append(DemoLogin(TEST_NUMBER, "professional T. Test"))

    def registration(self, professional_id: int, register_id: int, number: str, kind: RegistrationType,
                     register_norm: Norm, registered_on: dt.date) -> None:
        registration_id = self.registrations.add(
            professional=professional_id, register=register_id, number=number, type=kind, registered_on=registered_on
        )
        norm = norm_for(kind, register_norm)
        starts = []
        start = registered_on
        while start <= self.today:
            starts.append(start)
            start = _add_years(start, 5)
        for seq, start in enumerate(starts, 1):
            end = _add_years(start, 5) - dt.timedelta(days=1)
            recent = seq >= len(starts) - 1
            activities = self.activities_for(start, end, norm, is_current=seq == len(starts)) if recent else []
            points = sum_points((a["category"], a["points"]) for a in activities)
            period_id = self.periods.add(
                registration=registration_id, seq=seq, start_date=start, end_date=end, is_first=seq == 1,
                **derived_columns(kind, seq == 1, norm, points),
            )
            for activity in activities:
                self.activities.add(period=period_id, **activity)

    def activities_for(self, start: dt.date, end: dt.date, norm: Norm, is_current: bool) -> list[dict]:
        """Activities for a period: about the share of the norm a professional would have by now."""
        span = (end - start).days
        if is_current:
            elapsed = max(0.0, min(1.0, (self.today - start).days / span))
            target = elapsed * self.rng.uniform(0.4, 1.4)
        else:
            target = self.rng.uniform(0.9, 1.3) if self.rng.random() < 0.85 else self.rng.uniform(0.4, 0.9)
        goal = target * (norm.total or 60)
        last_day = min(end, self.today)
        activities: list[dict] = []
        total = 0
        while total < goal:
            category = self.rng.choices(_CATEGORIES, cum_weights=_CATEGORY_CUM_WEIGHTS)[0]
            points = self.rng.randint(2, 16)
            day = start + dt.timedelta(days=self.rng.randint(0, max(0, (last_day - start).days)))
            is_reflection = category in _REFLECTION
            activities.append({
                "title": self.rng.choice(data.TITLES[category]),
                "category": category,
                "date": day,
                "points": points,
                "provider": self.rng.choice(data.PROVIDERS),
                "reflection": self.rng.choice(data.REFLECTIONS) if is_reflection and self.rng.random() < 0.6 else None,
                "created_at": dt.datetime.combine(day, dt.time(20, 0)),
            })
            total += points
        return activities

    def grants_for(self, professional_id: int) -> None:
        if self.rng.random() < 0.12:
            return  # has not granted access to anyone
        # A quarter works for the showcase organisation, so its managers see plenty.
        org_index = 0 if self.rng.random() < 0.25 else self.rng.randrange(1, len(self.employer_branches))
        branches = self.employer_branches[org_index]
        for branch_id, manager_id in self.rng.sample(branches, min(len(branches), self.rng.choice((1, 1, 2)))):
            fate = self.rng.random()
            if fate < 0.45:
                self.grant(professional_id, branch_id, end_date=None)
            elif fate < 0.75:
                self.grant(professional_id, branch_id, end_date=self.today + dt.timedelta(days=self.rng.randint(0, 900)))
            elif fate < 0.87:
                self.grant(professional_id, branch_id, end_date=self.days_ago(1, 700))
            else:
                by_employer = self.rng.random() < 0.4
                revoked_by = manager_id if by_employer else self.accounts.next_id - 1
                self.grant(professional_id, branch_id, end_date=None, revoked=(self.days_ago(1, 300), revoked_by))

    def grant(self, professional_id: int, branch_id: int, end_date: dt.date | None,
              revoked: tuple[dt.date, int] | None = None) -> None:
        granted = self.days_ago(320, 1500) if revoked is None else revoked[0] - dt.timedelta(days=self.rng.randint(30, 900))
        if end_date is not None and end_date < granted:
            granted = end_date - dt.timedelta(days=self.rng.randint(30, 400))
        self.grants.add(
            professional=professional_id,
            branch=branch_id,
            granted_at=dt.datetime.combine(granted, dt.time(10, 30)),
            end_date=end_date,
            revoked_at=dt.datetime.combine(revoked[0], dt.time(11, 15)) if revoked else None,
            revoked_by=revoked[1] if revoked else None,
        )

    def run(self) -> DemoSummary:
        self.registers()
        self.employers()
        self.professionals_and_grants()
        self.writer.flush()
        for model, bulk in self.writer.bulks.items():
            self.summary.rows[model.__name__] = bulk.count
        return self.summary


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def generate(database: Database, *, size: int = 300, seed: int = 2026, today: dt.date) -> DemoSummary:
    """Fill an empty, migrated database with a demo data set of `size` professionals."""
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"size must be between 1 and {MAX_SIZE} (the registration number space)")
    generator = _Generator(size, seed, today)
    # One transaction: a run that is killed or fails leaves no rows at all, and on PostgreSQL
    # the sequences move with the rows (after COMMIT, a kill left them behind the ids in use).
    with database.atomic():
        summary = generator.run()
        if not is_sqlite(database):
            _reset_sequences(database)
    if not is_sqlite(database):
        # Fresh statistics after a bulk load: with none, PostgreSQL planned the overview
        # at 100,000 professionals three times slower (1.7 s instead of 0.6 s).
        database.execute_sql("ANALYZE")
    return summary


def _reset_sequences(database: Database) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move each to just past its table's ids."""
    from models import ALL_MODELS

    for model in ALL_MODELS:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)"
        )
