"""ShowsUpdated: a screen whose header says when what it shows was last read from the database.

"bijgewerkt HH:MM:SS" is set once every read that a batch of changes (or ctrl+r) started on the screen has
landed, not when the batch arrived: a pane that is still reading is not up to date yet. Reads that start
more reads (a pane that brings itself up to date in steps) are waited for too.
"""
from __future__ import annotations

import contextlib
from functools import partial

from textual.worker import Worker

from models.clock import to_local
from tui.widgets import HeaderNote

GROUP = "stamp"
UPDATED = "Bijgewerkt."


class ShowsUpdated:
    """Mixin for a Screen with a Header (tui.widgets.Header): call `stamp_when_read()` after starting reads."""

    def stamp_when_read(self, then_say: str | None = None, *, only_after_reads: bool = False) -> None:
        """Note the time once the reads under way have landed (and then say `then_say`, e.g. after ctrl+r).
        `only_after_reads`: not at all when nothing is being read (a batch that touched nothing shown: the
        screen is as up to date as it was, and the header is not painted again for it)."""
        if only_after_reads and not self._reads_under_way():
            return
        # The function, not a coroutine: one replaced by a newer stamp before it started is never created.
        self.run_worker(partial(self._stamp, then_say), group=GROUP, exclusive=True)

    async def reads_landed(self) -> None:
        """Until every read under way on the screen (and every read those started) has landed."""
        while pending := self._reads_under_way():
            for worker in pending:
                with contextlib.suppress(Exception):  # cancelled by a newer read, or failed: told elsewhere
                    await worker.wait()

    async def _stamp(self, then_say: str | None) -> None:
        await self.reads_landed()
        with contextlib.suppress(Exception):  # the screen is closing
            self.query_one(HeaderNote).update(f"bijgewerkt {to_local(self.app.clock.now()):%H:%M:%S}")
        if then_say:
            self.notify(then_say, timeout=2)

    def _reads_under_way(self) -> list[Worker]:
        return [worker for worker in self.app.workers
                if worker.group not in (GROUP, "later") and not worker.is_finished and self._owns(worker.node)]

    def _owns(self, node) -> bool:
        return node is self or self in getattr(node, "ancestors", ())
