"""SSH-sleutels: the signed-in account's own public keys, for logging in to `inzage ssh` without a password.

Every role reaches this modal screen from its workspace (F7). Adding a key is a small form on top
of it; removing one asks first. Comments are whatever the user pasted: they are shown as plain
text, never as markup.
"""
from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Label, Static

from models.accounts import Account
from models.clock import format_date, to_local
from models.ssh_keys import SshKey, add_key, keys_of, remove_key
from models.validation import FieldError, FormErrors
from screens.confirm_dialog import OneFieldDialog
from screens.form import FormScreen
from tui.plain import plain, visible
from tui.widgets import DomainPane, FormField, PlainInput

TITLE = "SSH-sleutels"
INTRO = ("Met een SSH-sleutel logt u zonder wachtwoord in op inzage ssh. Plak de inhoud van uw openbare sleutel, "
         "bijvoorbeeld ~/.ssh/id_ed25519.pub. Nog geen sleutel? Maak er een met ssh-keygen -t ed25519.")
NO_KEYS = "U heeft nog geen SSH-sleutels. Druk op N om er een toe te voegen."
ADDED = "De sleutel is toegevoegd. U kunt er voortaan mee inloggen op inzage ssh."
REMOVED = "De sleutel is verwijderd. U kunt er niet meer mee inloggen."
NEVER = "nooit"
COLUMNS = ("Type", "Vingerafdruk", "Naam", "Toegevoegd", "Laatst gebruikt")
NAME_WIDTH = 20  # a comment may be 200 characters; the confirmation shows it whole
MAX_PASTE = 16_384

# The names `ssh-keygen -l` shows, shorter than the algorithm names.
TYPE_LABELS = {
    "ssh-ed25519": "ED25519",
    "ssh-rsa": "RSA",
    "ecdsa-sha2-nistp256": "ECDSA",
    "ecdsa-sha2-nistp384": "ECDSA",
    "ecdsa-sha2-nistp521": "ECDSA",
    "sk-ssh-ed25519@openssh.com": "ED25519-SK",
    "sk-ecdsa-sha2-nistp256@openssh.com": "ECDSA-SK",
}

def key_name(key: SshKey) -> str:
    """How a key is called in a question: its comment, else its fingerprint."""
    return visible(key.comment or key.fingerprint)


def last_used(key: SshKey) -> str:
    if key.last_used_at is None:
        return NEVER
    local = to_local(key.last_used_at)
    return f"{format_date(local.date())} {local:%H:%M}"


class SshKeysPane(DomainPane):
    """The account's keys in a table; N adds one, Delete removes the highlighted one after asking."""

    BINDINGS = [
        Binding("n", "add", "Sleutel toevoegen", id="ssh_keys.add"),
        Binding("delete", "remove", "Verwijderen", id="ssh_keys.remove"),
    ]

    def __init__(self, account: Account, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.account = account
        self.keys: dict[int, SshKey] = {}

    def compose(self) -> ComposeResult:
        yield DataTable(id="ssh-keys-table", cursor_type="row", zebra_stripes=True, classes="-hidden")
        yield Static(NO_KEYS, id="ssh-keys-empty", classes="hint -hidden", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Sleutel toevoegen…", id="add-key", variant="primary")
            yield Button("Verwijderen", id="remove-key")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(label, width=NAME_WIDTH if label == "Naam" else None)
        self.query_one("#add-key").focus()
        self.load()

    # -- loading -----------------------------------------------------------------------------------------
    def load(self, select: int | None = None) -> None:
        account = self.account
        self.run_domain(lambda: keys_of(account), lambda keys: self.show_keys(keys, select))

    def show_keys(self, keys: list[SshKey], select: int | None = None) -> None:
        table = self.query_one(DataTable)
        previous = self.current_key()
        self.keys = {key.id: key for key in keys}
        table.clear()
        for key in keys:
            table.add_row(plain(TYPE_LABELS.get(key.key_type, key.key_type)), plain(key.fingerprint),
                          plain(key.comment, no_wrap=True, overflow="ellipsis"),
                          plain(format_date(to_local(key.created_at).date())), plain(last_used(key)), key=str(key.id))
        table.set_class(not keys, "-hidden")
        self.query_one("#ssh-keys-empty").set_class(bool(keys), "-hidden")
        self.query_one("#remove-key", Button).disabled = not keys
        wanted = select if select is not None else (previous.id if previous is not None else None)
        if wanted in self.keys:
            table.move_cursor(row=table.get_row_index(str(wanted)))
        (table if keys else self.query_one("#add-key")).focus()
        self.refresh_bindings()

    def current_key(self) -> SshKey | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return self.keys.get(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove" and self.current_key() is None:
            return None  # shown dimmed: there is no key to remove
        return True

    # -- adding ------------------------------------------------------------------------------------------
    @on(Button.Pressed, "#add-key")
    def action_add(self) -> None:
        if not self.busy:
            self.app.push_screen(AddKeyDialog(self.account), self.added)

    def added(self, key: SshKey | None) -> None:
        if key is not None:
            self.notify(ADDED)
            self.load(select=key.id)

    # -- removing ----------------------------------------------------------------------------------------
    @on(Button.Pressed, "#remove-key")
    def action_remove(self) -> None:
        key = self.current_key()
        if key is None or self.busy:
            return
        message = (f"{key_name(key)} ({key.fingerprint}). Daarna kunt u met deze sleutel niet meer inloggen "
                   "op inzage ssh. Bevestig met uw huidige wachtwoord.")
        account, clock = self.account, self.app.clock
        self.app.push_screen(
            OneFieldDialog("SSH-sleutel verwijderen?", message, "Huidig wachtwoord", "current",
                           lambda current: remove_key(account, key.id, clock, current=current) or True,
                           password=True),
            self.removed)

    def removed(self, done: bool | None) -> None:
        if done:  # None: cancelled
            self.notify(REMOVED)
        self.load()

    def domain_failed(self) -> None:
        super().domain_failed()
        self.load()


class SshKeysScreen(ModalScreen[None]):
    """SSH-sleutels beheren: a window over the workspace; Escape closes it."""

    CSS_PATH = "ssh_keys.tcss"
    BINDINGS = [Binding("escape", "close", "Sluiten", id="ssh_keys.close")]

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ssh-keys"):
            yield Label(TITLE, classes="form-title")
            yield Static(INTRO, classes="hint", markup=False)
            yield SshKeysPane(self.account)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


class KeyInput(PlainInput):
    """An Input for one public key line that takes a paste over several lines as one line."""

    def _on_paste(self, event: events.Paste) -> None:
        # A terminal may wrap a long RSA key over several lines: the domain joins the parts again.
        # Of a private key only its first line is taken, so the secret itself never shows on screen.
        event.prevent_default()
        event.stop()
        lines = event.text.splitlines()
        if not lines:
            return
        text = lines[0] if "PRIVATE KEY" in event.text.upper() else " ".join(line.strip() for line in lines)
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)


class KeyField(FormField):
    """The FormField of the public key, with a KeyInput."""

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield KeyInput(value=self.initial, placeholder=self.placeholder, id=self.field_id, max_length=self.max_length)
        yield Static("", id=f"{self.field_id}-error", classes="field-error -empty")


class AddKeyDialog(ModalScreen[SshKey | None], FormScreen):  # ModalScreen first: its CSS applies
    """Openbare sleutel toevoegen: one pasted line; what is wrong with it is said below the field."""

    CSS_PATH = "ssh_keys.tcss"
    BUSY_SELECTOR = "#add-key-form"

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-key-form"):
            yield Label("SSH-sleutel toevoegen", classes="form-title")
            yield Static("Plak de inhoud van uw openbare sleutel, bijvoorbeeld ~/.ssh/id_ed25519.pub: één regel die "
                         "begint met ssh-ed25519. Uw privésleutel (het bestand zonder .pub) blijft op uw eigen "
                         "computer.", classes="hint", markup=False)
            yield KeyField("Openbare sleutel", "public_key", required=True, placeholder="ssh-ed25519 AAAA… laptop",
                           max_length=MAX_PASTE)
            yield FormField("Huidig wachtwoord (een sleutel opent uw account zonder wachtwoord)", "current",
                            required=True, password=True, max_length=256)
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#public_key").focus()

    def submit(self, values: dict[str, str]) -> SshKey:
        try:
            return add_key(self.account, values["public_key"], self.app.clock, current=values["current"])
        except FieldError as error:
            raise FormErrors({"public_key": str(error)}) from None

    def done(self, key: SshKey) -> None:
        self.dismiss(key)
