"""The change feed: what a write records, and how a watcher in another session learns of it."""
from __future__ import annotations

import contextlib
import itertools
import os
import queue
import subprocess
import sys
import threading
import time

import pytest
from peewee import OperationalError

from models import changes
from models.activities import ActivityForm, add_activity
from models.changes import EVERYTHING, Batch, ChangeFeed, ChangeWatcher, Kind, Topic
from models.db import db, is_sqlite, write_transaction
from models.inzage import GrantChanges, save_changes
from models.removal import remove_professional
from tests import story
from tests.rollback import rolled_back

CEILING_S = 20  # generous: a watcher is told within about a second; never asserted as a time


@pytest.fixture
def cast(database):
    cast = story.employers()
    period = story.latest_period(story.registration(cast.test, story.register()))
    story.grant(cast.test, cast.overvecht)
    return cast, period


def topics_since(last: int) -> set[Topic]:
    return {Topic(kind, subject) for kind, subject in
            ChangeFeed.select(ChangeFeed.kind, ChangeFeed.subject).where(ChangeFeed.id > last).tuples()}


def test_a_grant_revoked_names_the_professional_organisation_and_branch(cast, clock):
    cast, _ = cast
    last = changes.newest_id()
    grant = cast.test.grants.get()
    save_changes(story.account_of(cast.test), GrantChanges(revoke={grant.id}), clock)
    assert topics_since(last) == {Topic(Kind.PROFESSIONAL, cast.test.id),
                                  Topic(Kind.ORGANISATION, cast.overvecht.organisation_id),
                                  Topic(Kind.BRANCH, cast.overvecht.id)}
    actors = {actor for (actor,) in ChangeFeed.select(ChangeFeed.actor).where(ChangeFeed.id > last).tuples()}
    assert actors == {story.account_of(cast.test).id}


def test_an_activity_changes_the_professional_and_a_removal_too(cast, clock):
    cast, period = cast
    last = changes.newest_id()
    add_activity(story.account_of(cast.test), period.id, ActivityForm(
        date="01-10-2026", title="Training", category="training", points="8", provider="Academie"), clock)
    assert topics_since(last) == {Topic(Kind.PROFESSIONAL, cast.test.id)}
    last = changes.newest_id()
    remove_professional(cast.kroon, cast.test.id, clock)
    assert Topic(Kind.PROFESSIONAL, cast.test.id) in topics_since(last)


def test_a_view_is_a_look_not_a_change(cast, clock):
    from models.dossier import open_dossier

    cast, _ = cast
    last = changes.newest_id()
    open_dossier(cast.kroon, cast.test.id, clock)
    assert topics_since(last) == {Topic(Kind.LOOKED, cast.test.id)}


def test_a_rolled_back_write_records_nothing(cast, clock):
    cast, _ = cast
    last = changes.newest_id()
    with rolled_back():
        changes.record([Topic(Kind.PROFESSIONAL, cast.test.id)], None)
    assert changes.newest_id() == last


def test_read_since_gives_one_batch_and_everything_after_a_gap(database):
    changes.record([Topic(Kind.ORGANISATION, 1), Topic(Kind.ORGANISATION, 1)], 7)
    changes.record([Topic(Kind.ACCOUNT, 2)], None)
    last, batch = changes.read_since(0)
    assert batch == Batch(frozenset({Topic(Kind.ORGANISATION, 1), Topic(Kind.ACCOUNT, 2)}), frozenset({7}))
    assert changes.read_since(last) == (last, None)
    changes.record([Topic(Kind.ACCOUNT, 3)], None)
    ChangeFeed.delete().where(ChangeFeed.id == last).execute()  # pruned while a watcher was far behind
    assert changes.read_since(last) == (last + 1, Batch(frozenset({Topic(Kind.ACCOUNT, 3)})))
    assert changes.read_since(last - 1) == (last + 1, EVERYTHING)  # a row it never saw is gone: who knows


def test_the_feed_is_pruned_but_keeps_the_newest(database, monkeypatch):
    monkeypatch.setattr(changes, "KEEP_ROWS", 30)
    monkeypatch.setattr(changes, "PRUNE_EVERY", 10)
    for n in range(55):
        changes.record([Topic(Kind.ACCOUNT, n)], None)
    kept = [row_id for (row_id,) in ChangeFeed.select(ChangeFeed.id).tuples()]
    assert max(kept) == 55 and 30 <= len(kept) <= 40 and min(kept) > 10
    assert kept == list(range(min(kept), 56))  # the newest, without a gap


def test_more_new_rows_than_a_read_takes_is_everything(database, monkeypatch):
    monkeypatch.setattr(changes, "READ_LIMIT", 5)
    for n in range(4):
        changes.record([Topic(Kind.ACCOUNT, n)], None)
    assert changes.read_since(0) == (4, Batch(frozenset(Topic(Kind.ACCOUNT, n) for n in range(4))))
    changes.record([Topic(Kind.ACCOUNT, 4)], None)
    assert changes.read_since(0) == (5, EVERYTHING)


@pytest.mark.parametrize("payload", ["{}", '{"t": 5}', '{"t": [["account"]]}', '{"t": [5]}', "[]", "null", ""])
def test_a_notification_this_version_cannot_read_is_everything(payload):
    assert changes.parse_payload(payload) == EVERYTHING


def test_batches_say_what_they_touch():
    batch = Batch(frozenset({Topic(Kind.PROFESSIONAL, 5), Topic(Kind.LOOKED)}), frozenset({1}))
    assert batch.touches(Kind.PROFESSIONAL) and batch.touches(Kind.PROFESSIONAL, 5)
    assert not batch.touches(Kind.PROFESSIONAL, 6) and not batch.touches(Kind.ORGANISATION)
    assert batch.touches(Kind.LOOKED, 123)  # every look
    assert batch.subjects(Kind.PROFESSIONAL) == {5} and batch.subjects(Kind.LOOKED) is None
    assert batch.subjects(Kind.ACCOUNT) == set()
    assert not batch.by_others(1) and batch.by_others(2)
    assert EVERYTHING.touches(Kind.ACCOUNT, 9) and EVERYTHING.by_others(1)


def test_a_payload_too_big_for_one_notification_names_kinds_only():
    topics = [Topic(Kind.PROFESSIONAL, n) for n in range(5000)] + [Topic(Kind.BRANCH, 1)]
    batch = changes.parse_payload(changes._payload(topics, 3))
    assert batch == Batch(frozenset({Topic(Kind.PROFESSIONAL), Topic(Kind.BRANCH)}), frozenset({3}))
    assert changes.parse_payload("not json") == EVERYTHING
    assert changes.parse_payload('{"t": [["account", "x"]]}') == EVERYTHING


# -- the watcher: another session, another process ----------------------------------------------------------------
@pytest.fixture
def watched(database):
    """A running watcher on the test's database; its batches arrive in the queue."""
    batches: queue.Queue[Batch] = queue.Queue()
    watcher = ChangeWatcher(batches.put, interval=0.05)
    watcher.start()
    assert watcher.ready.wait(CEILING_S)
    yield batches
    watcher.stop()


def next_batch(batches: queue.Queue[Batch], wanted: Topic) -> Batch:
    """Batches until one names `wanted` (others may come first, e.g. the fixtures' own writes)."""
    deadline = time.monotonic() + CEILING_S
    while True:
        batch = batches.get(timeout=max(0.1, deadline - time.monotonic()))
        if wanted in batch.topics or Topic(wanted.kind) in batch.topics:
            return batch


def test_a_commit_in_this_process_reaches_the_watcher(cast, watched, clock):
    cast, _ = cast
    with db.connection_context(), write_transaction():
        changes.record([Topic(Kind.BRANCH, cast.overvecht.id)], cast.verburg.id)
    batch = next_batch(watched, Topic(Kind.BRANCH, cast.overvecht.id))
    assert cast.verburg.id in batch.actors or batch == EVERYTHING


def test_a_commit_in_another_process_reaches_the_watcher(cast, watched, database):
    cast, _ = cast
    url = database_url(database)
    script = ("import sys; from models.db import open_database, write_transaction; from models import changes;"
              "open_database(sys.argv[1]);"
              "exec('with write_transaction():\\n changes.record([changes.Topic(\"professional\", 4242)], 1)')")
    subprocess.run([sys.executable, "-c", script, url], check=True, cwd=os.getcwd(), timeout=60)
    next_batch(watched, Topic(Kind.PROFESSIONAL, 4242))


def test_a_rolled_back_transaction_never_reaches_the_watcher(cast, watched):
    cast, _ = cast
    with rolled_back():
        changes.record([Topic(Kind.PROFESSIONAL, 777)], None)
    changes.record([Topic(Kind.PROFESSIONAL, 778)], None)  # committed after it
    batch = next_batch(watched, Topic(Kind.PROFESSIONAL, 778))
    assert Topic(Kind.PROFESSIONAL, 777) not in batch.topics
    while not watched.empty():
        assert Topic(Kind.PROFESSIONAL, 777) not in watched.get_nowait().topics


def test_two_quick_commits_both_arrive(cast, watched):
    for subject in (901, 902):
        with db.connection_context(), write_transaction():
            changes.record([Topic(Kind.PROFESSIONAL, subject)], None)
    written = {Topic(Kind.PROFESSIONAL, 901), Topic(Kind.PROFESSIONAL, 902)}
    seen, everything = delivered_until_covered(watched, written)
    assert not everything and written <= seen


def test_a_batch_is_delivered_once(cast, watched):
    """Later polls (SQLite) or notifications (PostgreSQL) do not bring the same change again."""
    changes.record([Topic(Kind.PROFESSIONAL, 903)], None)
    next_batch(watched, Topic(Kind.PROFESSIONAL, 903))
    changes.record([Topic(Kind.PROFESSIONAL, 904)], None)  # a later commit moves the poll on once more
    later = next_batch(watched, Topic(Kind.PROFESSIONAL, 904))
    assert Topic(Kind.PROFESSIONAL, 903) not in later.topics
    time.sleep(0.3)  # six more polls: nothing new, nothing again
    while not watched.empty():
        assert Topic(Kind.PROFESSIONAL, 903) not in watched.get_nowait().topics


def database_url(database) -> str:
    from models.db import is_sqlite

    if is_sqlite(database):
        return f"sqlite:///{database.database}"
    params = database.connect_params
    return f"postgresql://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:" \
           f"{params.get('port', 5432)}/{database.database}"


# -- many writers at once: no change is ever lost ----------------------------------------------------------------
WRITERS = 4
COMMITS = 500  # each; INZAGE_FEED_ROUNDS repeats the whole (20 rounds before a change to the watcher lands)
ROUNDS = int(os.environ.get("INZAGE_FEED_ROUNDS", "1"))


def write_in_threads(first_subject: int, halfway: threading.Event | None = None) -> set[Topic]:
    """WRITERS threads, each with its own connection, commit COMMITS one-topic transactions as fast as they
    can; `halfway` is set when half of all commits are in. The topics written."""
    done = itertools.count(1)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with db.connection_context():
                if not is_sqlite():
                    db.execute_sql("SET synchronous_commit TO off")  # quicker commits; NOTIFY is the same
                for index in range(COMMITS):
                    with write_transaction():
                        changes.record([Topic(Kind.PROFESSIONAL, first_subject + number * COMMITS + index)], None)
                    if halfway is not None and next(done) == WRITERS * COMMITS // 2:
                        halfway.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return {Topic(Kind.PROFESSIONAL, first_subject + n) for n in range(WRITERS * COMMITS)}


def delivered_until_covered(batches: queue.Queue[Batch], written: set[Topic]) -> tuple[set[Topic], bool]:
    """The topics delivered until they cover `written`, EVERYTHING comes, or a ceiling; and whether EVERYTHING came."""
    seen: set[Topic] = set()
    everything = False
    deadline = time.monotonic() + CEILING_S
    while not (everything or written <= seen) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            batch = batches.get(timeout=0.2)
            everything = everything or batch == EVERYTHING
            seen |= batch.topics
    return seen, everything


@pytest.mark.slow
def test_no_change_is_lost_when_many_write_at_once(database):
    for round_ in range(ROUNDS):
        batches: queue.Queue[Batch] = queue.Queue()
        watcher = ChangeWatcher(batches.put, interval=0.05)
        watcher.start()
        try:
            assert watcher.ready.wait(CEILING_S)
            written = write_in_threads(1_000_000 * (round_ + 1))
            seen, everything = delivered_until_covered(batches, written)
        finally:
            watcher.stop()
        assert not everything and written == seen, f"round {round_}: {len(written - seen)} topics never delivered"


@pytest.mark.slow
def test_a_watcher_whose_connection_drops_midway_loses_nothing(database):
    """Halfway through the writes the watcher loses its database: on PostgreSQL its backend is terminated (as a
    restart or an idle-connection reaper does), on SQLite its next read fails. What it missed comes as
    EVERYTHING once it is back."""
    for round_ in range(ROUNDS):
        batches: queue.Queue[Batch] = queue.Queue()
        watcher = ChangeWatcher(batches.put, interval=0.05)
        halfway = threading.Event()
        fails_once_after(halfway, watcher)
        watcher.start()
        try:
            assert watcher.ready.wait(CEILING_S)
            written = write_in_threads(1_000_000 * (round_ + 1), halfway)
            seen, everything = delivered_until_covered(batches, written)
        finally:
            watcher.stop()
        assert everything, f"round {round_}: the watcher did not say it may have missed something"


def fails_once_after(halfway: threading.Event, watcher: ChangeWatcher) -> None:
    """Once `halfway` is set, the watcher's connection goes away once."""
    if not is_sqlite():
        def terminate() -> None:
            halfway.wait(CEILING_S)
            with db.connection_context():
                db.execute_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                               "current_database() AND query LIKE %s AND pid <> pg_backend_pid()",
                               (f"LISTEN {changes.CHANNEL}%",))
        threading.Thread(target=terminate, daemon=True).start()
        return
    read, failed = watcher._data_version, threading.Event()

    def data_version() -> int:
        if halfway.is_set() and not failed.is_set():
            failed.set()
            raise OperationalError("disk I/O error")
        return read()
    watcher._data_version = data_version
