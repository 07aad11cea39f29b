"""The password policy (NIST SP 800-63B-4): the guesses an attacker tries first are refused, a long
passphrase of one's own is accepted, with a Dutch message saying what to do."""
from __future__ import annotations

import gzip
import importlib.resources

import pytest

from models import validation
from models.validation import (
    BREACHED,
    GUESSABLE,
    FieldError,
    MAX_PASSWORD_LENGTH,
    PERSONAL,
    SERVICE,
    TOO_LONG,
    TOO_SHORT,
    check_password,
    common_passwords,
    fold_password,
    password_problem,
)

# Jan Jansen of Zorggroep Noord signs in as "jjansen" with jan.jansen@example.nl.
ACCOUNT = {"username": "jjansen", "name": "Jan Jansen", "email": "jan.jansen@example.nl",
           "organisation": "Zorggroep Noord"}
PASSPHRASE = "stroopwafel vuurtoren kapstok"
SHORT = TOO_SHORT.format(length=15)


def listed() -> list[str]:
    """The shipped blocklist as it is in the file: most common first."""
    data = importlib.resources.files("models").joinpath(*validation.PASSWORD_BLOCKLIST).read_bytes()
    return gzip.decompress(data).decode("utf-8").splitlines()


def test_the_blocklist_holds_the_100000_most_common_passwords():
    lines = listed()
    assert len(lines) == 100_000 and lines[:3] == ["123456", "password", "12345678"]
    assert common_passwords() == frozenset(fold_password(line) for line in lines)  # 96,518 after folding
    assert common_passwords() is common_passwords()  # read once


def test_every_listed_password_of_15_characters_or_more_is_refused(capsys):
    long_ones = [line for line in listed() if len(fold_password(line)) >= 15][:1000]
    with capsys.disabled():
        print(f"\nblocklist: {len(long_ones)} of the 100,000 have 15 characters or more")
    assert len(long_ones) == 72  # the whole list holds no more
    assert {password_problem(line) for line in long_ones} == {BREACHED}
    assert {password_problem(line.upper()) for line in long_ones} == {BREACHED}  # case folded


def test_no_listed_password_is_accepted_with_or_without_a_second_factor():
    lines = listed()
    assert not [line for line in lines if password_problem(line) is None]
    assert not [line for line in lines if password_problem(line, has_second_factor=True) is None]
    assert password_problem("dragon123", has_second_factor=True) == BREACHED  # 8+ characters, listed


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        # Dutch and context guesses: too short, whatever their capitals and signs
        ("welkom12345!", SHORT), ("Zomer2026!!!", SHORT), ("Wachtwoord1!", SHORT), ("Voorjaar2026!", SHORT),
        ("a" * 14, SHORT), ("", SHORT),
        # the service's own name, in any case or width, spaced out
        ("Registerplein2026abc", SERVICE), ("mijn INZAGE wachtwoord", SERVICE), ("ｒｅｇｉｓｔｅｒｐｌｅｉｎ-2026", SERVICE),
        ("r e g i s t e r p l e i n 26", SERVICE),
        # the account's own details, also spaced out, with separators or in full-width letters
        ("jjansen-kopje-koffie", PERSONAL), ("ｊｊａｎｓｅｎ-kopje-koffie", PERSONAL),
        ("j a n s e n wachtwoord 1", PERSONAL), ("j.a.n.s.e.n.koffie.om.tien", PERSONAL),
        ("Jan en de koffie om tien", PERSONAL), ("jan.jansen-koffie-om-tien", PERSONAL),
        ("koffie bij zorggroep noord", PERSONAL), ("koffiezorggroepnoord", PERSONAL),
        ("ＪＡＮＳＥＮ koffie om tien", PERSONAL),
        # guessable though long: a second opinion from zxcvbn
        ("aaaaaaaaaaaaaaaaaaaa", GUESSABLE), ("1234567890123456789", GUESSABLE),
        ("x" * (MAX_PASSWORD_LENGTH + 1), TOO_LONG.format(length=MAX_PASSWORD_LENGTH)),
        # a passphrase of one's own, short or very long
        (PASSPHRASE, None), ("kopje-koffie-om-tien", None), ("Boterham met hagelslag op de zeilboot", None),
        ("olifant paraplu " * 4, None), ("schaats vuurtoren klompen regenjas " * 7, None),
    ],
)
def test_password_problems(password, expected):
    assert password_problem(password, **ACCOUNT) == expected
    if expected:
        assert expected[-1] == "."
        with pytest.raises(FieldError, match=expected[:20]):
            check_password(password, **ACCOUNT)
    else:
        assert check_password(password, **ACCOUNT) == password


def test_the_accepted_length_runs_from_15_to_at_least_64():
    assert password_problem("zeehond kapstok") is None  # 15
    assert password_problem("zeehond kapsto") == SHORT  # 14
    long_phrase = "de zeehond zwemt langs de vuurtoren en de ooievaar kijkt mee vanaf de molen"
    assert len(long_phrase) > 72 and password_problem(long_phrase, **ACCOUNT) is None  # past zxcvbn's limit
    for length in (64, 65, 128, MAX_PASSWORD_LENGTH):
        assert password_problem(("vlinder zonnebloem " * 20)[:length]) is None, length


def test_a_second_factor_lowers_the_minimum_to_8():
    assert password_problem("Kw7#pzQ!") == SHORT
    assert password_problem("Kw7#pzQ!", has_second_factor=True) is None
    assert password_problem("Kw7#pzQ", has_second_factor=True) == TOO_SHORT.format(length=8)
    assert check_password("Kw7#pzQ!", has_second_factor=True) == "Kw7#pzQ!"


def test_short_name_parts_and_particles_do_not_refuse_ordinary_words():
    """"van" and "de" are in half the Dutch language; the surname itself is what an attacker tries."""
    account = {"name": "Anna van der Berg", "email": "a.vd.berg@example.nl", "username": "avdb"}
    assert password_problem("vanille ijs onder de parasol", **account) is None
    assert password_problem("bergen vol vanille ijs", **account) == PERSONAL
    assert password_problem("Anna houdt van vanille", **account) == PERSONAL


def test_details_of_unknown_kind_count_as_name_or_email():
    """What callers pass as other_inputs today: the name and the address, without saying which is which."""
    others = ("Jan Jansen", "piet.puk@example.nl")
    assert password_problem("koffie met jansen om tien", others=others) == PERSONAL
    assert password_problem("koffie met piet puk om tien", others=others) == PERSONAL
    assert check_password(PASSPHRASE, username="jjansen", other_inputs=others) == PASSPHRASE


def test_the_username_is_refused_as_before_whatever_its_length():
    assert password_problem("kopje-koffie-om-tien", username="om") == PERSONAL
