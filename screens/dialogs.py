"""Modal dialogs: a message to acknowledge, a yes/no question, and a question that needs a typed reason;
and the words a pane uses when someone else changed what the user is editing.

Titles and messages often name what the user typed (a branch, a person): they are shown as plain text."""
from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from models.validation import FieldError
from tui.plain import plain
from tui.widgets import PlainInput


def meanwhile_text(names: str, what: list[str] | None = None, unknown: str = "") -> str:
    """The start of the line a pane shows when others changed what the user is editing: who (names from
    models.changes.changed_by; when "", the words `unknown`, e.g. "in een andere sessie") and what (field names)."""
    by = f" door {names}" if names else (f" {unknown}" if unknown else "")
    fields = f" ({', '.join(what)})" if what else ""
    return f"Intussen gewijzigd{by}{fields}."


class MessageDialog(ModalScreen[None]):
    """A short message with one OK button (Enter or Escape closes it)."""

    BINDINGS = [Binding("escape", "close", "Sluiten", id="dialogs.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="form-title")
            yield Static(plain(self.message, multiline=True))
            yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok").focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)


class ReasonDialog(ModalScreen[str | None]):
    """Ask for a required reason (e.g. why an application is rejected); None when cancelled.

    `check` (a domain validator, e.g. models.staff.clean_reason) runs before the dialog closes: its
    FieldError shows below the field, and the dialog answers with the value it returns."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren", id="dialogs.cancel")]

    def __init__(self, title: str, prompt: str, confirm: str, check: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.confirm = confirm
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="form-title")
            yield Static(plain(self.prompt))
            yield PlainInput(id="reason", max_length=1000)
            yield Static("", id="reason-error", classes="field-error -empty")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm, id="confirm", variant="error")
                yield Button("Annuleren", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def confirm_reason(self) -> None:
        reason = self.query_one("#reason", Input).value
        message = "" if reason.strip() else "Vul een reden in; de aanvrager leest die."
        if not message and self.check is not None:
            try:
                reason = self.check(reason)
            except FieldError as refused:
                message = str(refused)
        if message:
            error = self.query_one("#reason-error", Static)
            error.update(plain(message))
            error.remove_class("-empty")
            self.query_one("#reason").focus()
            return
        self.dismiss(reason.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; the confirming button names the action. Escape or Annuleren: False."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren", id="dialogs.cancel")]

    def __init__(self, title: str, message: str, confirm: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="form-title")
            yield Static(plain(self.message, multiline=True))
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


class UnsavedChanges:
    """For a pane that holds edits not saved yet (the workspace asks `confirm_leave` before it leaves).

    The pane has `has_unsaved_changes` and `discard()`, and sets the two questions: LEAVE_QUESTION
    (leaving the tab or logging out) and DISCARD_QUESTION (Ctrl+Z or Escape: undo them)."""

    LEAVE_QUESTION = "U heeft wijzigingen die nog niet zijn opgeslagen. Als u verdergaat, gaan ze verloren."
    DISCARD_QUESTION = "De wijzigingen die u nog niet heeft opgeslagen, gaan verloren."

    def action_discard(self) -> None:
        if self.has_unsaved_changes:
            self.app.push_screen(ConfirmDialog("Wijzigingen ongedaan maken?", self.DISCARD_QUESTION, "Ongedaan maken"),
                                 lambda yes: self.discard() if yes else None)

    def confirm_leave(self, then: Callable[[], None]) -> None:
        """Run `then` at once without unsaved changes; otherwise only after the user agrees to lose them."""
        if not self.has_unsaved_changes:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.discard()
                then()

        self.app.push_screen(ConfirmDialog("Wijzigingen niet opgeslagen", self.LEAVE_QUESTION,
                                           "Niet opslaan en verdergaan"), answered)
