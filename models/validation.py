"""Checking what users type: email addresses, postcodes, usernames and passwords (the password policy).

Each check returns the cleaned value or raises FieldError with a Dutch message
that the screen shows next to the field. Forms collect them in FormErrors.
"""
from __future__ import annotations

import datetime as dt
import functools
import gzip
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn

from models.accounts import Account

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,49}")
DUTCH_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
NETHERLANDS = "nederland"
_WHITESPACE_CONTROLS = "\t\n\r\x0b\x0c"  # typed or pasted white space: clean_text makes them spaces


class FieldError(ValueError):
    """One field's problem, in Dutch."""


class FormErrors(ValueError):
    """Several fields' problems: {field name: Dutch message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class FormChecker:
    """Runs checks field by field and gathers every message, so the user sees them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, field: str, check, *args, **kwargs):
        """The cleaned value of `check(*args, **kwargs)`, or None with its message kept for `field`."""
        try:
            return check(*args, **kwargs)
        except FieldError as error:
            self.errors.setdefault(field, str(error))
            return None

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def has_control_characters(value: str, allowed: str = "") -> bool:
    """Whether `value` holds a control character (ESC, BEL, NUL, DEL, C1 ...) other than `allowed`, or a
    lone surrogate (a broken paste; no database stores one)."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value)


def clean_text(value: str, *, required: bool = True, max_length: int = 300, what: str = "dit veld") -> str:
    """One line of text (a name, title, address, reason), or FieldError naming the field (`what`).

    Normalised on purpose, so that what looks the same is the same (duplicate names, search): white
    space (tabs and line breaks included) becomes single spaces, the ends are trimmed, and the text
    is put in Unicode NFC ("Zoe\u0308" is stored as "Zoë"). Refused: every other control character
    (ESC, BEL, NUL, DEL, C1 codes) and lone surrogates, more than `max_length` characters (counted
    after normalising), and empty text when required. Kept as typed: brackets that look like markup,
    emoji with their joiners, direction marks and overrides; the screens show all text as plain text
    with invisible controls made visible (tui/plain.py), so no text can change what else is shown."""
    if has_control_characters(value, allowed=_WHITESPACE_CONTROLS):
        raise FieldError(f"Gebruik in {what} geen stuurtekens.")
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if required and not value:
        raise FieldError(f"Vul {what} in.")
    if len(value) > max_length:
        raise FieldError(f"Gebruik voor {what} hooguit {max_length} tekens.")
    return value


def clean_email(value: str) -> str:
    """A syntactically valid address, normalised and lower-cased (no DNS look-up).

    Mail systems treat the part before @ case-insensitively in practice; lower case lets
    "forgot login details" and the duplicate check find an address however it was typed."""
    value = value.strip()
    if not value:
        raise FieldError("Vul uw e-mailadres in.")
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise FieldError("Dit is geen geldig e-mailadres, bijvoorbeeld naam@organisatie.nl.") from None


def clean_postcode(value: str, country: str, *, required: bool = True) -> str:
    """A Dutch postcode as `1234 AB`; a foreign address keeps its own format."""
    if has_control_characters(value, allowed=_WHITESPACE_CONTROLS):
        raise FieldError("Gebruik in de postcode geen stuurtekens.")
    compact = " ".join(value.upper().split())
    if not compact:
        if required:
            raise FieldError("Vul de postcode in.")
        return ""
    if country.strip().casefold() != NETHERLANDS:
        if len(compact) > 20:
            raise FieldError("Vul een geldige postcode in.")
        return compact
    match = DUTCH_POSTCODE.match(compact)
    if not match or match.group(2) in ("SA", "SD", "SS"):
        raise FieldError("Vul een Nederlandse postcode in als 1234 AB.")
    return f"{match.group(1)} {match.group(2)}"


def clean_username(value: str) -> str:
    """A free username: 3-50 characters, letters, digits, dot, dash, underscore."""
    username = Account.normalise_username(value)
    if not username:
        raise FieldError("Kies een gebruikersnaam.")
    if not USERNAME_PATTERN.fullmatch(username):
        raise FieldError("Gebruik voor de gebruikersnaam 3 tot 50 tekens: letters, cijfers, punt, streepje of "
                         "liggend streepje.")
    if Account.select().where(Account.username == username).exists():
        raise FieldError("Deze gebruikersnaam is al in gebruik. Kies een andere.")
    return username


# -- passwords ---------------------------------------------------------------------------------------------------
# NIST SP 800-63B-4, section 3.1.1.2: long enough, not on a list of breached passwords, not built from the
# account's own details, and a second opinion from zxcvbn. No composition rules ("a digit and a capital"):
# length and the blocklist do the work. Passwords are compared after NFKC and case folding, so full-width
# letters and capitals do not slip through, and the account's details are also looked for with every space
# and separator taken out ("j a n s e n", "j.a.n.s.e.n"). The blocklist is models/data/common-passwords.txt.gz:
# the top 100,000 of SecLists' 10-million-password list (MIT license; see models/data/README.md).
MIN_PASSWORD_LENGTH = 15  # an account without a second factor
MIN_PASSWORD_LENGTH_WITH_SECOND_FACTOR = 8
MAX_PASSWORD_LENGTH = 256  # long passphrases welcome; a cap keeps hashing cheap to refuse
ZXCVBN_MAX_LENGTH = 72  # the estimator refuses longer input; the rest only adds strength
MIN_PASSWORD_SCORE = 3  # 3 = "safely unguessable" for online attacks with throttling
MIN_PASSWORD_SCORE_WITH_SECOND_FACTOR = 2  # 2 = "protection from throttled online attacks": the code guards too
MIN_PART_LETTERS = 3  # a name part shorter than this is in too many words to refuse
SERVICE_WORDS = ("registerplein", "inzage")
# Name particles: "van" or "der" would refuse half the Dutch language; the surname itself is refused.
NAME_PARTICLES = frozenset({"van", "der", "den", "het", "ter", "ten", "aan", "uit", "von", "des", "del", "della",
                            "dos", "das"})
PASSWORD_BLOCKLIST = ("data", "common-passwords.txt.gz")  # see models/data/README.md
_WORD_PARTS = re.compile(r"[^\W_]+")  # runs of letters and digits

TOO_SHORT = "Kies een wachtwoord van minstens {length} tekens; een zin van een paar woorden mag ook."
TOO_LONG = "Kies een wachtwoord van hooguit {length} tekens."
BREACHED = "Dit wachtwoord komt voor in lijsten van gelekte wachtwoorden. Kies een ander."
PERSONAL = "Het wachtwoord mag uw gebruikersnaam, naam, e-mailadres of organisatie niet bevatten."
SERVICE = "Het wachtwoord mag de woorden registerplein en inzage niet bevatten."
GUESSABLE = ("Dit wachtwoord is te makkelijk te raden of komt veel voor. Kies bijvoorbeeld een zin van een paar "
             "woorden die niet bij elkaar horen.")


def fold_password(text: str) -> str:
    """`text` as compared: NFKC, case folded (Unicode's recipe for caseless matching, so "Ｊａｎ" is "jan")."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def squeeze_password(text: str) -> str:
    """Folded `text` with everything but letters and digits taken out: "J. a n-sen" is "jansen"."""
    return "".join(ch for ch in fold_password(text) if ch.isalnum())


@functools.cache
def common_passwords() -> frozenset[str]:
    """The blocklist, folded; read once, on first use (about 50 ms; 10 MB held)."""
    data = importlib.resources.files("models").joinpath(*PASSWORD_BLOCKLIST).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(fold_password(line) for line in lines if line)


def personal_words(*, username: str = "", name: str = "", email: str = "", organisation: str = "",
                   others: Iterable[str] = ()) -> frozenset[str]:
    """What a password may not contain, squeezed: the username, the name and the email's local part, whole
    and by parts of at least three letters (name particles such as "van" left out), and the organisation
    name whole.

    `others` are details whose kind the caller did not say: an address counts as an email, anything
    else as a name."""
    words: set[str] = set()
    others = tuple(others)

    def add(value: str, *, parts: bool) -> None:
        words.add(squeeze_password(value))
        if parts:
            words.update(part for part in _WORD_PARTS.findall(fold_password(value))
                         if sum(ch.isalpha() for ch in part) >= MIN_PART_LETTERS and part not in NAME_PARTICLES)

    add(username, parts=True)
    add(name, parts=True)
    add(organisation, parts=False)
    for address in (email, *(other for other in others if "@" in other)):
        add(address.rpartition("@")[0] if "@" in address else address, parts=True)
    for other in others:
        if "@" not in other:
            add(other, parts=True)
    return frozenset(word for word in words if len(word) >= MIN_PART_LETTERS)


def password_problem(password: str, *, username: str = "", name: str = "", email: str = "",
                     organisation: str = "", others: Iterable[str] = (), has_second_factor: bool = False) -> str | None:
    """Why `password` is refused, as the Dutch message shown next to the field, or None when it is fine.

    The account's details make it personal: `username`, `name`, `email`, `organisation`, and `others`
    (see personal_words). With a second factor (TOTP) a shorter, less random password is enough."""
    min_length = MIN_PASSWORD_LENGTH_WITH_SECOND_FACTOR if has_second_factor else MIN_PASSWORD_LENGTH
    if len(password) < min_length:
        return TOO_SHORT.format(length=min_length)
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG.format(length=MAX_PASSWORD_LENGTH)
    if fold_password(password) in common_passwords():
        return BREACHED
    others = tuple(others)
    squeezed = squeeze_password(password)
    personal = personal_words(username=username, name=name, email=email, organisation=organisation, others=others)
    if (username and username.casefold() in password.casefold()) or any(word in squeezed for word in personal):
        return PERSONAL
    if any(word in squeezed for word in SERVICE_WORDS):
        return SERVICE
    inputs = [value for value in (username, name, email, organisation, *others, *personal, *SERVICE_WORDS) if value]
    min_score = MIN_PASSWORD_SCORE_WITH_SECOND_FACTOR if has_second_factor else MIN_PASSWORD_SCORE
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < min_score:
        return GUESSABLE
    return None


def check_password(password: str, *, username: str = "", other_inputs: tuple[str, ...] = (), name: str = "",
                   email: str = "", organisation: str = "", has_second_factor: bool = False) -> str:
    """The password, or FieldError saying why it is refused (password_problem).

    Pass what is known of the account: `name`, `email` and `organisation` by kind; `other_inputs` are
    details of unknown kind (an address counts as an email, the rest as a name)."""
    problem = password_problem(password, username=username, name=name, email=email, organisation=organisation,
                               others=other_inputs, has_second_factor=has_second_factor)
    if problem:
        raise FieldError(problem)
    return password


def check_repeat(value: str, repeat: str, message: str) -> None:
    if value != repeat:
        raise FieldError(message)


DUTCH_DATE = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$")


def clean_date(value: str, *, required: bool = True, what: str = "de datum") -> dt.date | None:
    """A Dutch date as typed (31-12-2026, 1-2-2027, 31/12/2026), or None when empty and optional."""
    if not value.strip():
        if required:
            raise FieldError(f"Vul {what} in als dag-maand-jaar, bijvoorbeeld 31-12-2026.")
        return None
    match = DUTCH_DATE.match(value)
    if not match:
        raise FieldError(f"Vul {what} in als dag-maand-jaar, bijvoorbeeld 31-12-2026.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldError(f"{value.strip()} bestaat niet als datum.") from None
