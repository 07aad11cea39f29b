"""Inzage voor organisaties: a professional decides which branches may follow their dossier, and until when.

Every function takes the acting account and only ever reads or changes that professional's own
grants. Changes are gathered on the screen (`GrantChanges`) and saved together, all or nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from peewee import JOIN, IntegrityError

from models.access import AccessDenied, require_professional
from models.accounts import Account, Role
from models.audit import Action, AuditEvent
from models.clock import Clock, format_date
from models.db import locked, retry_on_conflict, share_locked, write_transaction
from models.grants import AccessGrant
from models.organisations import Branch, Organisation, OrganisationStatus, approved_organisations
from models.professionals import Professional
from models.refusal import Refusal
from models.rules import grant_in_force
from models.validation import FieldError, clean_date

MAX_CHOICES = 50
PAST_DATE = "Deze datum is al voorbij. Kies vandaag of later, of laat het veld leeg voor onbeperkte inzage."
NOT_CHOOSABLE = "Deze organisatie kunt u (nog) niet kiezen."
NOT_YOURS = "Deze inzage hoort niet bij uw dossier."
# For any branch the professional may not choose: it does not say whose it is, or whether it exists.
GONE_BRANCH = "Een gekozen vestiging bestaat niet (meer). Vernieuw het overzicht en kies opnieuw."


class GrantState(StrEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"  # not revoked, but the end date has passed
    REVOKED = "revoked"


STATE_ORDER = {GrantState.IN_FORCE: 0, GrantState.EXPIRED: 1, GrantState.REVOKED: 2}


class GrantRefused(Refusal):
    """A change set that cannot be saved; the message (Dutch) names every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class GrantRow:
    """One grant as the professional sees it in the seed's table."""

    id: int
    branch_id: int
    organisation_id: int
    manager_name: str
    manager_email: str
    organisation: str  # instituut
    branch: str  # vestiging of afdeling
    end_date: dt.date | None  # geautoriseerd tot; None = until revoked
    role: str  # ManagerRole of the branch's manager
    is_admin: bool  # the manager is also beheerder
    granted_at: dt.datetime
    state: GrantState
    revoked_at: dt.datetime | None
    revoked_by: str | None  # "door u", or "door D. Kroon (Stichting Welzijn Utrecht)"
    revoked_by_you: bool
    branch_removed: bool  # the employer removed the branch since

    @property
    def live(self) -> bool:
        """Not revoked: its end date can still be changed, and it can be revoked."""
        return self.state != GrantState.REVOKED


@dataclass(frozen=True)
class OrganisationChoice:
    id: int
    name: str


@dataclass(frozen=True)
class BranchChoice:
    """A branch to choose, with its manager's name and role; nothing else of the organisation."""

    id: int
    name: str
    manager_name: str
    role: str  # ManagerRole
    is_admin: bool
    live_grant_id: int | None  # the professional's grant to it that is not revoked, if any
    live_grant_end: dt.date | None

    def granted_on(self, day: dt.date) -> bool:
        """Whether the professional already gives this branch inzage on `day` (an expired grant does not)."""
        return self.live_grant_id is not None and grant_in_force(False, self.live_grant_end, day)


@dataclass
class GrantChanges:
    """A pending change set: new grants (branch id, end date), new end dates per grant, grants to revoke.

    A grant both changed and revoked is revoked.
    """

    add: list[tuple[int, dt.date | None]] = field(default_factory=list)
    change: dict[int, dt.date | None] = field(default_factory=dict)
    revoke: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.add or self.change or self.revoke)


@dataclass(frozen=True)
class SaveReport:
    made: int = 0  # new grants, and expired ones given a new end date by choosing the branch again
    changed: int = 0
    revoked: int = 0


def clean_end_date(value: str, today: dt.date) -> dt.date | None:
    """The "geautoriseerd tot" field: a Dutch date from today on, or None (empty) for until revoked."""
    day = clean_date(value, required=False, what="de datum")
    if day is not None and day < today:
        raise FieldError(PAST_DATE)
    return day


def my_grants(account: Account, today: dt.date) -> list[GrantRow]:
    """Every grant of the professional, live and ended, in one statement.

    Grants in force first, then expired, then revoked; newest first within each.
    """
    professional_id = require_professional(account)
    manager = Account.alias("manager")
    revoker = Account.alias("revoker")
    revoker_branch = Branch.alias("revoker_branch")
    revoker_org = Organisation.alias("revoker_org")
    query = (
        AccessGrant.select(
            AccessGrant.id, AccessGrant.branch, Branch.organisation, manager.name, manager.email, Organisation.name,
            Branch.name, AccessGrant.end_date, Branch.role, Branch.is_admin, AccessGrant.granted_at,
            AccessGrant.revoked_at, revoker.id, revoker.name, revoker.role, revoker_org.name, Branch.removed_at,
        )
        .join(Branch).join(Organisation)
        .switch(Branch).join(manager, on=(Branch.manager == manager.id))
        .switch(AccessGrant).join(revoker, JOIN.LEFT_OUTER, on=(AccessGrant.revoked_by == revoker.id))
        .join(revoker_branch, JOIN.LEFT_OUTER, on=(revoker_branch.manager == revoker.id))
        .join(revoker_org, JOIN.LEFT_OUTER, on=(revoker_branch.organisation == revoker_org.id))
        .where(AccessGrant.professional == professional_id)
        .order_by(AccessGrant.granted_at.desc(), AccessGrant.id.desc())
    )
    rows = []
    for (grant_id, branch_id, organisation_id, manager_name, manager_email, organisation, branch, end_date, role,
         is_admin, granted_at, revoked_at, revoker_id, revoker_name, revoker_role, revoker_organisation,
         removed_at) in query.tuples():
        by_you = revoker_id == account.id
        if revoked_at is not None:
            state = GrantState.REVOKED
        elif grant_in_force(False, end_date, today):
            state = GrantState.IN_FORCE
        else:
            state = GrantState.EXPIRED
        rows.append(GrantRow(
            id=grant_id, branch_id=branch_id, organisation_id=organisation_id, manager_name=manager_name,
            manager_email=manager_email, organisation=organisation, branch=branch, end_date=end_date, role=role,
            is_admin=bool(is_admin), granted_at=granted_at, state=state, revoked_at=revoked_at,
            revoked_by=None if revoked_at is None else _revoked_by(by_you, revoker_name, revoker_role,
                                                                    revoker_organisation or organisation),
            revoked_by_you=by_you, branch_removed=removed_at is not None,
        ))
    rows.sort(key=lambda row: STATE_ORDER[row.state])  # stable: newest first within each state
    return rows


def _revoked_by(by_you: bool, name: str | None, role: str | None, organisation: str) -> str:
    if by_you:
        return "door u"
    if role == Role.STAFF:
        return f"door {name} (Registerplein)"
    return f"door {name} ({organisation})"


def choosable_organisations(account: Account, search: str, limit: int = MAX_CHOICES) -> list[OrganisationChoice]:
    """Approved organisations whose name matches `search` (ignoring case and accents): name only."""
    require_professional(account)
    limit = max(1, min(limit, MAX_CHOICES))
    return [OrganisationChoice(org.id, org.name) for org in approved_organisations(search, limit)]


def choosable_branches(account: Account, organisation_id: int) -> list[BranchChoice]:
    """The branches of an approved organisation that are not removed, with manager name and role,
    and the professional's own live grant to each (if any). AccessDenied for another organisation."""
    professional_id = require_professional(account)
    approved = Organisation.select().where(Organisation.id == organisation_id,
                                           Organisation.status == OrganisationStatus.APPROVED)
    if not approved.exists():
        raise AccessDenied(NOT_CHOOSABLE)
    live = AccessGrant.alias("live")
    query = (
        Branch.select(Branch.id, Branch.name, Account.name, Branch.role, Branch.is_admin, live.id, live.end_date)
        .join(Account, on=(Branch.manager == Account.id))
        .switch(Branch)
        .join(live, JOIN.LEFT_OUTER, on=((live.branch == Branch.id) & (live.professional == professional_id)
                                          & live.revoked_at.is_null()))
        .where(Branch.organisation == organisation_id, Branch.removed_at.is_null())
        .order_by(Branch.name, Branch.id)
    )
    return [BranchChoice(branch_id, name, manager_name, role, bool(is_admin), grant_id, end)
            for branch_id, name, manager_name, role, is_admin, grant_id, end in query.tuples()]


@retry_on_conflict
def save_changes(account: Account, changes: GrantChanges, clock: Clock) -> SaveReport:
    """Apply a change set in one transaction: all of it, or (GrantRefused, AccessDenied) nothing.

    Another professional's grant id is AccessDenied. End dates may not be past (today is fine);
    new grants need a branch of an approved organisation that is not removed; a branch the
    professional already gives inzage is refused, while choosing again a branch whose grant
    expired gives that grant the new end date. Every change is in the audit trail.
    """
    professional_id = require_professional(account)
    now, today = clock.now(), clock.today()
    try:
        with write_transaction():
            # Lock the professional: two sessions of one professional save one after the other.
            locked(Professional.select(Professional.id).where(Professional.id == professional_id)).execute()
            _hold_branches(changes)
            return _apply(account, professional_id, changes, now, today)
    except IntegrityError:  # another session added the same branch in the meantime
        raise GrantRefused(["Een van deze vestigingen heeft intussen al inzage. Vernieuw het overzicht."]) from None


def _hold_branches(changes: GrantChanges) -> None:
    """Share-lock the branches that get a grant or a new end date, before reading them: a beheerder
    removing one (remove_branch locks it) waits until this save commits and then ends its grant, or
    this waits for the removal and sees the branch removed. Never a grant to a removed branch."""
    branch_ids = {branch_id for branch_id, _ in changes.add}
    changed = set(changes.change) - changes.revoke
    if changed:
        branch_ids |= {branch_id for branch_id, in AccessGrant.select(AccessGrant.branch)
                       .where(AccessGrant.id.in_(sorted(changed))).tuples()}
    if branch_ids:  # in id order: two sessions locking several never wait for each other crosswise
        share_locked(Branch.select(Branch.id).where(Branch.id.in_(sorted(branch_ids))).order_by(Branch.id)).execute()


def _apply(account: Account, professional_id: int, changes: GrantChanges, now: dt.datetime,
           today: dt.date) -> SaveReport:
    problems: list[str] = []
    touched = set(changes.change) | changes.revoke
    grants = {grant.id: grant for grant in (
        AccessGrant.select(AccessGrant, Branch, Organisation).join(Branch).join(Organisation)
        .where(AccessGrant.id.in_(list(touched)))
    )} if touched else {}
    if any(grants.get(grant_id) is None or grants[grant_id].professional_id != professional_id
           for grant_id in touched):
        raise AccessDenied(NOT_YOURS)
    for grant_id in sorted(touched):
        if grants[grant_id].revoked_at is not None:
            problems.append(f"De inzage voor {_where(grants[grant_id].branch)} is al beëindigd.")
    changed = {grant_id: end for grant_id, end in changes.change.items() if grant_id not in changes.revoke}
    for grant_id, end in changed.items():
        problems += _date_problems(end, today, grants[grant_id].branch)
        if end != grants[grant_id].end_date:
            problems += _branch_problems(grants[grant_id].branch)

    branch_ids = [branch_id for branch_id, _ in changes.add]
    branches = {branch.id: branch for branch in (
        Branch.select(Branch, Organisation).join(Organisation).where(Branch.id.in_(branch_ids)))} if branch_ids else {}
    # The live grants to the chosen branches, except those revoked in this same change set.
    existing = {grant.branch_id: grant for grant in AccessGrant.select().where(
        AccessGrant.professional == professional_id, AccessGrant.branch.in_(branch_ids),
        AccessGrant.revoked_at.is_null()) if grant.id not in changes.revoke} if branch_ids else {}
    seen: set[int] = set()
    for branch_id, end in changes.add:
        branch = branches.get(branch_id)
        if branch is None or _branch_problems(branch):  # nothing about a branch one may not choose
            problems.append(GONE_BRANCH)
            continue
        problems += _date_problems(end, today, branch)
        earlier = existing.get(branch_id)
        if branch_id in seen or (earlier is not None and (earlier.id in changed or earlier.end_date is None
                                                          or earlier.end_date >= today)):
            problems.append(f"U geeft {_where(branch)} al inzage; wijzig zo nodig de datum.")
        seen.add(branch_id)
    if problems:
        raise GrantRefused(list(dict.fromkeys(problems)))

    revoked = made = changed_count = 0
    for grant_id in sorted(changes.revoke):
        grant = grants[grant_id]
        _update(grant, revoked_at=now, revoked_by=account)
        AuditEvent.record(now, Action.GRANT_REVOKED, actor=account, professional=professional_id,
                          branch=grant.branch_id, organisation=grant.branch.organisation_id,
                          detail={"by": "professional"})
        revoked += 1
    for grant_id, end in changed.items():
        grant = grants[grant_id]
        if end == grant.end_date:
            continue
        _update(grant, end_date=end)
        AuditEvent.record(now, Action.GRANT_CHANGED, actor=account, professional=professional_id,
                          branch=grant.branch_id, organisation=grant.branch.organisation_id,
                          detail={"end_date": [_iso(grant.end_date), _iso(end)]})
        changed_count += 1
    for branch_id, end in changes.add:
        branch, earlier = branches[branch_id], existing.get(branch_id)
        detail = {"end_date": _iso(end)}
        if earlier is not None:  # expired, never revoked: it holds the branch's one live place
            _update(earlier, end_date=end, granted_at=now)
            detail["renewed_grant"] = earlier.id
        else:
            AccessGrant.create(professional=professional_id, branch=branch_id, granted_at=now, end_date=end)
        AuditEvent.record(now, Action.GRANT_MADE, actor=account, professional=professional_id, branch=branch_id,
                          organisation=branch.organisation_id, detail=detail)
        made += 1
    return SaveReport(made=made, changed=changed_count, revoked=revoked)


def _update(grant: AccessGrant, **values) -> None:
    """Change a grant that must still be live; an employer may have ended it a moment ago."""
    done = (AccessGrant.update(**values)
            .where(AccessGrant.id == grant.id, AccessGrant.revoked_at.is_null()).execute())
    if not done:
        raise GrantRefused([f"De inzage voor {_where(grant.branch)} is intussen beëindigd. Vernieuw het overzicht."])


def _where(branch: Branch) -> str:
    return f"{branch.name} ({branch.organisation.name})"


def _branch_problems(branch: Branch) -> list[str]:
    if branch.removed_at is not None or branch.organisation.status != OrganisationStatus.APPROVED:
        return [f"{_where(branch)} kunt u niet (meer) kiezen."]
    return []


def _date_problems(end: dt.date | None, today: dt.date, branch: Branch) -> list[str]:
    if end is not None and end < today:
        return [f"De datum {format_date(end)} voor {_where(branch)} is al voorbij; kies vandaag of later."]
    return []


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
