"""Every file inzage writes is its owner's alone: files 0600, the folders it creates 0700.

Each file is made through the real code path under a permissive umask (022), so a writer
that forgets the mode leaves a file others can read and the test fails.
"""
from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from models import OutgoingEmail, Role
from models.clock import FixedClock
from models.codes import request_login_details
from models.db import open_database
from models.export import write_csv
from models.mail import MailSettings, deliver_pending
from models.overview import OverviewRow
from models.private import open_private, private_folder
from models.schema import migrate
from tests import story
from tui import config
from tui.host_key import host_key

NOW = dt.datetime(2026, 11, 28, 9, 0)


@pytest.fixture(autouse=True)
def permissive_umask():
    """A umask that lets group and others read what a writer does not protect itself."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_umask_alone_would_let_others_read(tmp_path):
    """The control: without an explicit mode, this umask makes files 0644 and folders 0755."""
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "file").write_text("x")
    assert mode(tmp_path / "plain") == 0o755 and mode(tmp_path / "plain" / "file") == 0o644


def test_a_new_sqlite_database_and_its_side_files_are_private(tmp_path):
    path = tmp_path / "new" / "folders" / "inzage.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        migrate(database)
        story.account("kroon", Role.EMPLOYER)  # a write: the -wal and -shm files exist while it is open
        side_files = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(side.exists() for side in side_files)
        assert {side.name: mode(side) for side in [path, *side_files]} == {
            "inzage.sqlite3": 0o600, "inzage.sqlite3-wal": 0o600, "inzage.sqlite3-shm": 0o600}
    finally:
        database.close()
    assert mode(tmp_path / "new") == 0o700 and mode(tmp_path / "new" / "folders") == 0o700


def test_the_default_database_folder_is_private(tmp_path):
    """The data folder does not exist yet: open_database makes it, and every folder above it, 0700."""
    url = config.default_database_url()
    database = open_database(url)
    database.close()
    assert mode(config.data_dir()) == 0o700 and mode(tmp_path / "data") == 0o700
    assert mode(config.data_dir() / "inzage.sqlite3") == 0o600


def test_the_remembered_username_is_private_even_over_an_older_readable_file(tmp_path):
    config.remember_username("kroon")
    state = config.config_dir() / "state.json"
    assert mode(state) == 0o600 and mode(config.config_dir()) == 0o700 and mode(tmp_path / "config") == 0o700
    state.chmod(0o644)  # e.g. written by an older version, or copied in
    config.remember_username("verburg")
    assert mode(state) == 0o600 and config.remembered_username() == "verburg"


def test_the_ssh_host_key_and_its_folders_are_private(tmp_path):
    path = config.data_dir() / "ssh_host_ed25519_key"
    host_key(path)
    assert mode(path) == 0o600
    assert mode(config.data_dir()) == 0o700 and mode(tmp_path / "data") == 0o700


def test_outbox_messages_and_their_folders_are_private(sqlite_db, tmp_path):
    clock = FixedClock(NOW)
    story.account("kroon", Role.EMPLOYER)
    request_login_details("kroon@example.nl", clock)  # a message with a reset code
    outbox = config.data_dir() / "outbox"
    assert deliver_pending(MailSettings(outbox_dir=outbox), NOW).sent == 1
    [message] = outbox.glob("*.eml")
    assert mode(message) == 0o600
    assert mode(outbox) == 0o700 and mode(config.data_dir()) == 0o700 and mode(tmp_path / "data") == 0o700
    assert OutgoingEmail.get().transport == "outbox"


def test_an_export_and_a_folder_it_makes_are_private(tmp_path):
    row = OverviewRow(professional_id=1, name="Test, T.", register="Register Sociaal Werkers", number="461000001",
                      end_date=dt.date(2028, 12, 31), norm=150, achieved=10, status="red", is_latest=True,
                      sort_name="test t.", search_name="t. test")
    folder = tmp_path / "Documents" / "inzage"
    path = write_csv([row], folder, NOW.date())
    assert mode(path) == 0o600
    assert mode(folder) == 0o700 and mode(tmp_path / "Documents") == 0o700


def test_the_helpers_leave_existing_folders_alone_and_narrow_existing_files(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    private_folder(shared / "a" / "b")
    assert mode(shared) == 0o755 and mode(shared / "a") == 0o700 and mode(shared / "a" / "b") == 0o700
    loose = shared / "loose"
    loose.write_text("x")
    os.close(open_private(loose, os.O_WRONLY))
    assert mode(loose) == 0o600


def test_a_backup_is_private(sqlite_db, tmp_path):
    from models.backup import backup_sqlite

    report = backup_sqlite(tmp_path / "inzage.sqlite3", tmp_path / "backup.sqlite3")
    assert mode(report.path) == 0o600
