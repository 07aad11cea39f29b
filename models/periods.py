"""Registration periods: starting one, and keeping its derived points and status in step."""
from __future__ import annotations

import datetime as dt
from typing import Any

from models.professionals import Activity, NormRule, Registration, RegistrationPeriod
from models.rules import NO_NORM, Norm, Points, achieved_total, norm_for, period_status, sum_points


def derived_columns(registration_type: str, is_first: bool, norm: Norm, points: Points) -> dict[str, Any]:
    """The stored columns that follow from a period's norm and its activities' points."""
    return {
        "norm_total": norm.total,
        "min_training": norm.min_training,
        "min_reflection": norm.min_reflection,
        "max_other": norm.max_other,
        "points_training": points.training,
        "points_reflection": points.reflection,
        "points_other": points.other,
        "achieved": achieved_total(points, norm),
        "status": period_status(registration_type, is_first, points, norm),
    }


def start_period(registration: Registration, seq: int, start: dt.date, end: dt.date, is_first: bool = False
                 ) -> RegistrationPeriod:
    """Create a period with the register's current norm for this registration type, and no points yet."""
    rule = NormRule.get_or_none(register=registration.register, registration_type=registration.type)
    norm = norm_for(registration.type, rule.norm if rule else NO_NORM)
    return RegistrationPeriod.create(
        registration=registration, seq=seq, start_date=start, end_date=end, is_first=is_first,
        **derived_columns(registration.type, is_first, norm, Points()),
    )


def refresh_points(period: RegistrationPeriod) -> RegistrationPeriod:
    """Recompute and store `period`'s points and status from its activities.

    Call it in the same transaction as any change to the period's activities.
    """
    rows = Activity.select(Activity.category, Activity.points).where(Activity.period == period).tuples()
    for column, value in derived_columns(period.registration.type, period.is_first, period.norm,
                                         sum_points(rows)).items():
        setattr(period, column, value)
    period.save()
    return period
