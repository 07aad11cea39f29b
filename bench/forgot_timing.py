"""Forgot login details: does the time taken tell whether an email address is known?

Run from the repository: `.venv/bin/python bench/forgot_timing.py`. It times `request_login_details`
with the production argon2 parameters, 30 calls each for a known address, an unknown one and a known
one whose account already had its 3 mails this hour (the limited path), interleaved in turns so that
a slow spell of the machine hits all three alike. It prints the medians and their ratios to the known
one, on a new SQLite file and, when the server is reachable, on a throw-away PostgreSQL database
(`--pg-admin-url`, default postgresql://postgres@127.0.0.1:5432/postgres). The medians must be
within 10 % (exit status 1 otherwise). Nearly all the time is the one argon2 hash every path makes;
on a busy machine its spread alone can move a median by that much, so run it on a quiet one.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="inzage-bench-"))  # no state.json in your home
os.environ.setdefault("XDG_CONFIG_HOME", os.environ["XDG_DATA_HOME"])

from models.accounts import Account, Role  # noqa: E402
from models.clock import FixedClock  # noqa: E402
from models.codes import MAILS_PER_HOUR, request_login_details  # noqa: E402
from models.db import open_database  # noqa: E402
from models.passwords import PRODUCTION_PARAMETERS, current_parameters, hash_password  # noqa: E402
from models.schema import migrate  # noqa: E402

CALLS = 30
TOLERANCE = 0.10
START = dt.datetime(2026, 11, 28, 9, 0)
CASES = ("known", "unknown", "limited")


def measure() -> dict[str, float]:
    """Median milliseconds per case, on the database the models are bound to (migrated, empty)."""
    for name in ("known", "limited"):
        Account.create(username=name, password_hash=hash_password("bench-wachtwoord-2026"), name=name.title(),
                       email=f"{name}@example.nl", role=Role.EMPLOYER, created_at=START)
    # known: a new hour for every call, so it never meets the limit; limited: its hour is used up
    known_clock, limited_clock = FixedClock(START), FixedClock(START)
    for _ in range(MAILS_PER_HOUR):
        request_login_details("limited@example.nl", limited_clock)
    addresses = {"known": "known@example.nl", "unknown": "onbekend@example.nl", "limited": "limited@example.nl"}
    clocks = {"known": known_clock, "unknown": known_clock, "limited": limited_clock}
    for case in CASES:  # warm up: connections, statement caches, the hasher's first allocation
        request_login_details(addresses[case], clocks[case])
    samples: dict[str, list[float]] = {case: [] for case in CASES}
    for call in range(CALLS):
        known_clock.advance(dt.timedelta(hours=1))
        for case in CASES[call % 3:] + CASES[:call % 3]:  # each case first, second and third in turn
            gc.collect()
            start = time.perf_counter()
            request_login_details(addresses[case], clocks[case])
            samples[case].append((time.perf_counter() - start) * 1000)
    return {case: statistics.median(times) for case, times in samples.items()}


def report(label: str, medians: dict[str, float]) -> bool:
    known = medians["known"]
    figures = "  ".join(f"{case} {medians[case]:7.1f} ms ({medians[case] / known:.3f})" for case in CASES)
    within = all(abs(medians[case] / known - 1) <= TOLERANCE for case in CASES)
    print(f"{label:<11} {figures}  {'ok' if within else 'OUTSIDE 10 %'}", flush=True)
    return within


def on_sqlite() -> bool:
    with tempfile.TemporaryDirectory(prefix="inzage-forgot-") as folder:
        database = open_database(f"sqlite:///{folder}/bench.sqlite3")
        migrate(database)
        try:
            return report("SQLite", measure())
        finally:
            database.close()


def on_postgresql(admin_url: str) -> bool | None:
    try:
        admin = open_database(admin_url)
        admin.connect()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server
        print(f"PostgreSQL  not reachable at {admin_url}: {error}")
        return None
    name = f"inzage_bench_forgot_{uuid.uuid4().hex[:8]}"
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    admin.close()
    try:
        database = open_database(admin_url.rsplit("/", 1)[0] + f"/{name}")
        migrate(database)
        try:
            return report("PostgreSQL", measure())
        finally:
            database.close()
    finally:
        admin = open_database(admin_url)
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    arguments = parser.parse_args()
    assert current_parameters() == PRODUCTION_PARAMETERS
    parameters = current_parameters()
    print(f"request_login_details, median of {CALLS} calls each (ratio to known); argon2id "
          f"t={parameters.time_cost}, m={parameters.memory_cost // 1024} MiB, p={parameters.parallelism}")
    results = [on_sqlite()]
    if not arguments.no_pg:
        results.append(on_postgresql(arguments.pg_admin_url))
    sys.exit(0 if all(result is not False for result in results) else 1)


if __name__ == "__main__":
    main()
