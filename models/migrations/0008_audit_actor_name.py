"""The actor's name as it was when an event was recorded, so that "Wie keek er" names a viewer as they were
called then; empty for the rows of before (they show the name of today). It never imports the app's models."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("audit_event", "actor_name", CharField(max_length=300, null=True)),
    )
