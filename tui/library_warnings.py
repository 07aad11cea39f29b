"""No library's deprecation warning reaches a user: they can do nothing about it, and the first line they
see should be ours. The test suite turns every warning into an error instead (pyproject.toml), so a new
release that deprecates something is seen there, before a user would.

Narrow on purpose: only deprecation categories, and only when the code that warns is a library's (the
module a warning is attributed to is the caller of the deprecated name). A deprecated call in our own
code still warns.
"""
from __future__ import annotations

import warnings

OURS = ("__main__", "tui", "models", "screens", "bench", "tests")
NOT_OURS = rf"(?!(?:{'|'.join(OURS)})(?:\.|$))"  # matched against the warning module's name
DEPRECATIONS: tuple[type[Warning], ...] = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def silence_library_deprecations() -> None:
    from cryptography.utils import CryptographyDeprecationWarning  # a UserWarning: shown by default

    for category in (*DEPRECATIONS, CryptographyDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=NOT_OURS)
