"""Every hypothesis example from the same database.

A database-backed property gets its function-scoped fixtures once, for all its examples, so without
care an example sees the rows earlier ones left (an account "anna" taken, a lockout counted, 20 keys
stored) and the test checks something else than it says. `rolled_back()` runs one example in a
transaction that is always rolled back; the authorisation matrix runs each case in it too (test_matrix.py).

Inside it the domain's own transactions nest: `write_transaction()` (peewee's `atomic()`) becomes a
savepoint, which a refusal or an IntegrityError rolls back on its own, so PostgreSQL's transaction
stays usable; `retry_on_conflict` sees the transaction and runs its function once (there is one
connection, so nothing can conflict). On SQLite the outer transaction is `write_transaction()`'s
BEGIN IMMEDIATE, as at the top level of the app.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from models.db import db, write_transaction


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is rolled back afterwards, whether it passes or fails."""
    if db.in_transaction():
        raise RuntimeError("rolled_back() opens the outer transaction; it cannot run inside another one")
    with write_transaction() as outer:
        try:
            yield
        finally:
            outer.rollback()  # and begins an empty transaction, which leaving the block ends
