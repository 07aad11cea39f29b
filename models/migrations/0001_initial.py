"""The initial schema: accounts, organisations, registers, periods, activities, grants, audit.

A frozen copy of the models as they were; it never imports the app's models.
"""
from peewee import (
    SQL,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Professional(Base):
        initials = CharField(max_length=40)
        prefix = CharField(max_length=40, default="")
        surname = CharField(max_length=200)
        name = CharField(max_length=300)
        sort_name = CharField(max_length=300, index=True)
        search_name = CharField(max_length=300)

    class Register(Base):
        name = CharField(max_length=200, unique=True)
        code = CharField(max_length=20, unique=True)
        period_years = IntegerField(default=5, constraints=[Check("period_years > 0")])

    class NormRule(Base):
        register = ForeignKeyField(Register, on_delete="CASCADE")
        registration_type = CharField(
            max_length=20, constraints=[Check("registration_type IN ('basis', 'aspirant', 'registered')")]
        )
        total = IntegerField(constraints=[Check("total >= 0")])
        min_training = IntegerField(default=0, constraints=[Check("min_training >= 0")])
        min_reflection = IntegerField(default=0, constraints=[Check("min_reflection >= 0")])
        max_other = IntegerField(null=True, constraints=[Check("max_other >= 0")])

        class Meta:
            indexes = ((("register", "registration_type"), True),)

    class Registration(Base):
        professional = ForeignKeyField(Professional, on_delete="CASCADE")
        register = ForeignKeyField(Register)
        number = CharField(max_length=9, constraints=[Check("length(number) = 9 AND substr(number, 1, 4) = '4610'")])
        type = CharField(max_length=20, constraints=[Check("type IN ('basis', 'aspirant', 'registered')")])
        registered_on = DateField()

        class Meta:
            indexes = ((("register", "number"), True),)

    class RegistrationPeriod(Base):
        registration = ForeignKeyField(Registration, on_delete="CASCADE")
        seq = IntegerField(constraints=[Check("seq >= 1")])
        start_date = DateField()
        end_date = DateField()
        is_first = BooleanField(default=False)
        norm_total = IntegerField(default=0)
        min_training = IntegerField(default=0)
        min_reflection = IntegerField(default=0)
        max_other = IntegerField(null=True)
        points_training = IntegerField(default=0)
        points_reflection = IntegerField(default=0)
        points_other = IntegerField(default=0)
        achieved = IntegerField(default=0)
        status = CharField(max_length=10, constraints=[Check("status IN ('green', 'red')")])

        class Meta:
            indexes = ((("registration", "seq"), True),)
            constraints = [SQL("CHECK (end_date > start_date)")]

    class Activity(Base):
        period = ForeignKeyField(RegistrationPeriod, on_delete="CASCADE")
        title = CharField(max_length=300)
        category = CharField(
            max_length=30,
            constraints=[
                Check(
                    "category IN ('training', 'supervision', 'intervision', 'case_discussion', "
                    "'coaching', 'peer_consultation', 'other')"
                )
            ],
        )
        date = DateField()
        points = IntegerField(constraints=[Check("points > 0")])
        provider = CharField(max_length=300, default="")
        reflection = TextField(null=True)
        created_at = DateTimeField()

    class Account(Base):
        username = CharField(max_length=150, unique=True, constraints=[Check("username = lower(username)")])
        password_hash = TextField(null=True)
        name = CharField(max_length=300)
        email = CharField(max_length=320, index=True)
        role = CharField(max_length=20, constraints=[Check("role IN ('staff', 'employer', 'professional')")])
        professional = ForeignKeyField(Professional, null=True, unique=True, on_delete="CASCADE")
        locked_until = DateTimeField(null=True)
        failed_logins = IntegerField(default=0)
        last_login = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            constraints = [SQL("CHECK ((role = 'professional') = (professional_id IS NOT NULL))")]

    class Organisation(Base):
        name = CharField(max_length=300)
        name_key = CharField(max_length=300, index=True)
        visit_address = CharField(max_length=300)
        visit_postcode = CharField(max_length=20)
        visit_city = CharField(max_length=200)
        postal_address = CharField(max_length=300, null=True)
        postal_postcode = CharField(max_length=20, null=True)
        postal_city = CharField(max_length=200, null=True)
        country = CharField(max_length=100, default="Nederland")
        status = CharField(
            max_length=10,
            default="pending",
            index=True,
            constraints=[Check("status IN ('pending', 'approved', 'rejected')")],
        )
        rejection_reason = TextField(null=True)
        decided_by = ForeignKeyField(Account, null=True)
        decided_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            constraints = [
                SQL("CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)"),
                SQL("CHECK ((status = 'pending') = (decided_at IS NULL))"),
            ]

    class Branch(Base):
        organisation = ForeignKeyField(Organisation)
        name = CharField(max_length=300)
        manager = ForeignKeyField(Account, unique=True)
        role = CharField(max_length=20, constraints=[Check("role IN ('contact_person', 'branch_manager')")])
        is_admin = BooleanField(default=False)

        class Meta:
            indexes = ((("organisation", "name"), True),)

    class AccessGrant(Base):
        professional = ForeignKeyField(Professional, on_delete="CASCADE")
        branch = ForeignKeyField(Branch)
        granted_at = DateTimeField()
        end_date = DateField(null=True)
        revoked_at = DateTimeField(null=True)
        revoked_by = ForeignKeyField(Account, null=True)

        class Meta:
            constraints = [SQL("CHECK ((revoked_at IS NULL) = (revoked_by_id IS NULL))")]

    AccessGrant.add_index(
        AccessGrant.index(
            AccessGrant.professional, AccessGrant.branch, unique=True, where=AccessGrant.revoked_at.is_null()
        )
    )
    AccessGrant.add_index(AccessGrant.index(AccessGrant.branch, AccessGrant.professional))

    class AuditEvent(Base):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(Account, null=True)
        action = CharField(max_length=40)
        professional = ForeignKeyField(Professional, null=True, on_delete="SET NULL")
        account = ForeignKeyField(Account, null=True)
        organisation = ForeignKeyField(Organisation, null=True)
        branch = ForeignKeyField(Branch, null=True)
        detail = TextField(default="")

        class Meta:
            indexes = (
                (("professional", "action", "at"), False),
                (("actor", "at"), False),
            )

    db.create_tables(
        [
            Professional,
            Register,
            NormRule,
            Registration,
            RegistrationPeriod,
            Activity,
            Account,
            Organisation,
            Branch,
            AccessGrant,
            AuditEvent,
        ]
    )
