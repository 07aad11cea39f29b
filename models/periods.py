"""Keeping a period's derived points and status in step with its activities."""
from __future__ import annotations

import datetime as dt

from models.professionals import Activity, NormRule, Registration, RegistrationPeriod
from models.rules import Points, RegistrationType, achieved_total, norm_for, period_status, sum_points


def start_period(registration: Registration, seq: int, start: dt.date, end: dt.date, is_first: bool = False
                 ) -> RegistrationPeriod:
    """Create a period with the register's current norm for this registration type, and no points yet."""
    rule = NormRule.get_or_none(register=registration.register, registration_type=RegistrationType.REGISTERED)
    norm = norm_for(registration.type, rule.norm) if rule else norm_for(RegistrationType.BASIS, None)
    points = Points()
    return RegistrationPeriod.create(
        registration=registration,
        seq=seq,
        start_date=start,
        end_date=end,
        is_first=is_first,
        norm_total=norm.total,
        min_training=norm.min_training,
        min_reflection=norm.min_reflection,
        max_other=norm.max_other,
        achieved=achieved_total(points, norm),
        status=period_status(registration.type, is_first, points, norm),
    )


def refresh_points(period: RegistrationPeriod) -> RegistrationPeriod:
    """Recompute and store `period`'s points and status from its activities.

    Call it in the same transaction as any change to the period's activities.
    """
    rows = Activity.select(Activity.category, Activity.points).where(Activity.period == period).tuples()
    points = sum_points(rows)
    norm = period.norm
    period.points_training = points.training
    period.points_reflection = points.reflection
    period.points_other = points.other
    period.achieved = achieved_total(points, norm)
    period.status = period_status(period.registration.type, period.is_first, points, norm)
    period.save()
    return period
