"""Wrong current passwords are counted per account, not per session (a new SSH channel brought five fresh
tries); and a session ticket carries when its SSH connection authenticated, so that the session's lifetime
counts from there. It never imports the app's models."""
from peewee import SQL, DateTimeField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("account", "password_failures", IntegerField(default=0, constraints=[SQL("DEFAULT 0")]),
                            allow_not_null=True),
        migrator.add_column("session_ticket", "signed_in_at", DateTimeField(null=True)),
    )
