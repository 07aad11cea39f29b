"""`inzage ssh` and `inzage web` as commands: they start, say where, and serve; `session` refuses a bad ticket."""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import aiohttp
import asyncssh
import pyte
import pytest

from tests import story
from tests.ports import free_port
from tests.tui.ssh_client import open_app, wait_until
from tui.cli import main

pytestmark = pytest.mark.slow
WAIT = 30.0


class Command:
    """A real `inzage …` process as a user starts it, its output read line by line in threads so that a test
    waits for the line it needs (with a ceiling) instead of taking whatever comes first."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tui.cli", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        self.pid = self.process.pid
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def wait_for_line(self, needle: str, ceiling: float = WAIT) -> str:
        """The first output line holding `needle`; fails with everything said so far if none comes in time."""
        deadline = time.monotonic() + ceiling
        while True:
            found = next((line for line in list(self.out) if needle in line), None)
            if found is not None:
                return found
            ended = self.process.poll() is not None and not any(reader.is_alive() for reader in self._readers)
            assert not ended and time.monotonic() < deadline, (
                f"no line with {needle!r}; stdout: {''.join(self.out)!r}, stderr: {self.stderr!r}")
            time.sleep(0.05)

    def stop(self) -> int:
        """Stop the command as a user does (ctrl+c), and wait until it and its output have ended."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.wait()

    def wait(self) -> int:
        """Wait until the command and its output have ended (killed after a ceiling); its exit status."""
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for reader in self._readers:
            reader.join(timeout=WAIT)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
        return self.process.returncode

    @property
    def stderr(self) -> str:
        return "".join(self.err)


def test_inzage_ssh_listens_and_keeps_its_host_key_private(sqlite_db, tmp_path):
    port = free_port()
    server = Command("ssh", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    try:
        line = server.wait_for_line("luistert op")
        assert f"luistert op 127.0.0.1:{port}" in line and "SHA256:" in line
        key = Path(os.environ["XDG_DATA_HOME"]) / "inzage" / "ssh_host_ed25519_key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    finally:
        assert server.stop() == 0


def children_of(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat_file.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat_file.parent.name))
    return found


def test_stopping_inzage_ssh_ends_every_session(sqlite_db, tmp_path):
    story.employers()  # Kroon manages Overvecht
    port = free_port()
    server = Command("ssh", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    try:
        server.wait_for_line("luistert op")

        async def open_session_then_stop_server() -> list[int]:
            async with asyncssh.connect("127.0.0.1", port, username="kroon", password=story.PASSWORD,
                                        known_hosts=None, client_keys=None, agent_path=None) as conn:
                terminal = await open_app(conn)
                await terminal.wait_for("vestigingsmanager")
                assert b"Warning" not in terminal.raw  # the session's app printed nothing of a library's
                apps = children_of(server.pid)
                server.process.send_signal(signal.SIGTERM)
                await wait_until(lambda: terminal.closed, what="the session to be closed")
                await terminal.close()
                return apps

        apps = asyncio.run(open_session_then_stop_server())
        assert len(apps) == 1
        assert server.wait() == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in apps)
    finally:
        server.stop()


def test_inzage_ssh_refuses_a_zero_session_limit(sqlite_db, tmp_path, capsys):
    assert main(["ssh", "--max-sessions", "0", "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}"]) == 2
    assert "--max-sessions moet minstens 1 zijn" in capsys.readouterr().err


def test_inzage_web_serves_the_app_page(sqlite_db, tmp_path):
    port = free_port()
    server = Command("web", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                assert server.process.poll() is None, f"inzage web stopped: {server.out} {server.stderr}"
                assert time.monotonic() < deadline, "inzage web did not answer"
                time.sleep(0.1)
        assert response.status == 200
        assert f"ws://127.0.0.1:{port}/ws" in page and "xterm.css" in page  # the terminal the app draws in
        assert "Gebruikersnaam" in asyncio.run(first_screen(f"ws://127.0.0.1:{port}/ws?width=100&height=30"))
    finally:
        server.stop()


async def first_screen(url: str) -> str:
    """What a browser tab shows once the app is up: its websocket's terminal output, through a VT emulator."""
    screen = pyte.Screen(100, 30)
    stream = pyte.ByteStream(screen)
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as websocket:
        async with asyncio.timeout(WAIT):
            while "Gebruikersnaam" not in "\n".join(screen.display):
                message = await websocket.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    stream.feed(message.data)
                elif message.type != aiohttp.WSMsgType.TEXT:
                    break
    return "\n".join(screen.display)


def test_a_session_with_an_unknown_ticket_does_not_start(sqlite_db, tmp_path, capsys):
    read_end, write_end = os.pipe()
    os.write(write_end, b"verzonnen-ticket")
    os.close(write_end)
    assert main(["session", "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}", "--ticket-fd", str(read_end)]) == 2
    assert "sessie is verlopen of ongeldig" in capsys.readouterr().err


def test_the_first_thing_a_user_sees_is_ours_not_a_library_warning(sqlite_db, tmp_path):
    """Every command starts without a library's warning, on the newest releases of what it uses (cryptography
    51 deprecates the DSA names asyncssh touches at import): `inzage --help`, `demo`, `ssh` and `web`."""
    url = f"sqlite:///{tmp_path / 'inzage.sqlite3'}"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True,
                              timeout=WAIT, env=os.environ.copy())

    shown = run("--help")
    assert (shown.returncode, shown.stderr) == (0, "") and shown.stdout.startswith("usage: inzage")
    shown = run("demo", "--size", "3", "--no-run", "--db", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    assert (shown.returncode, shown.stderr) == (0, "") and shown.stdout.startswith("Demogegevens maken in")
    for args, first in ((("ssh", "--port", str(free_port())), "inzage ssh luistert op"),
                        (("web", "--port", str(free_port())), "inzage web op")):
        server = Command(*args, "--db", url)
        try:
            server.wait_for_line(first)
        finally:
            server.stop()
        assert server.out[0].startswith(first)
        assert "Warning" not in server.stderr and "site-packages" not in server.stderr, server.stderr


def test_the_browser_asks_the_code_after_the_password(sqlite_db, tmp_path):
    """inzage web runs the same screens: an account with a second factor is asked its code (issue 31)."""
    import pyotp

    cast = story.employers()
    secret = story.second_factor(cast.kroon)
    port = free_port()
    server = Command("web", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")

    async def sign_in() -> str:
        screen = pyte.Screen(100, 30)
        stream = pyte.ByteStream(screen)

        async def until(text: str) -> None:
            while text not in "\n".join(screen.display):
                message = await websocket.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    stream.feed(message.data)
                elif message.type != aiohttp.WSMsgType.TEXT:
                    raise AssertionError(f"the connection ended before {text!r}:\n" + "\n".join(screen.display))

        url = f"ws://127.0.0.1:{port}/ws?width=100&height=30"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as websocket:
            async with asyncio.timeout(WAIT):
                await until("Gebruikersnaam")
                for keys in ("kroon", "\t", story.PASSWORD, "\r"):  # one by one: a Tab in a burst is lost (issue 16)
                    await websocket.send_json(["stdin", keys])
                    await asyncio.sleep(0.3)
                await until("Code uit uw app")
                await websocket.send_json(["stdin", pyotp.TOTP(secret).now() + "\r"])
                await until("bijgewerkt")  # the workspace's reads have landed (the header's role line is cut at 100)
        return "\n".join(screen.display)

    try:
        deadline = time.monotonic() + WAIT
        while True:  # until it answers
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                break
            except OSError:
                assert server.process.poll() is None and time.monotonic() < deadline, "inzage web did not answer"
                time.sleep(0.1)
        shown = asyncio.run(sign_in())
        assert "vestigingsmanager van Stichting Welzijn Utrecht" in shown and "Professionals (F2)" in shown
    finally:
        server.stop()
