"""Validators take any text: a cleaned value or a Dutch FieldError, never another exception."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.validation import (
    FieldError,
    check_password,
    clean_email,
    clean_postcode,
    clean_text,
)

ANY_TEXT = st.text(max_size=300)


def outcome(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except FieldError as error:
        assert str(error) and str(error)[-1] in ".!", str(error)
        return None


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_clean_email_never_crashes(value):
    cleaned = outcome(clean_email, value)
    assert cleaned is None or ("@" in cleaned and cleaned == cleaned.lower())


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, st.sampled_from(["Nederland", "nederland", "België", "Deutschland"]))
def test_clean_postcode_never_crashes(value, country):
    cleaned = outcome(clean_postcode, value, country)
    if cleaned and country.lower() == "nederland":
        assert len(cleaned) == 7 and cleaned[4] == " " and cleaned[:4].isdigit()


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_clean_text_never_keeps_control_characters(value):
    cleaned = outcome(clean_text, value, what="de naam")
    assert cleaned is None or not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cleaned)
    if cleaned is not None:
        cleaned.encode("utf-8")  # storable in both databases


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=60))
def test_check_password_never_crashes(password, username):
    outcome(check_password, password, username=username)


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [("1234ab", "Nederland", "1234 AB"), (" 1234  ab ", "Nederland", "1234 AB"), ("0123 AB", "Nederland", None),
     ("1234 SA", "Nederland", None), ("SW1A 1AA", "Verenigd Koninkrijk", "SW1A 1AA"), ("", "Nederland", None)],
)
def test_postcodes(value, country, expected):
    assert outcome(clean_postcode, value, country) == expected
