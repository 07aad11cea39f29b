"""A test's view of a local `inzage` process: the app on a real pseudo-terminal, its output fed to a terminal
emulator (pyte), keys written as a user's terminal would."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pyte

from tui.pty_session import set_window_size

WAIT = 30.0  # seconds the app may take on a busy machine; a failure, not a measurement


class LocalTerminal:
    def __init__(self, arguments: list[str], env: dict[str, str], columns: int = 120, rows: int = 40) -> None:
        master, slave = os.openpty()
        set_window_size(master, columns, rows)
        self.process = subprocess.Popen([sys.executable, "-m", "tui.cli", *arguments], stdin=slave, stdout=slave,
                                        stderr=slave, env={**{k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}, "TERM": "xterm-256color"}, start_new_session=True,
                                        close_fds=True)
        os.close(slave)
        self.master = master
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the app closed its terminal
                return
            if not data:
                return
            with self._lock:
                self.raw += data
                self.stream.feed(data)

    @property
    def text(self) -> str:
        with self._lock:
            return "\n".join(self.screen.display)

    def wait_until(self, condition: Callable[[str], bool], what: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while not condition(self.text):
            if self.process.poll() is not None:
                raise AssertionError(f"the app ended (status {self.process.returncode}) before {what}:\n{self.text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not within {timeout} s; the screen shows:\n{self.text}")
            time.sleep(0.05)
        return self.text

    def wait_for(self, needle: str, timeout: float = WAIT) -> str:
        return self.wait_until(lambda text: needle in text, repr(needle), timeout)

    def press(self, keys: str | bytes) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)
        time.sleep(0.1)  # as a typist would: Textual reads an escape sequence split over two reads as Escape

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGHUP)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)
