"""Single-use codes (reset, activation), the outgoing mail queue, and the login failure window.

A frozen copy of the models as they were; it never imports the app's models.
"""
from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Account(Base):
        class Meta:
            table_name = "account"

    class AccountCode(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        purpose = CharField(max_length=20, constraints=[Check("purpose IN ('reset', 'activation')")])
        code_hash = TextField()
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("account", "purpose", "created_at"), False),)

    class OutgoingEmail(Base):
        created_at = DateTimeField(index=True)
        to_address = CharField(max_length=320)
        subject = CharField(max_length=300)
        body = TextField()
        sent_at = DateTimeField(null=True, index=True)
        transport = CharField(max_length=10, null=True, constraints=[Check("transport IN ('smtp', 'outbox')")])
        attempts = IntegerField(default=0)
        last_error = TextField(null=True)

    db.create_tables([AccountCode, OutgoingEmail])
    migrator.migrate(migrator.add_column("account", "first_failed_at", DateTimeField(null=True)))
