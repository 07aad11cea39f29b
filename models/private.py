"""Keeping personal data and secrets to their owner: folders 0700, files 0600, queries logged without values.

Every file inzage writes (the SQLite database, the outbox, exports, the remembered username, the
SSH host key, backups) holds personal data or a secret, so it is created readable by its owner only,
whatever the umask. Peewee logs each query with its values at DEBUG level; the values hold personal
data and, when someone types their password into the username field, that password. The filter
below keeps the SQL and drops the values, for anyone who turns that log on.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike[str]) -> Path:
    """Create `path` and each missing folder above it with mode 0700 (as the XDG base directory
    specification asks); folders that exist already are left as they are."""
    folder = Path(path)
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=FOLDER_MODE)  # the umask can only take bits away
        except FileExistsError:
            pass  # made meanwhile by someone else
    return Path(path)


def open_private(path: str | os.PathLike[str], flags: int) -> int:
    """os.open with O_CREAT and mode 0600; a file that existed with a wider mode is narrowed to 0600."""
    descriptor = os.open(path, flags | os.O_CREAT, FILE_MODE)
    try:
        if os.fstat(descriptor).st_mode & 0o077:
            os.fchmod(descriptor, FILE_MODE)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


class QueryValuesFilter(logging.Filter):
    """Peewee's query log record is the tuple (sql, values): keep the SQL, replace the values."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, tuple) and len(record.msg) == 2 and isinstance(record.msg[0], str):
            sql, values = record.msg
            record.msg = (sql, f"<{len(values or ())} values not logged>")
        return True


def hide_query_values() -> None:
    """Install the filter on peewee's logger (once)."""
    logger = logging.getLogger("peewee")
    if not any(isinstance(existing, QueryValuesFilter) for existing in logger.filters):
        logger.addFilter(QueryValuesFilter())


hide_query_values()
