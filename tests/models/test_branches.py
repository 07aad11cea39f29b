"""Vestigingen: who may see and change an organisation's branches, and the rules for changing them."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from playhouse.test_utils import assert_query_count

from models import AccessGrant, Account, AuditEvent, Branch, OutgoingEmail, Role
from models import branches as branches_module
from models.access import AccessDenied, require_member
from models.audit import Action
from models.branches import (
    BranchRefused,
    BranchSaved,
    GrantsInForce,
    LastAdmin,
    RolesChangedMeanwhile,
    add_branch,
    branch_rows,
    may_change_branches,
    remove_branch,
    rename_branch,
    save_roles,
)
from models.refusal import Refusal
from models.validation import FormErrors
from tests import story

NEW = {"name": "Zuilen", "manager_name": "P. de Vries", "manager_email": "P.deVries@Welzijn.nl",
       "manager_username": "pdevries", "role": "branch_manager", "is_admin": False}
NAME_TAKEN = "Er is al een vestiging of afdeling met deze naam. Kies een andere naam."
NOT_YOURS = "Deze vestiging hoort niet (meer) bij uw organisatie. Vernieuw het overzicht."
PICK_A_ROLE = "Kies contactpersoon werkgever of vestigingsmanager."


@pytest.fixture
def world(database):
    return story.employers()


def add(actor: Account, clock, **changes) -> BranchSaved:
    return add_branch(actor, **{**NEW, **changes}, clock=clock)


def names(actor: Account, today: dt.date) -> list[str]:
    return [row.name for row in branch_rows(actor, today)]


def branch_state(branch: Branch) -> tuple:
    fresh = Branch.get_by_id(branch.id)
    return fresh.name, fresh.role, fresh.is_admin, fresh.removed_at


def audit(action: Action) -> list[tuple]:
    """Who did what to whom: (actor, organisation, branch, account, professional, detail) per event, oldest first."""
    return [(e.actor_id, e.organisation_id, e.branch_id, e.account_id, e.professional_id,
             json.loads(e.detail) if e.detail else None)
            for e in AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id)]


def meanwhile(monkeypatch, change) -> None:
    """`change` is what another user commits after the form was checked, before this save takes its lock."""
    lock = branches_module._lock_as_admin

    def change_then_lock(account: Account):
        change()
        return lock(account)
    monkeypatch.setattr(branches_module, "_lock_as_admin", change_then_lock)


# -- reading -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["verburg", "kroon"])
def test_every_employer_of_the_organisation_sees_its_branches(world, today, who):
    rows = branch_rows(getattr(world, who), today)
    assert [(r.name, r.manager_name, r.manager_username, r.role, r.is_admin) for r in rows] == [
        ("Hoofdvestiging", "Verburg", "verburg", "contact_person", True),
        ("Overvecht", "Kroon", "kroon", "branch_manager", False),
    ]
    assert rows[0].manager_email == "verburg@example.nl" and rows[0].manager_activated


def test_an_employer_of_another_organisation_sees_only_their_own(world, today):
    assert names(world.jansen, today) == ["Centrum"]


@pytest.mark.parametrize("who", ["staff", "professional"])
def test_staff_and_professionals_see_no_branches(world, today, who):
    actor = world.staff if who == "staff" else story.account_of(world.test)
    with pytest.raises(AccessDenied):
        branch_rows(actor, today)
    assert not may_change_branches(actor)


def test_a_pending_organisation_shows_nothing_yet(database, today):
    pending = story.organisation("Nieuw BV", status="pending")
    applicant = story.branch(pending, "Hoofdvestiging", "nieuw", role="contact_person", admin=True).manager
    with pytest.raises(AccessDenied):
        branch_rows(applicant, today)


def test_only_a_beheerder_may_change(world):
    assert may_change_branches(world.verburg)
    assert not may_change_branches(world.kroon)


def test_linked_counts_only_grants_in_force_today_in_one_query(world, today):
    ander, derde, vierde = (story.professional("A.", "Ander"), story.professional("D.", "Derde"),
                            story.professional("V.", "Vierde"))
    story.grant(world.test, world.overvecht)  # until revoked
    story.grant(ander, world.overvecht, end_date=today)  # still in force today
    story.grant(derde, world.overvecht, end_date=today - dt.timedelta(days=1))  # expired
    story.grant(vierde, world.overvecht, revoked_by=world.kroon)  # revoked
    story.grant(world.test, world.hoofdvestiging, revoked_by=story.account_of(world.test))
    story.grant(world.test, world.centrum)  # another organisation
    with assert_query_count(3):  # is the account locked, who may read, then the rows: not a query per branch
        rows = branch_rows(world.verburg, today)
    assert {row.name: row.linked for row in rows} == {"Hoofdvestiging": 0, "Overvecht": 2}
    later = today + dt.timedelta(days=1)
    assert {row.name: row.linked for row in branch_rows(world.verburg, later)}["Overvecht"] == 1


# -- adding ----------------------------------------------------------------------------------------------
def test_a_beheerder_adds_a_branch_and_its_manager_gets_an_activation_code(world, clock, today):
    branch = Branch.get_by_id(add(world.verburg, clock, is_admin=True).id)
    manager = branch.manager
    assert (manager.username, manager.email, manager.password_hash) == ("pdevries", "p.devries@welzijn.nl", None)
    assert (branch.organisation_id, branch.role, branch.is_admin) == (world.utrecht.id, "branch_manager", True)
    mail = OutgoingEmail.get()
    assert mail.to_address == "p.devries@welzijn.nl" and "pdevries" in mail.body
    assert names(world.verburg, today) == ["Hoofdvestiging", "Overvecht", "Zuilen"]
    row = branch_rows(world.verburg, today)[-1]
    assert not row.manager_activated
    assert audit(Action.BRANCH_ADDED) == [(world.verburg.id, world.utrecht.id, branch.id, manager.id, None,
                                           {"role": "branch_manager", "is_admin": True})]


@pytest.mark.parametrize("who", ["kroon", "staff", "professional"])
def test_others_may_not_add_a_branch(world, clock, who):
    actor = {"kroon": world.kroon, "staff": world.staff, "professional": story.account_of(world.test)}[who]
    with pytest.raises(AccessDenied):
        add(actor, clock)
    assert not Account.select().where(Account.username == "pdevries").exists()
    assert OutgoingEmail.select().count() == 0


def test_a_beheerder_of_another_organisation_adds_to_their_own(world, clock, today):
    add(world.jansen, clock)
    assert names(world.jansen, today) == ["Centrum", "Zuilen"]
    assert "Zuilen" not in names(world.verburg, today)


def test_every_wrong_field_is_named_and_nothing_is_created(world, clock):
    with pytest.raises(FormErrors) as refused:
        add(world.verburg, clock, name="overvecht", manager_name=" ", manager_email="geen-adres",
            manager_username="kroon")
    assert set(refused.value.errors) == {"name", "manager_name", "manager_email", "manager_username"}
    assert refused.value.errors["name"] == NAME_TAKEN
    assert refused.value.errors["manager_name"] == "Vul de naam van de manager in."
    assert "al in gebruik" in refused.value.errors["manager_username"]
    with pytest.raises(FormErrors) as refused:
        add(world.verburg, clock, name="", manager_username="x")
    assert set(refused.value.errors) == {"name", "manager_username"}
    assert Branch.select().count() == 3 and OutgoingEmail.select().count() == 0


def test_an_unknown_role_is_named_on_the_form(world, clock):
    with pytest.raises(FormErrors) as refused:
        add(world.verburg, clock, role="baas")
    assert refused.value.errors == {"role": PICK_A_ROLE}


@pytest.mark.parametrize("taken, field, message", [
    ("name", "name", NAME_TAKEN),
    ("username", "manager_username", "Deze gebruikersnaam is al in gebruik. Kies een andere."),
], ids=["name", "username"])
def test_a_name_taken_meanwhile_is_refused_on_its_field(world, clock, monkeypatch, taken, field, message):
    # The form was fine when checked; then another beheerder added "ZUILEN", or someone took the username.
    meanwhile(monkeypatch, {"name": lambda: story.branch(world.utrecht, "ZUILEN", "ander"),
                            "username": lambda: story.account("pdevries", Role.EMPLOYER)}[taken])
    with pytest.raises(FormErrors) as refused:
        add(world.verburg, clock)
    assert refused.value.errors == {field: message}
    assert OutgoingEmail.select().count() == 0 and not audit(Action.BRANCH_ADDED)


def test_the_same_branch_name_may_be_used_in_another_organisation(world, clock):
    assert add(world.jansen, clock, name="Overvecht").name == "Overvecht"


def test_a_removed_branchs_name_can_be_used_again(world, clock, today):
    remove_branch(world.verburg, world.overvecht.id, False, clock)
    add(world.verburg, clock, name="Overvecht")
    assert names(world.verburg, today) == ["Hoofdvestiging", "Overvecht"]


# -- renaming --------------------------------------------------------------------------------------------
def test_a_beheerder_renames_a_branch(world, clock, today):
    rename_branch(world.verburg, world.overvecht.id, "  Overvecht  Noord ", clock)
    assert names(world.verburg, today) == ["Hoofdvestiging", "Overvecht Noord"]
    assert audit(Action.BRANCH_RENAMED) == [(world.verburg.id, world.utrecht.id, world.overvecht.id, None, None,
                                             {"from": "Overvecht", "to": "Overvecht Noord"})]


def test_a_branch_may_change_only_the_case_of_its_name(world, clock, today):
    rename_branch(world.verburg, world.overvecht.id, "OVERVECHT", clock)
    assert names(world.verburg, today) == ["Hoofdvestiging", "OVERVECHT"]


@pytest.mark.parametrize("name, message", [("hoofdvestiging", NAME_TAKEN),
                                           ("", "Vul de naam van de vestiging in.")], ids=["taken", "empty"])
def test_a_rename_to_a_taken_or_empty_name_is_refused(world, clock, name, message):
    with pytest.raises(FormErrors) as refused:
        rename_branch(world.verburg, world.overvecht.id, name, clock)
    assert refused.value.errors == {"name": message}
    assert branch_state(world.overvecht)[0] == "Overvecht"


def test_the_database_refuses_a_duplicate_name_the_check_missed(world, clock, monkeypatch):
    monkeypatch.setattr(branches_module, "_name_taken", lambda *args, **kwargs: False)
    with pytest.raises(FormErrors) as refused:
        rename_branch(world.verburg, world.overvecht.id, "Hoofdvestiging", clock)
    assert refused.value.errors == {"name": NAME_TAKEN}
    assert branch_state(world.overvecht)[0] == "Overvecht"


def test_a_beheerder_cannot_rename_another_organisations_branch(world, clock):
    with pytest.raises(AccessDenied):
        rename_branch(world.verburg, world.centrum.id, "Overgenomen", clock)
    with pytest.raises(AccessDenied):
        rename_branch(world.kroon, world.overvecht.id, "Mijn eigen naam", clock)
    assert branch_state(world.centrum)[0] == "Centrum" and branch_state(world.overvecht)[0] == "Overvecht"


# -- roles --------------------------------------------------------------------------------------------------
def test_roles_of_several_branches_are_saved_in_one_go(world, clock):
    changed = save_roles(world.verburg, {world.overvecht.id: ("contact_person", True),
                                         world.hoofdvestiging.id: ("branch_manager", True)}, clock)
    assert changed == 2
    assert branch_state(world.overvecht)[1:3] == ("contact_person", True)
    assert branch_state(world.hoofdvestiging)[1:3] == ("branch_manager", True)
    assert audit(Action.ROLE_CHANGED) == [
        (world.verburg.id, world.utrecht.id, world.overvecht.id, world.kroon.id, None,
         {"role": ["branch_manager", "contact_person"], "is_admin": [False, True]}),
        (world.verburg.id, world.utrecht.id, world.hoofdvestiging.id, world.verburg.id, None,
         {"role": ["contact_person", "branch_manager"], "is_admin": [True, True]}),
    ]
    # Unchanged entries are not audited, and do not stop the changed ones after them.
    assert save_roles(world.verburg, {world.overvecht.id: ("contact_person", True)}, clock) == 0
    assert save_roles(world.verburg, {world.overvecht.id: ("contact_person", True),
                                      world.hoofdvestiging.id: ("contact_person", True)}, clock) == 1
    assert branch_state(world.hoofdvestiging)[1:3] == ("contact_person", True)
    assert len(audit(Action.ROLE_CHANGED)) == 3


def test_a_beheerder_may_hand_over_and_then_can_no_longer_change(world, clock):
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True),
                               world.hoofdvestiging.id: ("contact_person", False)}, clock)
    # Verburg's own session stays (the change was Verburg's); Kroon's role changed, so Kroon signs in again.
    assert may_change_branches(story.signs_in_again(world.kroon)) and not may_change_branches(world.verburg)
    with pytest.raises(AccessDenied):
        save_roles(world.verburg, {world.hoofdvestiging.id: ("contact_person", True)}, clock)
    assert branch_state(world.hoofdvestiging)[2] is False


def test_the_last_beheerder_cannot_be_dropped(world, clock):
    with pytest.raises(LastAdmin) as refused:
        save_roles(world.verburg, {world.hoofdvestiging.id: ("contact_person", False),
                                   world.overvecht.id: ("contact_person", False)}, clock)
    assert "minstens één beheerder" in str(refused.value)
    assert isinstance(refused.value, Refusal)  # told calmly by the screens
    assert branch_state(world.hoofdvestiging)[1:3] == ("contact_person", True)
    assert branch_state(world.overvecht)[1:3] == ("branch_manager", False)  # all or nothing
    assert not AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED).exists()


def test_the_last_beheerder_rule_counts_the_branches_left_out_of_the_change(world, clock):
    zuilen = story.branch(world.utrecht, "Zuilen", "devries", admin=True)
    # De Vries steps down; Verburg, not part of this change, remains beheerder.
    save_roles(world.verburg, {zuilen.id: ("branch_manager", False),
                               world.overvecht.id: ("contact_person", False)}, clock)
    assert branch_state(zuilen)[1:3] == ("branch_manager", False)
    # Now Verburg is the last one: he may not step down, and nothing else in that save changes.
    with pytest.raises(LastAdmin):
        save_roles(world.verburg, {world.hoofdvestiging.id: ("contact_person", False),
                                   world.overvecht.id: ("branch_manager", False)}, clock)
    assert branch_state(world.hoofdvestiging)[1:3] == ("contact_person", True)
    assert branch_state(world.overvecht)[1:3] == ("contact_person", False)
    assert AuditEvent.select().where(AuditEvent.action == Action.ROLE_CHANGED).count() == 2
    # He may when the same save makes Kroon beheerder, Zuilen left out.
    save_roles(world.verburg, {world.hoofdvestiging.id: ("contact_person", False),
                               world.overvecht.id: ("contact_person", True)}, clock)
    assert [branch_state(b)[2] for b in (world.hoofdvestiging, world.overvecht, zuilen)] == [False, True, False]


def test_another_organisations_branch_is_refused_and_nothing_changes(world, clock):
    with pytest.raises(AccessDenied) as denied:
        save_roles(world.verburg, {world.overvecht.id: ("contact_person", True),
                                   world.centrum.id: ("branch_manager", False)}, clock)
    assert str(denied.value) == NOT_YOURS
    assert branch_state(world.centrum)[1:3] == ("contact_person", True)
    assert branch_state(world.overvecht)[1:3] == ("branch_manager", False)


@pytest.mark.parametrize("who", ["kroon", "jansen", "staff", "professional"])
def test_only_the_organisations_beheerder_changes_roles(world, clock, who):
    actor = {"kroon": world.kroon, "jansen": world.jansen, "staff": world.staff,
             "professional": story.account_of(world.test)}[who]
    with pytest.raises(AccessDenied):
        save_roles(actor, {world.overvecht.id: ("contact_person", True)}, clock)
    assert branch_state(world.overvecht)[1:3] == ("branch_manager", False)


def test_an_unknown_role_is_refused(world, clock):
    with pytest.raises(BranchRefused) as refused:
        save_roles(world.verburg, {world.overvecht.id: ("baas", True)}, clock)
    assert str(refused.value) == PICK_A_ROLE


def test_roles_changed_by_someone_else_meanwhile_are_not_overwritten(world, clock):
    binnenstad = story.branch(world.utrecht, "Binnenstad", "bakker")
    seen = {world.overvecht.id: ("branch_manager", False), binnenstad.id: ("branch_manager", False)}
    # After Verburg loaded the table, another beheerder made both contact persons.
    save_roles(world.verburg, {branch_id: ("contact_person", False) for branch_id in seen}, clock)
    with pytest.raises(RolesChangedMeanwhile) as refused:
        save_roles(world.verburg, {branch_id: ("branch_manager", True) for branch_id in seen}, clock, expected=seen)
    assert str(refused.value).startswith("De rol van Binnenstad en Overvecht is intussen")  # as the table lists them
    assert refused.value.branch_ids == [binnenstad.id, world.overvecht.id]
    assert branch_state(binnenstad)[1:3] == ("contact_person", False)


@pytest.mark.parametrize("names, listed", [
    (["Overvecht"], "Overvecht"),
    (["Binnenstad", "Overvecht"], "Binnenstad en Overvecht"),
    (["Binnenstad", "Overvecht", "Zuilen"], "Binnenstad, Overvecht en Zuilen"),
], ids=["one", "two", "three"])
def test_roles_changed_meanwhile_names_every_branch(names, listed):
    refused = RolesChangedMeanwhile(names, list(range(len(names))))
    assert str(refused) == (f"De rol van {listed} is intussen door iemand anders gewijzigd. U ziet nu de rollen "
                            "zoals ze zijn opgeslagen; breng uw wijziging zo nodig opnieuw aan en sla die op.")


# -- removing ----------------------------------------------------------------------------------------------
def test_a_branch_without_grants_is_removed_and_its_manager_is_out(world, clock, today):
    remove_branch(world.verburg, world.overvecht.id, False, clock)
    assert branch_state(world.overvecht)[3] == clock.now()
    assert names(world.verburg, today) == ["Hoofdvestiging"]
    with pytest.raises(AccessDenied):
        require_member(world.kroon)
    with pytest.raises(AccessDenied):
        branch_rows(world.kroon, today)
    assert audit(Action.BRANCH_REMOVED) == [(world.verburg.id, world.utrecht.id, world.overvecht.id,
                                             world.kroon.id, None, {"grants_ended": 0})]


def test_grants_in_force_are_ended_only_when_confirmed(world, clock, today):
    ander, oud = story.professional("A.", "Ander"), story.professional("O.", "Oud")
    story.grant(world.test, world.overvecht)
    story.grant(ander, world.overvecht, end_date=today + dt.timedelta(days=30))
    expired = story.grant(oud, world.overvecht, end_date=today - dt.timedelta(days=1))
    elsewhere = story.grant(world.test, world.hoofdvestiging)
    with pytest.raises(GrantsInForce) as asked:
        remove_branch(world.verburg, world.overvecht.id, False, clock)
    assert asked.value.count == 2
    assert str(asked.value) == "2 professionals hebben nu inzage; hun inzage eindigt."
    assert branch_state(world.overvecht)[3] is None
    assert AccessGrant.select().where(AccessGrant.revoked_at.is_null(False)).count() == 0
    remove_branch(world.verburg, world.overvecht.id, True, clock)
    revoked = AccessGrant.select().where(AccessGrant.revoked_at == clock.now())
    assert {(g.professional_id, g.revoked_by_id) for g in revoked} == {(world.test.id, world.verburg.id),
                                                                       (ander.id, world.verburg.id)}
    assert AccessGrant.get_by_id(expired.id).revoked_at is None  # history as it was
    assert AccessGrant.get_by_id(elsewhere.id).revoked_at is None  # another branch's grant stays
    ended = {"reason": "branch_removed"}
    assert sorted(audit(Action.GRANT_REVOKED), key=lambda event: event[4]) == sorted([
        (world.verburg.id, None, world.overvecht.id, None, world.test.id, ended),
        (world.verburg.id, None, world.overvecht.id, None, ander.id, ended),
    ], key=lambda event: event[4])
    assert audit(Action.BRANCH_REMOVED) == [(world.verburg.id, world.utrecht.id, world.overvecht.id,
                                             world.kroon.id, None, {"grants_ended": 2})]
    assert branch_state(world.overvecht)[3] == clock.now()


def test_one_grant_is_said_in_the_singular(world, clock):
    story.grant(world.test, world.overvecht)
    with pytest.raises(GrantsInForce) as asked:
        remove_branch(world.verburg, world.overvecht.id, False, clock)
    assert str(asked.value) == "1 professional heeft nu inzage; hun inzage eindigt."


def test_a_beheerder_cannot_remove_their_own_branch(world, clock):
    with pytest.raises(BranchRefused) as refused:
        remove_branch(world.verburg, world.hoofdvestiging.id, True, clock)
    assert str(refused.value) == "U kunt uw eigen vestiging niet verwijderen. Vraag een andere beheerder."
    assert branch_state(world.hoofdvestiging)[3] is None


def test_another_beheerders_branch_can_be_removed_while_one_remains(world, clock, today):
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True)}, clock)
    kroon = story.signs_in_again(world.kroon)  # a beheerder now
    remove_branch(kroon, world.hoofdvestiging.id, False, clock)
    assert names(kroon, today) == ["Overvecht"]
    assert not may_change_branches(world.verburg)


@pytest.mark.parametrize("who", ["kroon", "jansen", "staff", "professional"])
def test_only_the_organisations_beheerder_removes(world, clock, who):
    actor = {"kroon": world.kroon, "jansen": world.jansen, "staff": world.staff,
             "professional": story.account_of(world.test)}[who]
    with pytest.raises(AccessDenied):
        remove_branch(actor, world.overvecht.id, True, clock)
    assert branch_state(world.overvecht)[3] is None


@pytest.mark.parametrize("change", [
    lambda world, clock: remove_branch(world.verburg, world.overvecht.id, False, clock),
    lambda world, clock: save_roles(world.verburg, {world.overvecht.id: ("contact_person", True)}, clock),
    lambda world, clock: rename_branch(world.verburg, world.overvecht.id, "Terug", clock),
], ids=["remove", "roles", "rename"])
def test_a_removed_branch_cannot_be_removed_or_changed_again(world, clock, change):
    remove_branch(world.verburg, world.overvecht.id, False, clock)
    with pytest.raises(AccessDenied) as denied:
        change(world, clock)
    assert str(denied.value) == NOT_YOURS


def test_branches_are_listed_by_name_whatever_its_case(world, clock, today):
    for name, username in (("beta", "beta"), ("Alfa", "alfa"), ("gamma", "gamma")):
        story.branch(world.utrecht, name, username)
    assert names(world.verburg, today) == ["Alfa", "beta", "gamma", "Hoofdvestiging", "Overvecht"]
