"""A consistent copy of a SQLite database while the app keeps working: SQLite's online backup API.

The copy is read in one step, inside one read transaction, so it is a snapshot of one moment:
in WAL mode the app's writers carry on meanwhile. It is written to a temporary file (mode 0600)
next to the target, checked, and only then renamed into place, so a crash never leaves half a
backup under the target's name. PostgreSQL has its own tool for this: pg_dump.
"""
from __future__ import annotations

import contextlib
import os
import re
import shlex
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from models.db import SQLITE_BUSY_TIMEOUT_S
from models.private import FILE_MODE

SIDE_FILES = ("-journal", "-wal", "-shm")
EXISTS = "{target} bestaat al. Kies een andere naam, of voeg --force toe om het te vervangen."


class BackupError(Exception):
    """The backup cannot be made; the text says why, in Dutch."""


@dataclass(frozen=True)
class BackupReport:
    """What was copied: where to, how big, and the rows per table (a table name -> count)."""

    path: Path
    size: int
    pages: int
    rows: dict[str, int]


def backup_sqlite(source: str | os.PathLike[str], target: str | os.PathLike[str], *, force: bool = False,
                  pages: int = -1, progress: Callable[[int, int, int], object] | None = None) -> BackupReport:
    """Copy the SQLite database file `source` to `target`, consistently, while others may write to it.

    Refuses (BackupError) when `target` exists, unless `force`, or when it is the source itself.
    `pages` and `progress` are passed to sqlite3.Connection.backup: the default, all pages in one
    step, is what keeps the copy a single snapshot whatever the writers do.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"de database {source} bestaat niet.")
    if not target.parent.is_dir():
        raise BackupError(f"de map {target.parent} bestaat niet.")
    if _is_own_file(source, target):
        raise BackupError(f"{target} is de database zelf; kies een ander bestand voor de back-up.")
    if target.exists() and not force:
        raise BackupError(EXISTS.format(target=target))
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)  # 0600
    os.close(descriptor)
    partial = Path(name)
    try:
        _copy(source, partial, pages, progress)
        report = _check(partial)
        _sync(partial)
        _put_in_place(partial, target, force)
    except BaseException:
        for leftover in (partial, *(Path(f"{partial}{suffix}") for suffix in SIDE_FILES)):
            leftover.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return BackupReport(target, target.stat().st_size, report.pages, report.rows)


def _open(path: Path, mode: str) -> sqlite3.Connection:
    """A plain sqlite3 connection; mode "rw" never creates a file that is not there."""
    uri = f"file:{quote(str(path.absolute()))}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)


def _copy(source: Path, partial: Path, pages: int, progress: Callable | None) -> None:
    try:
        reading = _open(source, "rw")  # "ro" cannot open a WAL database whose -shm file is missing
    except sqlite3.Error as error:
        raise BackupError(f"kan de database {source} niet openen: {error}") from None
    try:
        writing = _open(partial, "rw")
        try:
            reading.backup(writing, pages=pages, progress=progress)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"de back-up van {source} is mislukt: {error}") from None
        finally:
            writing.close()
    finally:
        reading.close()


def _check(path: Path) -> BackupReport:
    """Read the copy back: SQLite's quick check must pass; count the pages and each table's rows."""
    with contextlib.closing(_open(path, "rw")) as copy:
        try:
            verdict = [row[0] for row in copy.execute("PRAGMA quick_check")]
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            tables = [row[0] for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            rows = {table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"de kopie is onleesbaar ({error}); is de bron wel een SQLite-database?") from None
    if verdict != ["ok"]:
        raise BackupError(f"de kopie is niet in orde: {'; '.join(verdict[:3])}")
    return BackupReport(path, 0, pages, rows)


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fchmod(descriptor, FILE_MODE)  # mkstemp made it 0600 already; say so where it counts
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _put_in_place(partial: Path, target: Path, force: bool) -> None:
    """Rename the finished copy to `target`; without `force` never over a file that appeared meanwhile."""
    if force:
        os.replace(partial, target)
        return
    try:
        os.link(partial, target)  # fails if target exists: no window between checking and renaming
    except FileExistsError:
        raise BackupError(EXISTS.format(target=target)) from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise BackupError(EXISTS.format(target=target)) from None
        os.replace(partial, target)
        return
    partial.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows fsync on a folder)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _is_own_file(source: Path, target: Path) -> bool:
    """Whether `target` is the database file or one of its side files, however spelled (relative,
    `..`, a symlink, a hard link). Side files are compared by name as well: SQLite creates and deletes
    them as it goes, so one that is absent now may appear, or be deleted with the backup in it, later."""
    names = (str(source), os.path.realpath(source))  # SQLite names them after either, depending on its version
    own = [source, *(Path(f"{name}{suffix}") for name in names for suffix in SIDE_FILES)]
    real = os.path.realpath(target)  # follows a symlink also when what it points to is not there
    return any(os.path.realpath(path) == real or _same_file(path, target) for path in own)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def pg_dump_hint(url: str) -> str:
    """The pg_dump command for a PostgreSQL URL, without its password. Split by hand, not by urlparse: a
    password may hold "/", "?" or "#", which urlparse reads as the end of the host (and then as a port)."""
    rest = url.partition("://")[2]
    userinfo, _, hostpart = rest.rpartition("@")
    hostport, _, path = hostpart.partition("/")
    host, _, port = hostport.rpartition(":") if hostport.rfind(":") > hostport.rfind("]") else (hostport, "", "")
    database = unquote(re.split(r"[?#;]", path, maxsplit=1)[0]) or "inzage"
    parts = ["pg_dump", "-Fc"]
    if host:
        parts += ["-h", host]
    if port.isdigit():
        parts += ["-p", port]
    if userinfo:
        parts += ["-U", unquote(userinfo.split(":", 1)[0])]
    parts += ["-f", "inzage.dump", database]
    return " ".join(shlex.quote(part) for part in parts)
