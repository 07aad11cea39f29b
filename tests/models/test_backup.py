"""Backing up a SQLite database while it is in use, and putting the backup back.

The busy test has another process write pairs of rows (a professional and its account), one
pair per transaction, while the backup runs: the copy must pass SQLite's own checks, carry the
app's current schema, and hold pairs 1..k for some k with nothing half and nothing missing.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import Account, AuditEvent, Role
from models.auth import authenticate
from models.backup import BackupError, backup_sqlite, pg_dump_hint
from models.db import open_database
from models.schema import SchemaState, inspect_schema
from tests import story

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 30  # generous: only a hung process takes this long

WRITER = """
import datetime as dt, os, sys
from models import Account, Professional, Role
from models.db import open_database
database = open_database(sys.argv[1])
stop, n = sys.argv[2], 0
while not os.path.exists(stop):
    n += 1
    with database.atomic("IMMEDIATE"):
        person = Professional.create(**Professional.name_fields("P.", "", f"Paar {n:06d}"))
        Account.create(username=f"paar{n:06d}", password_hash=None, name=person.name, email=f"p{n}@example.nl",
                       role=Role.PROFESSIONAL, professional=person, created_at=dt.datetime(2026, 1, 1))
print(n)
"""

CRASH = """
import os, signal, sys
from models.backup import backup_sqlite
steps = 0
def progress(status, remaining, total):
    global steps
    steps += 1
    if steps == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as a power cut or `kill -9` would, halfway
backup_sqlite(sys.argv[1], sys.argv[2], pages=2, progress=progress)
"""


def python(script: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, text=True, **kwargs)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def pairs_committed(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as reader:
        return reader.execute("SELECT COUNT(*) FROM account WHERE username LIKE 'paar%'").fetchone()[0]


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        time.sleep(0.01)


def check_copy(path: Path) -> sqlite3.Connection:
    """The copy passes SQLite's full integrity and foreign key checks; returns a connection to it."""
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
    return copy


@pytest.fixture
def db_path(sqlite_db, tmp_path) -> Path:
    return tmp_path / "inzage.sqlite3"


def fill(rows: int) -> None:
    """Bulk, so the copy takes a while: audit events with a detail of about half a kilobyte each."""
    now = dt.datetime(2026, 11, 1)
    with AuditEvent._meta.database.atomic():
        AuditEvent.insert_many([{"at": now, "action": "dossier_viewed", "detail": f'{{"filler": "{n:0500d}"}}'}
                                for n in range(rows)]).execute()


@pytest.mark.slow
def test_a_backup_while_another_process_writes_is_one_consistent_moment(db_path, tmp_path):
    fill(20_000)
    stop = tmp_path / "stop"
    writer = python(WRITER, f"sqlite:///{db_path}", str(stop), stdout=subprocess.PIPE)
    try:
        wait_for(lambda: pairs_committed(db_path) >= 50, "the writer to get going")
        before = pairs_committed(db_path)
        started = time.perf_counter()
        report = backup_sqlite(db_path, tmp_path / "backup.sqlite3")
        seconds = time.perf_counter() - started
        after = pairs_committed(db_path)
        wait_for(lambda: pairs_committed(db_path) > after, "the writer to carry on after the backup")
    finally:
        stop.touch()
        total = int(writer.communicate(timeout=WAIT_S)[0])
    print(f"\nbackup of {report.size / 2**20:.1f} MiB in {seconds * 1000:.0f} ms; pairs committed: "
          f"{before} before, {after} after, {total} in all; in the copy: {report.rows['account']}")

    assert mode(report.path) == 0o600
    copy = check_copy(report.path)
    numbers = sorted(int(name[len("paar"):]) for (name,) in copy.execute(
        "SELECT username FROM account WHERE username LIKE 'paar%'"))
    halves = copy.execute("""SELECT COUNT(*) FROM professional p LEFT JOIN account a ON a.professional_id = p.id
                             WHERE p.surname LIKE 'Paar%' AND a.id IS NULL""").fetchone()[0]
    assert halves == 0  # no professional without its account: no transaction copied in part
    assert numbers == list(range(1, len(numbers) + 1))  # pairs 1..k: one moment, nothing skipped
    assert before <= len(numbers) <= after  # and a moment during the backup
    assert report.rows["account"] == len(numbers) and report.rows["audit_event"] == 20_000
    copy.close()
    copied = open_database(f"sqlite:///{report.path}")
    try:
        assert inspect_schema(copied).state == SchemaState.CURRENT
    finally:
        copied.close()


def test_a_crash_halfway_leaves_no_file_at_the_target(db_path, tmp_path):
    target = tmp_path / "backups" / "inzage.sqlite3"
    target.parent.mkdir()
    crashed = python(CRASH, str(db_path), str(target))
    assert crashed.wait(timeout=WAIT_S) == -signal.SIGKILL
    assert not target.exists()
    leftovers = sorted(target.parent.iterdir())  # the half copy keeps its temporary, hidden name
    assert leftovers and all(path.name.startswith(".inzage.sqlite3.") for path in leftovers)
    assert leftovers[0].suffix == ".part" and {mode(path) for path in leftovers} == {0o600}
    report = backup_sqlite(db_path, target)  # the next run is not bothered by it
    check_copy(report.path).close()


def test_a_failure_halfway_leaves_nothing_behind(db_path, tmp_path):
    target = tmp_path / "backups" / "inzage.sqlite3"
    target.parent.mkdir()

    def interrupted(status: int, remaining: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup_sqlite(db_path, target, pages=2, progress=interrupted)
    assert list(target.parent.iterdir()) == []


def test_an_existing_file_is_kept_unless_forced(db_path, tmp_path):
    target = tmp_path / "backup.sqlite3"
    target.write_text("an older backup")
    target.chmod(0o644)
    with pytest.raises(BackupError, match="bestaat al.*--force"):
        backup_sqlite(db_path, target)
    assert target.read_text() == "an older backup"
    report = backup_sqlite(db_path, target, force=True)
    assert mode(target) == 0o600 and report.size == target.stat().st_size
    check_copy(target).close()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_the_database_itself_is_never_the_target(db_path, suffix):
    story.account("kroon", Role.EMPLOYER)  # so the -wal file exists
    target = Path(f"{db_path}{suffix}")
    size = target.stat().st_size
    with pytest.raises(BackupError, match="de database zelf"):
        backup_sqlite(db_path, target, force=True)
    assert target.stat().st_size == size and Account.select().count() == 1


SPELLINGS = {
    "as is": lambda path: path,
    "relative": lambda path: Path(os.path.relpath(path)),
    "./": lambda path: Path(f"./{os.path.relpath(path)}"),
    "via ..": lambda path: path.parent / "sub" / ".." / path.name,
    "symlink": lambda path: _symlink_to(path),
}


def _symlink_to(path: Path) -> Path:
    link = path.parent / "sub" / f"link{path.name[len('inzage.sqlite3'):] or '-main'}"
    link.symlink_to(path)  # also when `path` does not exist (yet): SQLite may create it at any moment
    return link


@pytest.mark.parametrize("in_use", [True, False], ids=["in use", "closed"])
@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_none_of_the_databases_own_files_is_the_target_however_spelled(sqlite_db, db_path, tmp_path, monkeypatch,
                                                                      suffix, spelling, in_use):
    """Also the side files that do not exist at this moment (closed, the -wal and -shm files are gone):
    SQLite creates and deletes them itself, and would delete or overwrite the backup."""
    story.account("kroon", Role.EMPLOYER)
    if not in_use:
        sqlite_db.close()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    own = Path(f"{db_path}{suffix}")
    existed = own.exists()
    before = own.read_bytes() if existed else None
    with pytest.raises(BackupError, match="de database zelf"):
        backup_sqlite(db_path, SPELLINGS[spelling](own), force=True)
    assert own.exists() == existed and (not existed or own.read_bytes() == before)
    assert Account.select().count() == 1


def test_a_missing_database_or_folder_is_a_message(tmp_path):
    with pytest.raises(BackupError, match="bestaat niet"):
        backup_sqlite(tmp_path / "nergens.sqlite3", tmp_path / "backup.sqlite3")
    assert not (tmp_path / "nergens.sqlite3").exists()  # not created by looking
    source = tmp_path / "source.sqlite3"
    sqlite3.connect(source).close()
    with pytest.raises(BackupError, match="map .* bestaat niet"):
        backup_sqlite(source, tmp_path / "geen-map" / "backup.sqlite3")


def test_a_file_that_is_no_database_is_refused(tmp_path):
    source = tmp_path / "notes.sqlite3"
    source.write_bytes(b"not a database at all " * 200)
    with pytest.raises(BackupError, match="(niet openen|mislukt|onleesbaar)"):
        backup_sqlite(source, tmp_path / "backup.sqlite3")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_restoring_the_backup_gives_a_working_database(sqlite_db, db_path, tmp_path, clock):
    """Back up, change something, stop the app, put the backup in place (as the README says), start again."""
    from tui.startup import ready_database

    story.employers()
    backup = backup_sqlite(db_path, tmp_path / "backup.sqlite3").path
    story.account("na-de-backup", Role.STAFF)
    sqlite_db.close()  # the app stops: its last connection checkpoints the WAL and removes it
    assert not Path(f"{db_path}-wal").exists()
    subprocess.run(["cp", "-p", str(backup), str(db_path)], check=True)
    for side in ("-wal", "-shm"):
        Path(f"{db_path}{side}").unlink(missing_ok=True)

    database = ready_database(f"sqlite:///{db_path}")
    try:
        assert inspect_schema(database).state == SchemaState.CURRENT
        assert Account.get_or_none(Account.username == "na-de-backup") is None  # as it was at the backup
        assert authenticate("kroon", story.PASSWORD, clock).ok  # and it works: reads and writes
        story.account("na-het-herstel", Role.STAFF)
        assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        database.close()
    assert mode(db_path) == 0o600


def test_the_pg_dump_hint_names_the_database_but_not_the_password():
    hint = pg_dump_hint("postgresql://inzage:geheim@db.example.nl:5433/register")
    assert hint == "pg_dump -Fc -h db.example.nl -p 5433 -U inzage -f inzage.dump register"
    assert "geheim" not in pg_dump_hint("postgresql+pool://u:geheim@h/d")
