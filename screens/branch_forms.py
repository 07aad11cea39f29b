"""The Vestigingen tab's forms: a new branch with its manager, and another name for a branch."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, Footer, Label, RadioButton, RadioSet, Static

from models.accounts import Account
from models.branches import BranchRow, BranchSaved, RenamedMeanwhile, add_branch, rename_branch
from models.organisations import ManagerRole
from screens.form import FormScreen
from tui.plain import plain
from tui.widgets import FormField, Header


class NewBranchScreen(FormScreen):
    """A new branch with its manager; the manager receives an activation code by email."""

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="form", id="new-branch-form"):
            yield Label("Nieuwe vestiging of afdeling", classes="form-title")
            yield Static("De manager krijgt per e-mail een activeringscode en kiest daarmee zelf een wachtwoord.",
                         classes="hint")
            yield FormField("Naam van de vestiging of afdeling", "name", required=True, max_length=300)
            yield FormField("Naam van de manager", "manager_name", required=True, max_length=300)
            yield FormField("E-mailadres van de manager", "manager_email", required=True, max_length=320)
            yield FormField("Gebruikersnaam van de manager", "manager_username", required=True, max_length=50)
            yield Label("Rol van de manager", classes="section-title")
            with RadioSet(id="role"):
                yield RadioButton("Contactpersoon werkgever", id="role-contact_person")
                yield RadioButton("Vestigingsmanager", id="role-branch_manager", value=True)
            yield Checkbox("Beheerder: mag alle instellingen wijzigen", id="is_admin")
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def values(self) -> dict[str, str]:
        pressed = self.query_one(RadioSet).pressed_button
        role = ManagerRole.CONTACT_PERSON if pressed and pressed.id == "role-contact_person" else \
            ManagerRole.BRANCH_MANAGER
        return {**super().values(), "role": str(role),
                "is_admin": "1" if self.query_one("#is_admin", Checkbox).value else ""}

    def submit(self, values: dict[str, str]) -> BranchSaved:
        return add_branch(self.account, values["name"], values["manager_name"], values["manager_email"],
                          values["manager_username"], values["role"], values["is_admin"] == "1", self.app.clock)

    def done(self, branch: BranchSaved) -> None:
        self.app.deliver_mail()
        self.dismiss(branch)


class RenameBranchScreen(FormScreen):
    """Another name for a branch; professionals see it beside the organisation's name."""

    def __init__(self, account: Account, row: BranchRow) -> None:
        super().__init__()
        self.account = account
        self.row = row

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="form", id="rename-branch-form"):
            yield Label(plain(f"{self.row.name}: naam wijzigen"), classes="form-title")
            yield FormField("Nieuwe naam", "name", required=True, value=self.row.name, max_length=300)
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def submit(self, values: dict[str, str]) -> BranchSaved:
        try:
            return rename_branch(self.account, self.row.id, values["name"], self.app.clock, self.row.name)
        except RenamedMeanwhile as refused:  # told now; OK again renames what is stored now
            self.row = self.row._replace(name=refused.current)
            raise

    def done(self, branch: BranchSaved) -> None:
        self.dismiss(branch)
