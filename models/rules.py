"""The register's rules as pure functions: points per norm rule, period status, grants in force.

Nothing here touches the database; the models call these to derive what they store,
and the tests check them with a table of cases.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class RegistrationType(StrEnum):
    BASIS = "basis"
    ASPIRANT = "aspirant"
    REGISTERED = "registered"


class Category(StrEnum):
    """The kind of an activity. Reflection has several forms; each counts as reflection."""

    TRAINING = "training"
    SUPERVISION = "supervision"
    INTERVISION = "intervision"
    CASE_DISCUSSION = "case_discussion"
    COACHING = "coaching"
    PEER_CONSULTATION = "peer_consultation"
    OTHER = "other"


class RuleGroup(StrEnum):
    TRAINING = "training"
    REFLECTION = "reflection"
    OTHER = "other"


GROUP_OF: dict[Category, RuleGroup] = {
    Category.TRAINING: RuleGroup.TRAINING,
    Category.SUPERVISION: RuleGroup.REFLECTION,
    Category.INTERVISION: RuleGroup.REFLECTION,
    Category.CASE_DISCUSSION: RuleGroup.REFLECTION,
    Category.COACHING: RuleGroup.REFLECTION,
    Category.PEER_CONSULTATION: RuleGroup.REFLECTION,
    Category.OTHER: RuleGroup.OTHER,
}


class Status(StrEnum):
    GREEN = "green"
    RED = "red"


# Registration types whose norm is always 0 and whose status is always green.
NORM_FREE_TYPES = frozenset({RegistrationType.BASIS, RegistrationType.ASPIRANT})


@dataclass(frozen=True)
class Norm:
    """What a period asks: a total, two minimums, and a cap on "other" (None: no cap)."""

    total: int = 0
    min_training: int = 0
    min_reflection: int = 0
    max_other: int | None = None


NO_NORM = Norm()


@dataclass(frozen=True)
class Points:
    """Raw sums of a period's activity points per rule group (before any cap)."""

    training: int = 0
    reflection: int = 0
    other: int = 0


@dataclass(frozen=True)
class RuleProgress:
    """How far one norm rule is: `achieved` against `required` (a minimum or a maximum)."""

    group: str  # "total" or a RuleGroup value
    achieved: int
    required: int | None
    is_maximum: bool = False

    @property
    def met(self) -> bool:
        if self.required is None or self.is_maximum:
            return True
        return self.achieved >= self.required


def sum_points(activities: Iterable[tuple[str, int]]) -> Points:
    """Sum (category, points) pairs into the three rule groups."""
    sums = {group: 0 for group in RuleGroup}
    for category, points in activities:
        sums[GROUP_OF[Category(category)]] += points
    return Points(sums[RuleGroup.TRAINING], sums[RuleGroup.REFLECTION], sums[RuleGroup.OTHER])


def counted_other(points: Points, norm: Norm) -> int:
    """Points for "other" that count: anything above the register's maximum does not."""
    return points.other if norm.max_other is None else min(points.other, norm.max_other)


def achieved_total(points: Points, norm: Norm) -> int:
    """The points that count toward the total ("Behaald")."""
    return points.training + points.reflection + counted_other(points, norm)


def progress(points: Points, norm: Norm) -> list[RuleProgress]:
    """Progress per norm rule, in the order a dossier shows them."""
    return [
        RuleProgress("total", achieved_total(points, norm), norm.total),
        RuleProgress(RuleGroup.TRAINING, points.training, norm.min_training),
        RuleProgress(RuleGroup.REFLECTION, points.reflection, norm.min_reflection),
        RuleProgress(RuleGroup.OTHER, counted_other(points, norm), norm.max_other, is_maximum=True),
    ]


def norm_for(registration_type: str, register_norm: Norm) -> Norm:
    """The norm a new period gets: basis and aspirant always have none."""
    if RegistrationType(registration_type) in NORM_FREE_TYPES:
        return NO_NORM
    return register_norm


def period_status(registration_type: str, is_first: bool, points: Points, norm: Norm) -> Status:
    """Green when the dossier can be submitted; red when a rule still falls short.

    Basis and aspirant registrations, and a professional's first period
    (aanmeldperiode), are always green.
    """
    if RegistrationType(registration_type) in NORM_FREE_TYPES or is_first:
        return Status.GREEN
    if all(rule.met for rule in progress(points, norm)):
        return Status.GREEN
    return Status.RED


def grant_in_force(revoked: bool, end_date: dt.date | None, day: dt.date) -> bool:
    """A grant counts on `day` when not revoked and its end date (if any) is not past.

    The end date itself is still in force; the day after it is not.
    """
    return not revoked and (end_date is None or day <= end_date)
