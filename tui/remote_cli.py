"""`inzage ssh` and `inzage web`: the app for people without a local install.

Also the hidden `inzage session`, which the SSH server starts for every connection.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import logging
import os
import shlex
import sys
import termios

from models.clock import Clock
from tui import config
from tui.startup import CommandError, ready_database, settings_for_mail

MAX_TICKET = 256


def add_remote_parsers(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    ssh = commands.add_parser("ssh", parents=parents, help="serve the app over SSH (one app per connection)")
    ssh.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ssh.add_argument("--port", type=int, default=2222, help="port (default 2222)")
    ssh.add_argument("--max-sessions", type=int, default=None,
                     help="sessions open at once (default: [ssh] max_sessions in config.toml, or 50)")
    web = commands.add_parser("web", parents=parents, help="serve the app in a browser (textual-serve)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    web.add_argument("--public-url", default=None, help="the address users type, when behind a proxy")
    session = commands.add_parser("session", parents=parents)  # started by `inzage ssh`, not by people
    session.add_argument("--ticket-fd", type=int, required=True)


def command_ssh(args: argparse.Namespace) -> int:
    from tui.host_key import HostKeyError
    from tui.ssh_server import SshSettings, serve_forever

    url = config.database_url(getattr(args, "db", None))
    if args.max_sessions is not None and args.max_sessions < 1:
        raise CommandError("--max-sessions moet minstens 1 zijn.")
    ready_database(url)
    settings = SshSettings(host=args.host, port=args.port, database_url=url,
                           max_sessions=args.max_sessions or config.ssh_max_sessions(),
                           session_hours=config.session_hours())
    console = logging.StreamHandler()  # besides the log file (warnings and errors): who got a session, and when
    console.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.getLogger().addHandler(console)
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # ours says who got a session; the audit trail the rest
    try:
        asyncio.run(serve_forever(settings, Clock(), lambda line: print(line, flush=True)))
    except HostKeyError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"kan niet luisteren op {args.host}:{args.port}: {error.strerror or error}") from None
    except KeyboardInterrupt:
        pass
    return 0


def command_web(args: argparse.Namespace) -> int:
    from textual_serve.server import Server


    url = config.database_url(getattr(args, "db", None))
    ready_database(url)
    os.environ[config.DATABASE_URL_ENV] = url  # every browser tab's app inherits it, never on a command line
    command = f"{shlex.quote(sys.executable)} -m tui.cli run"
    print(f"inzage web op http://{args.host}:{args.port} (stoppen: ctrl+c). Zet er voor gebruik buiten deze "
          "computer een TLS-proxy voor.", flush=True)
    Server(command, host=args.host, port=args.port, title="inzage", public_url=args.public_url).serve()
    return 0


def command_session(args: argparse.Namespace) -> int:
    """One SSH connection's app: take the PTY as controlling terminal, redeem the ticket, start signed in."""
    from models.tickets import redeem_ticket
    from tui.app import make_app

    with contextlib.suppress(OSError):
        fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSCTTY, 0)  # so a window change reaches us as SIGWINCH
    token = read_ticket(args.ticket_fd)
    settings = settings_for_mail()
    ready_database(config.database_url(getattr(args, "db", None)))
    clock = Clock()
    account = redeem_ticket(token, clock)
    if account is None:
        print("Deze sessie is verlopen of ongeldig. Verbind opnieuw.", file=sys.stderr)
        return 2
    app = make_app(clock, mail=settings, signed_in=account)
    app.run()
    return app.return_code or 0  # 1 after an unexpected error (tui/failures.py)


def read_ticket(descriptor: int) -> str:
    chunks = []
    with contextlib.suppress(OSError):
        while len(b"".join(chunks)) <= MAX_TICKET and (chunk := os.read(descriptor, MAX_TICKET)):
            chunks.append(chunk)
        os.close(descriptor)
    return b"".join(chunks)[:MAX_TICKET].decode("ascii", "replace")
