"""Keeping a period's derived points and status in step with its activities."""
from __future__ import annotations

from models.professionals import Activity, RegistrationPeriod
from models.rules import achieved_total, period_status, sum_points


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
