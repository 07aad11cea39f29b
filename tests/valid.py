"""Valid input for property tests: what a user may type, paired with what the validator must make of it.

The hostile properties check that any text gets a cleaned value or a clear refusal; they would still
pass if a validator refused everything. These strategies are the other half: each draws text a user
could rightly type (with the white space, case and separators people use) together with the value
that must come back, worked out here from the rule rather than by calling the validator.
"""
from __future__ import annotations

import datetime as dt
import functools
import string
import unicodedata

import asyncssh
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.provisional import domains

from models.activities import MAX_POINTS, MIN_POINTS
from models.codes import CODE_ALPHABET, CODE_LENGTH
from models.password_policy import skeleton
from models.rules import Category
from models.validation import USERNAME_PATTERN

# -- one line of text ---------------------------------------------------------------------------------------------
# Any character a name or title may hold (letters of any script, digits, punctuation, symbols, emoji, marks,
# brackets that look like markup, bidi marks): not a control character, not a lone surrogate, not white space.
WORD_CHARACTER = st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")).filter(lambda ch: not ch.isspace())
GAP = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", " \t "])  # typed or pasted between two words
EDGE = st.sampled_from(["", "", " ", "\t", "\n", "  "])  # before the first or after the last word
WORD = st.text(WORD_CHARACTER, min_size=1, max_size=12)


@st.composite
def text_as_typed(draw, max_length: int = 300, max_words: int = 6,
                  word: st.SearchStrategy[str] = WORD) -> tuple[str, str]:
    """One line as typed, and what clean_text keeps: the words in NFC, one space apart, nothing around."""
    words = draw(st.lists(word, min_size=1, max_size=max_words))
    gaps = draw(st.lists(GAP, min_size=len(words) - 1, max_size=len(words) - 1))
    typed = draw(EDGE) + "".join(w + g for w, g in zip(words, [*gaps, ""], strict=True)) + draw(EDGE)
    expected = unicodedata.normalize("NFC", " ".join(words))
    assume(len(expected) <= max_length)
    return typed, expected


def recased(text: str) -> st.SearchStrategy[str]:
    """`text` in another case: as it is, upper, lower, or each letter at random (ASCII text)."""
    return st.one_of(
        st.sampled_from([text, text.upper(), text.lower(), text.title()]),
        st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
            lambda flips: "".join(ch.upper() if flip else ch.lower() for ch, flip in zip(text, flips, strict=True))),
    )


ACCENTS = ("\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u030a", "\u0327")  # à á â ã ä å ç


@st.composite
def accented(draw, text: str) -> str:
    """ASCII `text` with accents on some of its letters, composed (NFC) or not: "Cliënt" for "Client"."""
    marks = [draw(st.sampled_from(["", "", *ACCENTS])) if ch.isalpha() else "" for ch in text]
    typed = "".join(ch + mark for ch, mark in zip(text, marks, strict=True))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), typed)


@st.composite
def part_of(draw, text: str) -> str:
    """A piece of `text` with something other than white space in it, as someone types to search."""
    start = draw(st.integers(0, len(text) - 1))
    piece = text[start:draw(st.integers(start + 1, len(text)))]
    assume(piece.strip())
    return piece


def padded(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values of `strategy` with the white space a paste brings around them."""
    return st.builds(lambda before, value, after: before + value + after, EDGE, strategy, EDGE)


# -- email addresses ------------------------------------------------------------------------------------------------
# RFC 5321 addresses on ordinary domains (IDN domains come back in Unicode, so "lower case" is not their form).
ADDRESS = st.emails(domains=domains(max_length=120).filter(lambda domain: "xn--" not in domain.lower()))


@st.composite
def emails_as_typed(draw) -> tuple[str, str]:
    """An address in any case with white space around it, and its stored form: trimmed and lower-cased."""
    address = draw(ADDRESS)
    typed = draw(padded(st.just(address)))
    return typed, address.lower()


# -- Dutch postcodes --------------------------------------------------------------------------------------------------
NETHERLANDS = st.sampled_from(["Nederland", "nederland", "NEDERLAND", " Nederland "])
ABROAD = st.sampled_from(["België", "Deutschland", "Verenigd Koninkrijk", "France"])
POSTCODE_LETTERS = st.tuples(*[st.sampled_from(string.ascii_uppercase)] * 2).map("".join).filter(
    lambda letters: letters not in ("SA", "SD", "SS"))  # not issued in the Netherlands


@st.composite
def dutch_postcodes(draw) -> tuple[str, str]:
    """A Dutch postcode as typed ("1234ab", " 1234  AB "), and as stored: "1234 AB"."""
    digits = str(draw(st.integers(min_value=1000, max_value=9999)))
    letters = draw(POSTCODE_LETTERS)
    typed = digits + draw(st.sampled_from(["", " ", "  "])) + draw(recased(letters))
    return draw(padded(st.just(typed))), f"{digits} {letters}"


@st.composite
def foreign_postcodes(draw) -> tuple[str, str]:
    """A foreign postcode (its own format, up to 20 characters), and as stored: upper case, single spaces."""
    piece = st.text(st.sampled_from(string.ascii_letters + string.digits + "-"), min_size=1, max_size=6)
    typed, expected = draw(text_as_typed(max_length=20, max_words=3, word=piece))
    return typed, expected.upper()


# -- dates ---------------------------------------------------------------------------------------------------------
def dutch(day: dt.date, draw) -> str:
    """`day` written the Dutch way: day-month-year, with or without leading zeros, with -, /, . or space."""
    d = f"{day.day:02d}" if draw(st.booleans()) else str(day.day)
    m = f"{day.month:02d}" if draw(st.booleans()) else str(day.month)
    first, second = draw(st.sampled_from("-/. ")), draw(st.sampled_from("-/. "))
    return draw(st.sampled_from(["", " ", "\t"])) + f"{d}{first}{m}{second}{day.year:04d}" + draw(
        st.sampled_from(["", " "]))


@st.composite
def dates_as_typed(draw, min_value: dt.date = dt.date(1000, 1, 1),
                   max_value: dt.date = dt.date(9999, 12, 31)) -> tuple[str, dt.date]:
    day = draw(st.dates(min_value=min_value, max_value=max_value))
    return dutch(day, draw), day


# -- usernames, passwords, codes -----------------------------------------------------------------------------------
@st.composite
def usernames_as_typed(draw) -> tuple[str, str]:
    """A username as typed (any case, white space around), and as stored: lower case."""
    username = draw(st.from_regex(USERNAME_PATTERN, fullmatch=True))
    return draw(padded(recased(username))), username


# Unrelated Dutch words: three of them are a passphrase zxcvbn scores 4 ("safely unguessable"), even
# against user inputs of one to four letters taken from these words.
PASSPHRASE_WORDS = ["olifant", "paraplu", "boterham", "kikker", "fietsbel", "tulpen", "molenwiek", "pannenkoek",
                    "schaats", "vuurtoren", "zeehond", "klompen", "regenjas", "kaasschaaf", "windmolen", "hagelslag",
                    "stroopwafel", "grachten", "ooievaar", "duinpan", "zonnebloem", "brievenbus", "lantaarn",
                    "mosselen", "poffertjes", "zeilboot", "kapstok", "vlinder"]
PASSPHRASES = st.builds(
    lambda words, separator, capitals: separator.join(
        word.capitalize() if capital else word for word, capital in zip(words, capitals, strict=False)),
    st.lists(st.sampled_from(PASSPHRASE_WORDS), min_size=3, max_size=5, unique=True),
    st.sampled_from([" ", "-", "_", " ", "."]),
    st.lists(st.booleans(), min_size=5, max_size=5),
)


def _squeezed(text: str) -> str:
    """As the password policy compares: caseless, look-alikes and accents read as plain letters ("ßĒ" is "sse")."""
    return "".join(ch for ch in skeleton(text) if ch.isalnum())


def shares_no_part(password: str, *details: str) -> bool:
    """Whether no three letters or digits in a row of any detail (a name, an email's local part, an
    organisation) appear in `password`, compared caseless and without spaces or punctuation: a little more
    than the password policy asks, so a passphrase drawn with it is one the policy accepts."""
    squeezed = _squeezed(password)
    return not any(part[start:start + 3] in squeezed
                   for part in map(_squeezed, details) for start in range(len(part) - 2))


CODES = st.text(st.sampled_from(CODE_ALPHABET), min_size=CODE_LENGTH, max_size=CODE_LENGTH).map(
    lambda raw: f"{raw[:5]}-{raw[5:]}")  # as new_code() makes them: "ABCDE-FGH23"


@st.composite
def code_as_typed(draw, code: str) -> str:
    """`code` as someone types it back from the mail: any case, dashes or spaces anywhere, or none."""
    letters = draw(recased(code.replace("-", "")))
    return draw(padded(st.just("".join(draw(st.sampled_from(["", "", "-", " ", " - "])) + ch for ch in letters))))


# -- activities ----------------------------------------------------------------------------------------------------
CATEGORIES = st.sampled_from([category.value for category in Category])


@st.composite
def points_as_typed(draw) -> tuple[str, int]:
    """1 to 1000 points as typed ("8", " +08 ", "1000"), and the number."""
    points = draw(st.integers(min_value=MIN_POINTS, max_value=MAX_POINTS))
    typed = draw(st.sampled_from(["", "", "+"])) + "0" * draw(st.integers(0, 2)) + str(points)
    return draw(padded(st.just(typed))), points


LINE_CHARACTER = st.characters(exclude_categories=("Cc", "Cs"))  # tabs are allowed too, line breaks separate


@st.composite
def reflections_as_typed(draw) -> tuple[str, str | None]:
    """A reflection over several lines (Windows or Unix line ends, blank lines inside), and as stored:
    the same text with "\\n" line ends; None when empty."""
    line = st.one_of(st.just(""), st.text(st.one_of(LINE_CHARACTER, st.just("\t")), max_size=40).filter(
        lambda text: text == text.rstrip()))  # trailing white space on a line is dropped; not here
    lines = draw(st.lists(line, max_size=8))
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    expected = "\n".join(lines) or None
    assume(not expected or len(expected) <= 10_000)
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines), expected


# -- SSH public keys -------------------------------------------------------------------------------------------------
KEY_KINDS = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-rsa")


@functools.cache
def public_key(kind: str, n: int = 0) -> asyncssh.SSHKey:
    """Key number `n` of `kind`, made once for the whole run (an RSA key takes a moment to make)."""
    if kind == "ssh-rsa":
        return asyncssh.generate_private_key(kind, key_size=2048)
    return asyncssh.generate_private_key(kind)


@st.composite
def public_keys_as_pasted(draw) -> tuple[str, asyncssh.SSHKey, str]:
    """A public key line as pasted (the base64 part maybe wrapped over lines by a terminal, a comment of
    any words), the key, and the comment as stored (its words, one space apart)."""
    kind = draw(st.sampled_from(KEY_KINDS))
    key = public_key(kind, 0 if kind == "ssh-rsa" else draw(st.integers(0, 2)))
    key_type, data = key.export_public_key("openssh").decode().split()[:2]
    width = draw(st.sampled_from([len(data), 64, 70, 76]))  # terminals wrap at the window's width
    wrapped = draw(st.sampled_from(["\n", "\r\n", " "])).join(data[i:i + width] for i in range(0, len(data), width))
    words = draw(st.lists(WORD, max_size=5))
    comment = " ".join(words)
    assume("PRIVATE KEY" not in comment.upper())
    typed = draw(EDGE) + f"{key_type} {wrapped}" + "".join(" " + w for w in words) + draw(EDGE)
    return typed, key, comment
