"""Folding text for search: case- and accent-insensitive ("Cliënt" ~ "client")."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so that searches match loosely."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def like_contains(needle: str) -> str:
    """A LIKE pattern matching `needle` anywhere, with LIKE's wildcards escaped ('\\')."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
