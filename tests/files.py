"""Places a file cannot be written to, as the export and backup tests need them."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


def unwritable(tmp_path: Path, kind: str) -> Path:
    """A folder that may not be written to ("read-only folder"), or a path under a file."""
    if kind == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder all the same")
        folder = tmp_path / "alleen-lezen"
        folder.mkdir(mode=0o500)
        return folder
    (tmp_path / "bestand").write_text("geen map")
    return tmp_path / "bestand" / "export"
