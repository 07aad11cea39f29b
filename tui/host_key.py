"""The SSH server's host key: made once, kept private, never replaced behind the administrator's back."""
from __future__ import annotations

import os
from pathlib import Path

import asyncssh

from models.private import private_folder

HOST_KEY_FILE = "ssh_host_ed25519_key"


class HostKeyError(Exception):
    """The host key exists but cannot be used; it is never replaced without the administrator."""


def host_key(path: Path) -> asyncssh.SSHKey:
    """The server's key: read from `path`, or generated there (mode 0600) on the very first run."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise HostKeyError(f"de host key {path} is leesbaar voor anderen; zet de rechten op 0600 (chmod 600).")
        try:
            return asyncssh.read_private_key(path)
        except (asyncssh.KeyImportError, OSError, ValueError) as error:
            raise HostKeyError(
                f"kan de host key {path} niet lezen ({error}). Hij wordt niet zomaar vervangen: herstel het bestand "
                "uit een back-up, of verwijder het om een nieuwe te maken (gebruikers zien dan een waarschuwing)."
            ) from None
    key = asyncssh.generate_private_key("ssh-ed25519")
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.export_private_key())
    return key
