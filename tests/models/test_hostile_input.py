"""Every validator and form of the domain takes hostile text (markup, escapes, NUL, lone surrogates,
10,000 characters, combining accents) and answers with a cleaned value or its own refusal: a Dutch
message that names the field. Nothing else reaches the caller, on SQLite and on PostgreSQL alike,
and what is accepted comes back from the database exactly as the validator returned it.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zxcvbn import zxcvbn

from models import Account, Activity, Organisation, validation
from models.access import AccessDenied
from models.activities import (
    ActivityForm,
    add_activity,
    check_activity,
    clean_activity_date,
    clean_category,
    clean_points,
    clean_reflection,
    edit_activity,
)
from models.applications import ApplicationForm, apply_for_employer_account, check_application
from models.auth import LoginStatus, authenticate
from models.branches import add_branch, rename_branch
from models.codes import normalise_code, request_login_details, set_password_with_code
from models.export import export_overview
from models.inzage import choosable_organisations, clean_end_date
from models.organisations import Branch
from models.overview import OverviewRow, OverviewSet, filter_rows, overview_rows
from models.professionals import RegistrationPeriod
from models.profile import change_password, update_contact, update_organisation
from models.ssh_keys import add_key, parse_public_key
from models.staff import clean_reason, find_accounts, reject_application
from models.text import fold
from models.validation import (
    FieldError,
    FormErrors,
    check_password,
    check_repeat,
    clean_date,
    clean_email,
    clean_postcode,
    clean_text,
    clean_username,
)
from tests import story
from tests.hostile import NASTY, hostile_text

# A refusal must say which field it is about: one of these words, next to the field of that name.
FIELD_WORDS = {
    "name": ("naam",), "email": ("e-mail",), "email_repeat": ("e-mail",), "username": ("gebruikersnaam",),
    "password": ("wachtwoord",), "password_repeat": ("wachtwoord",), "repeat": ("wachtwoord",),
    "current": ("wachtwoord",), "company": ("bedrijfsnaam",), "visit_address": ("bezoekadres",),
    "visit_postcode": ("postcode",), "visit_city": ("plaats",), "postal_address": ("postadres",),
    "postal_postcode": ("postcode",), "postal_city": ("plaats",), "country": ("land",), "title": ("titel",),
    "category": ("categorie",), "date": ("datum",), "points": ("punt",), "provider": ("aanbieder",),
    "reflection": ("reflectie",), "manager_name": ("naam",), "manager_email": ("e-mail",),
    "manager_username": ("gebruikersnaam",), "code": ("code",), "public_key": ("sleutel",), "reason": ("reden",),
    "end_date": ("datum",),
}
QUICK = settings(max_examples=100, deadline=None)
# Database-backed forms: 50 inputs each, on each database; the fixture's data is shared by the examples.
ON_DATABASE = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALID_PASSWORD = "paarse olifant danst op maandag"
TEXT = hostile_text()


def assert_clear(message: str, field: str) -> None:
    assert message and message[-1] in ".!?", repr(message)
    assert any(word in message.lower() for word in FIELD_WORDS[field]), (field, message)
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in message), repr(message)


def outcome(field: str, check: Callable[..., Any], *args, **kwargs) -> Any:
    """The cleaned value, or None after checking that the refusal is a clear Dutch message for `field`."""
    try:
        return check(*args, **kwargs)
    except FieldError as error:
        assert_clear(str(error), field)
        return None


def form_outcome(call: Callable[[], Any]) -> Any:
    """What a form returns, or None after checking every message of its FormErrors."""
    try:
        return call()
    except FormErrors as refused:
        assert refused.errors
        for field, message in refused.errors.items():
            assert_clear(message, field)
        return None


def storable(value: str) -> bool:
    """What both databases can hold: no NUL, no lone surrogate."""
    return "\x00" not in value and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


def either(valid: str) -> st.SearchStrategy[str]:
    """A field that is sometimes right, so that forms also get through and what they store is checked."""
    return st.one_of(st.just(valid), TEXT)


# -- plain validators ------------------------------------------------------------------------------------------
@QUICK
@given(TEXT, st.sampled_from([("name", "uw naam", 300), ("company", "de bedrijfsnaam", 300),
                              ("visit_city", "de plaats", 200), ("country", "het land", 100)]))
def test_clean_text(value, field):
    field, what, limit = field
    cleaned = outcome(field, clean_text, value, what=what, max_length=limit)
    if cleaned is not None:
        assert storable(cleaned) and 0 < len(cleaned) <= limit
        assert not any(unicodedata.category(ch) == "Cc" for ch in cleaned)
        assert cleaned == unicodedata.normalize("NFC", cleaned) == cleaned.strip()


@QUICK
@given(TEXT)
def test_clean_email(value):
    cleaned = outcome("email", clean_email, value)
    assert cleaned is None or (storable(cleaned) and "@" in cleaned and len(cleaned) <= 320)


@QUICK
@given(TEXT, st.sampled_from(["Nederland", "België", "\x00", "[b]"]), st.booleans())
def test_clean_postcode(value, country, required):
    cleaned = outcome("visit_postcode", clean_postcode, value, country, required=required)
    assert cleaned is None or (storable(cleaned) and len(cleaned) <= 20)


@QUICK
@given(TEXT, TEXT)
def test_check_password(password, username):
    outcome("password", check_password, password, username=username, other_inputs=(username,))


@QUICK
@given(TEXT, TEXT)
def test_check_repeat(value, repeat):
    outcome("repeat", check_repeat, value, repeat, "De wachtwoorden zijn niet gelijk.")


@QUICK
@given(TEXT, st.booleans())
def test_clean_date(value, required):
    day = outcome("date", clean_date, value, required=required, what="de datum")
    assert day is None or isinstance(day, dt.date)


@QUICK
@given(TEXT)
def test_clean_end_date(value):
    day = outcome("end_date", clean_end_date, value, dt.date(2026, 11, 28))
    assert day is None or day >= dt.date(2026, 11, 28)


@QUICK
@given(TEXT)
def test_activity_fields(value):
    assert outcome("category", clean_category, value) in (None, value)
    points = outcome("points", clean_points, value)
    assert points is None or 1 <= points <= 1000
    reflection = outcome("reflection", clean_reflection, value)
    assert reflection is None or (storable(reflection) and len(reflection) <= 10_000)
    period = RegistrationPeriod(start_date=dt.date(2024, 1, 1), end_date=dt.date(2028, 12, 31))
    outcome("date", clean_activity_date, value, period, dt.date(2026, 11, 28))


@QUICK
@given(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT)
def test_check_activity(title, category, date, points, provider, reflection):
    period = RegistrationPeriod(start_date=dt.date(2024, 1, 1), end_date=dt.date(2028, 12, 31))
    form = ActivityForm(title, category, date, points, provider, reflection)
    form_outcome(lambda: check_activity(form, period, dt.date(2026, 11, 28)))


@QUICK
@given(TEXT)
def test_reject_reason(value):
    reason = outcome("reason", clean_reason, value)
    assert reason is None or (storable(reason) and 0 < len(reason) <= 1000)


@QUICK
@given(TEXT)
def test_parse_public_key(value):
    outcome("public_key", parse_public_key, value)


@QUICK
@given(TEXT)
def test_normalise_code_and_fold(value):
    normalise_code(value)
    fold(value)


def overview_row(name: str, number: str = "461000001") -> OverviewRow:
    return OverviewRow(1, name, "Register Sociaal Werkers", number, dt.date(2027, 1, 1), 150, 10, "red", True,
                       fold(name), fold(name))


@QUICK
@given(TEXT, TEXT, TEXT, st.sampled_from([None, "name", "register", "number", "status"]))
def test_overview_filters(register, number, name, sort_key):
    rows = [overview_row(sample) for sample in NASTY[:40]] + [overview_row("C. Cliënt")]
    shown = OverviewSet(rows).view(register=register, number=number, name=name, sort_key=sort_key)
    assert set(map(id, shown)) <= set(map(id, rows))
    assert filter_rows(rows, register=register, number=number, name=name) == OverviewSet(rows).view(
        register=register, number=number, name=name)


# -- forms on the database -------------------------------------------------------------------------------------
@pytest.fixture
def world(database):
    return story.employers()


@ON_DATABASE
@given(value=either("nieuwe-gebruiker"))
def test_clean_username(world, value):
    cleaned = outcome("username", clean_username, value)
    assert cleaned is None or (cleaned.isascii() and 3 <= len(cleaned) <= 50)


@ON_DATABASE
@given(st.builds(ApplicationForm, name=either("Anna de Vries"), email=either("anna@example.nl"),
                 email_repeat=either("anna@example.nl"), username=either("anna"),
                 password=either(VALID_PASSWORD), password_repeat=either(VALID_PASSWORD),
                 company=either("Buurtzorg Noord"), visit_address=either("Markt 1"),
                 visit_postcode=either("1234 AB"), visit_city=either("Zwolle"), postal_address=TEXT,
                 postal_postcode=TEXT, postal_city=TEXT, country=either("Nederland")))
def test_apply_for_employer_account(world, clock, form):
    form_outcome(lambda: check_application(form))
    account = form_outcome(lambda: apply_for_employer_account(form, clock))
    if account is not None:
        stored = Account.get_by_id(account.id)
        assert stored.name == clean_text(form.name, what="uw naam")
        organisation = Organisation.select().join(Branch).where(Branch.manager == stored).get()
        assert organisation.name == clean_text(form.company, what="de bedrijfsnaam")
        assert len(organisation.name_key) <= 300


@ON_DATABASE
@given(title=either("Omgaan met agressie"), category=either("training"), date=either("01-06-2026"),
       points=either("8"), provider=TEXT, reflection=TEXT)
def test_add_and_edit_activity(world, clock, title, category, date, points, provider, reflection):
    period = world_period(world)
    account = story.account_of(world.test)
    form = ActivityForm(title, category, date, points, provider, reflection)
    added = form_outcome(lambda: add_activity(account, period.id, form, clock))
    if added is not None:
        stored = Activity.get_by_id(added.id)
        assert (stored.title, stored.provider, stored.reflection) == (added.title, added.provider, added.reflection)
        assert stored.title == clean_text(title, max_length=300, what="de titel")
        assert stored.reflection == clean_reflection(reflection)
        edited = form_outcome(lambda: edit_activity(account, added.id, ActivityForm(
            reflection, category, date, points, title, title), clock))
        if edited is not None:
            assert Activity.get_by_id(added.id).title == edited.title


_periods: dict[int, RegistrationPeriod] = {}


def world_period(world) -> RegistrationPeriod:
    """One open period of professional Test, made once per database."""
    key = world.test.id
    period = _periods.get(key)
    if period is None or RegistrationPeriod.get_or_none(RegistrationPeriod.id == period.id) is None:
        register = story.register("Register Hostile", "RH")
        period = story.latest_period(story.registration(world.test, register))
        _periods[key] = period
    return period


@ON_DATABASE
@given(name=either("Mw. Verburg"), email=either("verburg@example.nl"))
def test_update_contact(world, clock, name, email):
    account = form_outcome(lambda: update_contact(world.verburg, name, email, clock))
    if account is not None:
        stored = Account.get_by_id(world.verburg.id)
        assert (stored.name, stored.email) == (account.name, account.email)


@ON_DATABASE
@given(current=either(story.PASSWORD), new=either(VALID_PASSWORD), repeat=either(VALID_PASSWORD))
def test_change_password(database, clock, current, new, repeat):
    kroon = Account.get_or_none(Account.username == "kroon") or story.employers().kroon
    form_outcome(lambda: change_password(kroon, current, new, repeat, clock))
    Account.update(locked_until=None, failed_logins=0, first_failed_at=None).execute()


@ON_DATABASE
@given(st.fixed_dictionaries({"company": either("Stichting Welzijn Utrecht"), "visit_address": either("Markt 1"),
                              "visit_postcode": either("3511 AB"), "visit_city": either("Utrecht"),
                              "postal_address": TEXT, "postal_postcode": TEXT, "postal_city": TEXT,
                              "country": either("Nederland")}))
def test_update_organisation(world, clock, values):
    version = Organisation.get_by_id(world.utrecht.id).version
    saved = form_outcome(lambda: update_organisation(world.verburg, values, version, clock))
    if saved is not None:
        stored = Organisation.get_by_id(world.utrecht.id)
        assert stored.name == clean_text(values["company"], what="de bedrijfsnaam")
        assert stored.country == clean_text(values["country"], what="het land", max_length=100)
        assert len(stored.name_key) <= 300


@ON_DATABASE
@given(name=either("Noord"), manager_name=either("P. Pieters"), email=either("pieters@example.nl"),
       username=TEXT, new_name=TEXT)
def test_add_and_rename_branch(world, clock, name, manager_name, email, username, new_name):
    branch = form_outcome(lambda: add_branch(world.verburg, name, manager_name, email, username,
                                             "branch_manager", False, clock))
    if branch is not None:
        assert Branch.get_by_id(branch.id).name == clean_text(name, what="de naam van de vestiging")
    renamed = form_outcome(lambda: rename_branch(world.verburg, world.overvecht.id, new_name, clock))
    if renamed is not None:
        assert Branch.get_by_id(world.overvecht.id).name == renamed.name


@ON_DATABASE
@given(search=TEXT)
def test_choosable_organisations(world, search):
    found = choosable_organisations(story.account_of(world.test), search)
    assert {org.name for org in found} <= {"Stichting Welzijn Utrecht", "Zorggroep Amersfoort"}


@ON_DATABASE
@given(query=TEXT)
def test_find_accounts(world, clock, query):
    rows = find_accounts(world.staff, query, clock)
    assert len(rows) <= 100


@ON_DATABASE
@given(number=TEXT, name=TEXT)
def test_overview_rows_filters(world, today, number, name):
    assert overview_rows(world.kroon, today, number=number, name=name) == []


@ON_DATABASE
@given(reason=TEXT)
def test_reject_application(world, clock, reason):
    pending = story.organisation("Nieuw BV", status="pending")
    story.branch(pending, "Hoofdvestiging", f"nieuw{pending.id}", role="contact_person", admin=True)
    rejected = outcome("reason", reject_application, world.staff, pending.id, reason, clock)
    if rejected is not None:
        assert Organisation.get_by_id(pending.id).rejection_reason == clean_reason(reason)


@ON_DATABASE
@given(username=either("kroon"), code=TEXT, password=either(VALID_PASSWORD), repeat=either(VALID_PASSWORD))
def test_set_password_with_code(world, clock, username, code, password, repeat):
    form_outcome(lambda: set_password_with_code(username, code, password, repeat, clock))
    Account.update(locked_until=None, failed_logins=0, first_failed_at=None).execute()


@ON_DATABASE
@given(email=either("kroon@example.nl"))
def test_request_login_details(world, clock, email):
    assert request_login_details(email, clock) is None


@ON_DATABASE
@given(username=either("kroon"), password=either(story.PASSWORD))
def test_authenticate(world, clock, username, password):
    result = authenticate(username, password, clock)
    assert result.status in (LoginStatus.OK, LoginStatus.FAILED)
    assert result.ok == (Account.lookup_key(username) == "kroon" and password == story.PASSWORD
                         and result.account is not None)
    Account.update(locked_until=None, failed_logins=0, first_failed_at=None).execute()


@ON_DATABASE
@given(comment=TEXT)
def test_add_key(world, clock, comment):
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()
    try:
        added = outcome("public_key", add_key, world.kroon, f"{key} {comment}", clock)
    except AccessDenied as refused:  # at most 20 keys per account
        assert "sleutel" in str(refused)
        return
    if added is not None:
        assert storable(added.comment)
        assert not any(unicodedata.category(ch) == "Cc" for ch in added.comment)



# -- every fixed sample in every field of every form, on both databases -------------------------------------------
APPLICATION = {"name": "Anna de Vries", "email": "anna@example.nl", "email_repeat": "anna@example.nl",
               "username": "anna", "password": VALID_PASSWORD, "password_repeat": VALID_PASSWORD,
               "company": "Buurtzorg Noord", "visit_address": "Markt 1", "visit_postcode": "1234 AB",
               "visit_city": "Zwolle", "postal_address": "", "postal_postcode": "", "postal_city": "",
               "country": "Nederland"}
ORGANISATION = {"company": "Stichting Welzijn Utrecht", "visit_address": "Markt 1", "visit_postcode": "3511 AB",
                "visit_city": "Utrecht", "postal_address": "", "postal_postcode": "", "postal_city": "",
                "country": "Nederland"}
ACTIVITY = {"title": "Omgaan met agressie", "category": "training", "date": "01-06-2026", "points": "8",
            "provider": "Movisie", "reflection": ""}
BRANCH = {"name": "Noord", "manager_name": "P. Pieters", "manager_email": "pieters@example.nl",
          "manager_username": "pieters"}


@pytest.fixture
def memo_zxcvbn(monkeypatch):
    """The password estimator, remembered per input: the sweeps check the same right password hundreds of times."""
    cache: dict[tuple, dict] = {}

    def remembered(password, user_inputs=None):
        key = (password, tuple(user_inputs or ()))
        if key not in cache:
            cache[key] = zxcvbn(password, user_inputs=user_inputs)
        return cache[key]

    monkeypatch.setattr(validation, "zxcvbn", remembered)


def test_core_samples_in_every_field(world, clock, memo_zxcvbn):
    """One sample of each kind (markup, escapes, NUL, bidi, accents, emoji, surrogate, 10,000 characters) in
    each field of each form, the other fields right."""
    assert sweep(world, clock, CORE) == len(CORE) * FIELD_RUNS


@pytest.mark.slow
def test_every_nasty_sample_in_every_field(world, clock, memo_zxcvbn):
    assert sweep(world, clock, NASTY) == len(NASTY) * FIELD_RUNS


def sweep(world, clock, samples: list[str]) -> int:
    """Each sample in each field of each form, the other fields right: refused with a clear message for
    that field, or stored exactly as the validator returned it. Returns how many form calls were made."""
    period, professional = world_period(world), story.account_of(world.test)
    runs = 0
    for n, sample in enumerate(samples):
        for field in APPLICATION:
            values = {**APPLICATION, "username": f"anna{n}", field: sample}
            if field in ("email", "password"):
                values[f"{field}_repeat"] = sample
            account = form_outcome(lambda: apply_for_employer_account(ApplicationForm(**values), clock))
            if account is not None:
                assert Account.get_by_id(account.id).name == clean_text(values["name"])
                organisation = Organisation.select().join(Branch).where(Branch.manager == account.id).get()
                assert organisation.name == clean_text(values["company"])
            runs += 1
        for field in ORGANISATION:
            values = {**ORGANISATION, field: sample}
            version = Organisation.get_by_id(world.utrecht.id).version
            if form_outcome(lambda: update_organisation(world.verburg, values, version, clock)) is not None:
                stored = Organisation.get_by_id(world.utrecht.id)
                assert (stored.name, stored.visit_address, stored.country) == (
                    clean_text(values["company"]), clean_text(values["visit_address"]),
                    clean_text(values["country"], max_length=100))
            runs += 1
        for field in ACTIVITY:
            form = ActivityForm(**{**ACTIVITY, field: sample})
            added = form_outcome(lambda: add_activity(professional, period.id, form, clock))
            if added is not None:
                stored = Activity.get_by_id(added.id)
                assert (stored.title, stored.provider, stored.reflection) == (
                    clean_text(form.title), clean_text(form.provider, required=False),
                    clean_reflection(form.reflection))
                assert form_outcome(lambda: edit_activity(professional, added.id, form, clock)) is not None
            runs += 1
        for field in BRANCH:
            values = {**BRANCH, "manager_username": f"pieters{n}", field: sample}
            branch = form_outcome(lambda: add_branch(world.verburg, values["name"] + str(n), values["manager_name"],
                                                     values["manager_email"], values["manager_username"],
                                                     "branch_manager", False, clock))
            if branch is not None:
                assert Branch.get_by_id(branch.id).name == clean_text(values["name"] + str(n))
            runs += 1
        renamed = form_outcome(lambda: rename_branch(world.verburg, world.overvecht.id, sample, clock))
        if renamed is not None:
            assert Branch.get_by_id(world.overvecht.id).name == clean_text(sample)
        contact = form_outcome(lambda: update_contact(world.kroon, sample, "kroon@example.nl", clock))
        if contact is not None:
            assert Account.get_by_id(world.kroon.id).name == clean_text(sample)
        form_outcome(lambda: change_password(world.jansen, sample, sample, sample, clock))
        form_outcome(lambda: set_password_with_code(sample, sample, VALID_PASSWORD, VALID_PASSWORD, clock))
        request_login_details(sample, clock)
        assert not authenticate(sample, sample, clock).ok
        choosable_organisations(professional, sample)
        find_accounts(world.staff, sample, clock)
        overview_rows(world.kroon, clock.today(), number=sample, name=sample)
        outcome("public_key", add_key, world.kroon, sample, clock)
        pending = story.organisation(f"Aanvraag {n}", status="pending")
        story.branch(pending, "Hoofdvestiging", f"aanvrager{n}", role="contact_person", admin=True)
        if outcome("reason", reject_application, world.staff, pending.id, sample, clock) is not None:
            assert Organisation.get_by_id(pending.id).rejection_reason == clean_reason(sample)
        Account.update(locked_until=None, failed_logins=0, first_failed_at=None).execute()
        runs += 12
    return runs


FIELD_RUNS = len(APPLICATION) + len(ORGANISATION) + len(ACTIVITY) + len(BRANCH) + 12
CORE = ["[@click=app.quit]x[/]", "[bold red]X[/]\x1b[2J", "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "bel\x07",
        "nul\x00byte", "\u202egnp.exe", "Zoe\u0308", "Cliënt", "👩\u200d👩\u200d👧", "a\ud800b", "x" * 10_000,
        "%_\\", "=cmd|' /C calc'!A0", ""]


@pytest.mark.parametrize(("value", "stored"), [
    ("Zoë", "Zoë"), ("Cliënt", "Cliënt"), ("[bold]X[/]", "[bold]X[/]"),
    ("[@click=app.quit]Q[/]", "[@click=app.quit]Q[/]"),
    ("\u202egnp.exe", "\u202egnp.exe"), ("👩\u200d👩\u200d👧 team", "👩\u200d👩\u200d👧 team"),
    ("Zoe\u0308", "Zoë"),  # NFC, on purpose: what looks the same is the same name
    ("  Jan\t\tJansen \n", "Jan Jansen"),  # white space collapses, on purpose
])
def test_names_come_back_as_the_validator_returned_them(world, clock, value, stored):
    branch = add_branch(world.verburg, value, value, "p@example.nl", "pieters", "branch_manager", False, clock)
    assert Branch.get_by_id(branch.id).name == stored
    assert Account.get(Account.username == "pieters").name == stored


def test_a_reflection_of_10000_characters_comes_back_unchanged(world, clock):
    reflection = ("Zoe\u0308 [bold]leerde[/] \u202eveel\u202c 👍🏽\n" * 400)[:10_000]
    form = ActivityForm(**{**ACTIVITY, "reflection": reflection})
    added = add_activity(story.account_of(world.test), world_period(world).id, form, clock)
    assert Activity.get_by_id(added.id).reflection == reflection.rstrip("\n") == added.reflection
    with pytest.raises(FormErrors) as refused:
        add_activity(story.account_of(world.test), world_period(world).id,
                     ActivityForm(**{**ACTIVITY, "reflection": reflection + "x"}), clock)
    assert "10.000 tekens" in refused.value.errors["reflection"]


def test_nul_is_refused_with_the_field_named_on_both_databases(world, clock):
    with pytest.raises(FormErrors) as refused:
        update_contact(world.kroon, "Kr\x00on", "kroon@example.nl", clock)
    assert refused.value.errors == {"name": "Gebruik in uw naam geen stuurtekens."}
    with pytest.raises(FieldError, match="Gebruik in de reden van de afwijzing geen stuurtekens."):
        reject_application(world.staff, world.utrecht.id, "dubbel\x00", clock)


def test_a_long_country_and_a_name_that_folds_longer_fit_their_columns(world, clock):
    values = {**ORGANISATION, "company": "ß" * 300, "country": "L" * 101}
    with pytest.raises(FormErrors) as refused:
        update_organisation(world.verburg, values, 1, clock)
    assert refused.value.errors == {"country": "Gebruik voor het land hooguit 100 tekens."}
    update_organisation(world.verburg, {**values, "country": "L" * 100}, 1, clock)
    stored = Organisation.get_by_id(world.utrecht.id)
    assert stored.name == "ß" * 300 and stored.name_key == "s" * 300 and stored.country == "L" * 100


# -- the CSV export: no cell a spreadsheet would run as a formula ---------------------------------------------------
@QUICK
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_the_export_never_starts_a_cell_with_a_formula(tmp_path_factory, names):
    import csv

    rows = [overview_row(name) for name in names if storable(name)]
    path = export_overview(rows, tmp_path_factory.mktemp("export"), dt.date(2026, 11, 28))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = list(csv.reader(handle, delimiter=";"))
    assert len(cells) == 1 + len(rows)  # every row one line: no cell broke out of its row
    for row, line in zip(rows, cells[1:], strict=True):
        assert len(line) == 8 and line[1] == row.register
        assert line[0] == ("'" + row.name if row.name.startswith(("=", "+", "-", "@", "\t", "\r")) else row.name)
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  "=HYPERLINK(\"x\")"])
def test_formula_starts_are_defused(tmp_path, name):
    path = export_overview([overview_row(name)], tmp_path, dt.date(2026, 11, 28))
    assert path.read_text(encoding="utf-8-sig").splitlines()[1].lstrip('"').startswith("'")
