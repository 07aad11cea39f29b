"""Dutch words for the codes the domain uses, and the status shown as dot, symbol and word."""
from __future__ import annotations

from rich.text import Text

from tui.kit.theme import style

CATEGORY = {
    "training": "Scholing",  # geaccrediteerde scholing
    "supervision": "Supervisie",
    "intervision": "Intervisie",
    "case_discussion": "Casuïstiek",
    "coaching": "Coaching",
    "peer_consultation": "Consultatie",  # collegiale consultatie
    "other": "Overige",  # overige deskundigheidsbevordering
}
RULE = {
    "total": "Totaal",
    "training": "Scholing (minimum)",
    "reflection": "Reflectie (minimum)",
    "other": "Overige (maximum)",
}
REGISTRATION_TYPE = {"basis": "basis", "aspirant": "aspirant", "registered": "geregistreerd"}
MANAGER_ROLE = {"contact_person": "Contactpersoon werkgever", "branch_manager": "Vestigingsmanager"}


def roles_text(role: str, is_admin: bool) -> str:
    """A manager's role(s) as the professional reads them, e.g. "Vestigingsmanager, Beheerder"."""
    return MANAGER_ROLE.get(role, role) + (", Beheerder" if is_admin else "")


# Readable without colour: a symbol and a word beside the coloured dot (its colour from the theme).
STATUS = {
    "green": ("● ✔ groen", "ok"),
    "red": ("● ✖ rood", "short"),
}


def status_text(status: str) -> Text:
    label, role = STATUS.get(status, (status, ""))
    return Text(label, style=style(role) if role else "")


def progress_bar(achieved: int, required: int | None, width: int = 20, is_maximum: bool = False) -> Text:
    """A bar with numbers, e.g. `██████████░░░░░░░░░░  75/150`; a maximum shows as counted/max
    in a neutral colour (falling short of a maximum is no shortfall)."""
    if not required:
        return Text(f"{'█' * width}  {achieved}", style=style("progress"))
    filled = min(width, round(width * achieved / required))
    bar = Text("█" * filled, style=style("maximum" if is_maximum else "progress" if achieved >= required else "behind"))
    bar.append("░" * (width - filled), style=style("muted"))
    bar.append(f"  {achieved}/{required}")
    return bar
