"""Where inzage keeps its files, and which database it opens."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from models.private import open_private, private_folder

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


EXPORT_DIR_ENV = "INZAGE_EXPORT_DIR"


def export_dir() -> Path:
    """Where exports go: $INZAGE_EXPORT_DIR, else the user's Documents folder, else the data folder."""
    if os.environ.get(EXPORT_DIR_ENV):
        return Path(os.environ[EXPORT_DIR_ENV])
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else data_dir() / "export"


IDLE_MINUTES_ENV = "INZAGE_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 15.0


def config_file() -> Path:
    """Optional settings (SMTP, idle timeout, session lifetime) in TOML: <config folder>/config.toml."""
    return config_dir() / "config.toml"


def read_config_file() -> dict:
    """The settings file as a dict; missing or unreadable means no settings."""
    import tomllib

    try:
        with config_file().open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _positive_app_setting(env: str, key: str, default: float) -> float:
    """A positive number from $env, else the [app] table's `key`, else `default` (also when invalid)."""
    raw = os.environ.get(env) or read_config_file().get("app", {}).get(key)
    try:
        value = float(raw) if raw is not None else default
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def idle_minutes() -> float:
    """Minutes without input before the session locks: $INZAGE_IDLE_MINUTES, [app] idle_minutes, or 15."""
    return _positive_app_setting(IDLE_MINUTES_ENV, "idle_minutes", DEFAULT_IDLE_MINUTES)


SESSION_HOURS_ENV = "INZAGE_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12.0


def session_hours() -> float:
    """Hours a session lasts at most, busy or not: $INZAGE_SESSION_HOURS, [app] session_hours, or 12."""
    return _positive_app_setting(SESSION_HOURS_ENV, "session_hours", DEFAULT_SESSION_HOURS)


def _state_file() -> Path:
    return config_dir() / "state.json"


def remembered_username() -> str:
    """The username stored with "Gebruikersnaam bewaren op deze computer", or ""."""
    import json

    try:
        value = json.loads(_state_file().read_text(encoding="utf-8")).get("username", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def remember_username(username: str | None) -> None:
    """Store only the username (never a password) in the config folder; None forgets it."""
    import json

    path = _state_file()
    if not username:
        path.unlink(missing_ok=True)
        return
    private_folder(path.parent)
    fd = open_private(path, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"username": username}, handle)


DEFAULT_SSH_SESSIONS = 50


def ssh_max_sessions() -> int:
    """Sessions `inzage ssh` runs at once: [ssh] max_sessions in config.toml, or 50."""
    raw = read_config_file().get("ssh", {}).get("max_sessions", DEFAULT_SSH_SESSIONS)
    return raw if isinstance(raw, int) and raw > 0 else DEFAULT_SSH_SESSIONS
