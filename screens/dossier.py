"""A professional's dossier as an employer sees it: the latest period per registration, progress per rule,
the activities.

It follows changes while it is open: when the professional's dossier or grants change, or an
organisation, a branch or the employer's own account does, it reads the dossier again through the
model, which checks access every time (a refresh is not recorded as another view). When access
has ended the screen closes at once, with nothing of the dossier left on it.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label

from models.access import AccessDenied
from models.accounts import Account
from models.changes import EVERYTHING, Batch, Kind
from models.dossier import Dossier, open_dossier
from screens.period_view import PanelLayout, show_periods
from tui.kit.domain import DomainWork
from tui.kit.live import LivePane
from tui.kit.updated import UPDATED, ShowsUpdated
from tui.plain import plain, visible
from tui.widgets import Header

NO_PERIODS = "Deze professional heeft nog geen registratieperiode."
ACCESS_ENDED = "U heeft geen inzage meer in dit dossier: de inzage is beëindigd."
LAYOUT = PanelLayout(title_width=50)  # wider titles are cut in the table and shown whole below it


class DossierScreen(LivePane, ShowsUpdated, DomainWork, Screen):
    BINDINGS = [
        Binding("escape", "back", "Terug", id="dossier.back"),
        Binding("ctrl+r", "refresh_data", "Verversen", show=False, id="dossier.refresh_data"),
    ]
    DEFAULT_CSS = """
    DossierScreen #dossier { padding: 0 2; }
    DossierScreen #periods { height: auto; }
    """

    def __init__(self, account: Account, professional_id: int, name: str) -> None:
        super().__init__()
        self.account = account
        self.professional_id = professional_id
        self.professional_name = name
        self.shown_once = False  # the first reading is the opening (recorded); later ones are refreshes
        self.closing = False
        self.dismissed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dossier"):
            yield Label(plain(f"Dossier van {self.professional_name}"), id="dossier-title", classes="form-title")
            yield Vertical(id="periods")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dossier").loading = True  # until the opening (LivePane's first read) has landed

    # -- reading the dossier, now and whenever it changes -------------------------------------------------------
    def read_call(self, batch: Batch):
        """The opening is the one recorded view (the first read); every later read is a refresh."""
        account, professional_id, clock = self.account, self.professional_id, self.app.clock
        record_view = not self.shown_once
        return lambda: open_dossier(account, professional_id, clock, record_view=record_view)

    def reload(self, batch: Batch = EVERYTHING) -> None:
        super().reload(batch)
        self.stamp_when_read()

    def action_refresh_data(self) -> None:
        """ctrl+r: read the dossier again now (the model checks access again; it is not another recorded view)."""
        if not self.closing and self.shown_once:
            self.reload()
            self.stamp_when_read(then_say=UPDATED)

    def follows(self, batch: Batch) -> bool:
        """What this dossier shows, or whether this employer may still see it, may have changed: access to it ends
        with a change that names the professional (a grant) or the employer's own account or organisation (a
        branch removed, the organisation suspended); others cost nothing here. A change that comes while the
        opening is under way is read once the opening has landed."""
        return not self.closing and (batch.touches(Kind.PROFESSIONAL, self.professional_id)
                                     or self.app.concerns_account(batch))

    async def show(self, dossier: Dossier, batch: Batch) -> None:
        if self.closing:
            return
        self.shown_once = True
        self.query_one("#dossier-title", Label).update(plain(f"Dossier van {dossier.name}"))
        await show_periods(self.query_one("#periods"), dossier.periods, LAYOUT, empty=NO_PERIODS)
        self.query_one("#dossier").loading = False

    async def read_refused(self, refusal: Exception) -> None:
        """No (more) access: close, leaving nothing of the dossier. A busy database while the dossier is
        shown is only a warning: what is shown was checked a moment ago, and the next change reads again."""
        if isinstance(refusal, AccessDenied) or not self.shown_once:
            message = ACCESS_ENDED if self.shown_once and isinstance(refusal, AccessDenied) else str(refusal)
            await self.close(message)
        else:
            self.notify(visible(str(refusal)), severity="warning", timeout=10, markup=False)

    async def close(self, message: str) -> None:
        self.closing = True
        await self.query_one("#periods").remove_children()
        self.query_one("#dossier-title", Label).update("")
        self.query_one("#dossier").loading = False
        self.notify(visible(message), severity="warning", timeout=10, markup=False)
        if self.is_active:  # on top: not merely visible under a dialog
            self.action_back()
        # else a dialog (help, the command palette) is in front: the screen closes when it is back on top

    def on_screen_resume(self) -> None:
        if self.closing:
            self.action_back()

    def domain_failed(self) -> None:
        super().domain_failed()
        self.query_one("#dossier").loading = False

    def action_back(self) -> None:
        if not self.dismissed:
            self.dismissed = True
            self.dismiss()
