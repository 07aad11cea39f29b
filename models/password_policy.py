"""The password policy: which new passwords are refused, and the Dutch message that says why.

NIST SP 800-63B-4, section 3.1.1.2: long enough, not on a list of breached passwords, not built from the
account's own details, and a second opinion from zxcvbn. No composition rules ("a digit and a capital"):
length and the lists do the work. Spaces count towards the length.

What an attacker varies to slip past a list is undone before comparing, on both sides:
- width and case: NFKC and case folding (`fold`), so "Ｊａｎ" is "jan";
- look-alikes: every non-ASCII character is replaced by its prototype from Unicode's confusables
  (UTS #39 skeleton, `skeleton`) and accents are dropped, so a Cyrillic "о" or a combining accent is a
  plain letter;
- leet: digits and signs that stand for letters ("1nz4g3" is "inzage"), and "l" and "i" count as one
  letter (`letters`);
- separators: spaces, dots and dashes are left out ("j.a.n.s.e.n").

The rules, in order: length; the breached list (models/data/common-passwords.txt.gz); the account's own
details (username, name, email, and every word of four letters or more of its organisation's and
branches' names); the service's own name; one short part repeated; and then zxcvbn, which also knows
Dutch words and names and the keyboard walks of qwerty, azerty and qwertz (models/data/README.md says
where each list comes from).
"""
from __future__ import annotations

import functools
import gzip
import importlib.resources
import json
import re
import unicodedata
from collections.abc import Iterable

from zxcvbn import matching, scoring

MIN_PASSWORD_LENGTH = 15  # an account without a second factor
MIN_PASSWORD_LENGTH_WITH_SECOND_FACTOR = 8
MAX_PASSWORD_LENGTH = 256  # long passphrases welcome; a cap keeps hashing cheap to refuse
ZXCVBN_MAX_LENGTH = 72  # the estimator refuses longer input; the rest only adds strength
# zxcvbn's estimate of the guesses needed, at least. Its own top score starts at 10^10; it cannot know every
# Dutch habit ("Kerstmis2026!!!!" is 10^9.7, "Wachtwoord2026!!" 10^9.96), so a password without a second
# factor needs a hundred times that. With a second factor the code guards too: zxcvbn's score 2 (10^6).
MIN_GUESSES = 10 ** 12
MIN_GUESSES_WITH_SECOND_FACTOR = 10 ** 6
MIN_PART_LETTERS = 3  # a name part shorter than this is in too many words to refuse
COMMON_WORDS = 500  # a password made of only these most common Dutch and English words is a phrase everyone types
MIN_PLACE_LETTERS = 4  # a word of an organisation's or branch's name this long is refused
SERVICE_WORDS = ("registerplein", "inzage")
# Name particles: "van" or "der" would refuse half the Dutch language; the surname itself is refused.
NAME_PARTICLES = frozenset({"van", "der", "den", "het", "ter", "ten", "aan", "uit", "von", "des", "del", "della",
                            "dos", "das"})
DATA = "data"
PASSWORD_BLOCKLIST = (DATA, "common-passwords.txt.gz")
CONFUSABLES = (DATA, "confusables.txt.gz")
DUTCH_WORDS = (DATA, "dutch-words.json.gz")
KEYBOARDS = (DATA, "keyboards.json.gz")
_WORD_PARTS = re.compile(r"[^\W_]+")  # runs of letters and digits
# Signs and digits read as letters; "1" and "|" read as "i" or as "l" (letters() says which).
_LEET = str.maketrans({"4": "a", "@": "a", "8": "b", "3": "e", "6": "g", "9": "g", "1": "i", "!": "i", "|": "i",
                       "0": "o", "5": "s", "$": "s", "7": "t", "+": "t", "2": "z"})
_ONE_IS_L = str.maketrans({"1": "l", "|": "l"})

TOO_SHORT = "Kies een wachtwoord van minstens {length} tekens; een zin van een paar woorden mag ook."
TOO_LONG = "Kies een wachtwoord van hooguit {length} tekens."
BREACHED = "Dit wachtwoord komt voor in lijsten van gelekte wachtwoorden. Kies een ander."
PERSONAL = ("Het wachtwoord mag uw gebruikersnaam, naam, e-mailadres of de naam van uw organisatie of vestiging "
            "niet bevatten.")
SERVICE = "Het wachtwoord mag de woorden registerplein en inzage niet bevatten."
REPEATED = "Een wachtwoord dat één kort stuk herhaalt, is makkelijk te raden. Kies een langere zin."
GUESSABLE = ("Dit wachtwoord is te makkelijk te raden of komt veel voor. Kies bijvoorbeeld een zin van een paar "
             "woorden die niet bij elkaar horen.")


# -- comparing: what an attacker varies, undone ------------------------------------------------------------------
def fold(text: str) -> str:
    """`text` as compared: NFKC, case folded (Unicode's recipe for caseless matching, so "Ｊａｎ" is "jan");
    NFKC again, since folding can undo it ("ǰ" folds to "j" and a combining caron)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def skeleton(text: str) -> str:
    """Folded `text` with every non-ASCII character replaced by the ASCII-looking one it is confused with
    (Unicode's confusables, as in UTS #39's skeleton) and accents dropped: a Cyrillic "о", a Greek "ο" and
    "ò" are all "o". ASCII itself is left as it is (digits stay digits, for zxcvbn)."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", fold(text))
    mapped = "".join(ch if ch.isascii() else table.get(ch, ch) for ch in decomposed)
    plain = "".join(ch for ch in unicodedata.normalize("NFD", mapped) if unicodedata.category(ch) != "Mn")
    return fold(plain)


def letters(text: str, one: str = "i") -> str:
    """`text` as the word it spells: skeleton, leet read as letters ("1" as `one`: "i" or "l"), only letters
    and digits left."""
    plain = skeleton(text)
    if one == "l":
        plain = plain.translate(_ONE_IS_L)
    return "".join(ch for ch in plain.translate(_LEET) if ch.isalnum())


def spellings(text: str) -> set[str]:
    """The words a password may spell: with "1" read as "i" and as "l" ("1nz4g3", "we1kom")."""
    return {letters(text, "i"), letters(text, "l")}


# -- the data, read once on first use ------------------------------------------------------------------------------
def _read(parts: tuple[str, str]) -> bytes:
    return gzip.decompress(importlib.resources.files("models").joinpath(*parts).read_bytes())


@functools.cache
def _breached() -> tuple[str, ...]:
    """The blocklist, folded, most common first."""
    return tuple(fold(line) for line in _read(PASSWORD_BLOCKLIST).decode("utf-8").splitlines() if line)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The blocklist, folded (about 50 ms; 10 MB held)."""
    return frozenset(_breached())


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables: each single character that looks like something else, and what it looks like."""
    table: dict[str, str] = {}
    for line in _read(CONFUSABLES).decode("utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) >= 2 and fields[0].strip():
            source = "".join(chr(int(code, 16)) for code in fields[0].split())
            if len(source) == 1:
                table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


@functools.cache
def _dictionaries() -> dict[str, dict[str, int]]:
    """zxcvbn's own ranked word lists with Dutch words, first names and surnames next to them. The keyboard
    layouts azerty and qwertz join its qwerty and dvorak here too (zxcvbn reads its layouts from one table)."""
    dutch = json.loads(_read(DUTCH_WORDS))
    dictionaries = dict(matching.RANKED_DICTIONARIES)
    dictionaries.pop("user_inputs", None)
    dictionaries["breached"] = matching.build_ranked_dict(_breached())  # "welkom01" inside a longer one
    merged: dict[str, int] = {}  # one list, each word at its best rank: every list costs zxcvbn a pass
    for words in dutch.values():
        for rank, word in enumerate((fold(word).replace(" ", "") for word in words), 1):
            merged[word] = min(rank, merged.get(word, rank))
    dictionaries["dutch"] = merged
    for name, graph in json.loads(_read(KEYBOARDS)).items():
        matching.GRAPHS.setdefault(name, graph)
    return dictionaries


def guesses(password: str, inputs: Iterable[str] = ()) -> float:
    """zxcvbn's estimate of the guesses `password` takes, with `inputs` as the account's own words."""
    return _guesses(password, tuple(inputs))


@functools.lru_cache(maxsize=256)  # a form checked again after another field's error asks the same
def _guesses(password: str, inputs: tuple[str, ...]) -> float:
    """zxcvbn() itself keeps the inputs in a table shared by every thread; this builds one for this call alone."""
    dictionaries = {**_dictionaries(), "user_inputs": matching.build_ranked_dict(word.lower() for word in inputs)}
    matches = matching.omnimatch(password, dictionaries)
    return scoring.most_guessable_match_sequence(password, matches)["guesses"]


# -- the rules -----------------------------------------------------------------------------------------------------
def personal_words(*, username: str = "", name: str = "", email: str = "", organisation: str = "",
                   places: Iterable[str] = (), others: Iterable[str] = ()) -> frozenset[str]:
    """What a password may not contain, as `letters`: the username, the name and the email's local part,
    whole and by parts of at least three letters (name particles such as "van" left out); the organisation
    and each of `places` (the names of the account's branches) whole and by words of at least four letters.

    `others` are details whose kind the caller did not say: an address counts as an email, anything
    else as a name."""
    words: set[str] = set()
    others = tuple(others)

    def add(value: str, *, shortest: int) -> None:
        if sum(ch.isalpha() for ch in skeleton(value)) >= shortest:  # "800" would spell "boo" in leet; "OIL", "oii"
            words.add(letters(value))
        words.update(letters(part) for part in _WORD_PARTS.findall(skeleton(value))
                     if sum(ch.isalpha() for ch in part) >= shortest and part not in NAME_PARTICLES)

    add(username, shortest=MIN_PART_LETTERS)
    add(name, shortest=MIN_PART_LETTERS)
    for place in (organisation, *places):
        add(place, shortest=MIN_PLACE_LETTERS)
    for address in (email, *(other for other in others if "@" in other)):
        add(address.rpartition("@")[0] if "@" in address else address, shortest=MIN_PART_LETTERS)
    for other in others:
        if "@" not in other:
            add(other, shortest=MIN_PART_LETTERS)
    return frozenset(word for word in words if len(word) >= MIN_PART_LETTERS)


@functools.cache
def _most_common_words() -> frozenset[str]:
    dictionaries = _dictionaries()
    return frozenset(word for name in ("dutch", "english_wikipedia")
                     for word, rank in dictionaries[name].items() if rank <= COMMON_WORDS and word.isalpha())


def common_phrase(password: str) -> bool:
    """Whether the letters of `password`, its digits and signs left out, are only very common words:
    "ik hou van jou 12345", "dit is mijn wachtwoord!" (a word found by zxcvbn's own lists then costs it
    little, but their sequence does not)."""
    text = "".join(ch for ch in skeleton(password) if ch.isalpha())
    words = _most_common_words()
    longest = max(map(len, words))
    ends = {0}  # positions that a sequence of common words reaches from the start
    for end in range(1, len(text) + 1):
        if any(start in ends and text[start:end] in words for start in range(max(0, end - longest), end)):
            ends.add(end)
    return bool(text) and len(text) in ends


def repeated_part(password: str) -> str | None:
    """The part that `password` repeats from start to end, or None: as letters without separators
    ("Zomer2026Zomer2026"), or as its letters alone with digits and signs left out ("Winter2026Winter!")."""
    for text in (letters(password), "".join(ch for ch in skeleton(password) if ch.isalpha())):
        match = re.fullmatch(r"(.+?)\1+", text)
        if match:
            return match.group(1)
    return None


@functools.cache
def _known_words() -> frozenset[str]:
    """Every word of three letters or more on zxcvbn's lists and ours: words, names, passwords."""
    return frozenset(word for ranked in _dictionaries().values() for word in ranked
                     if len(word) >= 3 and word.isalpha())


def mangled_words(password: str) -> bool:
    """Whether `password` is one or two known words with capitals, digits and signs added or put in place of
    letters ("Voetbal2026Ajax!!", "W4chtw00rd2026"): the first rules a password cracker tries on every word."""
    text = "".join(ch for ch in skeleton(password) if ch.isalnum() or not ch.isspace())
    if text.isalpha():
        return False  # only letters: a passphrase of its own, left to zxcvbn
    words = _known_words()
    fewest = {0: 0}  # position: the fewest known words that reach it from the start, digits and signs skipped
    for end in range(1, len(text) + 1):
        counts = [fewest[start] + 1 for start in range(max(0, end - 30), end - 2)
                  if start in fewest and (text[start:end].translate(_LEET) in words
                                          or text[start:end].translate(_ONE_IS_L).translate(_LEET) in words)
                  and any(ch.isalpha() for ch in text[start:end])]
        if end - 1 in fewest and not text[end - 1].isalpha():
            counts.append(fewest[end - 1])
        if counts:
            fewest[end] = min(counts)
    return 1 <= fewest.get(len(text), 3) <= 2


def password_problem(password: str, *, username: str = "", name: str = "", email: str = "",
                     organisation: str = "", places: Iterable[str] = (), others: Iterable[str] = (),
                     has_second_factor: bool = False) -> str | None:
    """Why `password` is refused, as the Dutch message shown next to the field, or None when it is fine.

    The account's details make it personal: `username`, `name`, `email`, `organisation`, `places` (its
    branches' names) and `others` (see personal_words). With a second factor (TOTP) a shorter, less
    random password is enough."""
    places, others = tuple(places), tuple(others)  # each is read twice below
    min_length = MIN_PASSWORD_LENGTH_WITH_SECOND_FACTOR if has_second_factor else MIN_PASSWORD_LENGTH
    if len(password) < min_length:
        return TOO_SHORT.format(length=min_length)
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG.format(length=MAX_PASSWORD_LENGTH)
    plain = skeleton(password)
    if fold(password) in common_passwords() or plain in common_passwords():
        return BREACHED
    spelled = spellings(password)
    personal = personal_words(username=username, name=name, email=email, organisation=organisation,
                              places=places, others=others)
    if (username and fold(username) in fold(password)) or any(word in form for word in personal for form in spelled):
        return PERSONAL
    if any(word in form for word in SERVICE_WORDS for form in spelled):
        return SERVICE
    part = repeated_part(password)
    if part is not None and len(part) < min_length:
        return REPEATED
    details = [skeleton(value) for value in (username, name, email, organisation, *places, *others) if value]
    inputs = [*details, *(part for value in details for part in _WORD_PARTS.findall(value)), *SERVICE_WORDS]
    least = MIN_GUESSES_WITH_SECOND_FACTOR if has_second_factor else MIN_GUESSES
    if common_phrase(password) or mangled_words(password) or guesses(plain[:ZXCVBN_MAX_LENGTH], inputs) < least:
        return GUESSABLE
    return None
