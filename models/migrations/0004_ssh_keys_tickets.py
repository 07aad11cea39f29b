"""SSH public keys per account, and single-use tickets that hand an SSH login to its app process.

A frozen copy of the models as they were; it never imports the app's models.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Account(Base):
        class Meta:
            table_name = "account"

    class SshKey(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        key_type = CharField(max_length=40)
        key_data = TextField()
        fingerprint = CharField(max_length=100)
        comment = CharField(max_length=200, default="")
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("account", "fingerprint"), True),)

    class SessionTicket(Base):
        token_hash = CharField(max_length=64, unique=True)
        account = ForeignKeyField(Account, on_delete="CASCADE")
        expires_at = DateTimeField(index=True)
        peer = CharField(max_length=100, default="")

    db.create_tables([SshKey, SessionTicket])
