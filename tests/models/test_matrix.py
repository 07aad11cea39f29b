"""The authorisation matrix: every domain operation against every kind of actor.

Each operation is aimed at one target (professional Test, organisation Welzijn Utrecht and its
branches, a pending application, a locked account) and run by each actor in a transaction that is
rolled back afterwards, so every case starts from the same world. A case is *allowed* when the
operation reached its target (the probe checks it saw or changed Test, Utrecht, ...), *refused*
when it raised AccessDenied or did not reach the target. A refused case must leave the database
exactly as it was and must not name the target in its message. `EXPECTED` is SPEC.md's rules,
written once per kind of operation; the cases are generated from it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import inspect
import os
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pyotp
import pytest

import models
from models import (
    OutgoingEmail,
    ALL_MODELS,
    AccessGrant,
    Account,
    Action,
    AuditEvent,
    Branch,
    OrganisationStatus,
    Role,
)
from models.access import AccessDenied
from models.access_log import who_looked
from models.activities import ActivityForm, add_activity, delete_activity, edit_activity, my_dossier
from models.branches import add_branch, branch_rows, remove_branch, rename_branch, save_roles
from models.dossier import open_dossier
from models.export import export_overview
from models.inzage import GrantChanges, choosable_branches, choosable_organisations, my_grants, save_changes
from models.overview import overview_rows
from models.profile import change_password, organisation_form, update_contact, update_organisation
from models.removal import remove_professional
from models.ssh_keys import add_key, keys_of, remove_key
from models.staff import (
    AccountsShown,
    accounts_touched,
    applications_touched,
    approve_application,
    find_accounts,
    lists_touched,
    pending_applications,
    reject_application,
    resend_activation,
    unlock_account,
)
from models.tickets import issue_ticket
from models.email_change import confirm_email_change
from models.two_factor import SecondFactor, confirm_enrolment, start_enrolment, turn_off
from tests import story
from tests.rollback import rolled_back

# -- the actors ---------------------------------------------------------------------------------------------------
STAFF = "staff"
BEHEERDER = "beheerder of Utrecht (Test granted the branch)"
CONTACT = "contact person of Utrecht, not beheerder (Test granted the branch)"
OTHER_BRANCH = "branch manager of Utrecht, another branch"
OTHER_ORG = "beheerder of another organisation"
PROFESSIONAL = "the professional (Test)"
OTHER_PROFESSIONAL = "another professional"
PENDING = "applicant of a pending organisation"
REJECTED = "applicant of a rejected organisation"
REMOVED = "manager of a removed branch of Utrecht"
LOCKED_STAFF = "staff, locked"
LOCKED_BEHEERDER = "beheerder of Utrecht, locked"
LOCKED_PROFESSIONAL = "the professional (Test), locked"
ACTORS = [STAFF, BEHEERDER, CONTACT, OTHER_BRANCH, OTHER_ORG, PROFESSIONAL, OTHER_PROFESSIONAL, PENDING, REJECTED,
          REMOVED, LOCKED_STAFF, LOCKED_BEHEERDER, LOCKED_PROFESSIONAL]
LOCKED = {LOCKED_STAFF: STAFF, LOCKED_BEHEERDER: BEHEERDER, LOCKED_PROFESSIONAL: PROFESSIONAL}

# -- who may, per kind of operation (SPEC.md, "Who uses it" and "What an employer sees") ---------------------------
EMPLOYERS_OF_TEST = {BEHEERDER, CONTACT}  # a grant in force to their own branch
MEMBERS_OF_UTRECHT = {BEHEERDER, CONTACT, OTHER_BRANCH}
USABLE_EMPLOYERS = MEMBERS_OF_UTRECHT | {OTHER_ORG}
PROFESSIONALS = {PROFESSIONAL, OTHER_PROFESSIONAL}
ANY_USABLE = {STAFF} | USABLE_EMPLOYERS | PROFESSIONALS  # not locked, not an applicant, not removed


class NotReached(Exception):
    """The operation ran, but did not see or change its target: for this actor, refused."""


@dataclass
class World:
    test: models.Professional
    test_account: Account
    test_period: int
    test_activity: int
    test_grant: int
    test_key: int
    utrecht: models.Organisation
    overvecht: Branch
    pending: models.Organisation
    locked: Account
    inactive: Account
    actors: dict[str, Account]


def build_world(clock) -> World:
    reg = story.register()
    test = story.professional("T.", "Test")
    period = story.latest_period(story.registration(test, reg, number="461000001"))
    activity = story.activity(period, "training", 8, title="Training Test")
    utrecht = story.organisation("Stichting Welzijn Utrecht")
    hoofd = story.branch(utrecht, "Hoofdvestiging", "verburg", role="contact_person", admin=True)
    noord = story.branch(utrecht, "Noord", "noord", role="contact_person")
    overvecht = story.branch(utrecht, "Overvecht", "kroon")
    oud = story.branch(utrecht, "Oud", "oud", admin=True)
    Branch.update(removed_at=story.NOW).where(Branch.id == oud.id).execute()
    amersfoort = story.organisation("Zorggroep Amersfoort")
    centrum = story.branch(amersfoort, "Centrum", "jansen", role="contact_person", admin=True)
    pending = story.organisation("Nieuw Welzijn BV", status="pending")
    story.branch(pending, "Hoofdvestiging", "aanvrager", role="contact_person", admin=True)
    rejected = story.organisation("Afgewezen BV", status="rejected")
    story.branch(rejected, "Hoofdvestiging", "afgewezen", role="contact_person", admin=True)
    staff = story.account("medewerker", Role.STAFF)
    ander = story.professional("A.", "Ander")
    story.registration(ander, reg, number="461000002")
    story.grant(ander, centrum)
    grant = story.grant(test, hoofd)
    story.grant(test, noord)
    story.grant(test, oud)  # left live on purpose: the removed branch itself must keep its manager out
    locked = story.account("vergrendeld", Role.STAFF)
    Account.update(locked_until=clock.now() + dt.timedelta(minutes=10)).where(Account.id == locked.id).execute()
    inactive = story.branch(utrecht, "Zuid", "nieuwkomer").manager
    Account.update(password_hash=None).where(Account.id == inactive.id).execute()
    test_account = story.account_of(test)
    key = add_key(test_account, _public_line(), clock, current=story.PASSWORD)
    open_dossier(hoofd.manager, test.id, clock)  # Test can see that Verburg looked
    actors = {
        STAFF: staff, BEHEERDER: hoofd.manager, CONTACT: noord.manager, OTHER_BRANCH: overvecht.manager,
        OTHER_ORG: centrum.manager, PROFESSIONAL: test_account, OTHER_PROFESSIONAL: story.account_of(ander),
        PENDING: Account.get(Account.username == "aanvrager"), REJECTED: Account.get(Account.username == "afgewezen"),
        REMOVED: oud.manager,
    }
    for locked_kind, kind in LOCKED.items():
        actors[locked_kind] = actors[kind]  # the same account; the case locks it first
    return World(test, test_account, period.id, activity.id, grant.id, key.id, utrecht, overvecht, pending, locked,
                 inactive, actors)


def _public_line() -> str:
    return asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()


# -- the operations: each reaches its target or raises ------------------------------------------------------------
def _reached(condition: bool) -> None:
    if not condition:
        raise NotReached()


def _activity_form(title: str = "Intervisie matrix") -> ActivityForm:
    return ActivityForm(title, "intervision", "02-11-2026", "3", "Movisie", "")


def _export_folder() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "export"  # the test's own tmp_path (conftest: isolated_home)


def _audited_export_of(world: World, actor: Account) -> bool:
    return AuditEvent.select().where(AuditEvent.action == Action.PROFESSIONALS_EXPORTED,
                                     AuditEvent.professional == world.test.id, AuditEvent.actor == actor.id).exists()


def _org_change(actor: Account) -> tuple[dict[str, str], int]:
    form = organisation_form(actor)
    return {**form.values, "visit_city": "Nieuwegein"}, form.version


Op = Callable[[World, Account, object], None]
OPERATIONS: dict[str, tuple[set[str], Op]] = {
    # employer: following professionals
    "read the overview (sees Test)": (EMPLOYERS_OF_TEST, lambda w, a, c: _reached(
        any(row.professional_id == w.test.id for row in overview_rows(a, c.today())))),
    "open Test's dossier": (EMPLOYERS_OF_TEST, lambda w, a, c: _reached(
        bool(open_dossier(a, w.test.id, c).periods))),
    # filtered on Test's name: another employer's own professionals in the file would change the database
    "export the overview (Test in it)": (EMPLOYERS_OF_TEST, lambda w, a, c: _reached(
        export_overview(a, c, _export_folder(), name="test").professionals == 1 and _audited_export_of(w, a))),
    "remove Test": (EMPLOYERS_OF_TEST, lambda w, a, c: _reached(remove_professional(a, w.test.id, c) > 0)),
    # employer: the organisation
    "list Utrecht's branches": (MEMBERS_OF_UTRECHT, lambda w, a, c: _reached(
        any(row.name == "Overvecht" for row in branch_rows(a, c.today())))),
    "read Utrecht's details": (MEMBERS_OF_UTRECHT, lambda w, a, c: _reached(
        organisation_form(a).values["company"] == w.utrecht.name)),
    "add a branch to the own organisation": ({BEHEERDER, OTHER_ORG}, lambda w, a, c: add_branch(
        a, "Leidsche Rijn", "P. Nieuw", "nieuw@example.nl", "pnieuw", "branch_manager", False, c)),
    "rename Overvecht (by id)": ({BEHEERDER}, lambda w, a, c: rename_branch(a, w.overvecht.id, "Overvecht-Noord", c)),
    "change Overvecht's roles (by id)": ({BEHEERDER}, lambda w, a, c: _reached(
        save_roles(a, {w.overvecht.id: ("contact_person", True)}, c) == 1)),
    "remove Overvecht (by id)": ({BEHEERDER}, lambda w, a, c: remove_branch(a, w.overvecht.id, True, c)),
    "change the own organisation's details": ({BEHEERDER, OTHER_ORG}, lambda w, a, c: update_organisation(
        a, *_org_change(a), c)),
    "change own contact details": (USABLE_EMPLOYERS, lambda w, a, c: update_contact(
        a, "Nieuwe Naam", "nieuw.adres@example.nl", c, current=story.PASSWORD)),
    "confirm a new email address with its code": (USABLE_EMPLOYERS, lambda w, a, c: _reached(
        confirm_email_change(a, _email_code(a, c), c).email == "nieuw.adres@example.nl")),
    # professional: the own dossier and grants
    "read Test's dossier as its owner": ({PROFESSIONAL}, lambda w, a, c: _reached(
        any(line.title == "Training Test" for p in my_dossier(a).periods for line in p.activities))),
    "add an activity to Test's period (by id)": ({PROFESSIONAL}, lambda w, a, c: add_activity(
        a, w.test_period, _activity_form(), c)),
    "edit Test's activity (by id)": ({PROFESSIONAL}, lambda w, a, c: edit_activity(
        a, w.test_activity, _activity_form("Gewijzigd"), c)),
    "delete Test's activity (by id)": ({PROFESSIONAL}, lambda w, a, c: delete_activity(a, w.test_activity, c)),
    "list Test's grants": ({PROFESSIONAL}, lambda w, a, c: _reached(
        any(row.id == w.test_grant for row in my_grants(a, c.today())))),
    "grant Overvecht access to the own dossier": (PROFESSIONALS, lambda w, a, c: _reached(
        save_changes(a, GrantChanges(add=[(w.overvecht.id, None)]), c).made == 1
        and AccessGrant.select().where(AccessGrant.professional == a.professional_id,
                                       AccessGrant.branch == w.overvecht.id).exists())),
    "change the end date of Test's grant (by id)": ({PROFESSIONAL}, lambda w, a, c: _reached(
        save_changes(a, GrantChanges(change={w.test_grant: dt.date(2027, 6, 30)}), c).changed == 1)),
    "revoke Test's grant (by id)": ({PROFESSIONAL}, lambda w, a, c: _reached(
        save_changes(a, GrantChanges(revoke={w.test_grant}), c).revoked == 1)),
    "see who looked at Test's dossier": ({PROFESSIONAL}, lambda w, a, c: _reached(
        [look.viewer for look in who_looked(a)] == ["Verburg"])),
    "search approved organisations (no pending ones)": (PROFESSIONALS, lambda w, a, c: _reached(
        [choice.name for choice in choosable_organisations(a, "welzijn")] == [w.utrecht.name])),
    "list Utrecht's branches to grant": (PROFESSIONALS, lambda w, a, c: _reached(
        len(choosable_branches(a, w.utrecht.id)) == 4)),
    "list a pending organisation's branches (by id)": (set(), lambda w, a, c: choosable_branches(a, w.pending.id)),
    # staff
    "list pending applications": ({STAFF}, lambda w, a, c: _reached(
        [app.organisation.id for app in pending_applications(a)] == [w.pending.id])),
    "approve an application": ({STAFF}, lambda w, a, c: _reached(
        approve_application(a, w.pending.id, c).status == OrganisationStatus.APPROVED)),
    "reject an application": ({STAFF}, lambda w, a, c: reject_application(a, w.pending.id, "Dubbel account", c)),
    "find accounts": ({STAFF}, lambda w, a, c: _reached(
        any(row.username == "verburg" for row in find_accounts(a, "verburg", c)))),
    "see whether changes touch the staff lists": ({STAFF}, lambda w, a, c: _reached(lists_touched(
        a, "", {w.pending.id}, set(), AccountsShown(frozenset(), {}, None)).applications)),
    "see whether changes bring a new application": ({STAFF}, lambda w, a, c: _reached(applications_touched(
        a, {w.pending.id}))),
    "see whether changes touch the accounts found": ({STAFF}, lambda w, a, c: _reached(accounts_touched(
        a, "", {w.pending.id}, set(), AccountsShown(frozenset(), {}, None)))),
    "unlock a locked account (by id)": ({STAFF}, lambda w, a, c: unlock_account(a, w.locked.id, c)),
    "resend an activation code (by id)": ({STAFF}, lambda w, a, c: resend_activation(a, w.inactive.id, c)),
    # every account, for itself
    "change own password": (ANY_USABLE, lambda w, a, c: change_password(
        a, story.PASSWORD, "tulpenveld-aan-de-dijk-42", "tulpenveld-aan-de-dijk-42", c)),
    "list own SSH keys": (ANY_USABLE, lambda w, a, c: keys_of(a)),
    "add an own SSH key": (ANY_USABLE, lambda w, a, c: add_key(a, _KEY, c, current=story.PASSWORD)),
    "remove Test's SSH key (by id)": ({PROFESSIONAL}, lambda w, a, c: remove_key(a, w.test_key, c, current=story.PASSWORD)),
    "start an SSH session (ticket)": (ANY_USABLE, lambda w, a, c: issue_ticket(a, c)),
    "set up an own second factor (staff have one)": (ANY_USABLE - {STAFF}, lambda w, a, c: _reached(len(confirm_enrolment(
        a, _code_for(start_enrolment(a, story.PASSWORD, c).secret, c), c)) == 10)),
    "turn an own second factor off": (ANY_USABLE - {STAFF}, lambda w, a, c: turn_off(
        a, story.PASSWORD, _enrolled_next_code(a, c), c)),
}
_KEY = _public_line()


def _code_for(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def _enrolled_next_code(account, clock) -> str:
    """Set up a second factor as the account itself may (not staff here: they may not turn it off at all),
    and the app's next code; "000000" when the account could not set one up."""
    if account.role != Role.STAFF:
        with contextlib.suppress(AccessDenied):  # a locked or unapproved account cannot set it up either
            confirm_enrolment(account, _code_for(start_enrolment(account, story.PASSWORD, clock).secret, clock), clock)
    factor = SecondFactor.get_or_none(SecondFactor.account == account.id)
    return pyotp.TOTP(factor.secret).at(clock.now() + dt.timedelta(seconds=30)) if factor else "000000"


def _email_code(account, clock) -> str:
    """The code a new address gets when `account` asks to move there; AccessDenied for who may not ask."""
    update_contact(account, account.name, "nieuw.adres@example.nl", clock, current=story.PASSWORD)
    mail = OutgoingEmail.select().where(OutgoingEmail.to_address == "nieuw.adres@example.nl").get()
    return re.search(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", mail.body).group(0)

# Functions in models/ that take the acting account but are not operations a user calls
# (models.access itself is the gate every operation goes through).
NOT_OPERATIONS = {
    "describe_role": "display text for the header, from the session's own account",
    "may_change_branches": "a hint for the screen; it asks require_admin, and every change asks again",
    "issue_code": "called by request_login_details / send_activation after their own checks",
    "send_activation": "called by add_branch and resend_activation, which check the actor",
    "is_locked": "the lock rule itself", "count_failure": "the lockout counter, inside authenticate",
    "overview_scope": "the ids of the acting account's own branches (no personal data): when to reload all",
    "contact_details": "the acting account's own name and email, as update_contact stores them",
    "password_context": "what the acting account's own new password may not contain (its own details)",
    "name_of": "the acting account's own name, stored with the event it records",
    "why_ended": "require_usable said rather than raised: the SSH server's check of its own connections",
    "require_current_password": "the re-authentication inside update_contact, add_key, remove_key, change_password",
    "request_email_change": "called by update_contact (in the matrix) when the address changes",
    "second_factor_required": "the rule that staff need a second factor: read by the screens and turn_off",
    "confirm_code": "the second step of an SSH key login, for the account that just signed in with its key",
}
CASES = [(operation, actor) for operation in OPERATIONS for actor in ACTORS]


def expected(operation: str, actor: str) -> bool:
    allowed, _ = OPERATIONS[operation]
    return actor not in LOCKED and actor in allowed


# -- running a case -----------------------------------------------------------------------------------------------
def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table; but an export is recorded even when it found nobody (OVERVIEW_EXPORTED: the
    employer's own act, about no professional), so those rows do not count as a change."""
    tables = {model.__name__: list(model.select().order_by(model._meta.primary_key).tuples()) for model in ALL_MODELS}
    tables["AuditEvent"] = list(AuditEvent.select().where(AuditEvent.action != Action.OVERVIEW_EXPORTED)
                                .order_by(AuditEvent.id).tuples())
    return tables


def run_case(world: World, operation: str, actor: str, clock) -> tuple[bool, str]:
    """Whether the operation was allowed, and the refusal's message; the world is rolled back."""
    _, op = OPERATIONS[operation]
    account = Account.get_by_id(world.actors[actor].id)
    with rolled_back():
        if actor in LOCKED:
            Account.update(locked_until=clock.now() + dt.timedelta(minutes=15)).where(
                Account.id == account.id).execute()
        before = snapshot()
        try:
            op(world, account, clock)
        except (AccessDenied, NotReached) as refusal:
            assert snapshot() == before, f"{operation} by {actor}: refused, but the database changed"
            return False, str(refusal)
        after = snapshot()
        shown_elsewhere = [name for name in after if name not in NOT_SHOWN and after[name] != before[name]]
        assert not shown_elsewhere or after["ChangeFeed"] != before["ChangeFeed"], (
            f"{operation} by {actor} changed {shown_elsewhere} but told no open session (models/changes.py)")
    return True, ""


# Tables no open screen shows: a write only to these need not be announced in the change feed.
NOT_SHOWN = {"ChangeFeed", "AuditEvent", "OutgoingEmail", "SessionTicket", "AccountCode", "EmailChange"}


@pytest.fixture
def world(database, clock) -> World:
    return build_world(clock)


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_actor_is_allowed_or_refused_as_the_spec_says(world, clock, operation):
    wrong = []
    for actor in ACTORS:
        allowed, message = run_case(world, operation, actor, clock)
        if allowed != expected(operation, actor):
            wrong.append(f"{actor}: {'allowed' if allowed else 'refused'} ({message})")
        for secret in ("Test", "461000001", "Training Test"):  # a refusal says nothing about the target
            assert secret not in message, f"{operation} by {actor}: the refusal names {secret!r}"
    assert not wrong, f"{operation}: " + "; ".join(wrong)


def test_the_matrix_covers_every_operation_that_takes_an_actor(capsys):
    covered = {op.__code__.co_names for _, op in OPERATIONS.values()}
    called = set().union(*covered)
    missing = []
    for module_info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"models.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_") or module is models.access:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] in (["account"], ["actor"]) and name not in called and name not in NOT_OPERATIONS:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"operations not in the matrix: {missing}"
    refused = sum(not expected(operation, actor) for operation, actor in CASES)
    with capsys.disabled():
        print(f"\nauthorisation matrix: {len(OPERATIONS)} operations x {len(ACTORS)} kinds of actor = {len(CASES)} "
              f"cases per database ({refused} refused, {len(CASES) - refused} allowed)")
    assert len(CASES) == len(OPERATIONS) * len(ACTORS) >= 400
