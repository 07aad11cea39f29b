"""Where inzage keeps its files, and which database it opens."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "inzage"
DATABASE_URL_ENV = "INZAGE_DATABASE_URL"


def data_dir() -> Path:
    """The user's data folder for inzage (e.g. ~/.local/share/inzage)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def default_database_url() -> str:
    return sqlite_url(data_dir() / "inzage.sqlite3")


def demo_database_path() -> Path:
    """The demo's own file: `inzage demo` never touches the user's real database."""
    return data_dir() / "demo.sqlite3"


def database_url(cli_value: str | None = None) -> str:
    """--db wins, then $INZAGE_DATABASE_URL, then SQLite in the data folder."""
    return cli_value or os.environ.get(DATABASE_URL_ENV) or default_database_url()
