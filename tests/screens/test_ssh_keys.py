"""SSH-sleutels: every role opens its own keys, adds one by pasting it, and removes one after confirming."""
from __future__ import annotations

import asyncssh
import pytest
from textual import events
from textual.widgets import Button, DataTable, Input

from models import SshKey
from models.ssh_keys import add_key, remove_key
from screens.confirm_dialog import OneFieldDialog
from screens.employer import EmployerScreen
from screens.professional import ProfessionalScreen
from screens.ssh_keys import ADDED, NO_KEYS, REMOVED, AddKeyDialog, KeyInput, SshKeysScreen
from screens.staff import StaffScreen
from tests import story
from tests.screens.helpers import error_of, fill, notifications, screen_lines, settle
from tests.screens.panes import visible_text
from tests.screens.signing_in import app_for, log_in

WORKSPACES = {"kroon": EmployerScreen, "medewerker": StaffScreen, "test": ProfessionalScreen}


def new_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


def public_line(key: asyncssh.SSHKey, comment: str = "laptop") -> str:
    return f"{key.export_public_key('openssh').decode().strip()} {comment}"


def username_of(cast: story.Employers, who: str) -> str:
    return story.account_of(cast.test).username if who == "test" else who


def key_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#ssh-keys-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_keys(app, pilot, cast: story.Employers, who: str) -> None:
    """Log in as `who` and press F7 (for an employer: in the Account tab, where the button is)."""
    await log_in(pilot, username_of(cast, who), story.PASSWORD)
    assert isinstance(app.screen, WORKSPACES[who])
    if who == "kroon":
        await pilot.press("f3")
        await pilot.pause()
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(app.screen, SshKeysScreen)


async def paste(pilot, text: str) -> None:
    """A paste from the terminal into the public key field (bracketed paste, as one event)."""
    pilot.app.screen.query_one(KeyInput).post_message(events.Paste(text))
    await pilot.pause()


@pytest.mark.parametrize("who", ["kroon", "medewerker", "test"])
async def test_every_role_opens_its_ssh_keys_and_escape_goes_back(database, clock, tmp_path, who):
    cast = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, who)
        text = visible_text(app)
        assert "SSH-sleutels" in text and "zonder wachtwoord" in text and "~/.ssh/id_ed25519.pub" in text
        assert NO_KEYS in text
        assert "n Sleutel toevoegen" in screen_lines(app)[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WORKSPACES[who])


async def test_an_employer_also_opens_them_with_the_button_or_the_command_palette(sqlite_db, clock, tmp_path):
    story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await pilot.press("f3")
        await pilot.pause()
        button = app.screen.query_one("#ssh-keys", Button)
        assert str(button.label) == "SSH-sleutels beheren…"
        button.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SshKeysScreen)
        assert app.screen.query_one("#remove-key", Button).disabled  # nothing to remove yet
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2", "ctrl+p", *"SSH-sleutels")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SshKeysScreen)


async def test_adding_a_key_lists_it_with_its_fingerprint(database, clock, tmp_path):
    cast = story.employers()
    key = new_key()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "test")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AddKeyDialog)
        assert app.focused is app.screen.query_one("#public_key", Input)
        await fill(pilot, public_key=public_line(key), current=story.PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SshKeysScreen)
        assert ADDED in notifications(app)
        fingerprint = key.get_fingerprint("sha256")
        assert key_rows(app) == [["ED25519", fingerprint, "laptop", "28-11-2026", "nooit"]]
        assert fingerprint in "\n".join(screen_lines(app))
        assert NO_KEYS not in visible_text(app)
        assert app.focused is app.screen.query_one("#ssh-keys-table")
    stored = SshKey.get()
    assert stored.account_id == story.account_of(cast.test).id and stored.fingerprint == fingerprint


async def test_a_bad_paste_is_explained_next_to_the_field_and_kept(database, clock, tmp_path):
    cast = story.employers()
    key = new_key()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "kroon")
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, public_key="ssh-ed25519 dit-is-geen-sleutel laptop")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddKeyDialog)
        assert "Dit is geen openbare SSH-sleutel" in error_of(app, "public_key")
        assert app.screen.query_one("#public_key", Input).value == "ssh-ed25519 dit-is-geen-sleutel laptop"
        assert app.focused is app.screen.query_one("#public_key", Input)

        await fill(pilot, public_key=public_line(key), current=story.PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")  # the same key once more
        await pilot.pause()
        await fill(pilot, public_key=public_line(key, "tweede keer"), current=story.PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert error_of(app, "public_key") == "Deze sleutel staat al bij uw account."
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SshKeysScreen) and len(key_rows(app)) == 1
    assert SshKey.select().count() == 1


async def test_a_pasted_private_key_is_refused_and_never_shown(database, clock, tmp_path):
    cast = story.employers()
    key = new_key()
    private = key.export_private_key("openssh").decode()
    secret_line = private.splitlines()[1]
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "medewerker")
        await pilot.press("n")
        await pilot.pause()
        await paste(pilot, private)
        field = app.screen.query_one("#public_key", Input)
        assert field.value == "-----BEGIN OPENSSH PRIVATE KEY-----"  # only its first line lands in the field
        assert secret_line not in "\n".join(screen_lines(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddKeyDialog)
        assert "Dit is een privésleutel" in error_of(app, "public_key")

        await fill(pilot, public_key=private)  # the whole key, however it got there, is refused too
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Dit is een privésleutel" in error_of(app, "public_key")
    assert SshKey.select().count() == 0


async def test_a_key_pasted_over_several_lines_is_taken_as_one(sqlite_db, clock, tmp_path):
    cast = story.employers()
    key = new_key()
    kind, blob = public_line(key).split()[:2]
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "test")
        await pilot.press("n")
        await pilot.pause()
        await paste(pilot, f"{kind} {blob[:40]}\n{blob[40:]} werk-laptop\n")
        await pilot.press("enter")  # on to the current password
        await fill(pilot, current=story.PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SshKeysScreen)
        assert key_rows(app)[0][1:3] == [key.get_fingerprint("sha256"), "werk-laptop"]


async def test_removing_a_key_asks_first_and_cancel_keeps_it(database, clock, tmp_path):
    cast = story.employers()
    kroon = cast.kroon
    kept, removed = new_key(), new_key()
    add_key(kroon, public_line(kept, "thuis"), clock, current=story.PASSWORD)
    add_key(kroon, public_line(removed, "oude laptop"), clock, current=story.PASSWORD)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "kroon")
        assert [row[2] for row in key_rows(app)] == ["thuis", "oude laptop"]
        await pilot.press("down", "delete")
        await pilot.pause()
        assert isinstance(app.screen, OneFieldDialog)
        assert "oude laptop" in visible_text(app) and removed.get_fingerprint("sha256") in visible_text(app)
        await pilot.press("escape")  # Annuleren
        await settle(pilot)
        assert isinstance(app.screen, SshKeysScreen)
        assert [row[2] for row in key_rows(app)] == ["thuis", "oude laptop"]
        assert REMOVED not in notifications(app)

        await pilot.press("delete")
        await pilot.pause()
        await fill(pilot, current=story.PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SshKeysScreen)
        assert REMOVED in notifications(app)
        assert [row[2] for row in key_rows(app)] == ["thuis"]

        await pilot.press("delete")
        await pilot.pause()
        await fill(pilot, current=story.PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert NO_KEYS in visible_text(app)
    assert SshKey.select().count() == 0


async def test_a_key_removed_elsewhere_meanwhile_gives_a_calm_warning(sqlite_db, clock, tmp_path):
    cast = story.employers()
    key = add_key(cast.kroon, public_line(new_key()), clock, current=story.PASSWORD)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "kroon")
        remove_key(cast.kroon, key.id, clock, current=story.PASSWORD)  # in another session
        await pilot.press("delete")
        await pilot.pause()
        await fill(pilot, current=story.PASSWORD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Deze sleutel staat niet (meer) bij uw account." in notifications(app)
        assert NO_KEYS in visible_text(app)


async def test_markup_in_a_comment_is_shown_as_typed(database, clock, tmp_path):
    cast = story.employers()
    key = new_key()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "test")
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, public_key=public_line(key, "[bold]x[/]"), current=story.PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert key_rows(app)[0][2] == "[bold]x[/]"
        assert any("[bold]x[/]" in line for line in screen_lines(app))
        await pilot.press("delete")
        await pilot.pause()
        assert f"[bold]x[/] ({key.get_fingerprint('sha256')})" in visible_text(app)


async def test_keys_are_per_account(sqlite_db, clock, tmp_path):
    cast = story.employers()
    add_key(cast.verburg, public_line(new_key(), "van verburg"), clock, current=story.PASSWORD)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys(app, pilot, cast, "kroon")
        assert NO_KEYS in visible_text(app) and "van verburg" not in "\n".join(screen_lines(app))
