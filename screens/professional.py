"""The professional's workspace: their own dossier, who may look (Inzage), and who looked."""
from __future__ import annotations

from textual.widget import Widget

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


    @property
    def inzage(self) -> InzagePane:
        return self.query_one(InzagePane)
