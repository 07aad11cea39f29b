"""Vestigingen en afdelingen: a beheerder adds, renames and removes branches and sets their managers' roles.

Every employer of the organisation may read the list; only a beheerder changes it.
An organisation always keeps at least one beheerder.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from peewee import IntegrityError, fn

from models.access import AccessDenied, require_admin, require_member
from models.accounts import Account, SessionEnd
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.codes import create_manager_account
from models.db import locked, retry_on_conflict, write_transaction
from models.grants import AccessGrant
from models.organisations import Branch, ManagerRole, Organisation
from models.refusal import Refusal
from models.sessions import end_sessions
from models.validation import FormChecker, FormErrors, clean_email, clean_text, clean_username

NAME_TAKEN = "Er is al een vestiging of afdeling met deze naam. Kies een andere naam."
LAST_ADMIN = ("Een organisatie houdt altijd minstens één beheerder. Maak eerst een andere manager beheerder "
              "en sla dat op.")
NOT_YOURS = "Deze vestiging hoort niet (meer) bij uw organisatie. Vernieuw het overzicht."


class BranchRow(NamedTuple):
    id: int
    name: str
    manager_name: str
    manager_username: str
    manager_email: str
    linked: int  # distinct professionals with a grant in force today
    role: str  # ManagerRole
    is_admin: bool
    manager_activated: bool  # the manager has set a password
    manager_id: int  # the manager's account: a screen follows changes to it


class BranchRefused(Refusal):
    """A change the rules do not allow; the message (Dutch) says why and what to do."""


class LastAdmin(BranchRefused):
    """The change would leave the organisation without a beheerder."""

    def __init__(self) -> None:
        super().__init__(LAST_ADMIN)


class RolesChangedMeanwhile(BranchRefused):
    """Another beheerder changed the role or beheerder of a branch after this user loaded the table."""

    def __init__(self, names: list[str], branch_ids: list[int]) -> None:
        super().__init__(f"De rol van {_listed(names)} is intussen door iemand anders gewijzigd. U ziet nu de rollen "
                         "zoals ze zijn opgeslagen; breng uw wijziging zo nodig opnieuw aan en sla die op.")
        self.branch_ids = branch_ids


class RenamedMeanwhile(FormErrors):
    """Another beheerder renamed the branch after this user opened the form; `current` is its name now."""

    def __init__(self, current: str) -> None:
        super().__init__({"name": f"Iemand anders heeft deze vestiging intussen hernoemd tot “{current}”. "
                                  "Kies OK om toch uw naam op te slaan, of Annuleren."})
        self.current = current


class GrantsInForce(Refusal):
    """The branch still has grants in force; removing it ends them. Ask, then retry with end_grants=True."""

    def __init__(self, count: int) -> None:
        who = "1 professional heeft" if count == 1 else f"{count} professionals hebben"
        super().__init__(f"{who} nu inzage; hun inzage eindigt.")
        self.count = count


def branch_rows(account: Account, today: dt.date) -> list[BranchRow]:
    """The organisation's branches that are not removed, in one statement, alphabetically."""
    own = require_member(account)
    linked = (AccessGrant.select(fn.COUNT(fn.DISTINCT(AccessGrant.professional)))
              .where(AccessGrant.branch == Branch.id, AccessGrant.in_force_on(today)))
    query = (Branch.select(Branch.id, Branch.name, Account.name, Account.username, Account.email, linked,
                           Branch.role, Branch.is_admin, Account.password_hash.is_null(False), Account.id)
             .join(Account, on=Branch.manager)
             .where(Branch.organisation == own.organisation_id, Branch.removed_at.is_null())
             .order_by(fn.LOWER(Branch.name), Branch.id))
    return [BranchRow(*row[:5], int(row[5] or 0), row[6], bool(row[7]), bool(row[8]), row[9])
            for row in query.tuples()]


def may_change_branches(account: Account) -> bool:
    """Whether `account` is a beheerder, so the screen offers the changes (models check again on every change)."""
    try:
        require_admin(account)
    except AccessDenied:
        return False
    return True


class BranchSaved(NamedTuple):
    """A branch as just added or renamed, for the screen that says so (a value, not a row)."""

    id: int
    name: str
    manager_name: str


def _saved(branch: Branch) -> BranchSaved:
    return BranchSaved(branch.id, branch.name, Account.select(Account.name).where(Account.id == branch.manager_id)
                       .scalar() or "")


@retry_on_conflict
def add_branch(account: Account, name: str, manager_name: str, manager_email: str, manager_username: str,
               role: str, is_admin: bool, clock: Clock) -> BranchSaved:
    """A new branch with a new manager account; the manager gets an activation code by email.

    FormErrors names the fields: name, manager_name, manager_email, manager_username (and role).
    """
    own = require_admin(account)
    checker = FormChecker()
    name = checker.check("name", clean_text, name, what="de naam van de vestiging")
    manager_name = checker.check("manager_name", clean_text, manager_name, what="de naam van de manager")
    email = checker.check("manager_email", clean_email, manager_email)
    username = checker.check("manager_username", clean_username, manager_username)
    if role not in set(ManagerRole):
        checker.fail("role", "Kies contactpersoon werkgever of vestigingsmanager.")
    if name and _name_taken(own.organisation_id, name):
        checker.fail("name", NAME_TAKEN)
    checker.raise_if_any()
    now = clock.now()
    try:
        with write_transaction():
            own = _lock_as_admin(account)
            if _name_taken(own.organisation_id, name):  # someone else was quicker
                raise FormErrors({"name": NAME_TAKEN})
            manager = create_manager_account(manager_name, email, username, clock)
            branch = Branch.create(organisation=own.organisation_id, name=name, manager=manager, role=role,
                                   is_admin=bool(is_admin))
            AuditEvent.record(now, Action.BRANCH_ADDED, actor=account, organisation=own.organisation_id,
                              branch=branch, account=manager, detail={"role": role, "is_admin": bool(is_admin)})
    except IntegrityError:  # the username was taken between the check and the save
        raise FormErrors({"manager_username": "Deze gebruikersnaam is al in gebruik. Kies een andere."}) from None
    return BranchSaved(branch.id, branch.name, manager.name)


@retry_on_conflict
def rename_branch(account: Account, branch_id: int, name: str, clock: Clock,
                  expected_name: str | None = None) -> BranchSaved:
    """Give a branch another name (professionals see it beside the organisation's name).

    `expected_name` is the name the user saw: if another beheerder renamed the branch since,
    RenamedMeanwhile says so instead of overwriting it (None: no such check).
    """
    require_admin(account)
    checker = FormChecker()
    name = checker.check("name", clean_text, name, what="de naam van de vestiging")
    checker.raise_if_any()
    now = clock.now()
    try:
        with write_transaction():
            own = _lock_as_admin(account)
            branch = _live_branch(own, branch_id)
            if branch.name == name:
                return _saved(branch)
            if expected_name is not None and branch.name != expected_name:
                raise RenamedMeanwhile(branch.name)
            if _name_taken(own.organisation_id, name, but=branch.id):
                raise FormErrors({"name": NAME_TAKEN})
            old, branch.name = branch.name, name
            branch.save()
            AuditEvent.record(now, Action.BRANCH_RENAMED, actor=account, organisation=own.organisation_id,
                              branch=branch, detail={"from": old, "to": name})
    except IntegrityError:
        raise FormErrors({"name": NAME_TAKEN}) from None
    return _saved(branch)


@retry_on_conflict
def save_roles(account: Account, changes: dict[int, tuple[str, bool]], clock: Clock,
               expected: dict[int, tuple[str, bool]] | None = None) -> int:
    """Set role and beheerder of several branches at once ("klik op opslaan"); returns how many changed.

    All or nothing: a branch of another organisation is AccessDenied, and a result without
    any beheerder is LastAdmin. `expected` holds the (role, is_admin) the user saw for the changed
    branches: if another beheerder changed one of them since, RolesChangedMeanwhile (None: no check).
    """
    require_admin(account)
    if any(role not in set(ManagerRole) for role, _ in changes.values()):
        raise BranchRefused("Kies contactpersoon werkgever of vestigingsmanager.")
    now = clock.now()
    with write_transaction():
        own = _lock_as_admin(account)
        branches = {branch.id: branch for branch in locked(
            Branch.select().where(Branch.organisation == own.organisation_id, Branch.removed_at.is_null()))}
        if any(branch_id not in branches for branch_id in changes):
            raise AccessDenied(NOT_YOURS)
        moved = sorted((b for b in branches.values() if b.id in changes and expected is not None
                        and b.id in expected and (b.role, b.is_admin) != tuple(expected[b.id])),
                       key=lambda b: (b.name.lower(), b.id))
        if moved:
            raise RolesChangedMeanwhile([b.name for b in moved], [b.id for b in moved])
        if not any(changes.get(b.id, (b.role, b.is_admin))[1] for b in branches.values()):
            raise LastAdmin()
        changed, own_version = 0, None
        for branch_id, (role, is_admin) in changes.items():
            branch = branches[branch_id]
            if (branch.role, branch.is_admin) == (role, bool(is_admin)):
                continue
            detail = {"role": [branch.role, role], "is_admin": [branch.is_admin, bool(is_admin)]}
            branch.role, branch.is_admin = role, bool(is_admin)
            branch.save()
            AuditEvent.record(now, Action.ROLE_CHANGED, actor=account, organisation=own.organisation_id,
                              branch=branch, account=branch.manager_id, detail=detail)
            version = end_sessions(branch.manager_id, SessionEnd.ROLE, account.id)  # the manager's sessions end ...
            if branch.manager_id == account.id:
                own_version = version  # ... but not this one, when a beheerder changed their own role
            changed += 1
    if own_version is not None:
        account.session_version = own_version
    return changed


@retry_on_conflict
def remove_branch(account: Account, branch_id: int, end_grants: bool, clock: Clock) -> None:
    """Remove a branch: its manager can no longer sign in, and its grants in force end.

    Without `end_grants`, a branch that still has grants in force raises GrantsInForce so
    the user can be asked first. The row stays (removed_at) for the audit trail.
    """
    require_admin(account)
    now = clock.now()
    today = clock.today()
    with write_transaction():
        own = _lock_as_admin(account)
        # Locked for update: a professional saving a grant to this branch (save_changes share-locks it)
        # commits first, so the grants read below include theirs, or waits and then finds it removed.
        branch = _live_branch(own, branch_id)
        if branch.id == own.id:
            raise BranchRefused("U kunt uw eigen vestiging niet verwijderen. Vraag een andere beheerder.")
        # No last-beheerder check: the actor's own branch is a beheerder's and stays, so one always remains.
        grants = list(locked(AccessGrant.select().where(AccessGrant.branch == branch,
                                                        AccessGrant.in_force_on(today))))
        if grants and not end_grants:
            raise GrantsInForce(len(grants))
        for grant in grants:
            grant.revoked_at, grant.revoked_by = now, account
            grant.save()
            AuditEvent.record(now, Action.GRANT_REVOKED, actor=account, professional=grant.professional_id,
                              branch=branch, detail={"reason": "branch_removed"})
        branch.removed_at = now
        branch.save()
        AuditEvent.record(now, Action.BRANCH_REMOVED, actor=account, organisation=own.organisation_id,
                          branch=branch, account=branch.manager_id, detail={"grants_ended": len(grants)})
        end_sessions(branch.manager_id, SessionEnd.BRANCH, account.id)


def _lock_as_admin(account: Account) -> Branch:
    """Inside a write transaction: lock the organisation (changes to it queue up), then check again
    that `account` is a beheerder, since another beheerder may have changed that meanwhile."""
    own = require_member(account)
    locked(Organisation.select(Organisation.id).where(Organisation.id == own.organisation_id)).execute()
    return require_admin(account)


def _live_branch(own: Branch, branch_id: int) -> Branch:
    branch = (locked(Branch.select().where(Branch.id == branch_id, Branch.organisation == own.organisation_id,
                                           Branch.removed_at.is_null())).first())
    if branch is None:
        raise AccessDenied(NOT_YOURS)
    return branch


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _name_taken(organisation_id: int, name: str, but: int | None = None) -> bool:
    query = Branch.select().where(Branch.organisation == organisation_id, Branch.removed_at.is_null(),
                                  fn.LOWER(Branch.name) == name.lower())
    if but is not None:
        query = query.where(Branch.id != but)
    return query.exists()
