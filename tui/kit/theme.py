"""The inzage themes, and the styles that Python code asks for by meaning, never by colour.

A status is shown by a symbol and a word as well (screens/labels.py), so nothing depends on colour alone;
colour adds to it. Every colour comes from here: the `inzage` theme (dark) and `inzage-licht`, each with
semantic variables that the .tcss files use as `$status-ok` and Python as `style("ok")`. Under any other
theme (the command palette offers Textual's own) the same names take that theme's success, error and
warning colours (`semantic_defaults`).
"""
from __future__ import annotations

from textual._context import active_app
from textual.theme import Theme

# A role -> (the theme variable its colour comes from, text attributes).
ROLES: dict[str, tuple[str, str]] = {
    "ok": ("status-ok", "bold"),  # a period or rule that is met
    "short": ("status-short", "bold"),  # a rule not met, a red period
    "risk": ("status-risk", "bold"),  # red and ending within 6 months
    "warning": ("status-warning", "bold"),  # look again (a possible duplicate application)
    "maximum": ("status-maximum", ""),  # counted toward a maximum: no shortfall
    "progress": ("status-ok", ""),  # a bar's filled part when the rule is met
    "behind": ("status-short", ""),  # a bar's filled part when it is not
    "muted": ("", "dim"),  # a previous period, an empty list, a username beside a name
}


QR = {"qr-dark": "#000000", "qr-light": "#FFFFFF"}  # a QR code is dark on light under every theme, or apps miss it


def _theme(name: str, *, dark: bool, ok: str, short: str, risk: str, warning: str, maximum: str,
           **colours: str) -> Theme:
    return Theme(name=name, dark=dark, success=ok, error=short, warning=warning, **colours, variables={
        "status-ok": ok, "status-short": short, "status-risk": risk, "status-warning": warning,
        "status-maximum": maximum, **QR,
    })


INZAGE = _theme("inzage", dark=True, primary="#3A8DDE", secondary="#2B6CB0", accent="#F2A93B",
                background="#14171C", surface="#1C2027", panel="#252B34", foreground="#E6E9EE",
                ok="#4CC38A", short="#F0616D", risk="#FF8A8A", warning="#F2C14E", maximum="#6CB6FF")
INZAGE_LIGHT = _theme("inzage-licht", dark=False, primary="#1F5FA8", secondary="#2B6CB0", accent="#B86E00",
                      background="#F7F8FA", surface="#FFFFFF", panel="#E8ECF2", foreground="#1B1F24",
                      ok="#1A7F4B", short="#C42B3A", risk="#A3001B", warning="#8A5A00", maximum="#1F5FA8")
THEMES = (INZAGE, INZAGE_LIGHT)
DEFAULT = INZAGE.name


def semantic_defaults(variables: dict[str, str]) -> dict[str, str]:
    """The semantic variables for a theme that does not set them, from its own colours."""
    return {
        "status-ok": variables.get("text-success", ""),
        "status-short": variables.get("text-error", ""),
        "status-risk": variables.get("text-error", ""),
        "status-warning": variables.get("text-warning", ""),
        "status-maximum": variables.get("text-primary", variables.get("primary", "")),
        **QR,
    }


class Themed:
    """Mixin for an App: the inzage themes registered, `inzage` shown, and under every theme the semantic
    variables that the .tcss files use."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(),
                **semantic_defaults(self.current_theme.to_color_system().generate())}


def style(role: str) -> str:
    """A Rich style for `role` in the theme the running app shows (attributes only, outside an app)."""
    variable, attributes = ROLES[role]
    colour = ""
    if variable:
        try:
            colour = active_app.get().theme_variables.get(variable, "")
        except (LookupError, AttributeError):  # not inside a running app (a test of a label, say)
            pass
    return " ".join(part for part in (attributes, colour) if part)
