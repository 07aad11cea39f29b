"""Removing branches (kept for the audit trail) and a version number on organisations.

A removed branch keeps its row; its name may be used again, so the unique branch name
per organisation only holds among branches that are not removed. The organisation's
version lets a beheerder's save refuse to overwrite someone else's change.
It never imports the app's models.
"""
from peewee import SQL, DateTimeField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("branch", "removed_at", DateTimeField(null=True)),
        # A database default fills the existing rows, and works on SQLite without a table rebuild.
        migrator.add_column("organisation", "version", IntegerField(default=1, constraints=[SQL("DEFAULT 1")]),
                            allow_not_null=True),
        migrator.drop_index("branch", "branch_organisation_id_name"),
        migrator.add_index("branch", ("organisation_id", "name"), unique=True, where=SQL("removed_at IS NULL"),
                           name="branch_organisation_id_name"),
    )
