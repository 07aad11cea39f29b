"""A screen of FormFields whose submit runs a (slow) domain call in a worker thread."""
from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Input

from models.validation import FormErrors
from tui.kit.domain import DomainWork
from tui.plain import visible
from tui.widgets import FormField, show_form_errors


class FormScreen(DomainWork, Screen):
    """Subclasses implement `submit(values)` (runs in a thread, may raise FormErrors) and `done(result)`.

    Enter moves to the next field and submits from the last one; ctrl+s submits from anywhere.
    What the user typed stays in the fields when the form is refused.
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "OK", id="form.submit"),
        Binding("escape", "cancel", "Annuleren", id="form.cancel"),
    ]
    BUSY_SELECTOR = ".form"

    def values(self) -> dict[str, str]:
        return {field.field_id: field.value for field in self.query(FormField)}

    def submit(self, values: dict[str, str]) -> Any:  # runs in a worker thread
        raise NotImplementedError

    def done(self, result: Any) -> None:  # back on the UI thread
        raise NotImplementedError

    def buttons(self) -> ComposeResult:
        """OK and Annuleren, for the end of the form."""
        with Horizontal(classes="buttons"):
            yield Button("OK", id="ok", variant="primary")
            yield Button("Annuleren", id="cancel")

    @on(Button.Pressed, "#ok")
    def ok_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        if self.busy:
            return
        self.set_busy(True)
        values = self.values()
        self.run_domain(lambda: self.submit(values), self.finished, group="form", exclusive=True)

    def action_cancel(self) -> None:
        self.dismiss()

    @property
    def busy(self) -> bool:
        return self.query_one(self.BUSY_SELECTOR).loading

    def set_busy(self, busy: bool) -> None:
        self.query_one(self.BUSY_SELECTOR).loading = busy

    def show_refusal(self, refusal: Exception) -> None:
        """What was typed stays: messages next to the fields, or a warning (e.g. the database was busy)."""
        if isinstance(refusal, FormErrors):
            self.refused(refusal.errors)
        else:
            self.set_busy(False)
            self.notify(visible(str(refusal)), severity="warning", timeout=10, markup=False)

    def refused(self, errors: dict[str, str]) -> None:
        self.set_busy(False)
        show_form_errors(self, errors)

    def finished(self, result: Any) -> None:
        self.set_busy(False)
        show_form_errors(self, {})
        self.done(result)

    def domain_failed(self) -> None:
        self.set_busy(False)
