"""Applying for an employer account, and staff deciding on it."""
from __future__ import annotations

import dataclasses

import pytest

from models import Account, AuditEvent, Branch, Organisation, OutgoingEmail, Role
from models.access import AccessDenied
from models.applications import apply_for_employer_account
from models.auth import LoginStatus, authenticate
from models.codes import create_manager_account
from models.organisations import approved_organisations
from models.staff import (
    AlreadyDecided,
    approve_application,
    find_accounts,
    pending_applications,
    reject_application,
    resend_activation,
)
from models.validation import FieldError, FormErrors
from tests import story
from tests.applications import FIELD_CASES, GOOD

def apply(clock, **changes) -> Account:
    return apply_for_employer_account(dataclasses.replace(GOOD, **changes), clock)


def errors_for(clock, **changes) -> dict[str, str]:
    with pytest.raises(FormErrors) as refused:
        apply(clock, **changes)
    return refused.value.errors


def test_a_good_application_makes_a_pending_organisation_and_mails_the_applicant(database, clock):
    account = apply(clock)
    organisation = Organisation.get()
    assert (organisation.status, organisation.visit_postcode, organisation.country) == ("pending", "3511 AB", "Nederland")
    branch = Branch.get()
    assert (branch.manager_id, branch.role, branch.is_admin) == (account.id, "contact_person", True)
    mail = OutgoingEmail.get()
    assert mail.to_address == "m.verburg@welzijn.nl" and "Stichting Welzijn Utrecht" in mail.body
    assert GOOD.password not in mail.body
    assert authenticate("mverburg", GOOD.password, clock).status == LoginStatus.PENDING


@pytest.mark.parametrize(("changes", "field", "fragment"), FIELD_CASES)
def test_each_field_is_checked_with_a_dutch_message(database, clock, changes, field, fragment):
    errors = errors_for(clock, **changes)
    assert field in errors and fragment in errors[field], errors
    assert Organisation.select().count() == 0


def test_all_wrong_fields_are_reported_at_once(database, clock):
    errors = errors_for(clock, name="", email="x", visit_postcode="nope", visit_city="")
    assert {"name", "email", "visit_postcode", "visit_city"} <= set(errors)


def test_a_foreign_address_keeps_its_postcode(database, clock):
    apply(clock, country="België", visit_postcode="1000", visit_city="Brussel")
    assert Organisation.get().visit_postcode == "1000"


def test_a_taken_username_is_refused(database, clock):
    apply(clock)
    assert "al in gebruik" in errors_for(clock, company="Ander BV")["username"]


@pytest.fixture
def staff(database):
    return story.account("medewerker", Role.STAFF)


def test_staff_see_pending_applications_with_duplicates_flagged(staff, clock):
    story.organisation("Stichting Welzijn Utrecht")  # an approved one, same name and postcode
    apply(clock)
    apply(clock, username="tweede", company="Iets Anders", email="m.verburg@welzijn.nl")
    rows = pending_applications(staff)
    assert [row.organisation.name for row in rows] == ["Stichting Welzijn Utrecht", "Iets Anders"]
    assert any("zelfde naam en postcode" in flag for flag in rows[0].duplicates)
    assert any("e-mailadres al in gebruik door tweede" in flag for flag in rows[0].duplicates)
    assert any("e-mailadres al in gebruik door mverburg" in flag for flag in rows[1].duplicates)


def test_approving_makes_the_organisation_choosable_and_mails_the_applicant(staff, clock):
    apply(clock)
    organisation = Organisation.get()
    assert approved_organisations("welzijn") == []
    approve_application(staff, organisation.id, clock)
    assert [org.name for org in approved_organisations("welzijn")] == ["Stichting Welzijn Utrecht"]
    assert authenticate("mverburg", GOOD.password, clock).ok
    assert "goedgekeurd" in OutgoingEmail.select().order_by(OutgoingEmail.id.desc()).get().subject
    with pytest.raises(AlreadyDecided):
        reject_application(staff, organisation.id, "te laat", clock)


def test_rejecting_needs_a_reason_which_the_applicant_reads(staff, clock):
    apply(clock)
    organisation = Organisation.get()
    with pytest.raises(FieldError):
        reject_application(staff, organisation.id, "   ", clock)
    reject_application(staff, organisation.id, "Dubbel account", clock)
    result = authenticate("mverburg", GOOD.password, clock)
    assert (result.status, result.reason) == (LoginStatus.REJECTED, "Dubbel account")
    assert "Dubbel account" in OutgoingEmail.select().order_by(OutgoingEmail.id.desc()).get().body
    assert AuditEvent.select().where(AuditEvent.action == "application_rejected", AuditEvent.actor == staff).exists()


def test_only_staff_decide_find_and_resend(database, clock):
    apply(clock)
    applicant = Account.get(Account.username == "mverburg")
    organisation = Organisation.get()
    for call in (lambda: pending_applications(applicant), lambda: approve_application(applicant, organisation.id, clock),
                 lambda: reject_application(applicant, organisation.id, "x", clock),
                 lambda: find_accounts(applicant, "", clock), lambda: resend_activation(applicant, applicant.id, clock)):
        with pytest.raises(AccessDenied):
            call()
    assert Organisation.get().status == "pending"


def test_staff_find_accounts_and_resend_an_activation_code(staff, clock):
    manager = create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    rows = find_accounts(staff, "KROON", clock)
    assert [(row.username, row.activated) for row in rows] == [("dkroon", False)]
    resend_activation(staff, manager.id, clock)
    assert OutgoingEmail.select().where(OutgoingEmail.to_address == "d.kroon@example.nl").count() == 2
    with pytest.raises(AccessDenied):
        resend_activation(staff, staff.id, clock)


def test_lists_touched_reads_only_what_the_batch_names(database, clock):
    from models.staff import AccountsShown, find_accounts, lists_touched

    cast = story.employers()
    staff = cast.staff
    shown_rows = find_accounts(staff, "", clock)
    shown = AccountsShown(frozenset(row.id for row in shown_rows),
                          {row.organisation_id: row.organisation for row in shown_rows if row.organisation_id}, None)
    assert lists_touched(staff, "", {cast.utrecht.id}, set(), shown) == (False, False)  # e.g. a grant saved there
    newcomer = apply(clock)
    pending = Organisation.get(Organisation.status == "pending").id
    assert lists_touched(staff, "", {pending}, set(), shown) == (True, True)  # an application, and its applicant
    assert lists_touched(staff, "zzz", {pending}, {newcomer.id}, shown) == (True, False)  # not found by "zzz"
    Organisation.update(name="Welzijn Utrecht Oost").where(Organisation.id == cast.utrecht.id).execute()
    assert lists_touched(staff, "", {cast.utrecht.id}, set(), shown) == (False, True)  # shown under its old name
    with pytest.raises(AccessDenied):
        lists_touched(cast.kroon, "", {pending}, set(), shown)
