"""A lost database is never a crash, and no traceback ever reaches a user (issue 29, points 2 and 3).

Real terminals: the app runs as `inzage` on a pseudo-terminal, or as an `inzage ssh` session read by an SSH
client; both are read back through a terminal emulator. The database goes away as in a restart: every
connection of the test's PostgreSQL database is terminated and new ones are refused for a while
(ALLOW_CONNECTIONS false, so the other tests' databases on the same server are not touched).
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import sys

import asyncssh
import psycopg
import pytest

from models.clock import Clock
from models.db import GONE, db
from models.inzage import GrantChanges, save_changes
from tests import story
from tests.conftest import PG_ADMIN_URL
from tests.tui.local_terminal import LocalTerminal
from tests.tui.ssh_client import open_app, serving, wait_until
from tui import config
from tui.app import BACK
from tui.failures import CRASHED, log_path
from tui.ssh_server import SshSettings

pytestmark = pytest.mark.slow
AWAY, RETURNED = "even weg", "er weer"  # what a terminal shows of GONE and BACK, whatever its width
assert AWAY in GONE and RETURNED in BACK


@pytest.fixture
def world(pg_db):
    """Kroon (Overvecht) sees Test; Bakker has not granted Overvecht yet."""
    cast = story.employers()
    register = story.register()
    story.registration(cast.test, register, periods=[(dt.date(2024, 1, 1), dt.date(2029, 12, 31))])
    story.grant(cast.test, cast.overvecht)
    bakker = story.professional("B.", "Bakker")
    story.registration(bakker, register, periods=[(dt.date(2024, 1, 1), dt.date(2029, 12, 31))])
    return cast, bakker


@contextlib.contextmanager
def database_away():
    """Every other connection to the test's database ended, and no new one let in, until the block ends
    (the test's own connection stays: it sets things up and makes the change "elsewhere")."""
    name, ours = db.database, db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            ended = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = %s AND pid <> %s", (name, ours)).fetchone()[0]
            assert ended >= 1, "the app had no connection to lose"
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def grant_overvecht(bakker, cast) -> None:
    save_changes(story.account_of(bakker), GrantChanges(add=[(cast.overvecht.id, None)]), Clock())


def grant_in_thread(bakker, cast) -> None:
    """The same, from a thread of asyncio's pool: on a connection of its own, closed again."""
    with db.connection_context():
        grant_overvecht(bakker, cast)


def no_traceback(raw: bytes) -> None:
    for word in (b"Traceback", b"OperationalError", b"psycopg", b".py"):
        assert word not in raw, f"{word!r} reached the terminal"


def test_a_local_app_rides_out_a_database_outage_and_then_shows_changes(world, pg_url):
    cast, bakker = world
    config.remember_username("kroon")  # the password field has the focus: no Tab (a Tab in a burst: issue 16)
    terminal = LocalTerminal([], {**os.environ, "INZAGE_DATABASE_URL": pg_url})
    try:
        terminal.wait_for("Inloggen")
        terminal.press(story.PASSWORD)
        terminal.wait_for("•" * len(story.PASSWORD))
        terminal.press("\r")
        terminal.wait_for("T. Test")
        with database_away():
            terminal.wait_for(AWAY)
            terminal.press("\x1bOR")  # F3, the Account tab: its read fails calmly
            terminal.wait_for("Account (F3)")
        terminal.wait_for(RETURNED, timeout=20)
        grant_overvecht(bakker, cast)
        terminal.press("\x1bOQ")  # F2, back to the professionals
        terminal.wait_for("B. Bakker")
        assert terminal.process.poll() is None
        no_traceback(bytes(terminal.raw))
    finally:
        terminal.close()


@pytest.fixture
async def pg_server(world, pg_url, tmp_path):
    async with serving(SshSettings(port=0, host_key_path=tmp_path / "host_key", database_url=pg_url)) as hub:
        yield hub


def connect(hub, username: str, password: str):
    return asyncssh.connect("127.0.0.1", hub.port, username=username, password=password, known_hosts=None,
                            agent_path=None, client_keys=None, preferred_auth="password")


async def test_an_ssh_session_rides_out_a_database_outage_and_a_login_meanwhile_is_told(pg_server, world):
    cast, bakker = world
    async with connect(pg_server, "kroon", story.PASSWORD) as conn:
        terminal = await open_app(conn, 120, 40)
        await terminal.wait_for("T. Test")
        with database_away():
            await terminal.wait_for(AWAY)
            with pytest.raises(asyncssh.PermissionDenied):  # a new login now: refused, not a server crash
                await connect(pg_server, "kroon", story.PASSWORD)
        await terminal.wait_for(RETURNED, timeout=20)
        await asyncio.to_thread(grant_in_thread, bakker, cast)
        await terminal.wait_for("B. Bakker")
        assert not terminal.closed
        no_traceback(bytes(terminal.raw))
        await terminal.close()
    async with connect(pg_server, "kroon", story.PASSWORD):  # the server itself never went away
        pass


@pytest.fixture
async def planted_server(sqlite_db, tmp_path):
    """An SSH server whose app sessions fail on ctrl+r (tests/failing_session.py), as a bug would."""
    story.employers()
    async with serving(SshSettings(port=0, host_key_path=tmp_path / "host_key",
                                   database_url=f"sqlite:///{tmp_path / 'inzage.sqlite3'}",
                                   app_command=(sys.executable, "-m", "tests.failing_session", "--ticket-fd"))) as hub:
        yield hub


async def test_an_unexpected_error_over_ssh_ends_in_dutch_and_in_the_logs(planted_server, caplog):
    caplog.set_level(logging.INFO, logger="inzage.ssh")
    async with connect(planted_server, "kroon", story.PASSWORD) as conn:
        terminal = await open_app(conn, 120, 40)
        await terminal.wait_for("Professionals (F2)")
        terminal.press("\x12")  # ctrl+r: the planted failure
        await wait_until(lambda: terminal.closed, what="the session to end")
        assert terminal.process.exit_status == 1
        raw = bytes(terminal.raw)
        await terminal.close()
    assert CRASHED[:40].encode() in raw
    no_traceback(raw)
    assert b"planted" not in raw and b"geheim" not in raw  # neither the error nor a local variable
    await wait_until(lambda: any("ended by an error" in record.getMessage() for record in caplog.records),
                     what="the server to log the session's end")
    logged = log_path().read_text()
    assert "Traceback" in logged and "planted failure" in logged
