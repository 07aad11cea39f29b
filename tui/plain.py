"""Showing what users typed (or what came from the register) as plain, visible text.

Names, titles, reasons and the like can hold anything: brackets that look like Rich markup,
escape sequences, control characters, bidirectional overrides. Shown as they are, markup would
style the screen or run actions (`[@click=app.quit]`), and an ESC, BEL or OSC 8 sequence would
reach the user's terminal: clear it, ring it, or plant a hidden link. So screens show user text
only through these helpers:

- `visible(text)` replaces every character a terminal would act on instead of show by a visible
  stand-in of the same length (offsets into the text, such as a cursor or a style span, stay
  right): C0 controls and DEL by their Control Pictures (ESC as ␛, BEL as ␇, NUL as ␀, DEL as ␡);
  C1 controls, the bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), the line
  and paragraph separators and lone surrogates by U+FFFD. `multiline=True` keeps line feeds and
  tabs, for a text that is shown over several lines (a reflection).
- `plain(text, style)` is a rich `Text` of `visible(text)`: never parsed as markup.
- `cell(text)` is the same for a table column that sizes itself to its content: one line, cut with
  "…" after CELL_WIDTH cells, so that one long name cannot push the other columns off the screen.
- `VisibleControls` is the same as a highlighter, for an Input (see tui.widgets.PlainInput).

Notifications with user text go through `self.notify(visible(message), markup=False)`.
"""
from __future__ import annotations

from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text

REPLACEMENT = "\ufffd"
CELL_WIDTH = 40

_ONE_LINE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀ … ␟
_ONE_LINE[0x7F] = "\u2421"  # ␡
_ONE_LINE.update({code: REPLACEMENT for code in range(0x80, 0xA0)})  # C1, e.g. CSI as one byte (0x9B)
_ONE_LINE.update({code: REPLACEMENT for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)})
_ONE_LINE.update({code: REPLACEMENT for code in range(0xD800, 0xE000)})  # lone surrogates
_MULTILINE = {code: picture for code, picture in _ONE_LINE.items() if code not in (0x09, 0x0A)}


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every control, bidi override and separator replaced by a visible character, one for one."""
    return text.translate(_MULTILINE if multiline else _ONE_LINE)


def plain(text: str, style: str | Style = "", *, multiline: bool = False, **options) -> Text:
    """User text as a rich Text: shown as typed, never parsed as markup, with controls made visible."""
    return Text(visible(text, multiline=multiline), style=style, **options)


def cell(text: str, width: int = CELL_WIDTH, style: str | Style = "") -> Text:
    """User text for a table cell: plain, on one line, at most `width` cells wide (cut with "…")."""
    shown = plain(text, style, no_wrap=True, overflow="ellipsis")
    shown.truncate(width, overflow="ellipsis")
    return shown


class VisibleControls(Highlighter):
    """A highlighter that shows an Input's control characters as visible characters (same length)."""

    def highlight(self, text: Text) -> None:
        shown = visible(text.plain)
        if shown != text.plain:
            text.plain = shown
