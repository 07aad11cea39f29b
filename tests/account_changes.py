"""What ends a session: the changes to Kroon's account that the session tests (models and screens) make, each
as a user or an attacker would, and what the ended session is told."""
from __future__ import annotations

import re

from models import Account, OutgoingEmail
from models.access import LOCKED, SESSION_ENDED
from models.accounts import SessionEnd
from models.auth import MAX_FAILURES, authenticate
from models.branches import remove_branch, save_roles
from models.codes import request_login_details, set_password_with_code
from models.profile import change_password
from tests import story

NEW_PASSWORD = "zonnebloem-op-de-dijk"


def session_of(username: str, clock, password: str = story.PASSWORD) -> Account:
    """A new signed-in session: the Account the app holds after logging in."""
    result = authenticate(username, password, clock)
    assert result.ok
    return result.account


def newest_code(address: str) -> str:
    mail = OutgoingEmail.select().where(OutgoingEmail.to_address == address).order_by(OutgoingEmail.id.desc()).get()
    return re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", mail.body)[0]


def lock(username: str, clock) -> None:
    for _ in range(MAX_FAILURES):
        authenticate(username, "een-gok-van-een-ander", clock)


# What changes Kroon's account; `acting` is Kroon's session that made the change (None: someone else did).
def change_password_in(acting, world, clock):
    change_password(acting, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)


def reset_by_code(acting, world, clock):
    request_login_details("kroon@example.nl", clock)
    set_password_with_code("kroon", newest_code("kroon@example.nl"), NEW_PASSWORD, NEW_PASSWORD, clock)


def change_email_in(acting, world, clock):
    story.change_email(acting, "kroon@elders.nl", clock)


def lock_by_guessing(acting, world, clock):
    lock("kroon", clock)


def change_role(acting, world, clock):
    save_roles(world.verburg, {world.overvecht.id: ("contact_person", False)}, clock)


def remove_kroons_branch(acting, world, clock):
    remove_branch(world.verburg, world.overvecht.id, True, clock)


CHANGES = {  # change: whether Kroon's own session makes it (and so stays)
    "password change": (change_password_in, True),
    "password reset by code": (reset_by_code, False),
    "email change": (change_email_in, True),
    "lock": (lock_by_guessing, False),
    "role change": (change_role, False),
    "branch removal": (remove_kroons_branch, False),
}
REASONS = {  # change: what the ended session is told
    "password change": SessionEnd.PASSWORD, "password reset by code": SessionEnd.PASSWORD,
    "email change": SessionEnd.EMAIL, "lock": SessionEnd.LOCK, "role change": SessionEnd.ROLE,
    "branch removal": SessionEnd.BRANCH,
}


def told(change: str) -> str:
    """What a session ended by `change` reads once it is refused (while locked: that it is locked)."""
    return LOCKED if change == "lock" else SESSION_ENDED[REASONS[change]]
