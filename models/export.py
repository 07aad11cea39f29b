"""The overview as a CSV file that Excel opens correctly (UTF-8 with BOM, ';', Dutch dates)."""
from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from models.clock import format_date
from models.overview import OverviewRow
from models.private import private_folder

HEADER = ["Naam", "Register", "Registratienummer", "Einddatum", "Norm", "Behaald", "Status", "Periode"]
STATUS_WORDS = {"green": "groen", "red": "rood"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_overview(rows: Sequence[OverviewRow], folder: Path, today: dt.date) -> Path:
    """Write `rows` (as the user sees them) to a new file in `folder`; returns its path."""
    private_folder(folder)  # folders it makes are the owner's; an existing Documents folder stays as it is
    path = _free_path(folder / f"inzage-professionals-{today.isoformat()}.csv")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([
                _cell(row.name), _cell(row.register), row.number, format_date(row.end_date), row.norm,
                row.achieved, STATUS_WORDS[row.status], "huidig" if row.is_latest else "vorig",
            ])
    return path


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
