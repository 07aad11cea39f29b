"""An employer's own details and password, and the organisation's details with their version."""
from __future__ import annotations

import pytest

from models import Account, AuditEvent, Organisation
from models.access import AccessDenied, SessionEnded, require_usable
from models.audit import Action
from models.auth import LoginStatus, authenticate
from models.branches import remove_branch, save_roles
from models.profile import (
    ChangedMeanwhile,
    ContactChangedMeanwhile,
    contact_details,
    change_password,
    organisation_form,
    update_contact,
    update_organisation,
    wrong_password,
)
from models.validation import FormErrors
from tests import story

NEW_PASSWORD = "zonnebloem-op-de-dijk"
DETAILS = {"company": "Stichting Welzijn Utrecht-Noord", "visit_address": "Vredenburg 40",
           "visit_postcode": "3511bd", "visit_city": "Utrecht", "postal_address": "", "postal_postcode": "",
           "postal_city": "", "country": "Nederland"}


@pytest.fixture
def world(database):
    return story.employers()


def actor_named(world, who: str) -> Account:
    return {"verburg": world.verburg, "kroon": world.kroon, "jansen": world.jansen, "staff": world.staff,
            "professional": story.account_of(world.test)}[who]


# -- own contact details -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["verburg", "kroon", "jansen"])
def test_every_employer_changes_their_own_contact_details(world, clock, who):
    actor = actor_named(world, who)
    saved = update_contact(actor, "  M.  de Boer ", "M.deBoer@Welzijn.nl", clock, current=story.PASSWORD)
    assert saved.code_sent_to == "m.deboer@welzijn.nl"
    assert Account.get_by_id(actor.id).email == f"{who}@example.nl"  # not before the code is entered
    story.change_email(actor, "M.deBoer@Welzijn.nl", clock)
    stored = Account.get_by_id(actor.id)
    assert (stored.name, stored.email) == ("M. de Boer", "m.deboer@welzijn.nl")
    assert (actor.name, actor.email) == ("M. de Boer", "m.deboer@welzijn.nl")  # the session follows
    assert AuditEvent.get(AuditEvent.action == Action.CONTACT_CHANGED).actor_id == actor.id


def test_a_contact_save_never_overwrites_details_changed_in_another_session(world, clock):
    seen = contact_details(world.kroon)
    update_contact(world.kroon, "K. Kroon-Elders", seen[1], clock)  # another session of Kroon's
    with pytest.raises(ContactChangedMeanwhile) as refused:
        update_contact(world.kroon, "K. Kroon", "kroon@nieuw.nl", clock, expected=seen)
    assert refused.value.current == ("K. Kroon-Elders", seen[1])
    assert contact_details(world.kroon) == ("K. Kroon-Elders", seen[1])
    update_contact(world.kroon, "K. Kroon", seen[1], clock, expected=refused.value.current)  # now seen
    assert contact_details(world.kroon) == ("K. Kroon", seen[1])


@pytest.mark.parametrize("who", ["staff", "professional"])
def test_staff_and_professionals_do_not_change_contact_details_here(world, clock, who):
    actor = actor_named(world, who)
    with pytest.raises(AccessDenied):
        update_contact(actor, "Iemand Anders", "ander@example.nl", clock)
    assert Account.get_by_id(actor.id).email == f"{actor.username}@example.nl"


def test_wrong_contact_details_are_named(world, clock):
    with pytest.raises(FormErrors) as refused:
        update_contact(world.kroon, "", "geen-adres", clock)
    assert set(refused.value.errors) == {"name", "email"}
    assert Account.get_by_id(world.kroon.id).name == "Kroon"


def test_a_new_email_asks_the_current_password_and_waits_for_the_code_sent_to_it(world, clock):
    from models import OutgoingEmail
    from models.email_change import WRONG_CODE, confirm_email_change

    with pytest.raises(FormErrors) as refused:
        update_contact(world.kroon, "Kroon", "kroon@elders.nl", clock)  # a session left unattended
    assert set(refused.value.errors) == {"current"}
    with pytest.raises(FormErrors) as refused:
        update_contact(world.kroon, "Kroon", "kroon@elders.nl", clock, current="raden-maar")
    assert refused.value.errors == {"current": wrong_password(4)}
    assert not OutgoingEmail.select().exists() and Account.get_by_id(world.kroon.id).email == "kroon@example.nl"
    update_contact(world.kroon, "Kroon", "kroon@elders.nl", clock, current=story.PASSWORD)
    to_new, to_old = OutgoingEmail.select().order_by(OutgoingEmail.id)
    assert to_new.to_address == "kroon@elders.nl" and to_old.to_address == "kroon@example.nl"
    assert "kroon@elders.nl" in to_old.body and "code" in to_new.body
    with pytest.raises(FormErrors) as refused:
        confirm_email_change(world.kroon, "AAAAA-BBBBB", clock)
    assert refused.value.errors == {"code": WRONG_CODE}
    other = authenticate("kroon", story.PASSWORD, clock).account  # Kroon elsewhere
    story.change_email(world.kroon, "kroon@elders.nl", clock)
    assert Account.get_by_id(world.kroon.id).email == "kroon@elders.nl"
    told = OutgoingEmail.select().where(OutgoingEmail.to_address == "kroon@example.nl").order_by(OutgoingEmail.id.desc())
    assert "gewijzigd in kroon@elders.nl" in told.first().body  # the old address is told, again
    with pytest.raises(SessionEnded):
        require_usable(other)  # where reset codes go changed: the other sessions end
    require_usable(world.kroon)  # this one stays


def test_an_email_code_expires_and_works_once(world, clock):
    import datetime as dt
    import re

    from models import OutgoingEmail
    from models.email_change import confirm_email_change

    update_contact(world.kroon, "Kroon", "kroon@elders.nl", clock, current=story.PASSWORD)
    [code] = re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", OutgoingEmail.get(OutgoingEmail.to_address == "kroon@elders.nl").body)
    clock.advance(dt.timedelta(minutes=30))
    with pytest.raises(FormErrors):
        confirm_email_change(world.kroon, code, clock)
    assert Account.get_by_id(world.kroon.id).email == "kroon@example.nl"


def test_a_removed_branchs_manager_changes_nothing(world, clock):
    remove_branch(world.verburg, world.overvecht.id, False, clock)
    with pytest.raises(AccessDenied):
        update_contact(world.kroon, "Kroon", "kroon@elders.nl", clock)


# -- password ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["verburg", "kroon", "staff", "professional"])
def test_an_account_changes_its_own_password_with_the_current_one(world, clock, who):
    actor = actor_named(world, who)
    change_password(actor, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    signed_in = authenticate(actor.username, NEW_PASSWORD, clock)
    assert signed_in.ok or (who == "staff" and signed_in.status == LoginStatus.NEEDS_CODE)  # staff: a code too
    assert authenticate(actor.username, story.PASSWORD, clock).status == LoginStatus.FAILED
    event = AuditEvent.get(AuditEvent.action == Action.PASSWORD_SET)
    assert (event.actor_id, event.account_id) == (actor.id, actor.id)


def test_a_new_password_removes_every_ssh_key_and_the_owner_is_mailed_which(world, clock):
    import asyncssh

    from models import OutgoingEmail, SshKey
    from models.ssh_keys import add_key

    keys = [asyncssh.generate_private_key("ssh-ed25519", comment=name) for name in ("laptop", "aanvaller")]
    for key in keys:
        add_key(world.kroon, key.export_public_key().decode(), clock, current=story.PASSWORD)
    other = add_key(world.verburg, keys[0].export_public_key().decode(), clock, current=story.PASSWORD)  # Verburg's own stays
    removed = change_password(world.kroon, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert [entry.split()[1] for entry in removed] == ["laptop", "aanvaller"]
    assert list(SshKey.select()) == [other]
    notice = OutgoingEmail.select().where(OutgoingEmail.to_address == world.kroon.email).order_by(
        OutgoingEmail.id.desc()).first()
    assert "gewijzigd" in notice.subject and all(entry in notice.body for entry in removed)
    assert AuditEvent.select().where(AuditEvent.action == Action.SSH_KEY_REMOVED).count() == 2


def test_a_wrong_current_password_changes_nothing_and_says_how_many_tries_remain(world, clock):
    before = Account.get_by_id(world.kroon.id).password_hash
    with pytest.raises(FormErrors) as refused:
        change_password(world.kroon, "niet-mijn-wachtwoord", NEW_PASSWORD, NEW_PASSWORD, clock)
    assert refused.value.errors == {"current": "Het huidige wachtwoord klopt niet. U kunt het nog 4 keer proberen."}
    stored = Account.get_by_id(world.kroon.id)
    assert stored.password_hash == before and stored.failed_logins == 0  # not a failed login: no lockout
    assert not AuditEvent.select().where(AuditEvent.action == Action.PASSWORD_SET).exists()
    assert AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED, AuditEvent.actor == world.kroon).exists()


def test_after_the_last_wrong_current_password_only_that_session_ends(world, clock):
    session = authenticate("kroon", story.PASSWORD, clock).account
    other = authenticate("kroon", story.PASSWORD, clock).account  # Kroon on another computer
    for left in (4, 3, 2, 1):
        with pytest.raises(FormErrors) as refused:
            change_password(session, "raden-maar", NEW_PASSWORD, NEW_PASSWORD, clock)
        assert refused.value.errors["current"] == wrong_password(left)
    with pytest.raises(SessionEnded, match="U bent uitgelogd"):
        change_password(session, "raden-maar", NEW_PASSWORD, NEW_PASSWORD, clock)
    with pytest.raises(SessionEnded):  # no further try in this session, not even the right password
        change_password(session, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    stored = Account.get_by_id(world.kroon.id)
    assert (stored.locked_until, stored.failed_logins) == (None, 0)  # the account is not locked ...
    require_usable(other)  # ... its other sessions go on ...
    assert authenticate("kroon", story.PASSWORD, clock).ok  # ... and its owner can sign in
    change_password(other, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("kroon", NEW_PASSWORD, clock).ok


def test_wrong_current_passwords_count_per_account_so_a_new_session_brings_no_fresh_tries(world, clock):
    """Over SSH each channel is a new session: five tries each would be endless guessing."""
    first, second = (authenticate("kroon", story.PASSWORD, clock).account for _ in range(2))
    for left in (4, 3, 2):
        with pytest.raises(FormErrors) as refused:
            change_password(first, "raden-maar", NEW_PASSWORD, NEW_PASSWORD, clock)
        assert refused.value.errors["current"] == wrong_password(left)
    with pytest.raises(FormErrors) as refused:
        change_password(second, "raden-maar", NEW_PASSWORD, NEW_PASSWORD, clock)
    assert refused.value.errors["current"] == wrong_password(1)  # the account's fourth
    with pytest.raises(SessionEnded):
        change_password(second, "raden-maar", NEW_PASSWORD, NEW_PASSWORD, clock)
    third = Account.get_by_id(world.kroon.id)  # a session opened now, as a key login or a new channel would
    with pytest.raises(SessionEnded):
        change_password(third, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert Account.get_by_id(world.kroon.id).failed_logins == 0  # still not a lockout
    fresh = authenticate("kroon", story.PASSWORD, clock).account  # the password typed right: tries back
    change_password(fresh, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)


def test_a_right_current_password_gives_the_session_its_tries_back(world, clock):
    session = authenticate("kroon", story.PASSWORD, clock).account
    for _ in range(4):
        with pytest.raises(FormErrors):
            change_password(session, "raden-maar", NEW_PASSWORD, NEW_PASSWORD, clock)
    change_password(session, story.PASSWORD, NEW_PASSWORD, NEW_PASSWORD, clock)
    with pytest.raises(FormErrors) as refused:
        change_password(session, "raden-maar", story.PASSWORD + "!", story.PASSWORD + "!", clock)
    assert "nog 4 keer" in refused.value.errors["current"]


@pytest.mark.parametrize(("new", "repeat", "field"), [
    ("kort", "kort", "password"),
    ("kroon-in-de-regen-42", "kroon-in-de-regen-42", "password"),  # contains the username
    (NEW_PASSWORD, "iets-anders-dan-dat", "repeat"),
    (story.PASSWORD, story.PASSWORD, "password"),  # the same as now
])
def test_the_new_password_follows_the_policy(world, clock, new, repeat, field):
    with pytest.raises(FormErrors) as refused:
        change_password(world.kroon, story.PASSWORD, new, repeat, clock)
    assert field in refused.value.errors
    assert authenticate("kroon", story.PASSWORD, clock).ok


def test_an_empty_current_password_is_asked_for(world, clock):
    with pytest.raises(FormErrors) as refused:
        change_password(world.kroon, "", NEW_PASSWORD, NEW_PASSWORD, clock)
    assert refused.value.errors["current"] == "Vul uw huidige wachtwoord in."


# -- organisation details ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "editable"), [("verburg", True), ("kroon", False)])
def test_every_employer_reads_the_organisation_but_only_a_beheerder_may_edit(world, who, editable):
    form = organisation_form(actor_named(world, who))
    assert form.values["company"] == "Stichting Welzijn Utrecht"
    assert form.values["visit_postcode"] == "3511 AB" and form.values["postal_address"] == ""
    assert (form.version, form.editable) == (1, editable)


def test_another_organisations_employer_reads_their_own(world):
    assert organisation_form(world.jansen).values["company"] == "Zorggroep Amersfoort"


@pytest.mark.parametrize("who", ["staff", "professional"])
def test_staff_and_professionals_do_not_read_organisation_details_here(world, who):
    with pytest.raises(AccessDenied):
        organisation_form(actor_named(world, who))


def test_a_beheerder_saves_the_details_checked_as_in_the_application(world, clock):
    version = update_organisation(world.verburg, DETAILS, 1, clock)
    org = Organisation.get_by_id(world.utrecht.id)
    assert (version, org.version) == (2, 2)
    assert (org.name, org.name_key, org.visit_postcode, org.postal_address) == (
        "Stichting Welzijn Utrecht-Noord", "stichting welzijn utrecht-noord", "3511 BD", None)
    assert AuditEvent.get(AuditEvent.action == Action.ORGANISATION_CHANGED).organisation_id == org.id
    assert Organisation.get_by_id(world.amersfoort.id).name == "Zorggroep Amersfoort"


def test_wrong_details_are_named_and_nothing_is_saved(world, clock):
    with pytest.raises(FormErrors) as refused:
        update_organisation(world.verburg, {**DETAILS, "company": "", "visit_postcode": "12",
                                            "postal_address": "Postbus 1"}, 1, clock)
    assert set(refused.value.errors) == {"company", "visit_postcode", "postal_postcode", "postal_city"}
    org = Organisation.get_by_id(world.utrecht.id)
    assert (org.name, org.version) == ("Stichting Welzijn Utrecht", 1)


@pytest.mark.parametrize("who", ["kroon", "staff", "professional"])
def test_others_may_not_change_the_organisation(world, clock, who):
    with pytest.raises(AccessDenied):
        update_organisation(actor_named(world, who), DETAILS, 1, clock)
    assert Organisation.get_by_id(world.utrecht.id).version == 1


def test_a_beheerder_of_another_organisation_changes_only_their_own(world, clock):
    update_organisation(world.jansen, {**DETAILS, "company": "Zorggroep Eemland"}, 1, clock)
    assert Organisation.get_by_id(world.amersfoort.id).name == "Zorggroep Eemland"
    assert Organisation.get_by_id(world.utrecht.id).name == "Stichting Welzijn Utrecht"


def test_a_save_never_overwrites_a_change_made_meanwhile(world, clock):
    save_roles(world.verburg, {world.overvecht.id: ("branch_manager", True)}, clock)  # Kroon is beheerder too
    kroon = story.signs_in_again(world.kroon)
    mine, theirs = organisation_form(world.verburg), organisation_form(kroon)
    update_organisation(kroon, {**theirs.values, "visit_city": "Utrecht-Oost"}, theirs.version, clock)
    with pytest.raises(ChangedMeanwhile) as refused:
        update_organisation(world.verburg, {**mine.values, "company": "Welzijn Utrecht"}, mine.version, clock)
    assert "intussen door iemand anders gewijzigd" in str(refused.value)
    org = Organisation.get_by_id(world.utrecht.id)
    assert (org.name, org.visit_city, org.version) == ("Stichting Welzijn Utrecht", "Utrecht-Oost", 2)
    fresh = organisation_form(world.verburg)
    update_organisation(world.verburg, {**fresh.values, "company": "Welzijn Utrecht"}, fresh.version, clock)
    assert Organisation.get_by_id(world.utrecht.id).name == "Welzijn Utrecht"
