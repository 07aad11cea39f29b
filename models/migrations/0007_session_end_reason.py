"""Why an account's sessions were last ended (password, email, role, branch, lock), so that a session that
was ended can say so; empty for the rows of before. It never imports the app's models."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("account", "session_end_reason", CharField(max_length=20, null=True)),
    )
