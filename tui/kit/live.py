"""Live panes: what a pane shows follows changes committed anywhere, through one subscription each.

`FollowsChanges` (for a Widget or Screen with DomainWork): once mounted, the node subscribes itself to the app's
`data_changed` signal and its `data_changed(batch)` is called for every batch of committed changes (EVERYTHING
on ctrl+r). No walk of the tree: a node that leaves stops hearing. A failure in it goes the one path of
tui/kit/domain.py (the signal itself would only log it).

`LivePane` builds on it for a pane that shows one read of models/. The pane declares:
- `follows(batch)`: whether the batch may change what it shows, from its own state (default: always);
- `read_call(batch)`: the models/ call that reads it, run in the worker;
- `show(result, batch)`: put the result on the screen (keeping the place: the pane's own business);
and, with `READ_WHILE_HIDDEN = False`, that it reads only when in view (a hidden one reads when shown).
The kit does the rest once: the first read, one read in flight and at most one waiting (the batches that
came meanwhile merged into it), results for a pane that left dropped, failures told and the read tried again
at the next change, and "bijgewerkt" (tui/kit/updated.py waits for the reads under way).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.widget import Widget

from models.changes import EVERYTHING, Batch

LIVE_GROUP = "live"


class FollowsChanges:
    """Mixin (with DomainWork): `data_changed(batch)` for every batch of committed changes, from mount on."""

    def _on_mount(self, _event) -> None:
        signal = getattr(self.app, "data_changed", None)
        if signal is not None:  # an app without live data (a test's bare App)
            signal.subscribe(self, self._changed, immediate=True)  # in order, before the workspace stamps the time

    def _changed(self, batch: Batch) -> None:
        try:
            self.data_changed(batch)
        except Exception as error:  # noqa: BLE001 - told to the user, as every failure
            self._failed(error)

    def data_changed(self, batch: Batch) -> None:
        raise NotImplementedError


class LivePane(FollowsChanges):
    """Mixin (with DomainWork) for a pane that shows one read of models/ and follows changes to it."""

    READ_WHILE_HIDDEN: ClassVar[bool] = True
    READ_ON_MOUNT: ClassVar[bool] = True  # False: the pane starts from what it was given, and reads on a change
    reading: bool = False  # a read is in flight
    _waiting: Batch | None = None  # what changed since the read in flight started: read again when it lands
    stale: bool = False  # not read since a change, because not in view

    def follows(self, batch: Batch) -> bool:
        return True

    def read_call(self, batch: Batch) -> Callable[[], Any]:
        raise NotImplementedError

    def show(self, result: Any, batch: Batch) -> None:
        raise NotImplementedError

    def _on_mount(self, _event) -> None:  # Textual calls FollowsChanges' own too (handlers of every class)
        if not self.READ_ON_MOUNT:
            return
        if self.READ_WHILE_HIDDEN:
            self.reload()
        else:
            self.stale = True  # read when first shown

    def _on_show(self, _event) -> None:
        if self.stale:
            self.reload()

    def data_changed(self, batch: Batch) -> None:
        if batch is EVERYTHING or self.follows(batch):
            self.reload(batch)

    def in_view(self) -> bool:
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def reload(self, batch: Batch = EVERYTHING) -> None:
        """Read again (now, or when the read in flight has landed); what changed is merged into one read."""
        self._waiting = batch if self._waiting is None else self._waiting | batch
        if not self.READ_WHILE_HIDDEN and not self.in_view():
            self.stale = True
            return
        self.stale = False
        if not self.reading:
            self._read_next()

    def _read_next(self) -> None:
        batch, self._waiting = self._waiting, None
        if batch is None:
            return
        self.reading = True
        self.run_domain(self.read_call(batch), partial(self._landed, batch), self._refused, group=LIVE_GROUP)

    async def _landed(self, batch: Batch, result: Any) -> None:
        try:
            shown = self.show(result, batch)
            if inspect.isawaitable(shown):  # a show that mounts widgets
                await shown
        finally:
            self.reading = False
        self._read_next()

    @property
    def last_of_a_burst(self) -> bool:
        """Whether the result being shown is the newest one coming (no read waits behind it)."""
        return self._waiting is None

    def _refused(self, refusal: Exception):
        self.reading = False
        return self.read_refused(refusal)

    def read_refused(self, refusal: Exception):
        """A read refused (no access any more, a busy database): by default a calm warning."""
        self.show_refusal(refusal)

    def domain_failed(self) -> None:
        super().domain_failed()
        self.reading = False  # what waits is read at the next change or ctrl+r
