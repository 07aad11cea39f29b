"""The Textual application and the one factory that builds it (CLI, SSH and tests alike)."""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer

from models.access import AccessDenied, Places, SessionEnded, own_places, require_usable
from models.accounts import Account, Role
from models.changes import EVERYTHING, Batch, ChangeWatcher, Kind
from models.clock import Clock
from models.db import GONE
from models.demo import DemoSummary
from models.mail import MailSettings, deliver_pending
from screens.login import LoginScreen
from tui import failures
from tui.kit.domain import DomainWork
from tui.kit.messages import DatabaseReached, DataChanged
from tui.kit.theme import Themed

BACK = "De verbinding met de database is er weer; alles is opnieuw opgehaald."
PUBLISH_GAP_S = 0.25  # batches closer together than this are merged: a flood of commits is four publishes a second
IDLE_CHECK_SECONDS = 15
SWITCH_INTERVAL_S = 0.001
WATCH_INTERVAL_SECONDS = 1.0  # SQLite: how often the change watcher looks (PostgreSQL is told at once)


class InzageApp(Themed, DomainWork, App):
    """inzage: employers follow the progress of professionals who granted them access."""

    TITLE = "inzage"
    SUB_TITLE = "Registerplein"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Afsluiten", priority=True, id="app.quit")]

    def __init__(self, clock: Clock, mail: MailSettings, idle_minutes: float, demo: DemoSummary | None = None,
                 signed_in: Account | None = None, session_hours: float = 12.0) -> None:
        super().__init__()
        self.clock = clock
        # Signed in by the SSH server: start in the workspace, and end the session (not return to
        # the login screen) on logging out or when idle.
        self.signed_in = signed_in
        self.mail = mail
        self.idle_limit = dt.timedelta(minutes=idle_minutes)
        self.session_limit = dt.timedelta(hours=session_hours)  # busy or not (ASVS 7.3.2)
        self.demo = demo  # shown on the login screen, so demo users need not remember the logins
        self.account: Account | None = None
        self.last_input = clock.now()
        self.signed_in_at = clock.now()
        self._mail_lock = threading.Lock()  # one delivery at a time: a message is never sent twice
        # Committed changes from every session reach the open screens through this signal (see DataChanged).
        self.data_changed: Signal[Batch] = Signal(self, "data-changed")
        self.watch_interval = WATCH_INTERVAL_SECONDS
        self._watcher: ChangeWatcher | None = None
        self._today = clock.today()
        self.database_gone = False  # the change watcher lost the database and is connecting again
        self._held: Batch | None = None  # arrived, merged, to be published (PUBLISH_GAP_S)
        self._publish_timer: Timer | None = None
        self._published_at = 0.0
        self.places = Places()  # the organisations and branches whose changes may end this session (check_account)

    def on_mount(self) -> None:
        if self.signed_in is not None:
            self.account = self.signed_in
            self.signed_in_at = self.signed_in.signed_in_at or self.signed_in_at  # the SSH login's moment
            self.push_screen(self.workspace_for(self.signed_in))
            self.check_account(self.signed_in)
            self.require_second_factor(self.signed_in)
        else:
            self.push_screen(LoginScreen())
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.deliver_mail()  # anything left queued by an earlier session
        self._watcher = ChangeWatcher(lambda batch: self.post_message(DataChanged(batch)), interval=self.watch_interval,
                                      connected=lambda up: self.post_message(DatabaseReached(up)))
        self._watcher.start()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    # -- an unexpected error, a lost database --------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Textual's handler for an exception nobody caught, which ends the app: the traceback goes to the log
        file, the terminal gets a Dutch line (Textual would print the traceback with local variables)."""
        failures.report(error, "app")
        self._return_code = 1
        if self._exception is None:  # run_test() raises it again in the test that caused it
            self._exception = error
            self._exception_event.set()
        self.panic(Text(failures.CRASHED))

    def on_database_reached(self, message: DatabaseReached) -> None:
        """The change watcher lost the database, or has it again (and delivers EVERYTHING next)."""
        if message.reached == (not self.database_gone):
            return
        self.database_gone = not message.reached
        for notice in [notice for notice in self._notifications if notice.message in (GONE, BACK)]:
            self._unnotify(notice)  # only its own: a sign-out reason raised meanwhile stays
        if self.database_gone:
            self.notify(GONE, severity="warning", timeout=24 * 3600)
        else:
            self.notify(BACK, timeout=5)

    # -- live data -----------------------------------------------------------------
    def on_data_changed(self, message: DataChanged) -> None:
        """Hand committed changes to the screens that follow them; an account that can no longer be
        used (locked, removed branch, organisation no longer approved) is signed out at once rather than at
        the next idle check. Only a change to the account or its own organisations or branches is checked: a
        grant saved in another organisation costs this session nothing here. Batches closer together than
        PUBLISH_GAP_S are merged into one (the first goes at once): a flood is four publishes a second."""
        if self.account is None:
            return
        self._held = message.batch if self._held is None else self._held | message.batch
        if self._publish_timer is not None:
            return  # merged into the publish already planned
        wait = self._published_at + PUBLISH_GAP_S - time.monotonic()
        if wait <= 0:
            self._publish()
        else:
            self._publish_timer = self.set_timer(wait, self._publish)

    def _publish(self) -> None:
        self._publish_timer = None
        batch, self._held = self._held, None
        if batch is None or self.account is None:
            return
        self._published_at = time.monotonic()
        if self.concerns_account(batch):
            self.lock_if_idle()
            if self.account is None:
                return
        self.data_changed.publish(batch)

    def concerns_account(self, batch: Batch) -> bool:
        """Whether `batch` may have changed the signed-in account, its organisations or its branches (self.places,
        read with every account check): what may end the session or change what it may see."""
        if self.account is None:
            return False
        if batch.touches(Kind.ACCOUNT, self.account.id):
            return True
        organisations, branches = batch.subjects(Kind.ORGANISATION), batch.subjects(Kind.BRANCH)
        return organisations is None or branches is None or bool(organisations & self.places.organisations) or \
            bool(branches & self.places.branches)

    # -- who is signed in ------------------------------------------------------
    def logged_in(self, account: Account) -> None:
        self.account = account
        self.last_input = self.signed_in_at = self.clock.now()
        self.show_only(self.workspace_for(account))
        self.check_account(account)
        self.require_second_factor(account)

    @staticmethod
    def workspace_for(account: Account) -> Screen:
        if account.role == Role.STAFF:
            from screens.staff import StaffScreen

            return StaffScreen(account)
        if account.role == Role.EMPLOYER:
            from screens.employer import EmployerScreen

            return EmployerScreen(account)
        from screens.professional import ProfessionalScreen

        return ProfessionalScreen(account)

    def log_out(self, message: str | None = None) -> None:
        """Back to the login screen; nothing the user was looking at stays on the stack."""
        self.account = None
        if self.signed_in is not None:
            self.exit(message=message or "U bent uitgelogd.")
            return
        self.show_only(LoginScreen())
        if message:
            self.notify(message, timeout=30)

    def show_only(self, screen: Screen) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    # -- idle lock ---------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp,
                              events.Paste)):
            self.last_input = self.clock.now()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Every IDLE_CHECK_SECONDS: end the session when idle too long, when it has lasted its
        lifetime (session_limit, busy or not), or when its account can no longer be used by it (locked
        by failed logins elsewhere, branch removed, or its password, email, role or branch changed
        since this session signed in; read in a thread, check_account); the models already refuse every
        operation of such a session, this takes the user back to the login screen."""
        if self.account is None:
            return
        if self.clock.today() != self._today:  # grants end and periods close at midnight, without a write
            self._today = self.clock.today()
            self.post_message(DataChanged(EVERYTHING))
        if self.clock.now() - self.last_input >= self.idle_limit:
            minutes = int(self.idle_limit.total_seconds() // 60)
            self.log_out(f"U bent uitgelogd na {minutes} minuten zonder activiteit. Log opnieuw in om verder te gaan.")
            return
        if self.clock.now() - self.signed_in_at >= self.session_limit:
            hours = f"{self.session_limit.total_seconds() / 3600:g}"
            self.log_out(f"U bent uitgelogd: een sessie duurt hooguit {hours} uur. Log opnieuw in om verder te gaan.")
            return
        self.check_account(self.account)

    def check_account(self, account: Account) -> None:
        """Whether `account` may still use this session, read in a worker (the one path, tui/kit/domain.py);
        if not, sign out. A failure is told once and the account is checked again at the next idle check."""

        def check() -> Places | str:
            try:
                return own_places(require_usable(account))
            except SessionEnded as ended:
                return str(ended)
            except AccessDenied as refused:
                return f"U bent uitgelogd. {refused}"

        def checked(outcome: Places | str) -> None:
            if self.account is not account:  # signed out (and perhaps in again) meanwhile
                return
            if isinstance(outcome, str):
                self.log_out(outcome)
            else:
                self.places = outcome

        self.run_domain(check, checked, group="account-check", exclusive=True)

    def require_second_factor(self, account: Account) -> None:
        """Staff without a second factor set it up before anything else (models/two_factor)."""
        from models.two_factor import has_second_factor, second_factor_required

        def checked(has: bool) -> None:
            if not has and self.account is account:
                from screens.two_factor import set_up

                set_up(self.screen, account, required=True)

        if second_factor_required(account):
            self.run_domain(lambda: has_second_factor(account.id), checked, group="second-factor")

    # -- mail ----------------------------------------------------------------------
    def deliver_mail(self) -> None:
        """Send what the last action queued; a failure leaves it queued for `inzage mail --retry`."""

        def deliver() -> None:
            with self._mail_lock:  # one delivery at a time: a message is never sent twice
                deliver_pending(self.mail, self.clock.now())

        self.run_domain(deliver, group="mail")


def make_app(clock: Clock | None = None, demo: DemoSummary | None = None, mail: MailSettings | None = None,
             idle_minutes: float | None = None, signed_in: Account | None = None,
             session_hours: float | None = None) -> InzageApp:
    """Build the app against the database already opened with models.db.open_database()."""
    from tui import config

    # Every database read runs in a worker thread while the UI thread draws: at Python's 5 ms switch interval a
    # read that gives up the interpreter lock row by row waits up to 5 ms a row (bench/scale.py tab_paint, 1,000
    # rows: 332 ms at 5 ms, 200 ms at 1 ms, 186 ms at 0.5 ms).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    from tui.mail_cli import mail_settings

    return InzageApp(clock or Clock(), mail or mail_settings(),
                     idle_minutes if idle_minutes is not None else config.idle_minutes(), demo, signed_in,
                     session_hours if session_hours is not None else config.session_hours())
