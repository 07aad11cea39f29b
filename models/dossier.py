"""A professional's dossier as an employer sees it: the latest period of each registration."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from models.access import AccessDenied, own_branches, require_employer, visible_professionals
from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import retry_on_conflict
from models.grants import AccessGrant
from models.organisations import Branch
from models.professionals import Activity, Professional, Register, Registration, RegistrationPeriod
from models.rules import RuleProgress, progress

NOT_VISIBLE = "Deze professional heeft u geen inzage (meer) gegeven."


@dataclass(frozen=True)
class ActivityLine:
    id: int
    date: dt.date
    title: str
    category: str
    points: int
    provider: str
    reflection: str | None


@dataclass(frozen=True)
class PeriodView:
    period_id: int
    register: str
    number: str
    registration_type: str
    start_date: dt.date
    end_date: dt.date
    is_first: bool
    norm: int
    achieved: int
    status: str
    rules: list[RuleProgress]
    activities: list[ActivityLine]


@dataclass(frozen=True)
class Dossier:
    professional_id: int
    name: str
    periods: list[PeriodView]


@retry_on_conflict
def open_dossier(account: Account, professional_id: int, clock: Clock, *, record_view: bool = True) -> Dossier:
    """The latest period per registration, with progress per rule and its activities — nothing older.

    Only for an employer whose branch the professional granted access in force today, checked on
    every call. Every opening is recorded, because the professional can see who looked; a dossier
    that is already open and reads itself again because something changed (`record_view=False`)
    is checked the same way but not recorded again: the professional's "Wie keek er" would
    otherwise grow a line with every change anyone made.
    """
    require_employer(account)
    now, today = clock.now(), clock.today()
    if not visible_professionals(account, today).where(AccessGrant.professional == professional_id).exists():
        raise AccessDenied(NOT_VISIBLE)
    dossier = dossier_of(professional_id)
    if not record_view:
        return dossier
    branch = Branch.select().where(Branch.id.in_(own_branches(account))).get()  # exists: access was checked
    AuditEvent.record(now, Action.DOSSIER_VIEWED, actor=account, professional=professional_id, branch=branch,
                      organisation=branch.organisation_id)
    return dossier


def dossier_of(professional_id: int) -> Dossier:
    """The dossier itself, with no access check: callers decide who may see it (open_dossier, my_dossier)."""
    professional = Professional.get_by_id(professional_id)
    P = RegistrationPeriod
    latest = P.alias("latest")
    latest_seq = latest.select(fn.MAX(latest.seq)).where(latest.registration == Registration.id)
    periods = list(
        P.select(P, Registration, Register)
        .join(Registration).join(Register)
        .where(Registration.professional == professional_id, P.seq == latest_seq)
        .order_by(Register.name, Registration.number)
    )
    activities: dict[int, list[ActivityLine]] = {period.id: [] for period in periods}
    if periods:
        for activity in (Activity.select().where(Activity.period.in_(list(activities)))
                         .order_by(Activity.date.desc(), Activity.id.desc())):
            activities[activity.period_id].append(ActivityLine(
                activity.id, activity.date, activity.title, activity.category, activity.points, activity.provider,
                activity.reflection))
    return Dossier(professional.id, professional.name, [
        PeriodView(
            period_id=period.id,
            register=period.registration.register.name,
            number=period.registration.number,
            registration_type=period.registration.type,
            start_date=period.start_date,
            end_date=period.end_date,
            is_first=period.is_first,
            norm=period.norm_total,
            achieved=period.achieved,
            status=period.status,
            rules=progress(period.points, period.norm),
            activities=activities[period.id],
        )
        for period in periods
    ])
