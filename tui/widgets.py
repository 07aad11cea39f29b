"""Reusable widgets: a form field with its label and its error message, inputs that show controls visibly."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header as TextualHeader
from textual.widgets import Input, Label, Static, TextArea
from textual.widgets._header import HeaderIcon, HeaderTitle

from tui.kit.domain import DomainWork
from tui.plain import VisibleControls, plain, visible


class PlainInput(Input):
    """An Input that shows what was typed or pasted as it is: an ESC or other control character shows
    as a visible character (␛) instead of reaching the terminal. The value itself is not changed:
    the domain refuses control characters with a message next to the field."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("highlighter", VisibleControls())
        super().__init__(*args, **kwargs)


class PlainTextArea(TextArea):
    """A TextArea whose lines are drawn with control characters made visible (one for one, so the
    cursor stays where it is); the text itself is not changed."""

    def get_line(self, line_index: int) -> Text:
        # As TextArea.get_line, but made visible before rich's Text would drop BEL, BS and CR unseen.
        return Text(visible(self.document.get_line(line_index), multiline=True), end="", no_wrap=True)


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
        yield PlainInput(value=self.initial, placeholder=self.placeholder, password=self.password,
                         id=self.field_id, max_length=self.max_length)
        yield Static("", id=f"{self.field_id}-error", classes="field-error -empty")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def show_error(self, message: str) -> None:
        error = self.query_one(".field-error", Static)
        error.update(plain(message))
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


class DomainPane(DomainWork, Vertical):
    """A pane of the workspace whose database work runs through `run_domain` (tui.kit.domain);
    a form refusal puts each message next to its field."""

    def show_form_errors(self, errors: dict[str, str]) -> None:
        show_form_errors(self, errors)

    def focus_inside(self, widget: Widget) -> None:
        """Shown (e.g. its tab chosen): `widget` gets the focus, unless something in this pane has it already,
        so the pane's keys work at once."""
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            widget.focus()


class HeaderNote(Static):
    """Right in the header: when the screen was last brought up to date (set by the workspace)."""

    DEFAULT_CSS = """
    HeaderNote {
        dock: right;
        width: auto;
        padding: 0 1;
        color: $foreground-muted;
    }
    """


class Header(TextualHeader):
    """Textual's Header with room on the right for a note (HeaderNote), instead of a clock.

    Also safe when its screen goes away while a title update is pending.

    Textual 8.2.8's own catches only NoScreen; a screen dismissed right after it opened (Enter,
    then Escape at once) also raised NoMatches from that update, a traceback for the user.
    """

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(TextualHeader.icon)
        yield HeaderTitle()
        yield HeaderNote("", id="header-note")

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Header's own _on_mount, not as well as

        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoScreen, NoMatches):
                pass

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
