"""`inzage ssh` and `inzage web` as commands: they start, say where, and serve; `session` refuses a bad ticket."""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import asyncssh
import pyte
import pytest

from models import Role
from tests import story
from tests.tui.ssh_client import open_app, wait_until
from tui.cli import main

pytestmark = pytest.mark.slow
WAIT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=os.environ.copy())


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_inzage_ssh_listens_and_keeps_its_host_key_private(sqlite_db, tmp_path):
    port = free_port()
    server = start("ssh", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    try:
        line = server.stdout.readline()
        assert f"luistert op 127.0.0.1:{port}" in line and "SHA256:" in line
        key = Path(os.environ["XDG_DATA_HOME"]) / "inzage" / "ssh_host_ed25519_key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    finally:
        stop(server)
    assert server.returncode == 0


def children_of(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat_file.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat_file.parent.name))
    return found


def test_stopping_inzage_ssh_ends_every_session(sqlite_db, tmp_path):
    story.account("kroon", Role.STAFF)
    port = free_port()
    server = start("ssh", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    try:
        assert "luistert op" in server.stdout.readline()

        async def open_session_then_stop_server() -> list[int]:
            async with asyncssh.connect("127.0.0.1", port, username="kroon", password=story.PASSWORD,
                                        known_hosts=None, client_keys=None, agent_path=None) as conn:
                terminal = await open_app(conn)
                await terminal.wait_for("Registerplein")
                apps = children_of(server.pid)
                server.send_signal(signal.SIGTERM)
                await wait_until(lambda: terminal.closed, what="the session to be closed")
                await terminal.close()
                return apps

        apps = asyncio.run(open_session_then_stop_server())
        assert len(apps) == 1
        server.wait(timeout=WAIT)
        assert server.returncode == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in apps)
    finally:
        stop(server) if server.poll() is None else None


def test_inzage_ssh_refuses_a_zero_session_limit(sqlite_db, tmp_path, capsys):
    assert main(["ssh", "--max-sessions", "0", "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}"]) == 2
    assert "--max-sessions moet minstens 1 zijn" in capsys.readouterr().err


def test_inzage_web_serves_the_app_page(sqlite_db, tmp_path):
    port = free_port()
    server = start("web", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                assert server.poll() is None, f"inzage web stopped: {server.stdout.read()}"
                assert time.monotonic() < deadline, "inzage web did not answer"
                time.sleep(0.1)
        assert response.status == 200
        assert f"ws://127.0.0.1:{port}/ws" in page and "xterm.css" in page  # the terminal the app draws in
        assert "Gebruikersnaam" in asyncio.run(first_screen(f"ws://127.0.0.1:{port}/ws?width=100&height=30"))
    finally:
        stop(server)


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
