"""Validators take any text: a cleaned value or a Dutch FieldError, never another exception; and what a
user may rightly type (tests/valid.py) is accepted, cleaned as the rule says."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.password_policy import common_passwords, fold, letters
from models.validation import (
    FieldError,
    check_password,
    clean_email,
    clean_postcode,
    clean_text,
)
from tests.valid import (
    ABROAD,
    NETHERLANDS,
    PASSPHRASES,
    dutch_postcodes,
    emails_as_typed,
    foreign_postcodes,
    text_as_typed,
)

ANY_TEXT = st.text(max_size=300)


def outcome(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except FieldError as error:
        assert str(error) and str(error)[-1] in ".!", str(error)
        return None


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, emails_as_typed())
def test_clean_email_accepts_addresses_and_never_crashes(value, valid):
    cleaned = outcome(clean_email, value)
    assert cleaned is None or ("@" in cleaned and cleaned == cleaned.lower())
    typed, expected = valid
    assert clean_email(typed) == expected  # a valid address, in any case, with white space around


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, st.sampled_from(["Nederland", "nederland", "België", "Deutschland"]),
       st.one_of(st.tuples(dutch_postcodes(), NETHERLANDS), st.tuples(foreign_postcodes(), ABROAD)))
def test_clean_postcode_accepts_postcodes_and_never_crashes(value, country, valid):
    cleaned = outcome(clean_postcode, value, country)
    if cleaned and country.lower() == "nederland":
        assert len(cleaned) == 7 and cleaned[4] == " " and cleaned[:4].isdigit()
    (typed, expected), valid_country = valid
    assert clean_postcode(typed, valid_country) == expected  # "1234ab" is "1234 AB"; abroad as typed


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, text_as_typed())
def test_clean_text_keeps_words_and_never_control_characters(value, valid):
    cleaned = outcome(clean_text, value, what="de naam")
    assert cleaned is None or not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cleaned)
    if cleaned is not None:
        cleaned.encode("utf-8")  # storable in both databases
    typed, expected = valid
    assert clean_text(typed, what="de naam") == expected  # words one space apart, NFC


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=60), PASSPHRASES)
def test_check_password_accepts_passphrases_and_never_crashes(password, username, passphrase):
    accepted = outcome(check_password, password, username=username)
    if accepted is not None:
        spelled = letters(password)
        assert accepted == password and 15 <= len(password) <= 256
        assert not (username and username.casefold() in password.casefold())
        assert not (len(letters(username)) >= 3 and letters(username) in spelled)  # spaced out, full-width, look-alike
        assert fold(password) not in common_passwords()
        assert letters("registerplein") not in spelled and "inzage" not in spelled
    assert check_password(passphrase) == passphrase  # three to five unrelated words


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [("1234ab", "Nederland", "1234 AB"), (" 1234  ab ", "Nederland", "1234 AB"), ("0123 AB", "Nederland", None),
     ("1234 SA", "Nederland", None), ("SW1A 1AA", "Verenigd Koninkrijk", "SW1A 1AA"), ("", "Nederland", None)],
)
def test_postcodes(value, country, expected):
    assert outcome(clean_postcode, value, country) == expected
