"""Folding text for search: case- and accent-insensitive ("Cliënt" ~ "client"); text a database can hold."""
from __future__ import annotations

import re
import unicodedata

# Neither database stores these: PostgreSQL refuses NUL in text, and no driver encodes a lone surrogate.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so that searches match loosely."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def replace_unstorable(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD, for use in a query (a lookup or a search).

    The validators refuse both characters, so no stored text holds them: a needle that did would match
    nothing, and sending it as it is would make the driver or PostgreSQL fail instead."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def like_contains(needle: str) -> str:
    """A LIKE pattern matching `needle` anywhere, with LIKE's wildcards escaped ('\\')."""
    escaped = replace_unstorable(needle).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
