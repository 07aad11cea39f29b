"""Professionals and what they are registered in: registers, norms, registrations, periods, activities."""
from __future__ import annotations

from peewee import (
    SQL,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from models.db import BaseModel
from models.rules import Category, Norm, Points, RegistrationType, Status, norm_for
from models.text import fold


def _in(column: str, values) -> Check:
    listed = ", ".join(f"'{value}'" for value in values)
    return Check(f"{column} IN ({listed})")


class Professional(BaseModel):
    """A registered social professional (geregistreerde)."""

    initials = CharField(max_length=40)
    prefix = CharField(max_length=40, default="")  # tussenvoegsel: "van der"
    surname = CharField(max_length=200)
    name = CharField(max_length=300)  # as shown: "J. van der Berg"
    sort_name = CharField(max_length=300, index=True)  # folded "berg van der j."
    search_name = CharField(max_length=300)  # folded display name

    @staticmethod
    def name_fields(initials: str, prefix: str, surname: str) -> dict[str, str]:
        """The stored name columns for a professional's name parts."""
        name = " ".join(part for part in (initials, prefix, surname) if part)
        return {
            "initials": initials,
            "prefix": prefix,
            "surname": surname,
            "name": name,
            "sort_name": fold(f"{surname} {prefix} {initials}"),
            "search_name": fold(name),
        }


class Register(BaseModel):
    """A register of the Registerplein, e.g. "Register Sociaal Werkers"."""

    name = CharField(max_length=200, unique=True)
    code = CharField(max_length=20, unique=True)
    period_years = IntegerField(default=5, constraints=[Check("period_years > 0")])

    @classmethod
    def create_with_norms(cls, name: str, code: str, registered_norm: Norm, period_years: int = 5) -> Register:
        """A register with its norm rule per registration type (basis and aspirant: none)."""
        register = cls.create(name=name, code=code, period_years=period_years)
        for kind in RegistrationType:
            rule = norm_for(kind, registered_norm)
            NormRule.create(register=register, registration_type=kind, total=rule.total,
                            min_training=rule.min_training, min_reflection=rule.min_reflection,
                            max_other=rule.max_other)
        return register


class NormRule(BaseModel):
    """The points a register asks per period for one registration type."""

    register = ForeignKeyField(Register, backref="norm_rules", on_delete="CASCADE")
    registration_type = CharField(max_length=20, constraints=[_in("registration_type", RegistrationType)])
    total = IntegerField(constraints=[Check("total >= 0")])
    min_training = IntegerField(default=0, constraints=[Check("min_training >= 0")])
    min_reflection = IntegerField(default=0, constraints=[Check("min_reflection >= 0")])
    max_other = IntegerField(null=True, constraints=[Check("max_other >= 0")])

    class Meta:
        indexes = ((("register", "registration_type"), True),)

    @property
    def norm(self) -> Norm:
        return Norm(self.total, self.min_training, self.min_reflection, self.max_other)


class Registration(BaseModel):
    """A professional in a register, under a 9-digit number starting with 4610."""

    professional = ForeignKeyField(Professional, backref="registrations", on_delete="CASCADE")
    register = ForeignKeyField(Register, backref="registrations")
    number = CharField(
        max_length=9,
        constraints=[Check("length(number) = 9 AND substr(number, 1, 4) = '4610'")],
    )
    type = CharField(max_length=20, constraints=[_in("type", RegistrationType)])
    registered_on = DateField()

    class Meta:
        indexes = ((("register", "number"), True),)


class RegistrationPeriod(BaseModel):
    """One registration period. Points and status are derived from its activities.

    The norm is copied from the register when the period starts, so a later change
    of the register's norms does not move the goalposts of a running period.
    """

    registration = ForeignKeyField(Registration, backref="periods", on_delete="CASCADE")
    seq = IntegerField(constraints=[Check("seq >= 1")])  # 1 for the first period
    start_date = DateField()
    end_date = DateField()
    is_first = BooleanField(default=False)  # aanmeldperiode
    norm_total = IntegerField(default=0)
    min_training = IntegerField(default=0)
    min_reflection = IntegerField(default=0)
    max_other = IntegerField(null=True)
    # Derived from activities by models.periods.refresh_points(); never edited by hand.
    points_training = IntegerField(default=0)
    points_reflection = IntegerField(default=0)
    points_other = IntegerField(default=0)
    achieved = IntegerField(default=0)
    status = CharField(max_length=10, constraints=[_in("status", Status)])

    class Meta:
        indexes = ((("registration", "seq"), True),)
        constraints = [SQL("CHECK (end_date > start_date)")]

    @property
    def norm(self) -> Norm:
        return Norm(self.norm_total, self.min_training, self.min_reflection, self.max_other)

    @property
    def points(self) -> Points:
        return Points(self.points_training, self.points_reflection, self.points_other)


class Activity(BaseModel):
    """A professional development activity (deskundigheidsbevorderende activiteit)."""

    period = ForeignKeyField(RegistrationPeriod, backref="activities", on_delete="CASCADE")
    title = CharField(max_length=300)
    category = CharField(max_length=30, constraints=[_in("category", Category)])
    date = DateField()
    points = IntegerField(constraints=[Check("points > 0")])
    provider = CharField(max_length=300, default="")
    reflection = TextField(null=True)
    created_at = DateTimeField()
