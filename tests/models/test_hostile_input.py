"""Every validator and form of the domain takes hostile text (markup, escapes, NUL, lone surrogates,
10,000 characters, combining accents) and answers with a cleaned value or its own refusal: a Dutch
message that names the field. Nothing else reaches the caller, on SQLite and on PostgreSQL alike,
and what is accepted comes back from the database exactly as the validator returned it.

Each hostile property has a valid twin (`..._accepts_...`, strategies in tests/valid.py): input a
user may rightly type is accepted and comes back as the rule says, so that a validator refusing
everything fails. Database-backed examples each run in a rolled-back transaction (tests/rollback.py):
every example starts from the fixture's world.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models import (
    Account,
    AccountCode,
    Activity,
    CodePurpose,
    Organisation,
    OutgoingEmail,
    Professional,
    RegistrationPeriod,
    Role,
    SshKey,
    password_policy,
)
from models.activities import (
    FIELDS,
    ActivityForm,
    add_activity,
    check_activity,
    clean_activity_date,
    clean_category,
    clean_points,
    clean_reflection,
    edit_activity,
)
from models.applications import ApplicationForm, apply_for_employer_account, check_application, check_organisation
from models.auth import LoginStatus, authenticate
from models.branches import add_branch, rename_branch
from models.codes import issue_code, normalise_code, request_login_details, set_password_with_code
from models.export import write_csv
from models.inzage import choosable_organisations, clean_end_date
from models.organisations import Branch
from models.overview import OverviewRow, overview_rows
from models.overview_set import OverviewSet, filter_rows
from models.passwords import verify_password
from models.profile import change_password, update_contact, update_organisation
from models.ssh_keys import ALLOWED_TYPES, ParsedKey, add_key, parse_public_key, registered_key
from models.staff import MAX_REASON, clean_reason, find_accounts, reject_application
from models.text import fold
from models.validation import (
    USERNAME_PATTERN,
    FieldError,
    FormChecker,
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
from tests.rollback import rolled_back
from tests.valid import (
    ABROAD,
    CATEGORIES,
    NETHERLANDS,
    PASSPHRASES,
    accented,
    CODES,
    code_as_typed,
    dates_as_typed,
    dutch_postcodes,
    emails_as_typed,
    foreign_postcodes,
    padded,
    part_of,
    points_as_typed,
    public_key,
    public_keys_as_pasted,
    recased,
    reflections_as_typed,
    shares_no_part,
    text_as_typed,
    usernames_as_typed,
)

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
# Database-backed forms: 50 inputs each, on each database, each in a transaction that is rolled back (the
# fixture is made once for all of them: hence the suppressed health check); valid forms 20 each.
ON_DATABASE = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALID_ON_DATABASE = settings(ON_DATABASE, max_examples=20)
VALID_PASSWORD = "paarse olifant danst op maandag"
TEXT = hostile_text()
TODAY = dt.date(2026, 11, 28)  # the clock fixture's day
PERIOD = RegistrationPeriod(start_date=dt.date(2024, 1, 1), end_date=dt.date(2028, 12, 31))


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


def form_accepts(call: Callable[[], Any]) -> bool:
    """Whether a form that returns nothing accepted, after checking every message of a refusal."""
    return form_outcome(lambda: call() or True) is not None


def refuses(check: Callable[..., Any], *args, **kwargs) -> bool:
    """Whether a single validator refuses: what a form must then refuse too."""
    try:
        check(*args, **kwargs)
    except FieldError:
        return True
    return False


def storable(value: str) -> bool:
    """What both databases can hold: no NUL, no lone surrogate."""
    return "\x00" not in value and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


def either(valid: str) -> st.SearchStrategy[str]:
    """A field that is sometimes right, so that forms also get through and what they store is checked."""
    return st.one_of(st.just(valid), TEXT)


# -- plain validators ------------------------------------------------------------------------------------------
TEXT_FIELDS = st.sampled_from([("name", "uw naam", 300), ("company", "de bedrijfsnaam", 300),
                               ("visit_city", "de plaats", 200), ("country", "het land", 100)])


@QUICK
@given(TEXT, TEXT_FIELDS)
def test_clean_text(value, field):
    field, what, limit = field
    cleaned = outcome(field, clean_text, value, what=what, max_length=limit)
    if cleaned is not None:
        assert storable(cleaned) and 0 < len(cleaned) <= limit
        assert not any(unicodedata.category(ch) == "Cc" for ch in cleaned)
        assert cleaned == unicodedata.normalize("NFC", cleaned) == cleaned.strip()
        assert clean_text(cleaned, what=what, max_length=limit) == cleaned  # what is stored passes again as it is


@QUICK
@given(text_as_typed(max_length=100), TEXT_FIELDS)
def test_clean_text_accepts_valid_text(text, field):
    """Words of any script, emoji or bracket, with tabs and line breaks between them: one line of words."""
    (typed, expected), (_, what, limit) = text, field
    assert clean_text(typed, what=what, max_length=limit) == expected


@QUICK
@given(TEXT)
def test_clean_email(value):
    cleaned = outcome("email", clean_email, value)
    assert cleaned is None or (storable(cleaned) and "@" in cleaned and len(cleaned) <= 320
                               and cleaned == cleaned.lower() == clean_email(cleaned))


@QUICK
@given(emails_as_typed())
def test_clean_email_accepts_valid_addresses(email):
    typed, expected = email
    assert clean_email(typed) == expected


@QUICK
@given(TEXT, st.sampled_from(["Nederland", "België", "\x00", "[b]"]), st.booleans())
def test_clean_postcode(value, country, required):
    cleaned = outcome("visit_postcode", clean_postcode, value, country, required=required)
    assert cleaned is None or (storable(cleaned) and len(cleaned) <= 20)
    if cleaned and country == "Nederland":
        assert re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", cleaned)


@QUICK
@given(st.one_of(st.tuples(dutch_postcodes(), NETHERLANDS), st.tuples(foreign_postcodes(), ABROAD)), st.booleans())
def test_clean_postcode_accepts_valid_postcodes(postcode, required):
    (typed, expected), country = postcode
    assert clean_postcode(typed, country, required=required) == expected
    assert clean_postcode(" \t", country, required=False) == ""  # the postal address is optional


@QUICK
@given(TEXT, TEXT)
def test_check_password(password, username):
    accepted = outcome("password", check_password, password, username=username, other_inputs=(username,))
    assert accepted is None or (accepted == password and 12 <= len(password) <= 256
                                and not (username and username.casefold() in password.casefold()))


@QUICK
@given(PASSPHRASES, usernames_as_typed())
def test_check_password_accepts_passphrases(password, username):
    """Three to five unrelated words: what the refusal itself recommends."""
    _, username = username
    assume(username not in password.casefold())  # refused on purpose
    assert check_password(password, username=username, other_inputs=(username, f"{username}@example.nl")) == password


@QUICK
@given(TEXT, TEXT)
def test_check_repeat(value, repeat):
    message = "De wachtwoorden zijn niet gelijk."
    assert check_repeat(value, value, message) is None  # the same text twice: accepted
    if value != repeat:
        with pytest.raises(FieldError, match=f"^{re.escape(message)}$"):
            check_repeat(value, repeat, message)


@QUICK
@given(TEXT, st.booleans())
def test_clean_date(value, required):
    day = outcome("date", clean_date, value, required=required, what="de datum")
    assert day is None or (isinstance(day, dt.date) and str(day.year) in value)
    if not required and not value.strip():
        assert clean_date(value, required=False) is None


@QUICK
@given(dates_as_typed(), st.booleans())
def test_clean_date_accepts_dutch_dates(date, required):
    typed, day = date
    assert clean_date(typed, required=required, what="de datum") == day
    assert clean_date("  ", required=False) is None


@QUICK
@given(TEXT)
def test_clean_end_date(value):
    day = outcome("end_date", clean_end_date, value, TODAY)
    assert day is None or day >= TODAY


@QUICK
@given(st.one_of(dates_as_typed(min_value=TODAY), st.just((" ", None))))
def test_clean_end_date_accepts_today_and_later_or_nothing(date):
    typed, day = date
    assert clean_end_date(typed, TODAY) == day


@QUICK
@given(TEXT)
def test_activity_fields(value):
    assert outcome("category", clean_category, value) in (None, value)
    points = outcome("points", clean_points, value)
    assert points is None or (1 <= points <= 1000 and value.strip().lstrip("+").lstrip("0") == str(points))
    reflection = outcome("reflection", clean_reflection, value)
    assert reflection is None or (storable(reflection) and len(reflection) <= 10_000)
    day = outcome("date", clean_activity_date, value, PERIOD, TODAY)
    assert day is None or PERIOD.start_date <= day <= TODAY


@QUICK
@given(CATEGORIES, points_as_typed(), reflections_as_typed(), dates_as_typed(PERIOD.start_date, TODAY))
def test_activity_fields_accept_valid_values(category, points, reflection, date):
    assert clean_category(category) == category
    assert clean_points(points[0]) == points[1]
    assert clean_reflection(reflection[0]) == reflection[1]
    assert clean_activity_date(date[0], PERIOD, TODAY) == date[1]


@QUICK
@given(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT)
def test_check_activity(title, category, date, points, provider, reflection):
    form = ActivityForm(title, category, date, points, provider, reflection)
    values = form_outcome(lambda: check_activity(form, PERIOD, TODAY))
    some_field_refused = (refuses(clean_text, title, max_length=300) or refuses(clean_category, category)
                          or refuses(clean_activity_date, date, PERIOD, TODAY) or refuses(clean_points, points)
                          or refuses(clean_text, provider, required=False) or refuses(clean_reflection, reflection))
    assert (values is None) == some_field_refused
    if values is not None:
        assert values["title"] == clean_text(title) and values["reflection"] == clean_reflection(reflection)


@st.composite
def activity_forms(draw) -> tuple[ActivityForm, dict[str, Any]]:
    """A right activity form as typed, and the activity's columns it must give."""
    title, date = draw(text_as_typed()), draw(dates_as_typed(PERIOD.start_date, TODAY))
    category, points = draw(CATEGORIES), draw(points_as_typed())
    provider, reflection = draw(st.one_of(st.just(("", "")), text_as_typed())), draw(reflections_as_typed())
    form = ActivityForm(title[0], category, date[0], points[0], provider[0], reflection[0])
    return form, dict(zip(FIELDS, (title[1], category, date[1], points[1], provider[1], reflection[1]), strict=True))


@QUICK
@given(activity_forms())
def test_check_activity_accepts_a_valid_form(activity):
    form, expected = activity
    assert check_activity(form, PERIOD, TODAY) == expected


@QUICK
@given(TEXT)
def test_reject_reason(value):
    reason = outcome("reason", clean_reason, value)
    assert reason is None or (storable(reason) and 0 < len(reason) <= MAX_REASON)


@QUICK
@given(text_as_typed(max_length=MAX_REASON, max_words=40))
def test_reject_reason_accepts_valid_text(reason):
    typed, expected = reason
    assert clean_reason(typed) == expected


@QUICK
@given(TEXT)
def test_parse_public_key(value):
    parsed = outcome("public_key", parse_public_key, value)
    if parsed is not None:
        assert parsed.key_type in ALLOWED_TYPES and parsed.key_data.startswith(parsed.key_type + " ")
        assert storable(parsed.comment) and len(parsed.comment) <= 200
        assert not any(unicodedata.category(ch) == "Cc" for ch in parsed.comment)


@settings(QUICK, max_examples=50)
@given(public_keys_as_pasted())
def test_parse_public_key_accepts_pasted_keys(pasted):
    typed, key, comment = pasted
    key_type, data = key.export_public_key("openssh").decode().split()[:2]
    assert parse_public_key(typed) == ParsedKey(key_type, f"{key_type} {data}", key.get_fingerprint("sha256"),
                                                comment)


@QUICK
@given(TEXT)
def test_normalise_code_and_fold(value):
    code = normalise_code(value)
    head, dash, tail = code.partition("-")
    assert dash == "-" and len(head) <= 5 and (len(head) == 5 or not tail)
    assert all(ch.isalnum() for ch in head + tail)  # nothing typed around or between the characters is kept
    assert normalise_code(code) == code
    folded = fold(value)
    assert fold(folded) == folded == folded.casefold() == " ".join(folded.split())
    assert not any(unicodedata.combining(ch) for ch in folded)


@QUICK
@given(CODES, st.data())
def test_normalise_code_accepts_a_code_as_typed(code, data):
    assert normalise_code(data.draw(code_as_typed(code))) == code


@QUICK
@given(st.lists(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=10), min_size=1,
                max_size=4).map(" ".join), st.data())
def test_fold_drops_case_and_accents(plain, data):
    typed = data.draw(padded(recased(plain).flatmap(accented)))
    assert fold(typed) == plain


def overview_row(name: str, number: str = "461000001") -> OverviewRow:
    return OverviewRow(1, name, "Register Sociaal Werkers", number, dt.date(2027, 1, 1), 150, 10, "red", True,
                       fold(name), fold(name))


@QUICK
@given(TEXT, TEXT, TEXT, st.sampled_from([None, "name", "register", "number", "status"]))
def test_overview_filters(register, number, name, sort_key):
    rows = [overview_row(sample) for sample in NASTY[:40]] + [overview_row("C. Cliënt")]
    shown = OverviewSet(rows).view(register=register, number=number, name=name, sort_key=sort_key)
    assert set(map(id, shown)) <= set(map(id, rows))
    matching = [row for row in rows if (not register or row.register == register)
                and number.strip() in row.number and fold(name) in row.search_name]
    assert filter_rows(rows, register=register, number=number, name=name) == matching == OverviewSet(rows).view(
        register=register, number=number, name=name)


@QUICK
@given(st.lists(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz."), min_size=1, max_size=10), min_size=1,
                max_size=3).map(" ".join), st.text(st.sampled_from("0123456789"), min_size=9, max_size=9), st.data())
def test_overview_filters_find_part_of_a_name_or_number(plain, number, data):
    """Part of the name in any case and without its accents, or part of the number, finds the professional."""
    row = overview_row(data.draw(recased(plain).flatmap(accented)), number)
    rows = [overview_row(sample) for sample in NASTY[:40]] + [row]
    needle = data.draw(part_of(plain).flatmap(recased).flatmap(accented))
    assert row in OverviewSet(rows).view(name=needle)
    assert row in OverviewSet(rows).view(number=data.draw(padded(part_of(number))), sort_key="name")
    assert row in OverviewSet(rows).view(register="Register Sociaal Werkers", name=needle)


# -- forms on the database -------------------------------------------------------------------------------------
@pytest.fixture
def world(database):
    return story.employers()


@pytest.fixture
def period(world) -> RegistrationPeriod:
    """An open period of professional Test."""
    return story.latest_period(story.registration(world.test, story.register("Register Hostile", "RH")))


def fresh(account: Account) -> Account:
    """The account as stored now: forms change the object they are given (the session's account)."""
    return Account.get_by_id(account.id)


def mails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.select().order_by(OutgoingEmail.id))


@ON_DATABASE
@given(value=either("nieuwe-gebruiker"))
def test_clean_username(world, value):
    with rolled_back():
        cleaned = outcome("username", clean_username, value)
    assert cleaned is None or (cleaned == value.strip().lower() and USERNAME_PATTERN.fullmatch(cleaned))


@VALID_ON_DATABASE
@given(usernames_as_typed(), st.sampled_from(["verburg", "kroon", "jansen", "medewerker"]).flatmap(recased))
def test_clean_username_accepts_a_free_valid_name(world, username, taken):
    typed, expected = username
    assume(not Account.select().where(Account.username == expected).exists())  # free
    with rolled_back():
        assert clean_username(typed) == expected
        with pytest.raises(FieldError, match="al in gebruik"):
            clean_username(taken)


@ON_DATABASE
@given(st.builds(ApplicationForm, name=either("Anna de Vries"), email=either("anna@example.nl"),
                 email_repeat=either("anna@example.nl"), username=either("anna"),
                 password=either(VALID_PASSWORD), password_repeat=either(VALID_PASSWORD),
                 company=either("Buurtzorg Noord"), visit_address=either("Markt 1"),
                 visit_postcode=either("1234 AB"), visit_city=either("Zwolle"), postal_address=TEXT,
                 postal_postcode=TEXT, postal_city=TEXT, country=either("Nederland")))
def test_apply_for_employer_account(world, clock, form):
    with rolled_back():
        checked = form_outcome(lambda: check_application(form))
        account = form_outcome(lambda: apply_for_employer_account(form, clock))
        assert (account is None) == (checked is None)
        if account is not None:
            stored = Account.get_by_id(account.id)
            assert stored.name == clean_text(form.name, what="uw naam") == checked[0]["name"]
            organisation = Organisation.select().join(Branch).where(Branch.manager == stored).get()
            assert organisation.name == clean_text(form.company, what="de bedrijfsnaam")
            assert len(organisation.name_key) <= 300


POSTCODES = st.one_of(st.tuples(dutch_postcodes(), NETHERLANDS), st.tuples(foreign_postcodes(), ABROAD))


@VALID_ON_DATABASE
@given(name=text_as_typed(), email=emails_as_typed(), username=padded(recased("anna")), password=PASSPHRASES,
       company=text_as_typed(), address=text_as_typed(), postcode=POSTCODES, city=text_as_typed(max_length=200),
       postal=st.booleans())
def test_apply_for_employer_account_accepts_a_valid_form(world, clock, name, email, username, password, company,
                                                         address, postcode, city, postal):
    """Every example applies as "anna" (typed in any case): the name is free each time only because each
    example starts from the fixture's database."""
    assume(shares_no_part(password, "anna", name[1], email[1].partition("@")[0], company[1]))  # refused on purpose
    (typed_postcode, expected_postcode), country = postcode
    form = ApplicationForm(name[0], email[0], email[1].upper(), username, password, password, company[0], address[0],
                           typed_postcode, city[0], *((address[0], typed_postcode, city[0]) if postal else ("",) * 3),
                           country)
    with rolled_back():
        account = apply_for_employer_account(form, clock)
        stored = Account.get_by_id(account.id)
        assert (stored.username, stored.name, stored.email, stored.role) == ("anna", name[1], email[1], Role.EMPLOYER)
        assert verify_password(stored.password_hash, password)
        organisation = Organisation.select().join(Branch).where(Branch.manager == stored).get()
        assert (organisation.name, organisation.name_key, organisation.status) == (company[1], fold(company[1]),
                                                                                    "pending")
        assert (organisation.visit_address, organisation.visit_postcode, organisation.visit_city,
                organisation.country) == (address[1], expected_postcode, city[1], " ".join(country.split()))
        assert (organisation.postal_address, organisation.postal_postcode, organisation.postal_city) == (
            (address[1], expected_postcode, city[1]) if postal else (None, None, None))
        assert [mail.to_address for mail in mails()] == [email[1]]


@ON_DATABASE
@given(title=either("Omgaan met agressie"), category=either("training"), date=either("01-06-2026"),
       points=either("8"), provider=TEXT, reflection=TEXT)
def test_add_and_edit_activity(world, period, clock, title, category, date, points, provider, reflection):
    account = story.account_of(world.test)
    form = ActivityForm(title, category, date, points, provider, reflection)
    with rolled_back():
        expected = form_outcome(lambda: check_activity(form, period, clock.today()))
        added = form_outcome(lambda: add_activity(account, period.id, form, clock))
        assert (added is None) == (expected is None)
        if added is not None:
            assert stored_activity(added.id) == expected
            other = ActivityForm(reflection, category, date, points, title, title)
            expected = form_outcome(lambda: check_activity(other, period, clock.today()))
            edited = form_outcome(lambda: edit_activity(account, added.id, other, clock))
            assert (edited is None) == (expected is None)
            if edited is not None:
                assert stored_activity(added.id) == expected


def stored_activity(activity_id: int) -> dict[str, Any]:
    activity = Activity.get_by_id(activity_id)
    return {field: getattr(activity, field) for field in FIELDS}


@VALID_ON_DATABASE
@given(first=activity_forms(), second=activity_forms())
def test_add_and_edit_activity_accept_valid_forms(world, period, clock, first, second):
    account = story.account_of(world.test)
    with rolled_back():
        added = add_activity(account, period.id, first[0], clock)
        assert stored_activity(added.id) == first[1]
        edit_activity(account, added.id, second[0], clock)
        assert stored_activity(added.id) == second[1]
        assert Activity.select().count() == 1  # this example's activity only


@ON_DATABASE
@given(name=either("Mw. Verburg"), email=either("verburg@example.nl"))
def test_update_contact(world, clock, name, email):
    with rolled_back():
        saved = form_outcome(lambda: update_contact(fresh(world.verburg), name, email, clock,
                                                    current=story.PASSWORD))
        assert (saved is None) == (refuses(clean_text, name) or refuses(clean_email, email))
        stored = fresh(world.verburg)
        assert stored.email == "verburg@example.nl"  # a new address waits for its code (models/email_change)
        if saved is not None:
            assert stored.name == saved.account.name == clean_text(name)
            assert saved.code_sent_to == (None if clean_email(email) == "verburg@example.nl" else clean_email(email))
        else:
            assert stored.name == "Verburg"


@VALID_ON_DATABASE
@given(name=text_as_typed(), email=emails_as_typed())
def test_update_contact_accepts_valid_details(world, clock, name, email):
    with rolled_back():
        saved = update_contact(fresh(world.verburg), name[0], email[0], clock, current=story.PASSWORD)
        stored = fresh(world.verburg)
        assert stored.name == saved.account.name == name[1]
        assert saved.code_sent_to in (None, email[1])



@ON_DATABASE
@given(current=either(story.PASSWORD), new=either(VALID_PASSWORD), repeat=either(VALID_PASSWORD))
def test_change_password(world, clock, current, new, repeat):
    right = (current == story.PASSWORD and new == repeat and new != current
             and not refuses(check_password, new, username="kroon", other_inputs=("Kroon", "kroon@example.nl")))
    with rolled_back():
        assert form_accepts(lambda: change_password(fresh(world.kroon), current, new, repeat, clock)) == right
        assert verify_password(fresh(world.kroon).password_hash, new if right else story.PASSWORD)


@VALID_ON_DATABASE
@given(new=PASSPHRASES)
def test_change_password_accepts_a_passphrase(world, clock, new):
    with rolled_back():
        change_password(fresh(world.kroon), story.PASSWORD, new, new, clock)
        assert authenticate("kroon", new, clock).ok and not authenticate("kroon", story.PASSWORD, clock).ok


ORGANISATION_VALUES = st.fixed_dictionaries({
    "company": either("Stichting Welzijn Utrecht"), "visit_address": either("Markt 1"),
    "visit_postcode": either("3511 AB"), "visit_city": either("Utrecht"), "postal_address": TEXT,
    "postal_postcode": TEXT, "postal_city": TEXT, "country": either("Nederland")})


@ON_DATABASE
@given(ORGANISATION_VALUES)
def test_update_organisation(world, clock, values):
    details = check_organisation(ApplicationForm(**values), FormChecker())
    with rolled_back():
        version = Organisation.get_by_id(world.utrecht.id).version
        saved = form_outcome(lambda: update_organisation(fresh(world.verburg), values, version, clock))
        assert (saved is None) == (details is None)
        stored = Organisation.get_by_id(world.utrecht.id)
        if saved is not None:
            assert saved == stored.version == version + 1
            assert {field: getattr(stored, field) for field in details.__dict__} == details.__dict__
            assert stored.name_key == fold(details.name)[:300]
        else:
            assert (stored.version, stored.name) == (version, "Stichting Welzijn Utrecht")


@st.composite
def organisations_as_typed(draw) -> tuple[dict[str, str], dict[str, Any]]:
    """Right organisation details as typed, with or without a (complete) postal address, and as stored."""
    company, address, city = draw(text_as_typed()), draw(text_as_typed()), draw(text_as_typed(max_length=200))
    (postcode, stored_postcode), country = draw(POSTCODES)
    postal = draw(st.booleans())
    values = {"company": company[0], "visit_address": address[0], "visit_postcode": postcode, "visit_city": city[0],
              "postal_address": address[0] if postal else "", "postal_postcode": postcode if postal else "",
              "postal_city": city[0] if postal else "", "country": country}
    stored = {"name": company[1], "visit_address": address[1], "visit_postcode": stored_postcode,
              "visit_city": city[1], "postal_address": address[1] if postal else None,
              "postal_postcode": stored_postcode if postal else None, "postal_city": city[1] if postal else None,
              "country": " ".join(country.split())}
    return values, stored


@VALID_ON_DATABASE
@given(organisations_as_typed())
def test_update_organisation_accepts_valid_details(world, clock, organisation):
    values, expected = organisation
    with rolled_back():
        version = Organisation.get_by_id(world.utrecht.id).version
        assert update_organisation(fresh(world.verburg), values, version, clock) == version + 1
        stored = Organisation.get_by_id(world.utrecht.id)
        assert {field: getattr(stored, field) for field in expected} == expected
        assert stored.name_key == fold(expected["name"])


BRANCH_NAMES = {"hoofdvestiging", "overvecht"}  # Utrecht's, compared as the model does: in lower case


@ON_DATABASE
@given(name=either("Noord"), manager_name=either("P. Pieters"), email=either("pieters@example.nl"),
       username=either("pieters"), new_name=TEXT)
def test_add_and_rename_branch(world, clock, name, manager_name, email, username, new_name):
    taken = set(BRANCH_NAMES)
    with rolled_back():
        refused = (refuses(clean_text, name) or refuses(clean_text, manager_name) or refuses(clean_email, email)
                   or refuses(clean_username, username) or clean_text(name).lower() in taken)
        branch = form_outcome(lambda: add_branch(fresh(world.verburg), name, manager_name, email, username,
                                                 "branch_manager", False, clock))
        assert (branch is None) == refused
        if branch is not None:
            assert Branch.get_by_id(branch.id).name == clean_text(name)
            assert Account.get(Account.username == username.strip().lower()).name == clean_text(manager_name)
            taken.add(clean_text(name).lower())
        refused = refuses(clean_text, new_name) or clean_text(new_name).lower() in taken - {"overvecht"}
        renamed = form_outcome(lambda: rename_branch(fresh(world.verburg), world.overvecht.id, new_name, clock))
        assert (renamed is None) == refused
        assert Branch.get_by_id(world.overvecht.id).name == (clean_text(new_name) if renamed else "Overvecht")


@VALID_ON_DATABASE
@given(name=text_as_typed(), manager_name=text_as_typed(), email=emails_as_typed(), username=usernames_as_typed(),
       role=st.sampled_from(["branch_manager", "contact_person"]), admin=st.booleans(), new_name=text_as_typed())
def test_add_and_rename_branch_accept_valid_names(world, clock, name, manager_name, email, username, role, admin,
                                                  new_name):
    assume(name[1].lower() not in BRANCH_NAMES and new_name[1].lower() not in {"hoofdvestiging", name[1].lower()})
    assume(not Account.select().where(Account.username == username[1]).exists())
    with rolled_back():
        branch = add_branch(fresh(world.verburg), name[0], manager_name[0], email[0], username[0], role, admin, clock)
        stored = Branch.get_by_id(branch.id)
        assert (stored.name, stored.role, stored.is_admin, stored.organisation_id) == (name[1], role, admin,
                                                                                       world.utrecht.id)
        manager = Account.get_by_id(stored.manager_id)
        assert (manager.username, manager.name, manager.email, manager.is_activated) == (
            username[1], manager_name[1], email[1], False)
        [mail] = mails()  # the activation code
        assert mail.to_address == email[1] and f"gebruikersnaam: {username[1]}\n" in mail.body
        rename_branch(fresh(world.verburg), world.overvecht.id, new_name[0], clock)
        assert Branch.get_by_id(world.overvecht.id).name == new_name[1]


APPROVED = ("Stichting Welzijn Utrecht", "Zorggroep Amersfoort")


def searched(text: str) -> st.SearchStrategy[str]:
    """Part of `text` as someone types it into a search field: any case, accents or not, white space around."""
    return padded(part_of(text).flatmap(recased).flatmap(accented))


@ON_DATABASE
@given(search=TEXT)
def test_choosable_organisations(world, search):
    with rolled_back():
        story.organisation("Stichting Welzijn Utrecht in oprichting", status="pending")
        found = {org.name for org in choosable_organisations(story.account_of(world.test), search)}
    assert found == {name for name in APPROVED if fold(search) in fold(name)}


@VALID_ON_DATABASE
@given(name=st.sampled_from(APPROVED), data=st.data())
def test_choosable_organisations_find_part_of_a_name(world, name, data):
    search = data.draw(searched(name))
    with rolled_back():
        story.organisation(f"{name} in oprichting", status="pending")
        found = [org.name for org in choosable_organisations(story.account_of(world.test), search)]
    assert name in found and set(found) <= set(APPROVED)


def searchable_accounts() -> dict[str, list[str]]:
    """Per username, the texts find_accounts looks in: username, email, name, organisation."""
    organisations = {branch.manager_id: branch.organisation.name
                     for branch in Branch.select(Branch, Organisation).join(Organisation)}
    return {account.username: [account.username, account.email, account.name, organisations.get(account.id, "")]
            for account in Account.select()}


@ON_DATABASE
@given(query=TEXT)
def test_find_accounts(world, clock, query):
    needle = query.strip().lower()
    with rolled_back():
        found = [row.username for row in find_accounts(fresh(world.staff), query, clock)]
        expected = [username for username, texts in searchable_accounts().items()
                    if any(needle in text.lower() for text in texts)]
    assert sorted(found) == sorted(expected)


STAFF_AND_EMPLOYERS = ["verburg", "kroon", "jansen", "medewerker"]


@VALID_ON_DATABASE
@given(username=st.sampled_from(STAFF_AND_EMPLOYERS), data=st.data())
def test_find_accounts_finds_part_of_a_username_name_or_email(world, clock, username, data):
    query = data.draw(st.sampled_from([username, username.title(), f"{username}@example.nl"]).flatmap(
        part_of).flatmap(recased).flatmap(lambda part: padded(st.just(part))))
    with rolled_back():
        found = [row.username for row in find_accounts(fresh(world.staff), query, clock)]
    assert username in found


@pytest.fixture
def granted(world):
    """Test (461000001 in the Register Sociaal Werkers) gives Overvecht, Kroon's branch, inzage."""
    story.registration(world.test, story.register(), number="461000001")
    story.grant(world.test, world.overvecht)
    return world


@ON_DATABASE
@given(number=TEXT, name=TEXT)
def test_overview_rows_filters(granted, today, number, name):
    test = Professional.get_by_id(granted.test.id)
    with rolled_back():
        rows = overview_rows(fresh(granted.kroon), today, number=number, name=name)
    found = number.strip() in "461000001" and fold(name) in test.search_name
    assert [row.name for row in rows] == ([test.name] if found else [])


@VALID_ON_DATABASE
@given(data=st.data())
def test_overview_rows_find_part_of_a_name_or_number(granted, today, data):
    test = Professional.get_by_id(granted.test.id)
    name, number = data.draw(searched(test.name)), data.draw(searched("461000001"))
    with rolled_back():
        assert [row.name for row in overview_rows(fresh(granted.kroon), today, name=name)] == [test.name]
        assert [row.name for row in overview_rows(fresh(granted.kroon), today, number=number)] == [test.name]
        assert [row.name for row in overview_rows(fresh(granted.kroon), today, number=number, name=name)] == [
            test.name]


@ON_DATABASE
@given(reason=TEXT)
def test_reject_application(world, clock, reason):
    with rolled_back():
        pending = story.organisation("Nieuw BV", status="pending")
        story.branch(pending, "Hoofdvestiging", "nieuw", role="contact_person", admin=True)  # the same each time
        rejected = outcome("reason", reject_application, fresh(world.staff), pending.id, reason, clock)
        assert (rejected is None) == refuses(clean_reason, reason)
        stored = Organisation.get_by_id(pending.id)
        if rejected is not None:
            assert (stored.status, stored.rejection_reason) == ("rejected", clean_reason(reason))
            assert [mail.to_address for mail in mails()] == ["nieuw@example.nl"]
        else:
            assert (stored.status, stored.rejection_reason, mails()) == ("pending", None, [])


@VALID_ON_DATABASE
@given(reason=text_as_typed(max_length=MAX_REASON, max_words=40))
def test_reject_application_accepts_a_valid_reason(world, clock, reason):
    with rolled_back():
        pending = story.organisation("Nieuw BV", status="pending")
        story.branch(pending, "Hoofdvestiging", "nieuw", role="contact_person", admin=True)
        reject_application(fresh(world.staff), pending.id, reason[0], clock)
        stored = Organisation.get_by_id(pending.id)
        assert (stored.status, stored.rejection_reason) == ("rejected", reason[1])
        [mail] = mails()
        assert mail.to_address == "nieuw@example.nl" and f"\n  {reason[1]}\n" in mail.body


@ON_DATABASE
@given(username=either("kroon"), code=TEXT, password=either(VALID_PASSWORD), repeat=either(VALID_PASSWORD))
def test_set_password_with_code(world, clock, username, code, password, repeat):
    with rolled_back():
        issue_code(fresh(world.kroon), CodePurpose.RESET, clock.now())  # a code exists; no typed text is it
        assert form_outcome(lambda: set_password_with_code(username, code, password, repeat, clock)) is None
        assert verify_password(fresh(world.kroon).password_hash, story.PASSWORD)


@VALID_ON_DATABASE
@given(username=padded(recased("kroon")), password=PASSPHRASES, data=st.data())
def test_set_password_with_code_accepts_the_code_as_typed(world, clock, username, password, data):
    assume("kroon" not in password.casefold())
    with rolled_back():
        code = issue_code(fresh(world.kroon), CodePurpose.RESET, clock.now())
        account = set_password_with_code(username, data.draw(code_as_typed(code)), password, password, clock)
        assert account.id == world.kroon.id
        assert authenticate("kroon", password, clock).ok and not authenticate("kroon", story.PASSWORD, clock).ok
        with pytest.raises(FormErrors, match="code"):  # a code works once
            set_password_with_code("kroon", code, password, password, clock)


@ON_DATABASE
@given(email=either("kroon@example.nl"))
def test_request_login_details(world, clock, email):
    address = None if refuses(clean_email, email) else clean_email(email)
    with rolled_back():
        usernames = {account.email: account.username for account in Account.select()}
        assert request_login_details(email, clock) is None  # the screen says the same whatever happened
        sent = mails()
        if address in usernames:
            assert [mail.to_address for mail in sent] == [address]
            assert f"gebruikersnaam: {usernames[address]}\n" in sent[0].body
        else:
            assert sent == [] and AccountCode.select().count() == 0


@VALID_ON_DATABASE
@given(username=st.sampled_from(STAFF_AND_EMPLOYERS), unknown=emails_as_typed(), password=PASSPHRASES, data=st.data())
def test_request_login_details_mails_a_code_that_works(world, clock, username, unknown, password, data):
    """A known address, typed in any case, gets one mail with the username and a code that sets a password;
    an unknown (valid) address gets nothing, and no code is made."""
    assume(username not in password.casefold())
    assume(unknown[1] not in {account.email for account in Account.select()})
    with rolled_back():
        request_login_details(unknown[0], clock)
        assert mails() == [] and AccountCode.select().count() == 0
        request_login_details(data.draw(padded(recased(f"{username}@example.nl"))), clock)
        [mail] = mails()
        assert mail.to_address == f"{username}@example.nl" and f"gebruikersnaam: {username}\n" in mail.body
        code = re.search(r"code: ([A-Z0-9]{5}-[A-Z0-9]{5})", mail.body).group(1)
        set_password_with_code(username, code, password, password, clock)
        signed_in = authenticate(username, password, clock)
        assert signed_in.ok or (username == "medewerker" and signed_in.status == LoginStatus.NEEDS_CODE)  # staff


@ON_DATABASE
@given(username=st.one_of(padded(recased("kroon")), TEXT), password=either(story.PASSWORD))
def test_authenticate(world, clock, username, password):
    with rolled_back():
        result = authenticate(username, password, clock)
    assert result.status in (LoginStatus.OK, LoginStatus.FAILED)
    assert result.ok == (Account.lookup_key(username) == "kroon" and password == story.PASSWORD)
    if result.ok:
        assert result.account.id == world.kroon.id


@VALID_ON_DATABASE
@given(username=padded(recased("kroon")))
def test_authenticate_lets_the_right_password_in(world, clock, username):
    with rolled_back():
        result = authenticate(username, story.PASSWORD, clock)
    assert result.ok and result.account.id == world.kroon.id


@ON_DATABASE
@given(comment=TEXT)
def test_add_key(world, clock, comment):
    """The same key each time: only because each example starts afresh is it never "already there"."""
    key = public_key("ssh-ed25519")
    key_type, data = key.export_public_key("openssh").decode().split()[:2]
    text = f"{key_type} {data} {comment}"
    with rolled_back():
        added = outcome("public_key", add_key, fresh(world.kroon), text, clock, current=story.PASSWORD)
    assert (added is not None) == ("PRIVATE KEY" not in text.upper() and len(text) <= 16_384)
    if added is not None:
        assert (added.key_data, added.fingerprint) == (f"{key_type} {data}", key.get_fingerprint("sha256"))
        shown = "".join(ch for ch in " ".join(comment.split()) if unicodedata.category(ch) not in ("Cc", "Cs"))
        assert added.comment == shown[:200]
        assert storable(added.comment) and not any(unicodedata.category(ch) == "Cc" for ch in added.comment)


@VALID_ON_DATABASE
@given(public_keys_as_pasted())
def test_add_key_accepts_pasted_keys(world, clock, pasted):
    typed, key, comment = pasted
    key_type, data = key.export_public_key("openssh").decode().split()[:2]
    with rolled_back():
        added = add_key(fresh(world.kroon), typed, clock, current=story.PASSWORD)
        stored = SshKey.get_by_id(added.id)
        assert (stored.key_type, stored.key_data, stored.fingerprint, stored.comment) == (
            key_type, f"{key_type} {data}", key.get_fingerprint("sha256"), comment)
        assert registered_key(" KROON ", key).id == added.id


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
    cache: dict[tuple, float] = {}
    estimate = password_policy.guesses

    def remembered(password, inputs=()):
        key = (password, tuple(inputs))
        if key not in cache:
            cache[key] = estimate(password, key[1])
        return cache[key]

    monkeypatch.setattr(password_policy, "guesses", remembered)


def test_core_samples_in_every_field(world, period, clock, memo_zxcvbn):
    """One sample of each kind (markup, escapes, NUL, bidi, accents, emoji, surrogate, 10,000 characters) in
    each field of each form, the other fields right."""
    assert sweep(world, period, clock, CORE) == len(CORE) * FIELD_RUNS


@pytest.mark.slow
def test_every_nasty_sample_in_every_field(world, period, clock, memo_zxcvbn):
    assert sweep(world, period, clock, NASTY) == len(NASTY) * FIELD_RUNS


def sweep(world, period: RegistrationPeriod, clock, samples: list[str]) -> int:
    """Each sample in each field of each form, the other fields right: refused with a clear message for
    that field, or stored exactly as the validator returned it. Returns how many form calls were made."""
    professional = story.account_of(world.test)
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
        assert not form_accepts(lambda: change_password(world.jansen, sample, sample, sample, clock))
        assert form_outcome(lambda: set_password_with_code(sample, sample, VALID_PASSWORD, VALID_PASSWORD,
                                                           clock)) is None
        queued = OutgoingEmail.select().count()
        request_login_details(sample, clock)
        assert OutgoingEmail.select().count() == queued  # no sample is anyone's address
        assert not authenticate(sample, sample, clock).ok
        assert all(Organisation.get_by_id(choice.id).status == "approved"
                   for choice in choosable_organisations(professional, sample))
        assert len(find_accounts(world.staff, sample, clock)) <= 100
        assert overview_rows(world.kroon, clock.today(), number=sample, name=sample) == []  # nobody granted Kroon
        assert outcome("public_key", add_key, world.kroon, sample, clock, current=story.PASSWORD) is None
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


def test_a_reflection_of_10000_characters_comes_back_unchanged(world, period, clock):
    reflection = ("Zoe\u0308 [bold]leerde[/] \u202eveel\u202c 👍🏽\n" * 400)[:10_000]
    form = ActivityForm(**{**ACTIVITY, "reflection": reflection})
    added = add_activity(story.account_of(world.test), period.id, form, clock)
    assert Activity.get_by_id(added.id).reflection == reflection.rstrip("\n") == added.reflection
    with pytest.raises(FormErrors) as refused:
        add_activity(story.account_of(world.test), period.id,
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
    path = write_csv(rows, tmp_path_factory.mktemp("export"), dt.date(2026, 11, 28))
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
    path = write_csv([overview_row(name)], tmp_path, dt.date(2026, 11, 28))
    assert path.read_text(encoding="utf-8-sig").splitlines()[1].lstrip('"').startswith("'")
