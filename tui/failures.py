"""What becomes of an error nobody expected: its traceback goes to the log file, the user reads Dutch.

`log_to_file()` (every command that runs the app calls it) sends warnings and errors of inzage's
loggers, and of any thread that dies, to `<data folder>/log/inzage.log` (owner only, rotated);
`report(error)` writes one failure there with its traceback. A traceback never reaches a terminal:
it may show server paths, local variables and SQL.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

from models.private import private_folder
from tui import config

log = logging.getLogger("inzage")

CRASHED = ("inzage is gestopt door een onverwachte fout. De fout is vastgelegd voor de beheerder; "
           "start inzage opnieuw, en meld het bij de servicedesk als het vaker gebeurt.")
LOG_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 3
_handler: logging.Handler | None = None


def log_path() -> Path:
    return config.data_dir() / "log" / "inzage.log"


def log_to_file() -> Path:
    """Warnings and errors to the log file, uncaught exceptions (any thread) too; the file's path."""
    path = log_path()
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    global _handler
    root = logging.getLogger()
    if _handler is not None:  # called again (tests run several commands in one process): one file at a time
        root.removeHandler(_handler)
        _handler.close()
    handler = _handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter(f"%(asctime)s pid {os.getpid()} %(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    threading.excepthook = _thread_died
    sys.excepthook = _uncaught
    return path


def report(error: BaseException, where: str = "inzage") -> None:
    """One unexpected failure, with its traceback, in the log (never on the terminal)."""
    log.error("%s: onverwachte fout %r", where, error, exc_info=(type(error), error, error.__traceback__))


def _thread_died(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
        report(args.exc_value, f"thread {args.thread.name if args.thread else '?'}")


def _uncaught(kind, value, traceback) -> None:
    if isinstance(value, KeyboardInterrupt):
        return
    report(value.with_traceback(traceback))
    print(CRASHED, file=sys.stderr)
