"""The live pane kit (tui/kit/live.py) on its own: one read in flight and at most one waiting, the batches that
came meanwhile merged into it, a hidden pane reading only when shown, and a failed read not blocking the next."""
from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.signal import Signal
from textual.widgets import Static

from models.changes import Batch, Kind, Topic
from tests.screens.helpers import eventually, settle
from tui.kit.domain import SOMETHING_WENT_WRONG
from tui.kit.live import LivePane
from tui.widgets import DomainPane


def changed(*professionals: int) -> Batch:
    return Batch(frozenset(Topic(Kind.PROFESSIONAL, professional) for professional in professionals))


class Probe(LivePane, DomainPane):
    """Reads wait for `gate`; each read returns the professionals its batch named (None: everything)."""

    def __init__(self, hidden_reads: bool = True) -> None:
        super().__init__()
        self.READ_WHILE_HIDDEN = hidden_reads
        self.gate = threading.Event()
        self.gate.set()
        self.started: list[set[int] | None] = []
        self.shown: list[set[int] | None] = []
        self.fail_next = False

    def follows(self, batch: Batch) -> bool:
        return batch.touches(Kind.PROFESSIONAL)

    def read_call(self, batch: Batch):
        subjects = batch.subjects(Kind.PROFESSIONAL)
        self.started.append(subjects)
        fail, self.fail_next = self.fail_next, False

        def read():
            self.gate.wait(10)
            if fail:
                raise RuntimeError("a planted failure")
            return subjects
        return read

    def show(self, result, batch: Batch) -> None:
        self.shown.append(result)


class LiveApp(App):
    def __init__(self, pane: Probe) -> None:
        super().__init__()
        self.pane = pane
        self.data_changed: Signal[Batch] = Signal(self, "data-changed")

    def compose(self) -> ComposeResult:
        yield Static("anders")
        yield self.pane


async def test_a_burst_is_one_read_in_flight_and_one_merged_read_after_it(sqlite_db):
    pane = Probe()
    app = LiveApp(pane)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert pane.shown == [None]  # the first read: everything
        pane.gate.clear()
        app.data_changed.publish(changed(1))
        for professional in (2, 3, 4):
            app.data_changed.publish(changed(professional))  # while 1 is read
        app.data_changed.publish(Batch(frozenset({Topic(Kind.BRANCH, 9)})))  # not followed
        await pilot.pause()
        assert pane.started == [None, {1}] and pane.reading
        pane.gate.set()
        await eventually(pilot, lambda: len(pane.shown) == 3 and not pane.reading)
        assert pane.started == [None, {1}, {2, 3, 4}] and pane.shown == [None, {1}, {2, 3, 4}]


async def test_a_hidden_pane_reads_once_when_shown(sqlite_db):
    pane = Probe(hidden_reads=False)
    pane.display = False  # as a tab not chosen yet
    app = LiveApp(pane)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert pane.started == [] and pane.stale  # not read while hidden, not even the first time
        app.data_changed.publish(changed(1))
        app.data_changed.publish(changed(2))
        await settle(pilot)
        assert pane.started == []
        pane.display = True
        await eventually(pilot, lambda: len(pane.shown) == 1)
        await settle(pilot)
        assert pane.started == [None] and not pane.stale  # one read of everything, however much came


async def test_a_failed_read_is_told_and_the_next_change_reads_again(sqlite_db):
    pane = Probe()
    app = LiveApp(pane)
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        pane.fail_next = True
        app.data_changed.publish(changed(1))
        await settle(pilot)
        assert not pane.reading and pane.shown == [None]
        assert any(notice.message == SOMETHING_WENT_WRONG for notice in app._notifications)
        app.data_changed.publish(changed(2))
        await eventually(pilot, lambda: pane.shown == [None, {2}])
