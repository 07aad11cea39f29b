"""A session version per account, so that a changed password, email, lock, role or branch ends the
account's other sessions; a session ticket carries the version its SSH login was made with.

A database default fills the existing rows. It never imports the app's models.
"""
from peewee import SQL, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("account", "session_version", IntegerField(default=1, constraints=[SQL("DEFAULT 1")]),
                            allow_not_null=True),
        migrator.add_column("session_ticket", "session_version",
                            IntegerField(default=1, constraints=[SQL("DEFAULT 1")]), allow_not_null=True),
    )
