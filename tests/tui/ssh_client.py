"""A test's view of an `inzage ssh` session: an asyncssh client whose output feeds a terminal emulator."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncssh
import pyte

WAIT = 30.0  # seconds an app process may take to start on a busy machine; a failure, not a measurement


class Terminal:
    """What the client's screen shows, rebuilt from the bytes the app sends (pyte: a VT emulator)."""

    def __init__(self, process: asyncssh.SSHClientProcess, columns: int, rows: int) -> None:
        self.process = process
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.closed = False
        self.raw = bytearray()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            while data := await self.process.stdout.read(65536):
                self.raw += data
                self.stream.feed(data)
                self.changed.set()
        except (asyncssh.Error, OSError):
            pass
        finally:
            self.closed = True
            self.changed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, needle: str, timeout: float = WAIT) -> str:
        """Wait until `needle` is on the screen; fail with the screen as it is if it never comes."""
        async def seen() -> None:
            while needle not in self.text:
                if self.closed:
                    raise AssertionError(f"session ended before {needle!r} appeared:\n{self.text}")
                self.changed.clear()
                await self.changed.wait()
        try:
            await asyncio.wait_for(seen(), timeout)
        except TimeoutError:
            raise AssertionError(f"{needle!r} did not appear within {timeout} s; the screen shows:\n{self.text}") \
                from None
        return self.text

    def press(self, keys: str | bytes) -> None:
        self.process.stdin.write(keys.encode() if isinstance(keys, str) else keys)

    def resize(self, columns: int, rows: int) -> None:
        self.screen.resize(rows, columns)
        self.process.change_terminal_size(columns, rows)

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader


async def open_app(conn: asyncssh.SSHClientConnection, columns: int = 100, rows: int = 30) -> Terminal:
    process = await conn.create_process(term_type="xterm-256color", term_size=(columns, rows), encoding=None)
    return Terminal(process, columns, rows)


async def wait_until(predicate, timeout: float = WAIT, what: str = "condition") -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        raise AssertionError(f"{what} not reached within {timeout} s") from None


@contextlib.asynccontextmanager
async def serving(settings) -> AsyncIterator:
    """`inzage ssh` with these settings on a free loopback port (`hub.port`), stopped at the end."""
    from models.clock import Clock
    from tui.ssh_server import host_key, start_server

    acceptor, hub = await start_server(settings, Clock(), host_key(settings.host_key_path))
    hub.port = acceptor.get_port()
    try:
        yield hub
    finally:
        acceptor.close()
        await hub.close()
        await acceptor.wait_closed()
