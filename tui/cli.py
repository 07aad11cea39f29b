"""The `inzage` command: start the app, apply migrations, or build a demo data set."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from peewee import Database

from models.clock import Clock, to_local
from models.db import is_sqlite, sqlite_path
from models.schema import HISTORY_TABLE, SchemaState, inspect_schema
from tui import config, failures
from tui.mail_cli import add_mail_parser, run_mail
from tui.remote_cli import add_remote_parsers
from tui.startup import CommandError, connect, ready_database, redact, run_migrations, settings_for_mail


def build_parser() -> argparse.ArgumentParser:
    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=f"database URL, e.g. postgresql://user@host/inzage (default: ${config.DATABASE_URL_ENV}, "
        "or SQLite in the data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="inzage",
        parents=[db_option],
        description="Employers follow the continuing-education progress of professionals who granted them access.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", parents=[db_option], help="start the app (the default)")
    commands.add_parser("migrate", parents=[db_option], help="apply pending database migrations")
    demo = commands.add_parser(
        "demo",
        parents=[db_option],
        help="create a fresh demo data set, print its logins and start the app",
        description="Without --db the demo gets its own database file, separate from your real one.",
    )
    demo.add_argument("--size", type=int, default=300, help="number of professionals (default 300, at most 100000)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    demo.add_argument("--no-run", action="store_true", help="only write the data set, do not start the app")
    demo.add_argument("--replace", action="store_true", help="with --db: empty a database that already holds data")
    backup = commands.add_parser(
        "backup",
        parents=[db_option],
        help="copy the SQLite database consistently, also while the app is in use",
        description="Writes a consistent copy (mode 0600) of the SQLite database to PATH, through SQLite's online "
        "backup API. For PostgreSQL use pg_dump.",
    )
    backup.add_argument("path", metavar="PATH", help="the file to write; a folder gets a file named after the time")
    backup.add_argument("--force", action="store_true", help="replace PATH when it exists")
    add_mail_parser(commands, [db_option])
    add_remote_parsers(commands, [db_option])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    failures.log_to_file()
    try:
        if args.command == "migrate":
            return command_migrate(args)
        if args.command == "demo":
            return command_demo(args)
        if args.command == "mail":
            return command_mail(args)
        if args.command == "backup":
            return command_backup(args)
        if args.command in ("ssh", "web", "session"):
            from tui import remote_cli

            return getattr(remote_cli, f"command_{args.command}")(args)
        return command_run(args)
    except CommandError as error:
        print(f"inzage: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the traceback goes to the log, never to the terminal
        failures.report(error, f"inzage {args.command or 'run'}")
        print(failures.CRASHED, file=sys.stderr)
        return 1


def command_migrate(args: argparse.Namespace) -> int:
    url = config.database_url(getattr(args, "db", None))
    database = connect(url)
    report = inspect_schema(database)
    if report.state == SchemaState.NEWER:
        raise CommandError(f"de database kent migraties die deze versie niet heeft: {', '.join(report.unknown)}.")
    applied = run_migrations(database)
    if applied:
        print(f"Toegepast op {redact(url)}: {', '.join(applied)}")
    else:
        print(f"De database {redact(url)} is al bijgewerkt.")
    return 0


def command_mail(args: argparse.Namespace) -> int:
    settings = settings_for_mail()
    ready_database(config.database_url(getattr(args, "db", None)))
    return run_mail(args, settings)


def command_backup(args: argparse.Namespace) -> int:
    from models.backup import BackupError, backup_sqlite, pg_dump_hint

    url = config.database_url(getattr(args, "db", None))
    source = sqlite_path(url)
    if source is None:
        if url.startswith(("postgres", "psycopg")):
            raise CommandError("inzage backup kopieert alleen een SQLite-database. Maak een back-up van PostgreSQL "
                               f"met pg_dump, bijvoorbeeld: {pg_dump_hint(url)}")
        raise CommandError(f"inzage backup kopieert alleen een SQLite-databasebestand, niet {redact(url)}.")
    target = Path(args.path)
    if target.is_dir():
        target = target / f"inzage-{to_local(Clock().now()):%Y%m%d-%H%M%S}.sqlite3"
    try:
        report = backup_sqlite(source, target, force=args.force)
    except BackupError as error:
        raise CommandError(str(error)) from None
    print(f"Back-up van {source} gemaakt in {report.path}: {file_size(report.size)}, {report.pages} pagina's.")
    width = max(map(len, report.rows), default=0)
    for table, count in report.rows.items():
        print(f"  {table:<{width}}  {count:>9} rijen")
    return 0


def file_size(size: int) -> str:
    """A size as a Dutch reader writes it: 812 bytes, 48,0 kB, 1,2 MB."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} bytes"


def command_run(args: argparse.Namespace) -> int:
    settings = settings_for_mail()
    ready_database(config.database_url(getattr(args, "db", None)))
    from tui.app import make_app  # Textual loads only when the app starts

    app = make_app(mail=settings)
    app.run()
    return app.return_code or 0  # 1 after an unexpected error (tui/failures.py)


def command_demo(args: argparse.Namespace) -> int:
    from models.demo import MAX_SIZE, generate

    if not 1 <= args.size <= MAX_SIZE:
        raise CommandError(f"--size moet tussen 1 en {MAX_SIZE} liggen.")
    settings = settings_for_mail()
    url = getattr(args, "db", None)
    if url is None:
        path = config.demo_database_path()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = config.sqlite_url(path)
    database = connect(url)
    report = inspect_schema(database)
    # A database with tables but no rows (e.g. left by a demo run that was killed: the data set
    # is one transaction) is as good as an empty one; a newer inzage's schema is not.
    unused = report.state in (SchemaState.CURRENT, SchemaState.OUTDATED) and not holds_rows(database)
    if report.state != SchemaState.EMPTY and not unused:
        if not args.replace:
            raise CommandError(
                f"de database {redact(url)} bevat al gegevens. Kies een lege database, "
                "of voeg --replace toe om haar leeg te maken (alle gegevens gaan verloren)."
            )
        drop_everything(database)
    run_migrations(database)
    clock = Clock()
    print(f"Demogegevens maken in {redact(url)} ({args.size} professionals)…", flush=True)
    summary = generate(database, size=args.size, seed=args.seed, today=clock.today())
    print(f"Klaar: {sum(summary.rows.values())} rijen.")
    print(f"\nInloggen kan met wachtwoord {summary.password!r} en een van deze gebruikersnamen:")
    for login in summary.logins:
        print(f"  {login.username:<12} {login.who}")
    if args.no_run:
        return 0
    from tui.app import make_app

    app = make_app(clock, demo=summary, mail=settings)
    app.run()
    return app.return_code or 0  # 1 after an unexpected error (tui/failures.py)


def holds_rows(database: Database) -> bool:
    """Whether any table but the migration history has a row."""
    return any(database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
               for table in database.get_tables() if table != HISTORY_TABLE)


def drop_everything(database: Database) -> None:
    """Drop every table in the database (for `demo --replace`)."""
    tables = database.get_tables()
    if not is_sqlite(database):
        with database.atomic():
            for table in tables:
                database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        return
    database.execute_sql("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set it first
    try:
        with database.atomic():
            for table in tables:
                database.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")


if __name__ == "__main__":
    sys.exit(main())
