"""Hostile text for tests: markup, terminal escapes, control characters, bidi overrides, long and odd Unicode.

`NASTY` is a fixed list of samples every form must survive; `hostile_text()` is a hypothesis
strategy that mixes them with generated text of every Unicode category, control characters and
lone surrogates included (nothing is excluded: a terminal or a broken paste can deliver any of it).
"""
from __future__ import annotations

from hypothesis import strategies as st

MARKUP = ["[bold]vet[/bold]", "[/]", "[link=https://x]klik[/link]", "[@click=app.quit]x[/]", "[bold red]X[/]",
          "[red", "\\[bold]", "[b]open"]
ESCAPES = ["\x1b[2J", "\x1b[31mrood\x1b[0m", "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "\x07", "\x1b]0;titel\x07",
           "\x9b2J", "\x1bc", "\x1b[6n"]
CONTROLS = ["\x00", "nul\x00byte", "\x08\x7f", "a\rb", "\x1c\x1d\x1e\x1f", "\x85", "\u2028", "\u2029", "\t", "\n"]
UNICODE = ["\u202egnp.exe", "\u202dLRO\u202c", "\u2066iso\u2069", "Zoë", "Zoe\u0308", "Cliënt", "👩\u200d👩\u200d👧",
           "👍🏽", "ｅｘａｍｐｌｅ", "Straße", "ﬃ", "㍿", "e\u0301" * 50, "\ufeffBOM", "\u200bzero-width", "a\ud800b",
           "\udfff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "שלום", "مرحبا"]
INJECTION = ["'; DROP TABLE account; --", "%", "_", "\\", "%_\\%", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
             "{0}", "%s", "${jndi:ldap://x}"]
LONG = ["x" * 10_000, "é" * 301, "[b]" * 3_000, "\x1b[2J" * 100, "Zoe\u0308 " * 2_000]
NASTY = [*MARKUP, *ESCAPES, *CONTROLS, *UNICODE, *INJECTION, *LONG, "", " ", "   ", "\t\n"]

ANY_CHARACTER = st.characters(exclude_categories=())  # every category, Cc and Cs included


def hostile_text(max_size: int = 120) -> st.SearchStrategy[str]:
    """Any text: a nasty sample, generated text of any character, the two mixed, or something long."""
    generated = st.text(ANY_CHARACTER, max_size=max_size)
    return st.one_of(
        st.sampled_from(NASTY),
        generated,
        st.builds(lambda before, sample, after: before + sample + after, generated, st.sampled_from(NASTY), generated),
        st.builds(lambda piece, times: (piece or "x") * times, st.text(ANY_CHARACTER, min_size=1, max_size=4),
                  st.integers(min_value=50, max_value=3_000)),
    )
