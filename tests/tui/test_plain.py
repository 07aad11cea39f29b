"""tui.plain: user text shown as typed, never as markup, with what a terminal would act on made visible."""
from __future__ import annotations

import string
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App, ComposeResult

from tests.hostile import ANY_CHARACTER, NASTY, hostile_text
from tests.screens.helpers import screen_lines
from tui.plain import plain, visible
from tui.cells import fit_cell, fit_plain
from tui.widgets import PlainInput, PlainTextArea

BIDI_AND_SEPARATORS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029}
# What a terminal shows rather than acts on: every character but controls, lone surrogates, bidi and separators.
ORDINARY = st.characters(exclude_categories=("Cc", "Cs")).filter(lambda ch: ord(ch) not in BIDI_AND_SEPARATORS)
PRINTABLE_ASCII = string.printable[:95]  # digits, letters, punctuation and the space: one cell each


def acted_on(text: str) -> list[str]:
    """The characters in `text` a terminal would act on rather than show."""
    return [ch for ch in text
            if unicodedata.category(ch) in ("Cc", "Cs") or ord(ch) in BIDI_AND_SEPARATORS]


def test_each_kind_of_control_has_a_visible_stand_in():
    assert visible("\x1b[2J") == "␛[2J"
    assert visible("\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\") == "␛]8;;http://evil␛\\x␛]8;;␛\\"
    assert visible("bel\x07 nul\x00 del\x7f tab\t nl\n") == "bel␇ nul␀ del␡ tab␉ nl␊"
    assert visible("\x9b2J \x85") == "\ufffd2J \ufffd"  # C1: CSI and NEL as one character each
    assert visible("\u202egnp.exe \u2066x\u2069 a\u2028b a\ud800b") == "�gnp.exe �x� a�b a�b"
    assert visible("regel\n\tinspringen\x1b", multiline=True) == "regel\n\tinspringen␛"


def test_ordinary_text_stays_as_it_is():
    for text in ["Zoë", "Zoe\u0308", "Cliënt", "👩\u200d👩\u200d👧 👍🏽", "שלום", "日本語", "[bold]x[/]",
                 "\u200e\u200f"]:  # direction marks stay: they reorder nothing beyond their neighbours
        assert visible(text) == text


@settings(max_examples=300, deadline=None)
@given(hostile_text(max_size=300))
def test_visible_keeps_the_length_and_leaves_nothing_to_act_on(text):
    shown = visible(text)
    assert len(shown) == len(text)  # one for one: cursors and style spans stay right
    assert not acted_on(shown)
    assert visible(shown) == shown
    assert [a for a, b in zip(text, shown, strict=True) if a != b] == acted_on(text)  # only those are replaced
    multiline = visible(text, multiline=True)
    assert not [ch for ch in acted_on(multiline) if ch not in "\n\t"]


@settings(max_examples=200, deadline=None)
@given(st.text(ORDINARY, max_size=300))
def test_ordinary_text_is_shown_as_it_is(text):
    assert visible(text) == text == visible(text, multiline=True)
    assert visible(f"{text}\n\t{text}", multiline=True) == f"{text}\n\t{text}"  # a reflection keeps its lines
    assert plain(text, style="bold").plain == text


@settings(max_examples=200, deadline=None)
@given(hostile_text(max_size=80))
def test_plain_is_never_markup(text):
    shown = plain(text, style="bold")
    assert shown.plain == visible(text)  # every bracket still there
    assert [span.style for span in shown.spans] == [] and shown.style == "bold"


@settings(max_examples=200, deadline=None)
@given(st.text(ANY_CHARACTER, max_size=60), st.integers(min_value=1, max_value=30))
def test_table_cells_have_their_width_and_nothing_to_act_on(text, width):
    for cell in (fit_cell(text, width), fit_cell(Text(text, style="red"), width)):
        assert cell.cell_len == width and not acted_on(cell.plain)
    assert not acted_on(fit_plain(text, width))


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(PRINTABLE_ASCII), max_size=60), st.integers(min_value=1, max_value=80))
def test_table_cells_show_ordinary_text_padded_or_cut(text, width):
    if len(text) <= width:
        padding = " " * (width - len(text))
        assert fit_cell(text, width).plain == fit_plain(text, width) == text + padding
        assert fit_cell(text, width, align="right").plain == fit_plain(text, width, align="right") == padding + text
    else:
        assert fit_cell(text, width).plain == fit_plain(text, width) == text[:width - 1] + "…"


class InputApp(App):
    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value

    def compose(self) -> ComposeResult:
        yield PlainInput(value=self.value, id="input")
        yield PlainTextArea(self.value + "\nregel twee\t\x1b[0m", id="area")


async def test_inputs_show_what_was_typed_without_sending_it_to_the_terminal():
    for value in ["[bold]x[/] \x1b[2J\x1b]8;;http://evil\x1b\\klik", "\u202egnp.exe", NASTY[-6]]:
        app = InputApp(value)
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            lines = screen_lines(app)
            assert not [ch for line in lines for ch in acted_on(line)]
            assert app.query_one(PlainInput).value == value  # the value itself is what was typed
            assert app.query_one(PlainTextArea).text.startswith(value)
            if value.startswith("[bold]"):
                text = "\n".join(lines)
                assert text.count("[bold]x[/] ␛[2J␛]8;;http://evil␛\\klik") == 2  # input and text area
                assert "regel twee" in text and "␛[0m" in text
            await pilot.press("end", "x")
            assert app.query_one(PlainInput).value == value + "x"
