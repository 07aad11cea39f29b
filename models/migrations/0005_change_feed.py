"""The change feed (models/changes.py): what each write transaction changed, for the open sessions.

A frozen copy of the model as it was; it never imports the app's models.
"""
from peewee import BigAutoField, BigIntegerField, CharField, Model


def up(migrator, db):
    class ChangeFeed(Model):
        id = BigAutoField()
        kind = CharField(max_length=20)
        subject = BigIntegerField(null=True)
        actor = BigIntegerField(null=True)

        class Meta:
            database = db
            table_name = "change_feed"

    db.create_tables([ChangeFeed])
