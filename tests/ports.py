"""A free TCP port on 127.0.0.1 for a server a test starts (SMTP, SSH, the browser's web server)."""
from __future__ import annotations

import socket


def free_port() -> int:
    """A port nobody listens on now (the server that takes it binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
