"""Checking what users type: email addresses, postcodes, usernames and passwords (the password policy).

Each check returns the cleaned value or raises FieldError with a Dutch message
that the screen shows next to the field. Forms collect them in FormErrors.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from models.accounts import Account
from models.password_policy import password_problem
from models.refusal import Refusal

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,49}")
DUTCH_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
NETHERLANDS = "nederland"
_WHITESPACE_CONTROLS = "\t\n\r\x0b\x0c"  # typed or pasted white space: clean_text makes them spaces


class FieldError(Refusal):
    """One field's problem, in Dutch."""


class FormErrors(Refusal):
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


# -- passwords: the rules are models/password_policy.py --------------------------------------------------------
def check_password(password: str, *, username: str = "", other_inputs: tuple[str, ...] = (), name: str = "",
                   email: str = "", organisation: str = "", places: tuple[str, ...] = (),
                   has_second_factor: bool = False) -> str:
    """The password, or FieldError saying why it is refused (models.password_policy.password_problem).

    Pass what is known of the account: `name`, `email`, `organisation` and `places` (its branches' names)
    by kind; `other_inputs` are details of unknown kind (an address counts as an email, the rest as a name)."""
    problem = password_problem(password, username=username, name=name, email=email, organisation=organisation,
                               places=places, others=other_inputs, has_second_factor=has_second_factor)
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
