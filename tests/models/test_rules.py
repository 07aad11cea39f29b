"""The register's rules, as a table of cases."""
from __future__ import annotations

import datetime as dt

import pytest

from models.rules import (
    Norm,
    Points,
    Status,
    achieved_total,
    grant_in_force,
    norm_for,
    period_status,
    progress,
    sum_points,
)

MW = Norm(total=150, min_training=60, min_reflection=40, max_other=30)


@pytest.mark.parametrize(
    ("activities", "expected"),
    [
        ([], Points(0, 0, 0)),
        ([("training", 8)], Points(8, 0, 0)),
        ([("supervision", 3), ("intervision", 2), ("case_discussion", 1), ("coaching", 4), ("peer_consultation", 5)],
         Points(0, 15, 0)),
        ([("other", 7), ("training", 1), ("other", 2)], Points(1, 0, 9)),
    ],
)
def test_points_are_summed_per_rule_group(activities, expected):
    assert sum_points(activities) == expected


def test_an_unknown_category_is_refused():
    with pytest.raises(ValueError):
        sum_points([("gardening", 3)])


@pytest.mark.parametrize(
    ("points", "norm", "achieved"),
    [
        (Points(60, 40, 0), MW, 100),
        (Points(60, 40, 12), MW, 112),  # below the maximum: "other" counts fully
        (Points(60, 40, 29), MW, 129),
        (Points(60, 40, 30), MW, 130),  # exactly the maximum still counts fully
        (Points(60, 40, 31), MW, 130),
        (Points(60, 40, 50), MW, 130),  # 20 "other" points above the maximum do not count
        (Points(100, 50, 31), MW, 180),
        (Points(0, 0, 10), Norm(0, 0, 0, None), 10),  # no maximum: everything counts
        (Points(5, 5, 10), Norm(50, 20, 10, 0), 10),  # maximum 0: "other" never counts
    ],
)
def test_achieved_counts_other_up_to_its_maximum(points, norm, achieved):
    assert achieved_total(points, norm) == achieved


def test_progress_lists_each_rule_with_what_it_asks():
    rules = {rule.group: rule for rule in progress(Points(70, 20, 45), MW)}
    assert (rules["total"].achieved, rules["total"].required, rules["total"].met) == (120, 150, False)
    assert (rules["training"].achieved, rules["training"].met) == (70, True)
    assert (rules["reflection"].achieved, rules["reflection"].required, rules["reflection"].met) == (20, 40, False)
    assert (rules["other"].achieved, rules["other"].required, rules["other"].met) == (30, 30, True)


def test_other_below_its_maximum_shows_in_full():
    rules = {rule.group: rule for rule in progress(Points(70, 40, 12), MW)}
    assert (rules["other"].achieved, rules["other"].required, rules["other"].met) == (12, 30, True)
    assert rules["total"].achieved == 122


@pytest.mark.parametrize(
    ("kind", "is_first", "points", "norm", "status"),
    [
        # registered, not first: green only when every rule is met
        ("registered", False, Points(60, 40, 50), MW, Status.RED),  # 60+40+min(50,30) = 130 < 150
        ("registered", False, Points(80, 40, 30), MW, Status.GREEN),  # 150 exactly
        ("registered", False, Points(79, 40, 30), MW, Status.RED),  # one point short of the total
        ("registered", False, Points(90, 40, 20), MW, Status.GREEN),  # 20 "other" below the maximum: 150
        ("registered", False, Points(80, 40, 20), MW, Status.RED),  # ... and here 140
        ("registered", False, Points(59, 91, 0), MW, Status.RED),  # total met, training short
        ("registered", False, Points(110, 39, 1), MW, Status.RED),  # total met, reflection short
        ("registered", False, Points(0, 0, 0), Norm(0, 0, 0, None), Status.GREEN),
        # the first period (aanmeldperiode) is always green
        ("registered", True, Points(0, 0, 0), MW, Status.GREEN),
        # basis and aspirant: always green
        ("basis", False, Points(0, 0, 0), MW, Status.GREEN),
        ("aspirant", False, Points(0, 0, 0), MW, Status.GREEN),
    ],
)
def test_period_status(kind, is_first, points, norm, status):
    assert period_status(kind, is_first, points, norm) == status


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("basis", Norm()), ("aspirant", Norm()), ("registered", MW)],
)
def test_basis_and_aspirant_have_norm_zero(kind, expected):
    assert norm_for(kind, MW) == expected
    assert norm_for(kind, MW).total == (150 if kind == "registered" else 0)


END = dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("revoked", "end_date", "day", "in_force"),
    [
        (False, None, dt.date(2026, 1, 1), True),  # no end date: until revoked
        (False, None, dt.date(2099, 1, 1), True),
        (False, END, dt.date(2026, 12, 30), True),
        (False, END, END, True),  # the end date itself is still in force
        (False, END, dt.date(2027, 1, 1), False),  # the day after is not
        (True, None, dt.date(2026, 1, 1), False),  # revoked never is
        (True, END, dt.date(2026, 6, 1), False),
    ],
)
def test_grant_in_force(revoked, end_date, day, in_force):
    assert grant_in_force(revoked, end_date, day) is in_force
