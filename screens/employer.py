"""The employer workspace: the seed's tabs Professionals, Account, Organisatie, Vestigingen, Registerplein."""
from __future__ import annotations

from textual.widget import Widget

from screens.account_pane import AccountPane
from screens.branches import BranchesPane
from screens.organisation_pane import OrganisationPane
from screens.professionals import ProfessionalsPane
from screens.registerplein import RegisterpleinPane
from screens.workspace import Tab, WorkspaceScreen


class EmployerScreen(WorkspaceScreen):
    TABS = [
        Tab("professionals", "Professionals", "f2", "het overzicht van professionals die u inzage gaven"),
        Tab("account", "Account", "f3", "uw eigen gegevens en wachtwoord", lazy=True),
        Tab("organisation", "Organisatie", "f4", "de gegevens van uw organisatie", lazy=True),
        Tab("branches", "Vestigingen", "f5", "vestigingen, managers en hun rollen", lazy=True),
        Tab("registerplein", "Registerplein", "f6", "uitleg en professionals uitnodigen", lazy=True),
    ]
    COMMAND_ACTIONS = [("Overzicht exporteren naar CSV", "export", "de professionals zoals u ze nu ziet")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#overview-table"  # the rows, not the tab strip: arrows and Enter work at once

    def pane_for(self, tab: str) -> Widget:
        return {"professionals": ProfessionalsPane, "account": AccountPane, "organisation": OrganisationPane,
                "branches": BranchesPane}.get(tab, lambda _: RegisterpleinPane())(self.account)

    def action_export(self) -> None:
        self.action_show_tab("professionals")
        self.query_one(ProfessionalsPane).action_export()
