"""A small form in a dialog that confirms one action with one field: the current password before an SSH key
is removed, the code sent to a new email address. The action runs in a worker (argon2 is slow); what it
refuses shows below the field, and the dialog closes with what it returned."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from screens.form import FormScreen
from models.validation import FormErrors
from tui.plain import plain, visible
from tui.widgets import FormField


class OneFieldDialog(ModalScreen[Any], FormScreen):  # ModalScreen first: its CSS applies
    BUSY_SELECTOR = "#one-field-form"
    DEFAULT_CSS = """
    #one-field-form {
        width: 80;
        max-width: 100%;
        height: auto;
    }
    """

    def __init__(self, title: str, message: str, label: str, field_id: str, action: Callable[[str], Any],
                 *, password: bool = False) -> None:
        super().__init__()
        self.title_text, self.message = title, message
        self.label, self.field_id, self.password = label, field_id, password
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="one-field-form"):
            yield Label(plain(self.title_text), classes="form-title")
            yield Static(plain(self.message, multiline=True), classes="hint")
            yield FormField(self.label, self.field_id, required=True, password=self.password, max_length=256)
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#{self.field_id}").focus()

    def submit(self, values: dict[str, str]) -> Any:
        return self.action(values[self.field_id])

    def done(self, result: Any) -> None:
        self.dismiss(result)

    def show_refusal(self, refusal: Exception) -> None:
        """A refusal of the field stays below it; any other (the key was removed elsewhere meanwhile) is
        told and closes the dialog: there is nothing left to confirm."""
        if isinstance(refusal, FormErrors):
            super().show_refusal(refusal)
            return
        self.notify(visible(str(refusal)), severity="warning", timeout=10, markup=False)
        self.dismiss(None)
