"""Modal dialogs: a message to acknowledge, and a question that needs a typed reason."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class MessageDialog(ModalScreen[None]):
    """A short message with one OK button (Enter or Escape closes it)."""

    BINDINGS = [Binding("escape", "close", "Sluiten")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="form-title")
            yield Static(Text(self.message))
            yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok").focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)


class ReasonDialog(ModalScreen[str | None]):
    """Ask for a required reason (e.g. why an application is rejected); None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren")]

    def __init__(self, title: str, prompt: str, confirm: str) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="form-title")
            yield Static(Text(self.prompt))
            yield Input(id="reason", max_length=1000)
            yield Static("", id="reason-error", classes="field-error -empty")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm, id="confirm", variant="error")
                yield Button("Annuleren", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def confirm_reason(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            error = self.query_one("#reason-error", Static)
            error.update("Vul een reden in; de aanvrager leest die.")
            error.remove_class("-empty")
            self.query_one("#reason").focus()
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; the confirming button names the action. Escape or Annuleren: False."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren")]

    def __init__(self, title: str, message: str, confirm: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="form-title")
            yield Static(Text(self.message))
            with Horizontal(classes="buttons"):
                yield Button(self.confirm, id="confirm", variant="error")
                yield Button("Annuleren", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel").focus()  # the safe choice has the focus

    @on(Button.Pressed, "#confirm")
    def confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
