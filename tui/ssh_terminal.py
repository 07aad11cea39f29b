"""What an SSH user reads and types outside the app: the server's Dutch lines, and a line typed in the terminal."""
from __future__ import annotations

import asyncssh

NEEDS_TERMINAL = "inzage heeft een terminal nodig. Verbind met: ssh -t …\r\n"
ONLY_THE_APP = "inzage biedt via SSH alleen de app aan: geen opdrachten, geen bestanden.\r\n"
FAILED = ("Er ging aan de kant van de server iets mis; de fout is vastgelegd voor de beheerder. "
          "Verbind opnieuw, en meld het bij de servicedesk als het vaker gebeurt.\r\n")
DATABASE_GONE = "De database is even niet bereikbaar; probeer het over een minuut opnieuw.\r\n"
REFUSED = "U kunt nu niet inloggen: het account is geblokkeerd of de organisatie is (nog) niet goedgekeurd.\r\n"


PASSWORD_PROMPT = "Wachtwoord (password): "  # "password" in it: SSH libraries answer it with the password given
CODE_PROMPT = "Code uit uw app: "
CODE_TRIES = 3
CODE_REFUSED = "Inloggen is niet gelukt: de code klopte niet.\r\n"


def too_old(hours: float) -> str:
    return f"U bent uitgelogd: een sessie duurt hooguit {hours:g} uur. Verbind opnieuw.\r\n"


def too_many(limit: int) -> str:
    return (f"Er zijn al {limit} sessies open, het maximum voor deze server. "
            "Probeer het over een paar minuten opnieuw.\r\n")


async def read_line(process: asyncssh.SSHServerProcess, limit: int = 64) -> str | None:
    """One line typed in the client's terminal (raw: echoed here, backspace honoured); None when it closed."""
    typed = ""
    while True:
        data = await process.stdin.read(1)
        if not data:
            return None
        char = data.decode("latin-1")
        if char in "\r\n":
            process.stdout.write(b"\r\n")
            return typed
        if char in "\x7f\x08" and typed:
            typed = typed[:-1]
            process.stdout.write(b"\x08 \x08")
        elif char == "\x03":  # ctrl+c
            return None
        elif char.isprintable() and len(typed) < limit:
            typed += char
            process.stdout.write(data)
