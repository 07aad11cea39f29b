"""Reusable widgets: a form field with its label and its error message."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static


class FormField(Vertical):
    """A labelled input with room for a Dutch error message right below it.

    The Input gets `field_id` as its id, the message `<field_id>-error`.
    """

    DEFAULT_CSS = """
    FormField {
        height: auto;
    }
    FormField > Label {
        margin-top: 1;
    }
    FormField > .field-error {
        color: $error;
        height: auto;
    }
    FormField > .field-error.-empty {
        display: none;
    }
    """

    def __init__(self, label: str, field_id: str, *, required: bool = False, password: bool = False,
                 value: str = "", placeholder: str = "", max_length: int = 0) -> None:
        super().__init__(id=f"{field_id}-field")
        self.label = f"{label} *" if required else label
        self.field_id = field_id
        self.password = password
        self.initial = value
        self.placeholder = placeholder
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield Input(value=self.initial, placeholder=self.placeholder, password=self.password, id=self.field_id,
                    max_length=self.max_length)
        yield Static("", id=f"{self.field_id}-error", classes="field-error -empty")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def show_error(self, message: str) -> None:
        error = self.query_one(".field-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")
        self.input.set_class(bool(message), "-invalid")


def show_form_errors(screen, errors: dict[str, str]) -> None:
    """Put each message next to its field, clear the others, and focus the first wrong field."""
    first = None
    for field in screen.query(FormField):
        message = errors.get(field.field_id, "")
        field.show_error(message)
        if message and first is None:
            first = field
    if first is not None:
        first.input.focus()
        first.scroll_visible()
