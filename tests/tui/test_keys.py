"""Keys written once (issue 30): every binding of every screen and widget has an id and a Dutch description, and
a pane's help line is made from its bindings."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import screens
import tui
from screens.branches import BranchesPane
from screens.inzage import InzagePane
from tui.kit.keys import key_help, key_label

ENGLISH = {"quit", "save", "cancel", "open", "close", "delete", "search", "back", "refresh"}


def our_nodes() -> list[type[DOMNode]]:
    found = {}
    for package in (screens, tui):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            for value in vars(importlib.import_module(module.name)).values():
                if inspect.isclass(value) and issubclass(value, DOMNode) and value.__module__ == module.name:
                    found[f"{module.name}.{value.__name__}"] = value
    return list(found.values())


def test_every_binding_has_an_id_and_a_dutch_description():
    nodes = our_nodes()
    assert len(nodes) > 30
    bindings = [(node.__name__, binding) for node in nodes for binding in node.__dict__.get("BINDINGS", [])
                if isinstance(binding, Binding)]
    assert len(bindings) > 50
    assert [f"{name}: {binding.key}" for name, binding in bindings if not binding.id] == []
    assert [f"{name}: {binding.key}" for name, binding in bindings
            if binding.show and (not binding.description or binding.description.lower() in ENGLISH)] == []


def test_key_labels_read_as_a_user_reads_them():
    assert [key_label(key) for key in ("ctrl+s", "space", "n", "escape,ctrl+z", "delete", "slash", "f7")] == \
        ["Ctrl+S", "Spatie", "N", "Escape", "Delete", "/", "F7"]


def test_help_lines_come_from_the_bindings():
    assert key_help(InzagePane.BINDINGS) == ("A: organisatie toevoegen, D: datum wijzigen, Delete: intrekken, "
                                             "Ctrl+S: opslaan, Escape: wijzigingen ongedaan maken")
    assert key_help(BranchesPane.BINDINGS) == ("N: nieuwe vestiging, E: naam wijzigen, Spatie: rol wisselen, "
                                               "B: beheerder aan/uit, Ctrl+S: rollen opslaan, Ctrl+Z: ongedaan maken, "
                                               "Delete: verwijderen")
