"""The `inzage` command: migrate, demo, and refusing a database whose schema differs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playhouse.migrations import Runner

from models import Professional
from models.db import open_database
from models.schema import HISTORY_TABLE, MIGRATIONS_DIR, SchemaState, inspect_schema
from tui import config
from tui.cli import main
from tui.startup import ready_database, redact


def sqlite(tmp_path: Path, name: str = "cli.sqlite3") -> str:
    return f"sqlite:///{tmp_path / name}"


def test_migrate_creates_then_reports_current(tmp_path, capsys):
    url = sqlite(tmp_path)
    assert main(["migrate", "--db", url]) == 0
    assert "0001_initial" in capsys.readouterr().out
    assert main(["migrate", "--db", url]) == 0
    assert "al bijgewerkt" in capsys.readouterr().out


def test_the_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    url = sqlite(tmp_path, "env.sqlite3")
    monkeypatch.setenv(config.DATABASE_URL_ENV, url)
    assert main(["migrate"]) == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_the_default_database_lives_in_the_data_folder(tmp_path):
    assert main(["migrate"]) == 0
    assert (tmp_path / "data" / "inzage" / "inzage.sqlite3").exists()


def test_the_app_creates_a_new_database(tmp_path):
    database = ready_database(sqlite(tmp_path))
    assert inspect_schema(database).state == SchemaState.CURRENT


def test_the_app_refuses_an_outdated_schema_and_says_to_migrate(tmp_path, capsys):
    url = sqlite(tmp_path)
    Runner(open_database(url), str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up("0001_initial")
    assert main(["--db", url]) == 2
    error = capsys.readouterr().err
    assert "inzage migrate" in error and "verouderd" in error


def test_the_app_refuses_a_schema_from_a_newer_version(tmp_path, capsys):
    url = sqlite(tmp_path)
    main(["migrate", "--db", url])
    open_database(url).execute_sql(f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES ('0099_x', '2030-01-01')")
    assert main(["run", "--db", url]) == 2
    assert "nieuwere versie" in capsys.readouterr().err


def test_an_unreachable_database_is_a_message_not_a_traceback(capsys):
    assert main(["migrate", "--db", "postgresql://nobody:geheim@127.0.0.1:1/none"]) == 2
    error = capsys.readouterr().err
    assert "kan de database niet openen" in error
    assert "geheim" not in error  # the password is never printed
    assert "Traceback" not in error


def test_demo_writes_a_data_set_and_prints_the_logins(tmp_path, capsys):
    url = sqlite(tmp_path, "demo.sqlite3")
    assert main(["demo", "--size", "40", "--db", url, "--no-run"]) == 0
    out = capsys.readouterr().out
    assert "kopje-koffie-om-tien" in out and "kroon" in out and "461027636" in out
    open_database(url)
    assert Professional.select().count() == 40


def test_demo_refuses_a_database_with_data_unless_told_to_replace(tmp_path, capsys):
    url = sqlite(tmp_path, "demo.sqlite3")
    main(["demo", "--size", "20", "--db", url, "--no-run"])
    assert main(["demo", "--size", "30", "--db", url, "--no-run"]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["demo", "--size", "30", "--db", url, "--no-run", "--replace"]) == 0
    open_database(url)
    assert Professional.select().count() == 30


def test_demo_without_db_never_touches_the_real_database(tmp_path):
    assert main(["migrate"]) == 0
    real = tmp_path / "data" / "inzage" / "inzage.sqlite3"
    open_database(config.sqlite_url(real))
    Professional.create(**Professional.name_fields("E.", "", "Echt"))
    assert main(["demo", "--size", "20", "--no-run"]) == 0
    assert main(["demo", "--size", "25", "--no-run"]) == 0  # a fresh demo every time
    open_database(config.sqlite_url(config.demo_database_path()))
    assert Professional.select().count() == 25
    open_database(config.sqlite_url(real))
    assert [p.name for p in Professional.select()] == ["E. Echt"]


def test_demo_on_postgresql_with_replace(pg_url, capsys):
    assert main(["demo", "--size", "30", "--db", pg_url, "--no-run", "--replace"]) == 0
    assert Professional.select().count() == 30
    assert inspect_schema(open_database(pg_url)).state == SchemaState.CURRENT


@pytest.mark.parametrize("size", ["0", "100001"])
def test_demo_refuses_impossible_sizes(tmp_path, capsys, size):
    assert main(["demo", "--size", size, "--db", sqlite(tmp_path), "--no-run"]) == 2
    assert "--size" in capsys.readouterr().err


def test_the_console_script_is_installed():
    script = Path(sys.executable).with_name("inzage")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=os.environ, timeout=60)
    assert result.returncode == 0 and "migrate" in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"], ["migrate", "--help"]])
def test_commands_that_need_no_ssh_do_not_load_it(args):
    """asyncssh (and the deprecation warnings a new cryptography gives it) loads only for `ssh` and for
    parsing a public key; `inzage --help` starts without it."""
    code = (f"import sys\nfrom tui.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'asyncssh'), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip() == "[]" and "usage: inzage" in result.stdout


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
    ("postgresql://u:p@ss@h:5433/db", "postgresql://u:***@h:5433/db"),  # an "@" in the password
    ("postgresql://u:p@s:s@h/db", "postgresql://u:***@h/db"),
    ("postgresql://u:p%40ss%3Aw@h/db", "postgresql://u:***@h/db"),  # percent-encoded
    ("postgresql://u:pa/ss@h/db", "postgresql://u:***@h/db"),  # a "/" in the password
    ("postgresql://:pw@h/db", "postgresql://:***@h/db"),
    ("postgresql://u@h/db?password=pw", "postgresql://u@h/db?password=***"),
    ("postgresql://h/db?sslmode=require&password=pw", "postgresql://h/db?sslmode=require&password=***"),
    ("postgresql://h/db?password=p%26w&sslmode=require", "postgresql://h/db?password=***&sslmode=require"),
    ("postgresql://h/db?PASSWORD=pw", "postgresql://h/db?PASSWORD=***"),
    ("postgresql://h/db?pass%77ord=pw", "postgresql://h/db?pass%77ord=***"),  # the name percent-encoded
    ("postgresql://h/db?sslpassword=pw&passwd=pw", "postgresql://h/db?sslpassword=***&passwd=***"),
    ("postgresql://u:pw@h/db?password=pw", "postgresql://u:***@h/db?password=***"),
    ("postgres://u@h/db", "postgres://u@h/db"),  # nothing to hide
    ("postgresql://h/db?application_name=inzage", "postgresql://h/db?application_name=inzage"),
    ("sqlite:////var/lib/inzage/inzage.sqlite3", "sqlite:////var/lib/inzage/inzage.sqlite3"),
])
def test_every_password_in_a_database_url_is_hidden(url, shown):
    assert redact(url) == shown


SECRET = "S3c/r?e#t;W8"  # every sign that ends a part of a URL
BAD_URLS = [
    f"postgresql://u:{SECRET}@127.0.0.1/db", f"postgresql://u:{SECRET}@127.0.0.1:99999/db",
    "postgresql://127.0.0.1/db;password=S3cretW8", "postgresql://127.0.0.1/nodb?password=S3cretW8",
    "postgresql://u:S3c%2Fret%3FW8@127.0.0.1:1/db", "postgresql://127.0.0.1:1/db?pass%77ord=S3cretW8",
    "postgresql://u:S3c:retW8@[::1/db",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("command", ["migrate", "backup", "run"])
def test_no_output_shows_any_piece_of_a_password_or_a_traceback(url, command, tmp_path, capsys):
    args = [command, "--db", url] + ([str(tmp_path / "copy.sqlite3")] if command == "backup" else [])
    assert main(args) == 2
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "inzage:" in shown and "Traceback" not in shown
    for piece in ("S3c", "ret", "W8"):
        assert piece not in shown, shown


@pytest.mark.parametrize("raw, expected", [("30", 30.0), ("0", 15.0), ("-5", 15.0), ("veel", 15.0), (None, 15.0)])
def test_the_idle_and_session_limits_fall_back_to_their_defaults_when_not_a_positive_number(
        monkeypatch, raw, expected):
    from tui import config

    for env in (config.IDLE_MINUTES_ENV, config.SESSION_HOURS_ENV):
        if raw is None:
            monkeypatch.delenv(env, raising=False)
        else:
            monkeypatch.setenv(env, raw)
    assert config.idle_minutes() == expected
    assert config.session_hours() == (expected if raw == "30" else 12.0)
