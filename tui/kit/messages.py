"""App-wide messages."""
from __future__ import annotations

from textual.message import Message

from models.changes import Batch


class DataChanged(Message):
    """Committed changes (in any session, process or machine) that open screens may show; posted by the
    app's change watcher, or by ctrl+r with `changes.EVERYTHING`."""

    def __init__(self, batch: Batch) -> None:
        super().__init__()
        self.batch = batch


class DatabaseReached(Message):
    """The change watcher lost the database (`reached` False) or has it again (True)."""

    def __init__(self, reached: bool) -> None:
        super().__init__()
        self.reached = reached
