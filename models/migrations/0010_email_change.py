"""A new email address waits for the code sent to it (models/email_change.py).

A frozen copy of the model as it was; it never imports the app's models.
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

    class EmailChange(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        new_email = CharField(max_length=320)
        code_hash = TextField()
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            table_name = "email_change"
            indexes = ((("account", "created_at"), False),)

    db.create_tables([EmailChange])
