"""The one way widgets and screens do models/ work: in a thread, with the thread's own database connection.

`run_domain(call, done, refused)` runs `call()` in a thread worker and hands its result to `done` on
the UI thread. Refusals the user can act on (models.refusal.Refusal: FormErrors, AccessDenied,
DatabaseBusy, ...; and the `expected` types) go to `refused`, by default `show_refusal`: messages next to
the fields, or a calm warning; but SessionEnded (the account changed elsewhere, or too many wrong
current passwords) signs the session out at once, whichever node asked. Anything else is a failure,
handled here and only here: logged with its traceback (tui/failures.py), told to the user in Dutch
(never a traceback; a lost database connection in words of its own), and
`domain_failed()` lets the node reset its state. A result for a node that has left the screen
meanwhile, or of a load that a newer one replaced (`exclusive`), is dropped.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual.worker import Worker, get_current_worker

from models.access import SessionEnded
from models.db import GONE, db, is_disconnect
from models.refusal import Refusal
from models.validation import FormErrors
from tui import failures
from tui.plain import visible

SOMETHING_WENT_WRONG = "Dat lukte nu niet door een storing. Probeer het over een paar minuten opnieuw."


class DomainWork:
    """Mixin for a Widget or Screen. `busy` is True from a change until its answer (set by the node)."""

    busy: bool = False

    def run_domain(self, call: Callable[[], Any], done: Callable[[Any], None] | None = None,
                   refused: Callable[[Exception], None] | None = None,
                   expected: tuple[type[Exception], ...] = (), *, group: str = "domain",
                   exclusive: bool = False) -> Worker:
        def work() -> None:
            worker = get_current_worker()
            try:
                with db.connection_context():
                    result = call()
            except SessionEnded as ended:
                self._hand_back(worker, self._session_ended, ended)
                return
            except (Refusal, *expected) as refusal:
                self._hand_back(worker, refused or self.show_refusal, refusal)
                return
            except Exception as error:  # noqa: BLE001 - every failure reaches the user, in one place
                self._hand_back(worker, self._failed, error)
                return
            if done is not None:
                self._hand_back(worker, done, result)

        return self.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _hand_back(self, worker: Worker, callback: Callable[[Any], None], value: Any) -> None:
        async def deliver() -> None:
            if not self.is_attached or worker.is_cancelled or not self.app.is_running:  # gone, replaced, or closing
                return
            try:
                result = callback(value)
                if inspect.isawaitable(result):
                    await result
            except Exception as error:  # noqa: BLE001 - a failing callback reaches the user like any failure
                self._failed(error)

        try:
            self.app.call_from_thread(deliver)
        except RuntimeError:  # the app has closed meanwhile
            pass

    def _session_ended(self, ended: SessionEnded) -> None:
        log_out = getattr(self.app, "log_out", None)
        if log_out is not None:
            log_out(str(ended))
        else:
            self.notify(visible(str(ended)), severity="warning", timeout=10, markup=False)

    def _failed(self, error: Exception) -> None:
        if is_disconnect(error):  # the app connects again and then reads everything anew
            self._tell_once(GONE, "warning")
        else:
            failures.report(error, type(self).__name__)
            self._tell_once(SOMETHING_WENT_WRONG, "error")
        self.domain_failed()

    def _tell_once(self, message: str, severity: str) -> None:
        """A notice, unless the same one is still on the screen (many reads failing at once say it once)."""
        if not any(notice.message == message for notice in self.app._notifications):
            self.notify(message, severity=severity, timeout=10)

    def domain_failed(self) -> None:
        """Called after a failure has been told to the user; subclasses reset more of their state."""
        self.busy = False

    def show_refusal(self, refusal: Exception) -> None:
        """The default answer to a refusal: messages next to the fields, or a warning."""
        self.busy = False
        if isinstance(refusal, FormErrors):
            self.show_form_errors(refusal.errors)
        else:
            self.notify(visible(str(refusal)), severity="warning", timeout=10, markup=False)

    def show_form_errors(self, errors: dict[str, str]) -> None:
        """Nodes with form fields put each message next to its field (tui.widgets.DomainPane does)."""
        self.notify(visible(" ".join(errors.values())), severity="warning", timeout=10, markup=False)
