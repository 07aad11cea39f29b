"""`inzage ssh`: an SSH server that offers the app and nothing else.

Every connection signs in with its inzage username and password (the same check, lockout and
audit as the login screen) or with a public key registered in the app, and gets its own app
process in a PTY of the client's size (tui/pty_session.py), already signed in. There is no shell,
no command execution, no SFTP/SCP and no forwarding of ports, agents or X11.

A connection may open more sessions (channels) later; each is checked again against the account as
it was at authentication (models/sessions.py): once its password, email, lock, role or branch
changed, or the session lifetime passed, the connection is told why and closed.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncssh

from models.access import AccessDenied, SessionEnded, why_ended
from models.accounts import Account
from models.auth import LoginResult, LoginStatus, authenticate, confirm_code, key_login
from models.two_factor import second_factor_required
from models.clock import Clock
from models.db import db, is_disconnect
from models.ssh_keys import registered_key
from models.tickets import issue_ticket
from tui import config
from tui.host_key import HOST_KEY_FILE, host_key
from tui.pty_session import PtySession, child_environment
from tui.ssh_terminal import (CODE_PROMPT, CODE_REFUSED, CODE_TRIES, DATABASE_GONE, FAILED, NEEDS_TERMINAL,
                              PASSWORD_PROMPT, REFUSED, read_line, too_many, too_old)

log = logging.getLogger("inzage.ssh")
T = TypeVar("T")

@dataclass
class SshSettings:
    host: str = "127.0.0.1"
    port: int = 2222
    max_sessions: int = 50
    host_key_path: Path = field(default_factory=lambda: config.data_dir() / HOST_KEY_FILE)
    database_url: str = ""  # given to every app process (in its environment, not on its command line)
    login_timeout: float = 60.0  # seconds to authenticate before the connection is closed
    session_hours: float = 12.0  # a connection opens no new session this long after it authenticated
    check_seconds: float = 5.0  # how often every signed-in connection's account is read again
    grace_seconds: float = 5.0  # an app whose session ended gets this long to say so and exit by itself
    app_command: tuple[str, ...] = (sys.executable, "-m", "tui.cli", "session", "--ticket-fd")


@dataclass
class Session:
    username: str
    peer: str
    started: dt.datetime
    pty: PtySession


class SshHub:
    """What all connections share: settings, clock, and the sessions now open."""

    def __init__(self, settings: SshSettings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.sessions: list[Session] = []
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.signed_in: set[AppConnection] = set()  # connections whose login succeeded
        self._watching: asyncio.Task | None = None

    def start_watching(self) -> None:
        self._watching = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        """A connection is bound like an app: closed when its account changes (password, email, lock, role,
        branch) or when its lifetime, counted from its authentication, has passed; with no app open too."""
        failing = False
        while True:
            await asyncio.sleep(self.settings.check_seconds)
            try:
                await self.check_connections()
                failing = False
            except Exception as error:  # noqa: BLE001 - the next round tries again; logged once while it fails
                if not failing:
                    log.warning("checking the signed-in connections failed: %r", error)
                failing = True

    def lasted_too_long(self, connection: AppConnection) -> bool:
        """Whether the connection has lasted its lifetime, counted from its authentication."""
        return self.clock.now() - connection.authenticated_at >= dt.timedelta(hours=self.settings.session_hours)

    async def check_connections(self) -> None:
        """End the connections that lasted their lifetime (no database needed), then those whose account
        changed since they authenticated."""
        for connection in [connection for connection in self.signed_in if self.lasted_too_long(connection)]:
            connection.end(too_old(self.settings.session_hours).strip(), self.settings.grace_seconds)
        connections = [connection for connection in self.signed_in if not connection.ended]
        if not connections:
            return
        reasons = await self.in_thread(lambda: [why_ended(connection.account) for connection in connections])
        for connection, reason in zip(connections, reasons, strict=True):
            if reason:
                connection.end(reason, self.settings.grace_seconds)

    async def in_thread(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a domain call (argon2, database) off the event loop, on its own connection."""
        def call() -> T:
            with db.connection_context():
                return function(*args, **kwargs)
        return await asyncio.to_thread(call)

    async def run_session(self, connection: AppConnection, process: asyncssh.SSHServerProcess) -> None:
        try:
            process.exit(await self._session(connection, process))
            if connection.ended:
                await asyncio.wait_for(process.wait_closed(), 5)  # the reason reaches the client first
        except (asyncssh.Error, OSError, BrokenPipeError, TimeoutError):
            pass  # the connection is gone already
        except Exception as error:  # noqa: BLE001 - logged with its traceback here; the client reads Dutch
            log.exception("session for %s from %s ended by an error: %r", connection.username, connection.peer, error)
            with contextlib.suppress(Exception):
                process.stderr.write((DATABASE_GONE if is_disconnect(error) else FAILED).encode())
                process.exit(1)
        if connection.ended and connection.conn is not None:
            connection.conn.close()  # its login no longer holds: no further session, and its apps end now

    async def _session(self, connection: AppConnection, process: asyncssh.SSHServerProcess) -> int:
        if process.get_terminal_type() is None:
            process.stderr.write(NEEDS_TERMINAL.encode())
            return 1
        if len(self.sessions) >= self.settings.max_sessions:
            process.stderr.write(too_many(self.settings.max_sessions).encode())
            log.warning("session refused for %s from %s: %d sessions open", connection.username, connection.peer,
                        len(self.sessions))
            return 1
        account = await connection.signed_in_account()
        if account is None:
            process.stderr.write(REFUSED.encode())
            return 1
        if connection.needs_code and not await self._code_given(connection, process, account):
            return self._end_connection(connection, process, CODE_REFUSED)
        if self.lasted_too_long(connection):
            return self._end_connection(connection, process, too_old(self.settings.session_hours))
        try:
            # Checks the account again, at the session version of this connection's authentication.
            ticket = await self.in_thread(issue_ticket, account, self.clock, connection.peer,
                                          connection.authenticated_at)
        except SessionEnded as ended:
            return self._end_connection(connection, process, f"{ended}\r\n")
        except AccessDenied:
            return self._end_connection(connection, process, REFUSED)
        pty = PtySession(process)
        session = Session(account.username, connection.peer, self.clock.now(), pty)
        self.sessions.append(session)
        connection.ptys.append(pty)
        try:
            env = child_environment(process.get_terminal_type(), process.env.get("COLORTERM"),
                                    {config.DATABASE_URL_ENV: self.settings.database_url})
            await pty.start(self.settings.app_command, env, ticket.encode())
            log.info("session for %s from %s: pid %s, %s %sx%s", account.username, connection.peer, pty.pid,
                     process.get_terminal_type(), *process.get_terminal_size()[:2])
            status = await pty.run()
            if pty.exit_code is not None and pty.exit_code > 0:  # the app ended itself by an error (logged in its log)
                log.warning("session for %s from %s ended by an error: pid %s exit status %s", account.username,
                            connection.peer, pty.pid, pty.exit_code)
            return status
        finally:
            await pty.stop()
            self.sessions.remove(session)
            connection.ptys.remove(pty)

    async def _code_given(self, connection: AppConnection, process: asyncssh.SSHServerProcess,
                          account: Account) -> bool:
        """A staff key login: the code from the app, typed in the terminal (three tries; each wrong one is a
        failed login). Asked once per connection."""
        for _ in range(CODE_TRIES):
            process.stdout.write(CODE_PROMPT.encode())
            typed = await read_line(process)
            if typed is None:
                return False
            if await self.in_thread(confirm_code, account, typed, self.clock, f"ssh {connection.peer}"):
                connection.needs_code = False
                return True
            process.stdout.write(b"Deze code klopt niet.\r\n")
        return False

    @staticmethod
    def _end_connection(connection: AppConnection, process: asyncssh.SSHServerProcess, reason: str) -> int:
        """Refuse this session and close its connection (after the reason is sent): its login no longer holds."""
        log.info("session refused for %s from %s, connection closed: %s", connection.username, connection.peer,
                 reason.strip())
        process.stderr.write(reason.encode())
        connection.ended = True
        return 1

    async def close(self) -> None:
        """End every app, then every connection (the server is stopping)."""
        if self._watching is not None:
            self._watching.cancel()
        await asyncio.gather(*(session.pty.stop() for session in list(self.sessions)))
        for connection in list(self.connections):
            connection.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(c.wait_closed() for c in list(self.connections))), 5)


class AppProcess(asyncssh.SSHServerProcess):
    """A session channel that accepts a shell request with a PTY and refuses commands and subsystems."""

    def exec_requested(self, command: str) -> bool:
        log.info("refused exec request")
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("refused subsystem request %r", subsystem)
        return False


class AppConnection(asyncssh.SSHServer):
    """One client connection: its authentication and the app sessions it opened."""

    def __init__(self, hub: SshHub) -> None:
        self.hub = hub
        self.peer = "?"
        self.username = ""
        self.account: Account | None = None  # signed in with a password
        self.key_id: int | None = None  # or with this registered key
        self.ptys: list[PtySession] = []
        self.conn: asyncssh.SSHServerConnection | None = None
        self.authenticated_at = hub.clock.now()  # set again when the login succeeds
        self.ended = False  # the account changed or the lifetime passed: close after telling the client
        self._key_login: asyncio.Future[Account | None] | None = None
        self._kbdint_password: str | None = None  # keyboard-interactive: the right password, while the code is asked
        self.needs_code = False  # a staff key login: the app's code is asked in the terminal first

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self.peer = peer[0] if peer else "?"
        self.conn = conn
        self.hub.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self.hub.connections.discard(self.conn)
        self.hub.signed_in.discard(self)
        for pty in list(self.ptys):  # the client vanished: end its apps now, not at the next keepalive
            asyncio.ensure_future(pty.stop())

    def end(self, reason: str, grace: float) -> None:
        """Its login no longer holds: no new session, its apps (which see it themselves within seconds) get
        `grace` seconds to say so and exit, then they are stopped and the connection closes with `reason`."""
        log.info("connection of %s from %s closed: %s", self.username, self.peer, reason)
        self.ended = True
        self.hub.signed_in.discard(self)
        asyncio.ensure_future(self._close_after(reason, grace if self.ptys else 0))

    async def _close_after(self, reason: str, grace: float) -> None:
        deadline = asyncio.get_running_loop().time() + grace
        while self.ptys and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.gather(*(pty.stop() for pty in list(self.ptys)))
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, reason)

    def begin_auth(self, username: str) -> bool:
        self.username = username
        return True

    def password_auth_supported(self) -> bool:
        return True

    async def checked(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """`function` run by the hub in a thread; None when it failed (logged; a lost database is told to the client)."""
        try:
            return await self.hub.in_thread(function, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a login never ends the server or shows a traceback
            if is_disconnect(error):
                log.warning("login by %s from %s: the database is not reachable: %r", self.username, self.peer, error)
                with contextlib.suppress(Exception):
                    self.conn.send_auth_banner(DATABASE_GONE)
            else:
                log.exception("login by %s from %s failed: %r", self.username, self.peer, error)
            return None

    async def validate_password(self, username: str, password: str) -> bool:
        """A password alone; an account with a second factor is refused here and signs in with
        keyboard-interactive instead (OpenSSH tries that first), which asks the code after the password."""
        result = await self.checked(authenticate, username, password, self.hub.clock, via=f"ssh {self.peer}")
        return result is not None and self._signed_in(result)

    def _signed_in(self, result: LoginResult) -> bool:
        self.account = result.account if result.ok else None
        self.authenticated_at = self.hub.clock.now()
        if result.ok:
            self.hub.signed_in.add(self)
        return result.ok

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> tuple:
        self._kbdint_password = None
        return "", "", "", [(PASSWORD_PROMPT, False)]

    async def validate_kbdint_response(self, username: str, responses: list[str]) -> bool | tuple:
        """The password first; for an account with a second factor, then the code from its app."""
        if len(responses) != 1:
            return False
        clock, via = self.hub.clock, f"ssh {self.peer}"
        if self._kbdint_password is None:
            password = responses[0]
            result = await self.checked(authenticate, username, password, clock, via=via)
            if result is not None and result.status == LoginStatus.NEEDS_CODE:
                self._kbdint_password = password
                return "", "", "", [(CODE_PROMPT, True)]
        else:
            password, self._kbdint_password = self._kbdint_password, None
            result = await self.checked(authenticate, username, password, clock, via=via, code=responses[0])
        return result is not None and self._signed_in(result)

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        stored = await self.checked(registered_key, username, key)
        if stored is not None:
            self.key_id = stored.id  # asyncssh checks the signature next; the last key asked about is the one used
        return stored is not None

    def auth_completed(self) -> None:
        """A key login is checked (and audited) now, not at the first session: the connection is bound
        to its account from here, app or not."""
        if self.account is None and self.key_id is not None:
            self._key_login = asyncio.ensure_future(self._log_in_with_key())
            self._key_login.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def signed_in_account(self) -> Account | None:
        if self.account is not None:
            return self.account
        if self._key_login is None:
            return None
        return await asyncio.shield(self._key_login)  # a failure here ends the session (run_session)

    async def _log_in_with_key(self) -> Account | None:
        result = await self.hub.in_thread(key_login, self.username, self.key_id, self.hub.clock,
                                          via=f"ssh {self.peer}")
        self.account = result.account if result.ok else None
        self.authenticated_at = self.hub.clock.now()
        if self.account is not None:
            self.hub.signed_in.add(self)
            self.needs_code = second_factor_required(self.account)
        return self.account

    def session_requested(self) -> asyncssh.SSHServerSession:
        return AppProcess(lambda process: self.hub.run_session(self, process), None, 0, False)


async def start_server(settings: SshSettings, clock: Clock,
                       key: asyncssh.SSHKey) -> tuple[asyncssh.SSHAcceptor, SshHub]:
    hub = SshHub(settings, clock)
    acceptor = await asyncssh.create_server(
        lambda: AppConnection(hub), settings.host, settings.port,
        server_host_keys=[key], server_version="inzage",
        encoding=None, line_editor=False, allow_pty=True,
        agent_forwarding=False, x11_forwarding=False, allow_scp=False,
        kbdint_auth=True, login_timeout=settings.login_timeout,
        keepalive_interval=30, keepalive_count_max=3,
    )
    hub.start_watching()
    return acceptor, hub


async def serve_forever(settings: SshSettings, clock: Clock, announce: Callable[[str], None]) -> None:
    key = host_key(settings.host_key_path)
    acceptor, hub = await start_server(settings, clock, key)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # ctrl+c, or `systemctl stop`: end every session first
        loop.add_signal_handler(stop_signal, stopped.set)
    announce(f"inzage ssh luistert op {settings.host}:{settings.port} (host key {key.get_fingerprint('sha256')}, "
             f"hooguit {settings.max_sessions} sessies). Stoppen: ctrl+c.")
    try:
        await stopped.wait()
    finally:
        acceptor.close()
        await hub.close()
