"""Inloggen met een code: setting up and turning off the second factor (models/two_factor.py), from any
workspace (F8 or the command palette), and the set-up every staff account goes through before anything else.

Setting up is three small steps: the current password; the QR code and the secret as text, with a code from
the app to prove it works; the recovery codes, shown once. Turning off asks the password and a code.
"""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from models.accounts import Account
from models.two_factor import Enrolment, confirm_enrolment, start_enrolment, turn_off
from screens.confirm_dialog import OneFieldDialog
from screens.dialogs import MessageDialog
from screens.form import FormScreen
from tui.plain import plain
from tui.widgets import FormField

INTRO = ("Met inloggen met een code vraagt inzage na uw wachtwoord ook een code van zes cijfers uit een app op uw "
         "telefoon (zoals Google Authenticator, Microsoft Authenticator of FreeOTP). Bevestig eerst met uw huidige "
         "wachtwoord.")
REQUIRED = ("Voor medewerkers van Registerplein is inloggen met een code verplicht. Zet het nu aan; Escape logt u "
            "uit.")
SCAN = ("Scan deze QR-code met de app, of typ de sleutel eronder over. Vul daarna de code in die de app toont.")
TURNED_ON = "Inloggen met een code staat aan. Uw andere sessies zijn beëindigd."
RECOVERY = ("Bewaar deze herstelcodes op een veilige plek, bijvoorbeeld uitgeprint. Elke code werkt één keer in "
            "plaats van een code uit de app, als u uw telefoon kwijt bent. U ziet ze alleen nu.\n\n{codes}")
TURNED_OFF = "Inloggen met een code staat uit. Uw andere sessies zijn beëindigd."


def set_up(screen: Any, account: Account, required: bool = False, then: Any = None) -> None:
    """Start setting up the second factor on top of `screen`; `then(True)` once it is on."""
    app, clock = screen.app, screen.app.clock
    message = f"{REQUIRED}\n\n{INTRO}" if required else INTRO

    def enrolled(enrolment: Enrolment | None) -> None:
        if enrolment is None:
            if required:
                app.log_out("U bent uitgelogd: inloggen met een code is verplicht voor medewerkers.")
            return
        app.push_screen(EnrolDialog(account, enrolment, required), lambda codes: shown(codes))

    def shown(codes: list[str] | None) -> None:
        if codes is None:
            enrolled(None)
            return
        app.notify(TURNED_ON, timeout=10)
        app.deliver_mail()
        app.push_screen(MessageDialog("Herstelcodes", RECOVERY.format(codes="\n".join(codes))),
                        lambda _: then(True) if then else None)

    app.push_screen(OneFieldDialog("Inloggen met een code aanzetten", message, "Huidig wachtwoord", "current",
                                   lambda current: start_enrolment(account, current, clock), password=True),
                    enrolled)


class EnrolDialog(ModalScreen[list[str] | None], FormScreen):  # ModalScreen first: its CSS applies
    """The QR code and the secret; a code from the app puts the second factor in force."""

    BUSY_SELECTOR = "#enrol-form"
    BINDINGS = [Binding("escape", "cancel", "Annuleren", id="two_factor.cancel")]
    DEFAULT_CSS = """
    #enrol-form {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
    }
    #enrol-row {
        height: auto;
    }
    #enrol-qr {
        width: auto;
        background: $qr-light;
        color: $qr-dark;
    }
    #enrol-side {
        width: 1fr;
        height: auto;
        padding-left: 1;
    }
    """

    def __init__(self, account: Account, enrolment: Enrolment, required: bool) -> None:
        super().__init__()
        self.account, self.enrolment, self.required = account, enrolment, required

    def compose(self) -> ComposeResult:
        """The QR code beside the rest: at 80x24 all of it stays on the screen while the code is typed."""
        secret = " ".join(self.enrolment.secret[i:i + 4] for i in range(0, len(self.enrolment.secret), 4))
        with VerticalScroll(classes="dialog", id="enrol-form"):
            with Horizontal(id="enrol-row"):
                yield Static("\n".join(self.enrolment.qr_lines()), id="enrol-qr")
                with Vertical(id="enrol-side"):
                    yield Label("Koppel uw app", classes="form-title")
                    yield Static(SCAN, classes="hint")
                    yield Static(plain(f"Sleutel: {secret}"), id="enrol-secret")
                    yield FormField("Code uit de app", "code", required=True, max_length=20)
                    yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code").focus()

    def submit(self, values: dict[str, str]) -> list[str]:
        return confirm_enrolment(self.account, values["code"], self.app.clock)

    def done(self, codes: list[str]) -> None:
        self.dismiss(codes)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TurnOffDialog(ModalScreen[bool | None], FormScreen):
    """The current password and a code turn the second factor off."""

    BUSY_SELECTOR = "#turn-off-form"
    BINDINGS = [Binding("escape", "cancel", "Annuleren", id="two_factor.cancel")]
    DEFAULT_CSS = """
    #turn-off-form {
        width: 80;
        max-width: 100%;
        height: auto;
    }
    """

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="turn-off-form"):
            yield Label("Inloggen met een code uitzetten", classes="form-title")
            yield Static("Inloggen met een code staat aan. Uitzetten vraagt uw wachtwoord en een code uit de app "
                         "(of een herstelcode).", classes="hint")
            yield FormField("Huidig wachtwoord", "current", required=True, password=True, max_length=256)
            yield FormField("Code uit de app", "code", required=True, max_length=20)
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#current").focus()

    def submit(self, values: dict[str, str]) -> bool:
        turn_off(self.account, values["current"], values["code"], self.app.clock)
        return True

    def done(self, result: bool) -> None:
        self.app.notify(TURNED_OFF, timeout=10)
        self.app.deliver_mail()
        self.dismiss(True)
