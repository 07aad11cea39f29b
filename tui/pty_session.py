"""One app in its own process and pseudo-terminal, wired to an SSH channel.

Textual's Linux driver wants a real terminal and installs process-wide signal handlers, so every
SSH session gets a child process whose controlling terminal is a fresh PTY. Bytes pass through
unchanged in both directions; a window change on the client is set on the PTY, which sends the
child SIGWINCH. When either side ends, the other is ended too: no process outlives its connection.
"""
from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Sequence

import asyncssh

READ_SIZE = 65536
TERMINATE_GRACE = 2.0  # seconds between SIGHUP and SIGKILL


def set_window_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(rows, 1), max(columns, 1), 0, 0))


def child_environment(term: str | None, colorterm: str | None, extra: dict[str, str]) -> dict[str, str]:
    """The server's environment for the child, with the client's terminal and without a fixed size."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "COLORTERM", "TERM")}
    env["TERM"] = term or "xterm-256color"
    if colorterm in ("truecolor", "24bit"):
        env["COLORTERM"] = colorterm
    env.update(extra)
    return env


class PtySession:
    """A child process on a PTY, pumped to and from one SSH server process (channel)."""

    def __init__(self, process: asyncssh.SSHServerProcess) -> None:
        self.process = process
        self.child: asyncio.subprocess.Process | None = None
        self.master = -1

    @property
    def pid(self) -> int | None:
        return self.child.pid if self.child else None

    async def start(self, command: Sequence[str], env: dict[str, str], secret: bytes) -> None:
        """Start `command` on a new PTY; `secret` reaches it through a pipe whose fd is appended to the command."""
        self.master, slave = os.openpty()
        columns, rows, _, _ = self.process.get_terminal_size()
        set_window_size(self.master, columns or 80, rows or 24)
        read_end, write_end = os.pipe()
        try:
            self.child = await asyncio.create_subprocess_exec(
                *command, str(read_end), stdin=slave, stdout=slave, stderr=slave, pass_fds=(read_end,),
                start_new_session=True, env=env, close_fds=True,
            )
            os.write(write_end, secret)
        finally:
            os.close(slave)
            os.close(read_end)
            os.close(write_end)
        os.set_blocking(self.master, False)

    async def run(self) -> int:
        """Pump until the app exits (its exit status) or the client goes away (None: the app is ended)."""
        output = asyncio.ensure_future(self._pump_output())
        keys = asyncio.ensure_future(self._pump_input())
        assert self.child is not None
        try:
            await asyncio.wait({output, keys}, return_when=asyncio.FIRST_COMPLETED)
            if output.done():  # the app closed its terminal: let it finish exiting
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.child.wait(), TERMINATE_GRACE)
        finally:
            for task in (output, keys):
                task.cancel()
            await asyncio.gather(output, keys, return_exceptions=True)
            await self.stop()
        return self.exit_code if self.exit_code is not None and self.exit_code >= 0 else 1

    @property
    def exit_code(self) -> int | None:
        """The app's exit status; negative when it was ended by a signal (the client went away); None while it runs."""
        return self.child.returncode if self.child is not None else None

    async def _pump_output(self) -> None:
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        loop.add_reader(self.master, ready.set)
        try:
            while True:
                await ready.wait()
                ready.clear()
                try:
                    data = os.read(self.master, READ_SIZE)
                except BlockingIOError:
                    continue
                except OSError:  # EIO: the app closed the terminal, it has exited
                    return
                if not data:
                    return
                self.process.stdout.write(data)
                await self.process.stdout.drain()
        finally:
            loop.remove_reader(self.master)

    async def _pump_input(self) -> None:
        while True:
            try:
                data = await self.process.stdin.read(READ_SIZE)
            except asyncssh.TerminalSizeChanged as change:
                set_window_size(self.master, change.width, change.height)
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                continue
            if not data:  # the client closed its side or the connection dropped
                return
            await self._write(data)

    async def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.master, view)
            except BlockingIOError:
                await asyncio.sleep(0.01)  # the app is busy; its terminal buffer is full
                continue
            view = view[written:]

    async def stop(self) -> None:
        """End the app (SIGHUP to its process group, SIGKILL if it lingers) and release the PTY."""
        if self.child is not None and self.child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.child.pid, signal.SIGHUP)
            try:
                await asyncio.wait_for(self.child.wait(), TERMINATE_GRACE)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.child.pid, signal.SIGKILL)
                await self.child.wait()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
