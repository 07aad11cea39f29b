"""`inzage session` with a planted bug: ctrl+r raises, with a secret in a local variable. For
tests/tui/test_database_gone.py, which reads what an SSH client receives when an app meets an error nobody
expected.

    python -m tests.failing_session --ticket-fd N
"""
from __future__ import annotations

import sys

from screens.workspace import WorkspaceScreen
from tui.cli import main


def planted(self) -> None:
    secret = "geheim-wachtwoord"  # Textual's own traceback would print local variables
    raise RuntimeError(f"planted failure near {len(secret)} characters")


if __name__ == "__main__":
    WorkspaceScreen.action_refresh_data = planted
    sys.exit(main(["session", *sys.argv[1:]]))
