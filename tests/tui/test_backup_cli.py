"""`inzage backup PATH`: which database it copies, what it prints, and what it refuses."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from models import Role
from models.db import open_database
from models.schema import migrate
from tests import story
from tui import config
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def url(tmp_path) -> str:
    """A database in use: migrated, with employers in it, its connection still open."""
    database = open_database(f"sqlite:///{tmp_path / 'inzage.sqlite3'}")
    migrate(database)
    story.employers()
    yield f"sqlite:///{tmp_path / 'inzage.sqlite3'}"
    database.close()


def accounts_in(path: Path) -> int:
    with sqlite3.connect(path) as copy:
        return copy.execute("SELECT COUNT(*) FROM account").fetchone()[0]


def test_backup_copies_the_database_and_says_what_it_copied(url, tmp_path, capsys):
    target = tmp_path / "backup.sqlite3"
    assert main(["backup", "--db", url, str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Back-up van {tmp_path / 'inzage.sqlite3'} gemaakt in {target}: ")
    assert "pagina's" in out and " kB" in out
    counts = dict(line.split()[:2] for line in out.splitlines()[1:])
    assert counts["account"] == "5"  # Verburg, Kroon, Jansen, the staff member and Test's own login
    assert counts["schema_migration"] == str(len(list((ROOT / "models" / "migrations").glob("0*.py"))))
    assert accounts_in(target) == 5 and mode(target) == 0o600


def test_backup_honours_the_environment_and_the_default_database(url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(config.DATABASE_URL_ENV, url)
    assert main(["backup", str(tmp_path / "from-env.sqlite3")]) == 0
    assert accounts_in(tmp_path / "from-env.sqlite3") == 5
    monkeypatch.delenv(config.DATABASE_URL_ENV)
    assert main(["migrate"]) == 0  # the default database in the data folder, still empty
    assert main(["backup", str(tmp_path / "default.sqlite3")]) == 0
    assert accounts_in(tmp_path / "default.sqlite3") == 0
    assert str(config.data_dir() / "inzage.sqlite3") in capsys.readouterr().out


def test_an_existing_file_needs_force(url, tmp_path, capsys):
    target = tmp_path / "backup.sqlite3"
    target.write_text("older")
    assert main(["backup", "--db", url, str(target)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("inzage: ") and "bestaat al" in error and "--force" in error
    assert target.read_text() == "older"
    assert main(["backup", "--force", "--db", url, str(target)]) == 0
    assert accounts_in(target) == 5


def test_a_folder_gets_a_file_named_after_the_time(url, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["backup", "--db", url, str(folder)]) == 0
    [made] = folder.iterdir()
    assert made.name.startswith("inzage-20") and made.suffix == ".sqlite3" and accounts_in(made) == 5


def test_postgresql_is_refused_with_pg_dump_named_and_no_password_shown(tmp_path, capsys):
    target = tmp_path / "backup"
    assert main(["backup", "--db", "postgresql://inzage:geheim@127.0.0.1:5432/register", str(target)]) == 2
    error = capsys.readouterr().err
    assert "pg_dump -Fc -h 127.0.0.1 -p 5432 -U inzage -f inzage.dump register" in error
    assert "geheim" not in error and "Traceback" not in error
    assert not target.exists()


def test_a_missing_database_is_refused_and_not_created(tmp_path, capsys):
    missing = tmp_path / "nergens.sqlite3"
    assert main(["backup", "--db", f"sqlite:///{missing}", str(tmp_path / "backup.sqlite3")]) == 2
    assert "bestaat niet" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "backup.sqlite3").exists()


@pytest.mark.parametrize("name", ["./inzage.sqlite3", "inzage.sqlite3-wal", "./inzage.sqlite3-shm",
                                  "inzage.sqlite3-journal"])
def test_the_databases_own_files_are_refused_as_target(url, tmp_path, monkeypatch, capsys, name):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / name
    before = target.read_bytes() if target.exists() else None
    assert main(["backup", "--force", "--db", url, name]) == 2
    error = capsys.readouterr().err
    assert error == f"inzage: {Path(name)} is de database zelf; kies een ander bestand voor de back-up.\n"
    assert (target.read_bytes() if target.exists() else None) == before


def test_the_command_in_its_own_process(url, tmp_path):
    story.account("nog-een", Role.STAFF)  # written by this process, still in its WAL: the copy must have it
    target = tmp_path / "backup.sqlite3"
    env = {**os.environ, config.DATABASE_URL_ENV: url}
    done = subprocess.run([sys.executable, "-m", "tui.cli", "backup", str(target)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Back-up van" in done.stdout and accounts_in(target) == 6 and mode(target) == 0o600
