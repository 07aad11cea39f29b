"""The professional's workspace: their own dossier, who may look (Inzage), and who looked."""
from __future__ import annotations

from textual.widget import Widget

from models.accounts import Account
from screens.access_log import AccessLogPane
from screens.inzage import InzagePane
from screens.my_dossier import MyDossierPane
from screens.workspace import Tab, WorkspaceScreen


class ProfessionalScreen(WorkspaceScreen):
    TABS = [
        Tab("dossier", "Mijn dossier", "f2", "uw registraties, perioden en activiteiten"),
        Tab("inzage", "Inzage", "f3", "welke organisaties uw dossier mogen zien"),
        Tab("looked", "Wie keek er", "f4", "wie uw dossier heeft bekeken"),
    ]

    def pane_for(self, tab: str) -> Widget:
        return {"dossier": MyDossierPane, "inzage": InzagePane, "looked": AccessLogPane}[tab](self.account)

    def describe(self) -> str:
        return f"Professional: {Account.get_by_id(self.account.id).name}"

    @property
    def inzage(self) -> InzagePane:
        return self.query_one(InzagePane)
