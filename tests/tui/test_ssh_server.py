"""`inzage ssh` on loopback: a real asyncssh client signs in, gets the app in a PTY, and nothing else."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import stat

import asyncssh
import pytest

from models import Action, AuditEvent, OutgoingEmail
from models.auth import authenticate
from models.codes import request_login_details, set_password_with_code
from models.profile import change_password
from models.clock import Clock
from models.ssh_keys import add_key
from tests import story
from tests.tui.ssh_client import WAIT, open_app, serving, wait_until
from tui.host_key import HostKeyError, host_key
from tui.ssh_server import SshSettings

pytestmark = pytest.mark.slow


@pytest.fixture
def people(sqlite_db):
    return story.employers()


@pytest.fixture
async def server(sqlite_db, people, tmp_path):
    """The server, with its own check of signed-in connections as good as off: each test says what it sees."""
    async with serving(SshSettings(port=0, max_sessions=2, host_key_path=tmp_path / "host_key",
                                   database_url=f"sqlite:///{tmp_path / 'inzage.sqlite3'}",
                                   check_seconds=3600)) as hub:
        yield hub


@pytest.fixture
async def watched(sqlite_db, people, tmp_path):
    """The server with its own check of signed-in connections every second, an app given a second to end
    (as it runs: 5 s and 5 s, test_the_check_and_the_grace_close_a_connection_within_15_s)."""
    async with serving(SshSettings(port=0, max_sessions=2, host_key_path=tmp_path / "host_key",
                                   database_url=f"sqlite:///{tmp_path / 'inzage.sqlite3'}",
                                   check_seconds=1, grace_seconds=1)) as hub:
        yield hub


def test_the_check_and_the_grace_close_a_connection_within_15_s():
    settings = SshSettings()
    assert settings.check_seconds + settings.grace_seconds + 1 <= BOUND_S  # one more for the app to be stopped


def connect(hub, username: str, password: str | None = None, key: asyncssh.SSHKey | None = None):
    return asyncssh.connect("127.0.0.1", hub.port, username=username, password=password,
                            client_keys=[key] if key else None, known_hosts=None, agent_path=None,
                            preferred_auth="publickey" if key else "password")


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def test_a_password_login_gets_the_app_signed_in_follows_resizes_and_quits(server):
    async with connect(server, "kroon", story.PASSWORD) as conn:
        terminal = await open_app(conn, 100, 30)
        await terminal.wait_for("Professionals (F2)")
        assert "vestigingsmanager" in terminal.text  # signed in as Kroon: no login screen
        assert "palette" in terminal.screen.display[29]  # the footer on the client's last line

        terminal.press("\x1bOR")  # F3: the Account tab
        await terminal.wait_for("Uw gegevens")

        terminal.resize(80, 24)
        await wait_until(lambda: "palette" in terminal.screen.display[23], what="the footer on line 24 of 24")

        terminal.press("\x11")  # ctrl+q
        await wait_until(lambda: terminal.closed, what="the session to end")
        assert terminal.process.exit_status == 0
        await terminal.close()
    await wait_until(lambda: not server.sessions, what="the session list to empty")
    event = AuditEvent.select().where(AuditEvent.action == Action.LOGIN_SUCCEEDED).get()
    assert "ssh 127.0.0.1" in event.detail


async def test_logging_out_ends_the_session(server):
    async with connect(server, "kroon", story.PASSWORD) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for("Professionals (F2)")
        terminal.press("\x0c")  # ctrl+l
        await wait_until(lambda: terminal.closed, what="the session to end")
        assert "U bent uitgelogd." in terminal.raw.decode(errors="replace")


async def test_a_wrong_password_and_a_locked_account_are_refused(server, clock):
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server, "kroon", "niet-het-wachtwoord"):
            pass
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server, "niemand", story.PASSWORD):
            pass
    for _ in range(5):
        authenticate("kroon", "fout-fout-fout", Clock())
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server, "kroon", story.PASSWORD):  # the right password, but locked
            pass
    failures = AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED)
    assert any('"locked": true' in event.detail and "ssh" in event.detail for event in failures)


async def test_commands_sftp_and_forwarding_are_refused(server):
    async with connect(server, "kroon", story.PASSWORD) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.run("cat /etc/passwd", check=True)
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            async with conn.start_sftp_client():
                pass
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", 5432)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 80)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_unix_connection("/run/postgresql/.s.PGSQL.5432")


async def test_a_shell_without_a_terminal_is_told_to_use_one(server):
    async with connect(server, "kroon", story.PASSWORD) as conn:
        result = await conn.run(term_type=None)
        assert result.exit_status == 1 and "terminal nodig" in result.stderr


async def test_sessions_beyond_the_limit_get_a_clear_message(server):
    async with connect(server, "kroon", story.PASSWORD) as conn:
        first = await open_app(conn)
        second = await open_app(conn)
        await first.wait_for("Professionals (F2)")
        await second.wait_for("Professionals (F2)")
        third = await conn.run(term_type="xterm", term_size=(80, 24))
        assert third.exit_status == 1 and "al 2 sessies open" in third.stderr
        await first.close()
        await second.close()


async def test_a_password_change_ends_the_app_and_the_connection_opens_no_new_one(server):
    new_password = "zonnebloem-op-de-dijk"
    async with connect(server, "kroon", story.PASSWORD) as conn:
        first = await open_app(conn)
        await first.wait_for("Professionals (F2)")
        elsewhere = authenticate("kroon", story.PASSWORD, Clock()).account  # the owner, on another computer
        change_password(elsewhere, story.PASSWORD, new_password, new_password, Clock())
        await wait_until(lambda: first.closed, what="the app to end itself")
        assert "het wachtwoord van uw account is gewijzigd" in first.raw.decode(errors="replace")
        second = await conn.run(term_type="xterm", term_size=(80, 24))  # the same connection, a new channel
        assert second.exit_status == 1 and "het wachtwoord van uw account is gewijzigd" in second.stderr
        await asyncio.wait_for(conn.wait_closed(), WAIT)  # and the server closed the connection
    assert not server.sessions


async def test_a_connection_opens_no_new_app_after_the_session_lifetime(server):
    async with connect(server, "kroon", story.PASSWORD) as conn:
        server.settings.session_hours = 1e-9  # as if this connection signed in 12 hours ago
        refused = await conn.run(term_type="xterm", term_size=(80, 24))
        assert refused.exit_status == 1 and "een sessie duurt hooguit" in refused.stderr
        await asyncio.wait_for(conn.wait_closed(), WAIT)


async def test_a_dropped_connection_leaves_no_process(server):
    conn = await connect(server, "kroon", story.PASSWORD)
    terminal = await open_app(conn)
    await terminal.wait_for("Professionals (F2)")
    pid = server.sessions[0].pty.pid
    assert not pid_gone(pid)
    conn.abort()  # the network goes away: no goodbye from the client
    await wait_until(lambda: not server.sessions, what="the server to notice")
    await wait_until(lambda: pid_gone(pid), what=f"app process {pid} to end")
    await terminal.close()


async def test_a_registered_key_signs_in_and_another_key_does_not(server, people):
    key = asyncssh.generate_private_key("ssh-ed25519")
    add_key(people.kroon, key.export_public_key().decode(), Clock(), current=story.PASSWORD)
    async with connect(server, "kroon", key=key) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for("vestigingsmanager")
        await terminal.close()
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server, "jansen", key=key):  # Kroon's key is not Jansen's
            pass
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server, "kroon", key=asyncssh.generate_private_key("ssh-ed25519")):
            pass


@pytest.mark.skipif(shutil.which("ssh") is None, reason="the OpenSSH client is not installed")
async def test_the_openssh_client_gets_the_app_with_a_key(server, people, tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    add_key(people.test.accounts.get(), key.export_public_key().decode(), Clock(), current=story.PASSWORD)
    identity = tmp_path / "id_ed25519"
    identity.write_bytes(key.export_private_key())
    identity.chmod(0o600)
    username = people.test.accounts.get().username
    client = await asyncio.create_subprocess_exec(
        "ssh", "-tt", "-p", str(server.port), "-i", str(identity), "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR", f"{username}@127.0.0.1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    seen = b""
    try:
        async with asyncio.timeout(WAIT):
            while b"Mijn dossier" not in seen:
                chunk = await client.stdout.read(65536)
                assert chunk, f"ssh ended early: {(await client.stderr.read()).decode()}"
                seen += chunk
        client.stdin.write(b"\x11")  # ctrl+q
        await client.stdin.drain()
        async with asyncio.timeout(WAIT):
            await client.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            client.kill()
    assert client.returncode == 0


def test_the_host_key_is_made_once_private_and_then_kept(tmp_path):
    path = tmp_path / "data" / "ssh_host_ed25519_key"
    first = host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert host_key(path).get_fingerprint() == first.get_fingerprint()


def test_a_host_key_others_can_read_is_refused(tmp_path):
    path = tmp_path / "key"
    host_key(path)
    path.chmod(0o644)
    with pytest.raises(HostKeyError, match="chmod 600"):
        host_key(path)


def test_a_damaged_host_key_is_reported_not_replaced(tmp_path):
    path = tmp_path / "key"
    path.write_bytes(b"geen sleutel")
    path.chmod(0o600)
    with pytest.raises(HostKeyError, match="niet zomaar vervangen"):
        host_key(path)
    assert path.read_bytes() == b"geen sleutel"


@pytest.mark.skipif(shutil.which("ssh") is None, reason="the OpenSSH client is not installed")
async def test_a_key_added_in_a_session_no_longer_opens_the_app_after_a_password_reset(server, people, tmp_path):
    """The outside test's attack: from a session left unattended, add a key; the owner resets the password
    by code; the key must not open the app (real OpenSSH client), and the owner's mail names it."""
    key = asyncssh.generate_private_key("ssh-ed25519", comment="aanvaller")
    add_key(people.kroon, key.export_public_key().decode(), Clock(), current=story.PASSWORD)
    async with connect(server, "kroon", key=key):
        pass  # it works before the reset
    request_login_details("kroon@example.nl", Clock())
    [code] = re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", OutgoingEmail.select().order_by(OutgoingEmail.id.desc())
                        .first().body)
    set_password_with_code("kroon", code, "zonnebloem-op-de-dijk", "zonnebloem-op-de-dijk", Clock())
    notice = OutgoingEmail.select().order_by(OutgoingEmail.id.desc()).first()
    assert notice.to_address == "kroon@example.nl" and "aanvaller" in notice.body and "SHA256:" in notice.body
    identity = tmp_path / "id_ed25519"
    identity.write_bytes(key.export_private_key())
    identity.chmod(0o600)
    client = await asyncio.create_subprocess_exec(
        "ssh", "-T", "-p", str(server.port), "-i", str(identity), "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PreferredAuthentications=publickey", "kroon@127.0.0.1",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(WAIT):
        _, error = await client.communicate()
    assert client.returncode == 255 and b"Permission denied" in error


# -- a connection is bound like an app (issue 31 point 4) ---------------------------------------------------------
BOUND_S = 15  # an account change closes the connection within this long


async def test_an_account_change_closes_a_connection_with_no_app_open(watched):
    new_password = "zonnebloem-op-de-dijk"
    async with connect(watched, "kroon", story.PASSWORD) as conn:
        await asyncio.sleep(0.2)
        assert len(watched.signed_in) == 1
        elsewhere = authenticate("kroon", story.PASSWORD, Clock()).account
        change_password(elsewhere, story.PASSWORD, new_password, new_password, Clock())
        await asyncio.wait_for(conn.wait_closed(), BOUND_S)
    assert not watched.signed_in


async def test_an_account_change_closes_a_key_login_and_its_app(watched, people):
    key = asyncssh.generate_private_key("ssh-ed25519")
    add_key(people.kroon, key.export_public_key().decode(), Clock(), current=story.PASSWORD)
    async with connect(watched, "kroon", key=key) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for("vestigingsmanager")
        authenticate("kroon", "geraden-wachtwoord", Clock())
        for _ in range(4):
            authenticate("kroon", "geraden-wachtwoord", Clock())  # locked by someone guessing elsewhere
        await asyncio.wait_for(conn.wait_closed(), BOUND_S)
    assert not watched.sessions and not watched.signed_in


async def test_the_lifetime_counts_from_the_authentication_and_closes_the_connection(watched):
    async with connect(watched, "kroon", story.PASSWORD) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for("Professionals (F2)")
        started = asyncio.get_running_loop().time()
        watched.settings.session_hours = 1e-9  # the connection authenticated 12 hours ago: its app ends with it
        await asyncio.wait_for(conn.wait_closed(), BOUND_S)
        assert asyncio.get_running_loop().time() - started < BOUND_S
    assert not watched.sessions


# -- two-factor sign-in over SSH (issue 31 point 3) -----------------------------------------------------------------
@pytest.mark.skipif(shutil.which("ssh") is None, reason="the OpenSSH client is not installed")
async def test_openssh_signs_in_with_the_password_and_then_the_code(server, people, tmp_path):
    """keyboard-interactive: OpenSSH asks "Wachtwoord:" and then "Code uit uw app:" (answered here by an
    SSH_ASKPASS program, as a user would type them); the password alone is refused."""
    import sys

    import pyotp

    secret = story.second_factor(people.kroon)
    askpass = tmp_path / "askpass"
    answers = tmp_path / "answers.json"
    askpass.write_text(f"#!{sys.executable}\nimport json, sys\nanswers = json.load(open({str(answers)!r}))\n"
                       "print(answers['code'] if 'Code' in sys.argv[1] else answers['password'])\n")
    askpass.chmod(0o700)

    async def ssh(code: str) -> tuple[int, str]:
        answers.write_text(json.dumps({"password": story.PASSWORD, "code": code}))
        client = await asyncio.create_subprocess_exec(
            "ssh", "-T", "-p", str(server.port), "-o", "PreferredAuthentications=keyboard-interactive",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "NumberOfPasswordPrompts=1",
            "kroon@127.0.0.1", stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True,
            env={**os.environ, "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"})
        async with asyncio.timeout(WAIT):
            _, error = await client.communicate()
        return client.returncode, error.decode(errors="replace")

    code, error = await ssh("000000")
    assert code == 255 and "Permission denied" in error
    code, error = await ssh(pyotp.TOTP(secret).now())
    assert "terminal nodig" in error and "Permission denied" not in error  # signed in; -T: no terminal
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server, "kroon", story.PASSWORD):  # the password alone
            pass


async def test_a_staff_key_login_still_asks_the_code(server, people):
    import pyotp

    from models import SecondFactor

    key = asyncssh.generate_private_key("ssh-ed25519")
    add_key(people.staff, key.export_public_key().decode(), Clock(), current=story.PASSWORD)
    secret = SecondFactor.get(SecondFactor.account == people.staff.id).secret
    async with connect(server, "medewerker", key=key) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for("Code uit uw app")
        terminal.process.stdin.write(b"000000\r")
        await terminal.wait_for("Deze code klopt niet")
        terminal.process.stdin.write(pyotp.TOTP(secret).now().encode() + b"\r")
        await terminal.wait_for("Registerplein-medewerker")  # the staff console
        await terminal.close()
