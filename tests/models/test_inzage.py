"""Inzage voor organisaties: a professional grants, changes and revokes access, on SQLite and PostgreSQL.

Welzijn Utrecht has Hoofdvestiging (Verburg, contactpersoon and beheerder) and Overvecht (Kroon,
vestigingsmanager); Zorggroep Amersfoort has Centrum (Jansen). Test is in the Register Sociaal Werkers.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playhouse.test_utils import count_queries

from models import AccessGrant, Action, AuditEvent, Branch, Role
from models.access import AccessDenied
from models.inzage import (
    GONE_BRANCH,
    PAST_DATE,
    GrantChanges,
    GrantRefused,
    GrantState,
    SaveReport,
    choosable_branches,
    choosable_organisations,
    clean_end_date,
    my_grants,
    save_changes,
)
from models.overview import overview_rows
from models.removal import remove_professional
from models.validation import FieldError
from tests import story

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(database):
    world = story.employers()
    story.registration(world.test, story.register())
    return world


@pytest.fixture
def test_account(world):
    return story.account_of(world.test)


def seen_by(employer, today) -> list[str]:
    return sorted({row.name for row in overview_rows(employer, today)})


def audit(action: Action) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def snapshot() -> list[tuple]:
    return sorted(AccessGrant.select(AccessGrant.id, AccessGrant.branch, AccessGrant.end_date,
                                     AccessGrant.revoked_at).tuples())


# -- saving a change set -----------------------------------------------------------------------------------------
def test_the_full_change_set_is_saved_and_the_employers_see_it_at_once(world, test_account, clock):
    today = clock.today()
    kept = story.grant(world.test, world.hoofdvestiging)
    ended = story.grant(world.test, world.centrum, end_date=dt.date(2027, 6, 30))
    assert seen_by(world.kroon, today) == []
    assert seen_by(world.jansen, today) == ["T. Test"]

    changes = GrantChanges(add=[(world.overvecht.id, dt.date(2027, 12, 31))],
                           change={kept.id: dt.date(2027, 1, 31)}, revoke={ended.id})
    report = save_changes(test_account, changes, clock)

    assert report == SaveReport(made=1, changed=1, revoked=1)
    assert seen_by(world.kroon, today) == ["T. Test"]  # the new grant is in force today
    assert seen_by(world.jansen, today) == []  # the revoked one is gone
    assert seen_by(world.verburg, dt.date(2027, 1, 31)) == ["T. Test"]
    assert seen_by(world.verburg, dt.date(2027, 2, 1)) == []
    revoked = AccessGrant.get_by_id(ended.id)
    assert (revoked.revoked_at, revoked.revoked_by_id) == (clock.now(), test_account.id)  # the row stays

    for action, branch in ((Action.GRANT_MADE, world.overvecht), (Action.GRANT_CHANGED, world.hoofdvestiging),
                           (Action.GRANT_REVOKED, world.centrum)):
        [event] = audit(action)
        assert (event.actor_id, event.professional_id, event.branch_id, event.organisation_id) == (
            test_account.id, world.test.id, branch.id, branch.organisation_id)
        assert event.at == clock.now()


def test_a_bad_entry_saves_nothing(world, test_account, clock):
    kept = story.grant(world.test, world.hoofdvestiging)
    story.grant(world.test, world.centrum)
    before = snapshot()
    yesterday = clock.today() - DAY
    changes = GrantChanges(add=[(world.overvecht.id, None)], change={kept.id: yesterday}, revoke=set())
    with pytest.raises(GrantRefused, match="al voorbij"):
        save_changes(test_account, changes, clock)
    assert snapshot() == before
    assert AuditEvent.select().count() == 0


def test_end_date_today_is_allowed_and_yesterday_is_refused(world, test_account, clock):
    today = clock.today()
    assert save_changes(test_account, GrantChanges(add=[(world.overvecht.id, today)]), clock).made == 1
    with pytest.raises(GrantRefused, match=r"\d\d-\d\d-\d{4} voor Centrum \(Zorggroep Amersfoort\) is al voorbij"):
        save_changes(test_account, GrantChanges(add=[(world.centrum.id, today - DAY)]), clock)
    assert clean_end_date("", today) is None
    assert clean_end_date(f"{today.day}-{today.month}-{today.year}", today) == today
    with pytest.raises(FieldError, match=PAST_DATE):
        clean_end_date("27-11-2026", today)


def test_a_grant_expires_after_its_end_date(world, test_account, clock):
    end = clock.today() + 2 * DAY
    save_changes(test_account, GrantChanges(add=[(world.overvecht.id, end)]), clock)
    clock.advance(2 * DAY)  # the end date itself
    assert clock.today() == end
    assert seen_by(world.kroon, clock.today()) == ["T. Test"]
    assert [row.state for row in my_grants(test_account, clock.today())] == [GrantState.IN_FORCE]
    clock.advance(DAY)  # the day after
    assert seen_by(world.kroon, clock.today()) == []
    [row] = my_grants(test_account, clock.today())
    assert (row.state, row.end_date, row.live) == (GrantState.EXPIRED, end, True)


def test_choosing_an_expired_branch_again_renews_its_grant(world, test_account, clock):
    old = story.grant(world.test, world.overvecht, end_date=clock.today() - DAY)
    assert seen_by(world.kroon, clock.today()) == []
    [choice] = [b for b in choosable_branches(test_account, world.utrecht.id) if b.id == world.overvecht.id]
    assert choice.live_grant_id == old.id and not choice.granted_on(clock.today())
    save_changes(test_account, GrantChanges(add=[(world.overvecht.id, None)]), clock)
    assert seen_by(world.kroon, clock.today()) == ["T. Test"]
    assert AccessGrant.select().count() == 1 and AccessGrant.get_by_id(old.id).end_date is None
    [event] = audit(Action.GRANT_MADE)
    assert event.branch_id == world.overvecht.id


def test_a_branch_already_granted_is_refused_clearly(world, test_account, clock):
    story.grant(world.test, world.overvecht)
    with pytest.raises(GrantRefused, match=r"U geeft Overvecht \(Stichting Welzijn Utrecht\) al inzage"):
        save_changes(test_account, GrantChanges(add=[(world.overvecht.id, None)]), clock)
    with pytest.raises(GrantRefused, match="al inzage"):
        save_changes(test_account, GrantChanges(add=[(world.centrum.id, None), (world.centrum.id, None)]), clock)
    assert AccessGrant.select().count() == 1


def test_revoking_and_granting_the_same_branch_again_in_one_go(world, test_account, clock):
    old = story.grant(world.test, world.overvecht)
    save_changes(test_account, GrantChanges(add=[(world.overvecht.id, dt.date(2027, 3, 1))], revoke={old.id}), clock)
    live = AccessGrant.get(AccessGrant.revoked_at.is_null())
    assert live.id != old.id and live.end_date == dt.date(2027, 3, 1)


def test_a_revoked_grant_cannot_be_changed_or_revoked_again(world, test_account, clock):
    gone = story.grant(world.test, world.overvecht, revoked_by=world.kroon)
    for changes in (GrantChanges(change={gone.id: None}), GrantChanges(revoke={gone.id})):
        with pytest.raises(GrantRefused, match="al beëindigd"):
            save_changes(test_account, changes, clock)
    assert AccessGrant.get_by_id(gone.id).revoked_by_id == world.kroon.id


# -- what the professional sees ----------------------------------------------------------------------------------
def test_my_grants_shows_who_ended_what_in_one_query(world, test_account, clock):
    today = clock.today()
    story.grant(world.test, world.hoofdvestiging)
    expired = story.grant(world.test, world.centrum, end_date=today - DAY)
    by_me = story.grant(world.test, world.overvecht)
    save_changes(test_account, GrantChanges(revoke={by_me.id}), clock)
    clock.advance(dt.timedelta(hours=1))
    story.grant(world.test, world.overvecht)  # granted again ...
    remove_professional(world.kroon, world.test.id, clock)  # ... and ended by Kroon

    with count_queries() as counter:
        rows = my_grants(test_account, today)
    assert counter.count == 2  # the access check (is the account locked?), then one statement
    assert [(row.branch, row.state) for row in rows] == [
        ("Hoofdvestiging", GrantState.IN_FORCE),
        ("Centrum", GrantState.EXPIRED),
        ("Overvecht", GrantState.REVOKED),  # ended by Kroon: the later one
        ("Overvecht", GrantState.REVOKED),
    ]
    hoofd, centrum, by_kroon, mine = rows
    assert (hoofd.manager_name, hoofd.manager_email, hoofd.organisation, hoofd.role, hoofd.is_admin) == (
        "Verburg", "verburg@example.nl", "Stichting Welzijn Utrecht", "contact_person", True)
    assert hoofd.end_date is None and hoofd.revoked_by is None
    assert centrum.id == expired.id and centrum.end_date == today - DAY and centrum.live
    assert (by_kroon.revoked_by, by_kroon.revoked_by_you, by_kroon.live) == (
        "door Kroon (Stichting Welzijn Utrecht)", False, False)
    assert by_kroon.revoked_at == clock.now()
    assert (mine.id, mine.revoked_by, mine.revoked_by_you) == (by_me.id, "door u", True)


def test_only_approved_organisations_and_live_branches_are_choosable(world, test_account, clock):
    pending = story.organisation("Welzijn Nieuw", status="pending")
    pending_branch = story.branch(pending, "Noord", "nieuw")
    story.grant(world.test, world.overvecht)
    removed = story.branch(world.utrecht, "Zuilen", "zuilen")
    Branch.update(removed_at=clock.now()).where(Branch.id == removed.id).execute()

    assert [org.name for org in choosable_organisations(test_account, "WELZIJN")] == ["Stichting Welzijn Utrecht"]
    assert len(choosable_organisations(test_account, "", limit=1000)) == 2
    branches = choosable_branches(test_account, world.utrecht.id)
    assert [(b.name, b.manager_name, b.role, b.is_admin, b.granted_on(clock.today())) for b in branches] == [
        ("Hoofdvestiging", "Verburg", "contact_person", True, False),
        ("Overvecht", "Kroon", "branch_manager", False, True),
    ]
    assert not hasattr(branches[0], "manager_email")  # nothing beyond names and roles
    with pytest.raises(AccessDenied):
        choosable_branches(test_account, pending.id)
    for branch in (removed, pending_branch):
        with pytest.raises(GrantRefused, match=re.escape(GONE_BRANCH)):
            save_changes(test_account, GrantChanges(add=[(branch.id, None)]), clock)
    assert AccessGrant.select().count() == 1


# -- refusals ------------------------------------------------------------------------------------------------------
def test_another_professionals_grant_ids_change_nothing(world, test_account, clock):
    other = story.professional("A.", "Ander")
    theirs = story.grant(other, world.overvecht)
    before = snapshot()
    for changes in (GrantChanges(change={theirs.id: None}), GrantChanges(revoke={theirs.id}),
                    GrantChanges(add=[(world.centrum.id, None)], revoke={theirs.id}),
                    GrantChanges(change={theirs.id + 1000: None})):
        with pytest.raises(AccessDenied):
            save_changes(test_account, changes, clock)
    assert snapshot() == before
    assert my_grants(test_account, clock.today()) == []
    assert AuditEvent.select().count() == 0


def _hidden_branch(world, clock, kind: str) -> tuple[int, list[str]]:
    """A branch id the professional may not choose, and the names the refusal must not show."""
    if kind == "no such id":
        return world.centrum.id + 1000, []
    if kind == "removed":
        branch = story.branch(world.utrecht, "Zuilen", "zuilen")
        Branch.update(removed_at=clock.now()).where(Branch.id == branch.id).execute()
        return branch.id, ["Zuilen"]
    org = story.organisation(f"Geheim {kind.title()} BV", status=kind,
                             staff=None if kind == "pending" else world.staff)
    return story.branch(org, "Verborgen Hoek", f"geheim{kind}").id, [org.name, "Verborgen Hoek", "Geheim"]


@pytest.mark.parametrize("kind", ["pending", "rejected", "removed", "no such id"])
@pytest.mark.parametrize("end", ["none", "past"])
def test_a_refusal_never_names_a_branch_the_professional_may_not_choose(world, test_account, clock, kind, end):
    branch_id, secret = _hidden_branch(world, clock, kind)
    end_date = None if end == "none" else clock.today() - DAY  # the date check must not name it either
    for changes in (GrantChanges(add=[(branch_id, end_date)]),
                    GrantChanges(add=[(world.overvecht.id, None), (branch_id, end_date)])):
        with pytest.raises(GrantRefused) as refused:
            save_changes(test_account, changes, clock)
        assert refused.value.problems == [GONE_BRANCH]
        assert not any(name in str(refused.value) for name in secret)
    assert AccessGrant.select().count() == 0 and AuditEvent.select().count() == 0


@pytest.mark.parametrize("who", ["kroon", "staff"])
def test_employer_and_staff_accounts_are_refused(world, clock, who):
    account = world.kroon if who == "kroon" else world.staff
    assert account.role in (Role.EMPLOYER, Role.STAFF)
    calls = (lambda: my_grants(account, clock.today()), lambda: choosable_organisations(account, ""),
             lambda: choosable_branches(account, world.utrecht.id),
             lambda: save_changes(account, GrantChanges(add=[(world.overvecht.id, None)]), clock))
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert AccessGrant.select().count() == 0
