"""Keys written once: every binding has an id (`<where>.<action>`, for a keymap) and a Dutch description; the
help line of a pane (and, for issue 16, its F1 help) is made from its bindings, never written beside them.

`tooltip` holds the longer description where the footer's is too short to explain ("Beheerder" in the footer,
"beheerder aan/uit" in the help).
"""
from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding

KEY_NAMES = {"space": "Spatie", "delete": "Delete", "escape": "Escape", "enter": "Enter", "slash": "/",
             "tab": "Tab", "up": "↑", "down": "↓", "left": "←", "right": "→", "pageup": "PgUp", "pagedown": "PgDn",
             "home": "Home", "end": "End"}


def key_label(keys: str) -> str:
    """The first of a binding's keys as a user reads it: "ctrl+s" is "Ctrl+S", "space" is "Spatie", "n" is "N"."""
    key = keys.split(",")[0].strip()
    parts = key.split("+")
    *modifiers, last = parts
    name = KEY_NAMES.get(last, last.upper() if len(last) == 1 else last.capitalize())
    return "+".join([*(modifier.capitalize() for modifier in modifiers), name])


def explained(binding: Binding) -> str:
    """What the key does, as a help line says it: the tooltip, else the description with a small first letter."""
    text = binding.tooltip or binding.description
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def key_help(bindings: Iterable[Binding], separator: str = ", ") -> str:
    """"N: nieuwe vestiging, E: naam wijzigen, …" for `bindings`, in their order."""
    return separator.join(f"{key_label(binding.key)}: {explained(binding)}" for binding in bindings)
