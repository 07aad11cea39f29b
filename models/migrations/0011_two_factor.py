"""Two-factor sign-in (models/two_factor.py): an account's TOTP secret and its recovery codes.

A frozen copy of the models as they were; it never imports the app's models.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Account(Base):
        class Meta:
            table_name = "account"

    class SecondFactor(Base):
        account = ForeignKeyField(Account, unique=True, on_delete="CASCADE")
        secret = CharField(max_length=64)
        created_at = DateTimeField()
        confirmed_at = DateTimeField(null=True)
        last_step = IntegerField(default=0)

        class Meta:
            table_name = "second_factor"

    class RecoveryCode(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        code_hash = CharField(max_length=64)
        used_at = DateTimeField(null=True)

        class Meta:
            table_name = "recovery_code"

    db.create_tables([SecondFactor, RecoveryCode])
