"""Password hashing with argon2id (argon2-cffi)."""
from __future__ import annotations

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommendation: argon2id, t=3, m=64 MiB, p=4.
PRODUCTION_PARAMETERS: Parameters = profiles.RFC_9106_LOW_MEMORY

_parameters = PRODUCTION_PARAMETERS
_hasher = PasswordHasher.from_parameters(_parameters)
_dummy_hash: str | None = None


def use_parameters(parameters: Parameters) -> None:
    """Switch the hashing parameters (tests use profiles.CHEAPEST)."""
    global _parameters, _hasher, _dummy_hash
    _parameters = parameters
    _hasher = PasswordHasher.from_parameters(parameters)
    _dummy_hash = None


def current_parameters() -> Parameters:
    return _parameters


def _encode(password: str) -> bytes:
    # "surrogatepass": a lone surrogate (from a broken paste) must not crash the hashing.
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    return _hasher.hash(_encode(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches. A missing hash costs the same work, and fails."""
    dummy = _dummy()  # made on the first call of either kind, so even that one costs the same
    try:
        return _hasher.verify(password_hash or dummy, _encode(password)) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def _dummy() -> str:
    """A hash of nothing anyone knows, verified against when there is no real hash."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("inzage: a password nobody has")
    return _dummy_hash
