"""Colours come from the theme (issue 30): no colour name in the Python of screens/ and tui/ outside
tui/kit/theme.py, and the semantic styles follow the theme the app shows."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from rich.color import ANSI_COLOR_NAMES
from textual.app import App

from screens.labels import progress_bar, status_text
from tui.kit.theme import INZAGE, INZAGE_LIGHT, Themed, style

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"#[0-9a-f]{3,8}\b|[a-z_0-9]+")


def colour_names(path: Path) -> list[str]:
    """Colour names and hex colours in the string constants of `path`, except dictionary keys (codes of the
    domain, such as the status "green", are not colours)."""
    tree = ast.parse(path.read_text())
    keys = {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in keys:
            for word in WORD.findall(node.value.lower()):
                if word in ANSI_COLOR_NAMES or (word.startswith("#") and not word[1:].isalpha()):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {word}")
    return found


def test_no_colour_name_in_python_outside_the_theme():
    sources = [path for folder in ("screens", "tui") for path in (ROOT / folder).rglob("*.py")
               if path != ROOT / "tui" / "kit" / "theme.py"]
    assert len(sources) > 40
    assert [hit for path in sources for hit in colour_names(path)] == []


def test_the_check_finds_a_colour():
    assert colour_names(ROOT / "tui" / "kit" / "theme.py")  # it has hex colours


async def test_statuses_take_their_colour_from_the_theme_and_keep_their_words():
    class ThemedApp(Themed, App):
        pass

    app = ThemedApp()
    assert app.theme == "inzage"
    async with app.run_test() as pilot:
        for theme in (INZAGE, INZAGE_LIGHT):
            app.theme = theme.name
            await pilot.pause()
            ok = status_text("green")
            assert ok.plain == "● ✔ groen" and theme.variables["status-ok"].lower() in str(ok.style).lower()
            assert theme.variables["status-short"].lower() in str(status_text("red").style).lower()
        app.theme = "textual-light"  # a theme of Textual's own: the same names, its colours
        await pilot.pause()
        assert style("ok") != "bold" and style("short") != "bold"
    bar = progress_bar(30, 40)
    assert bar.plain.endswith("30/40")
