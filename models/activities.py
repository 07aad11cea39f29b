"""A professional's own dossier, and adding, changing and deleting their own activities.

Every change checks that the period is the acting professional's and still running,
validates the form, and writes the activity, the period's derived points and status,
and an audit event in one transaction: the employer's overview is right at once.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from models.access import AccessDenied, require_professional
from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import Clock, format_date
from models.db import locked, retry_on_conflict, write_transaction
from models.dossier import ActivityLine, Dossier, dossier_of
from models.periods import refresh_points
from models.professionals import Activity, Registration, RegistrationPeriod
from models.refusal import Refusal
from models.rules import Category
from models.validation import FieldError, FormChecker, clean_date, clean_text

MAX_TITLE = 300
MAX_PROVIDER = 300
MAX_REFLECTION = 10_000
MIN_POINTS, MAX_POINTS = 1, 1000
FIELDS = ("title", "category", "date", "points", "provider", "reflection")  # in the order of the form

PERIOD_NOT_YOURS = "Deze registratieperiode staat niet in uw dossier."
ACTIVITY_NOT_YOURS = "Deze activiteit staat niet (meer) in uw dossier."

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_FRACTION = re.compile(r"[+-]?[0-9]*[.,][0-9]*")


class PeriodClosed(Refusal):
    """The period has ended: its activities can be read, no longer changed. The message is Dutch."""

    def __init__(self, end_date: dt.date) -> None:
        super().__init__(f"Deze registratieperiode is afgelopen op {format_date(end_date)}. U kunt de activiteiten "
                         "nog bekijken, maar niet meer toevoegen, wijzigen of verwijderen.")
        self.end_date = end_date


@dataclass(frozen=True)
class ActivityForm:
    """An activity as the professional typed it; nothing is checked yet."""

    title: str = ""
    category: str = ""
    date: str = ""  # Dutch, as typed: 31-12-2026
    points: str = ""
    provider: str = ""
    reflection: str = ""

    @classmethod
    def of(cls, line: ActivityLine) -> ActivityForm:
        """The form filled in with an existing activity, for changing it."""
        return cls(line.title, line.category, format_date(line.date), str(line.points), line.provider,
                   line.reflection or "")


def my_dossier(account: Account) -> Dossier:
    """The professional's own dossier: the latest period of each registration. One's own views are not audited."""
    return dossier_of(require_professional(account))


def is_open(end_date: dt.date, today: dt.date) -> bool:
    """Activities of a period can be changed up to and including its end date."""
    return today <= end_date


# -- checking what was typed -------------------------------------------------------------------------------
def clean_category(value: str) -> str:
    if value not in {category.value for category in Category}:
        raise FieldError("Kies een categorie.")
    return value


def clean_points(value: str) -> int:
    """A whole number of points, 1 to 1000: one point per net hour."""
    text = value.strip()
    if not text:
        raise FieldError("Vul het aantal punten in: één punt per netto uur.")
    if _FRACTION.fullmatch(text) and any(ch.isdigit() for ch in text):
        raise FieldError("Vul een heel aantal punten in, zonder komma: één punt per netto uur.")
    if not _WHOLE_NUMBER.fullmatch(text):
        raise FieldError("Vul het aantal punten in als getal, bijvoorbeeld 8.")
    digits = text.lstrip("+-").lstrip("0")
    if text.startswith("-") or not digits:
        raise FieldError(f"Vul minstens {MIN_POINTS} punt in.")
    if len(digits) > len(str(MAX_POINTS)) or int(digits) > MAX_POINTS:
        raise FieldError(f"Vul hooguit {MAX_POINTS} punten in voor één activiteit.")
    return int(digits)


def clean_reflection(value: str) -> str | None:
    """Free text over several lines: line breaks kept, trailing spaces and blank edges dropped; None when empty."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in text):
        raise FieldError("Gebruik in de reflectie geen stuurtekens.")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    if len(text) > MAX_REFLECTION:
        raise FieldError(f"Gebruik voor de reflectie hooguit {MAX_REFLECTION:,} tekens; het zijn er nu "
                         f"{len(text):,}.".replace(",", "."))
    return text or None


def clean_activity_date(value: str, period: RegistrationPeriod, today: dt.date) -> dt.date:
    """A date inside the period, and not in the future."""
    day = clean_date(value, what="de datum")
    if not period.start_date <= day <= period.end_date:
        raise FieldError(f"Kies een datum in deze periode: van {format_date(period.start_date)} "
                         f"t/m {format_date(period.end_date)}.")
    if day > today:
        raise FieldError("Deze datum ligt in de toekomst. Vul de datum in waarop u de activiteit deed.")
    return day


def check_activity(form: ActivityForm, period: RegistrationPeriod, today: dt.date) -> dict[str, Any]:
    """The activity's columns, cleaned, or FormErrors keyed by the fields of FIELDS."""
    checker = FormChecker()
    values = {
        "title": checker.check("title", clean_text, form.title, max_length=MAX_TITLE, what="de titel"),
        "category": checker.check("category", clean_category, form.category),
        "date": checker.check("date", clean_activity_date, form.date, period, today),
        "points": checker.check("points", clean_points, form.points),
        "provider": checker.check("provider", clean_text, form.provider, required=False, max_length=MAX_PROVIDER,
                                  what="de aanbieder"),
        "reflection": checker.check("reflection", clean_reflection, form.reflection),
    }
    checker.raise_if_any()
    return values


# -- whose period, and is it still running ---------------------------------------------------------------------
def _own_period(professional_id: int, period_id: int) -> RegistrationPeriod:
    """The professional's own period, locked for the rest of the transaction, or AccessDenied."""
    period = locked(
        RegistrationPeriod.select(RegistrationPeriod, Registration).join(Registration)
        .where(RegistrationPeriod.id == period_id, Registration.professional == professional_id)
    ).first()
    if period is None:
        raise AccessDenied(PERIOD_NOT_YOURS)
    return period


def _own_activity(professional_id: int, activity_id: int) -> tuple[Activity, RegistrationPeriod]:
    """The professional's own activity and its period (both locked), or AccessDenied."""
    period_id = (Activity.select(Activity.period).join(RegistrationPeriod).join(Registration)
                 .where(Activity.id == activity_id, Registration.professional == professional_id).scalar())
    if period_id is None:
        raise AccessDenied(ACTIVITY_NOT_YOURS)
    period = _own_period(professional_id, period_id)  # the period first: every change to it queues here
    activity = locked(Activity.select().where(Activity.id == activity_id, Activity.period == period.id)).first()
    if activity is None:  # deleted meanwhile, e.g. in another session
        raise AccessDenied(ACTIVITY_NOT_YOURS)
    return activity, period


def _require_open(period: RegistrationPeriod, today: dt.date) -> None:
    if not is_open(period.end_date, today):
        raise PeriodClosed(period.end_date)


def _detail(activity: Activity, period: RegistrationPeriod, **more: Any) -> dict[str, Any]:
    """What the audit trail keeps of an activity: no titles or reflections, only what happened to the points."""
    return {"activity": activity.id, "period": period.id, "category": activity.category, "points": activity.points,
            **more}


# -- the changes ------------------------------------------------------------------------------------------------
@retry_on_conflict
def add_activity(account: Account, period_id: int, form: ActivityForm, clock: Clock) -> Activity:
    """Add an activity to one of the professional's own running periods; its points count at once."""
    professional_id = require_professional(account)
    now, today = clock.now(), clock.today()
    with write_transaction():
        period = _own_period(professional_id, period_id)
        _require_open(period, today)
        values = check_activity(form, period, today)
        activity = Activity.create(period=period, created_at=now, **values)
        refresh_points(period)
        AuditEvent.record(now, Action.ACTIVITY_ADDED, actor=account, professional=professional_id,
                          detail=_detail(activity, period))
    return activity


@retry_on_conflict
def edit_activity(account: Account, activity_id: int, form: ActivityForm, clock: Clock) -> Activity:
    """Change one of the professional's own activities in a running period; it stays in that period."""
    professional_id = require_professional(account)
    now, today = clock.now(), clock.today()
    with write_transaction():
        activity, period = _own_activity(professional_id, activity_id)
        _require_open(period, today)
        values = check_activity(form, period, today)
        changed = [field for field in FIELDS if getattr(activity, field) != values[field]]
        if changed:
            for field in changed:
                setattr(activity, field, values[field])
            activity.save()
            refresh_points(period)
            AuditEvent.record(now, Action.ACTIVITY_CHANGED, actor=account, professional=professional_id,
                              detail=_detail(activity, period, changed=changed))
    return activity


@retry_on_conflict
def delete_activity(account: Account, activity_id: int, clock: Clock) -> None:
    """Delete one of the professional's own activities from a running period; its points no longer count."""
    professional_id = require_professional(account)
    now, today = clock.now(), clock.today()
    with write_transaction():
        activity, period = _own_activity(professional_id, activity_id)
        _require_open(period, today)
        detail = _detail(activity, period)
        activity.delete_instance()
        refresh_points(period)
        AuditEvent.record(now, Action.ACTIVITY_DELETED, actor=account, professional=professional_id, detail=detail)
