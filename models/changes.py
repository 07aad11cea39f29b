"""The change feed: what every write transaction changed, recorded in that transaction, and a watcher
that tells an open app about changes committed anywhere (another session, process or machine).

A change names its subjects, not its data: `Topic("professional", 12)` says professional 12's
dossier, periods or grants changed; a screen that shows professional 12 reads it again. The
subjects are those of the audit event (`AuditEvent.record` calls `record_event`), so a write that
is audited is also announced; `record` serves the few writes that are not audited one by one.

Sessions learn of a commit within about a second: on PostgreSQL through LISTEN/NOTIFY (the
notification is sent at commit, carrying the topics), on SQLite by polling `PRAGMA data_version`
(a number in shared memory that moves when another connection commits) once per `interval`, and
reading the new rows of the `change_feed` table only when it moved. SQLite commits one writer at a
time, so rows arrive in id order and a gap means pruned rows: the watcher then announces everything.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from peewee import BigAutoField, BigIntegerField, CharField, Database, DatabaseProxy, fn

from models.db import BaseModel, db, is_sqlite

log = logging.getLogger(__name__)

CHANNEL = "inzage_changes"
PAYLOAD_LIMIT = 7000  # bytes; PostgreSQL refuses a NOTIFY payload of 8000 or more
KEEP_ROWS = 20_000  # the feed keeps about this many recent rows; a watcher further behind refreshes all
PRUNE_EVERY = 1_000
READ_LIMIT = 5_000  # more new rows than this at once: announce everything instead
GATHER_S = 0.05  # PostgreSQL: after a notification, how long the watcher lets more come before it delivers
DELIVER_GAP_S = 0.25  # PostgreSQL: and at least this long after the batch before (a flood: four a second)
MAX_RETRY_S = 5.0  # the longest a watcher waits before it tries a failed database again


class Kind(StrEnum):
    PROFESSIONAL = "professional"  # the dossier: name, registrations, periods, activities, grants
    LOOKED = "looked"  # an employer opened the dossier, or exported a list with the professional in it
    ORGANISATION = "organisation"  # the organisation, its status, its branches, roles, and grants to them
    BRANCH = "branch"
    ACCOUNT = "account"  # name, email, role, activation, lock


class Topic(NamedTuple):
    kind: str
    subject: int | None = None  # None: every subject of this kind


@dataclass(frozen=True)
class Batch:
    """Changes committed since the last batch: their topics and who made them."""

    topics: frozenset[Topic]
    actors: frozenset[int] = frozenset()
    # Who changed which topic, where known (a feed row, a notification); "intussen gewijzigd door …"
    # names only those who changed the subject shown (models/meanwhile.py). Detail: not compared.
    by: frozenset[tuple[Topic, int | None]] = field(default=frozenset(), compare=False)

    def touches(self, kind: str, subject: int | None = None) -> bool:
        """Whether anything of `kind` changed (subject None), or `subject` of that kind."""
        if Topic(kind) in self.topics:
            return True
        if subject is None:
            return any(topic.kind == kind for topic in self.topics)
        return Topic(kind, subject) in self.topics

    def subjects(self, kind: str) -> set[int] | None:
        """The ids of `kind` that changed; None when every one of them may have changed."""
        if Topic(kind) in self.topics:
            return None
        return {topic.subject for topic in self.topics if topic.kind == kind}

    def by_others(self, account_id: int) -> bool:
        """Whether someone other than `account_id` made (some of) these changes."""
        return bool(self.actors - {account_id}) or not self.actors

    def __or__(self, other: Batch) -> Batch:
        return Batch(self.topics | other.topics, self.actors | other.actors, self.by | other.by)


EVERYTHING = Batch(frozenset(Topic(kind) for kind in Kind))


class ChangeFeed(BaseModel):
    id = BigAutoField()
    kind = CharField(max_length=20)
    subject = BigIntegerField(null=True)
    actor = BigIntegerField(null=True)  # no foreign key: the feed never holds up a write to an account

    class Meta:
        table_name = "change_feed"


def record(topics: Iterable[Topic], actor: int | None = None) -> None:
    """Record `topics` as changed by `actor`, in the caller's transaction (nothing is announced if
    it rolls back). On PostgreSQL the same topics go out as a notification at commit."""
    unique = list(dict.fromkeys(topics))
    if not unique:
        return
    ChangeFeed.insert_many([(topic.kind, topic.subject, actor) for topic in unique],
                           fields=[ChangeFeed.kind, ChangeFeed.subject, ChangeFeed.actor]).execute()
    if not is_sqlite():
        db.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, _payload(unique, actor)))
    _prune(len(unique))


def record_event(by: int | None, *, professional: int | None = None, organisation: int | None = None,
                 branch: int | None = None, account: int | None = None, looked: bool = False) -> None:
    """The topics of one audit event's subjects: a dossier viewed or exported is `looked`, not changed."""
    topics = []
    if professional is not None:
        topics.append(Topic(Kind.LOOKED if looked else Kind.PROFESSIONAL, professional))
    if not looked:
        topics += [Topic(kind, subject) for kind, subject in ((Kind.ORGANISATION, organisation),
                                                               (Kind.BRANCH, branch), (Kind.ACCOUNT, account))
                   if subject is not None]
    record(topics, by)


def _payload(topics: list[Topic], actor: int | None) -> str:
    payload = json.dumps({"a": actor, "t": [[topic.kind, topic.subject] for topic in topics]},
                         separators=(",", ":"))
    if len(payload) > PAYLOAD_LIMIT:  # too many subjects for one notification: every subject of those kinds
        kinds = sorted({topic.kind for topic in topics})
        payload = json.dumps({"a": actor, "t": [[kind, None] for kind in kinds]}, separators=(",", ":"))
    return payload


def _prune(added: int) -> None:
    """Every PRUNE_EVERY rows, drop those no watcher needs any more (one that far behind refreshes all)."""
    newest = newest_id()
    if newest // PRUNE_EVERY != (newest - added) // PRUNE_EVERY and newest > KEEP_ROWS:
        ChangeFeed.delete().where(ChangeFeed.id <= newest - KEEP_ROWS).execute()


def newest_id() -> int:
    return ChangeFeed.select(fn.MAX(ChangeFeed.id)).scalar() or 0


def read_since(last_id: int) -> tuple[int, Batch | None]:
    """The batch of rows after `last_id` and the new last id; EVERYTHING when rows were pruned in
    between or there are too many; None when there is nothing new."""
    rows = list(ChangeFeed.select(ChangeFeed.id, ChangeFeed.kind, ChangeFeed.subject, ChangeFeed.actor)
                .where(ChangeFeed.id > last_id).order_by(ChangeFeed.id).limit(READ_LIMIT).tuples())
    if not rows:
        return last_id, None
    if rows[0][0] != last_id + 1 or len(rows) == READ_LIMIT:
        return newest_id(), EVERYTHING
    by = frozenset((Topic(kind, subject), actor) for _, kind, subject, actor in rows)
    return rows[-1][0], Batch(frozenset(topic for topic, _ in by), frozenset(actor for _, actor in by if actor is not None),
                              by)


def parse_payload(payload: str) -> Batch:
    """A notification's batch; EVERYTHING for one this version cannot read."""
    try:
        data = json.loads(payload)
        topics = frozenset(Topic(str(kind), None if subject is None else int(subject)) for kind, subject in data["t"])
        actor = None if data.get("a") is None else int(data["a"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return EVERYTHING
    return Batch(topics, frozenset() if actor is None else frozenset({actor}),
                 frozenset((topic, actor) for topic in topics))


class ChangeWatcher:
    """One thread per app that calls `deliver(batch)` (from that thread) for every committed change.

    It has its own database connection. When the database fails (a dropped connection, a restart, a
    disk error) the watcher calls `connected(False)` once, logs it and tries again, waiting `interval`,
    then twice as long each time up to MAX_RETRY_S; once it is back it calls `connected(True)` and
    delivers EVERYTHING: what happened in between is unknown.
    """

    def __init__(self, deliver: Callable[[Batch], None], *, interval: float = 1.0,
                 database: Database | DatabaseProxy = db, connected: Callable[[bool], None] | None = None) -> None:
        self.deliver = deliver
        self.interval = interval
        self.database = database
        self.connected = connected or (lambda up: None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0  # in a row, since the database was last reached
        self.ready = threading.Event()  # set once the watcher knows where the feed stands (for tests)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="inzage-change-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self.database.connection_context():
                    if is_sqlite(self.database):
                        self._poll()
                    else:
                        self._listen()
            except Exception as error:  # noqa: BLE001 - a watcher that stops would leave every screen stale
                self._failures += 1
                if self._failures == 1:
                    log.warning("change watcher: %r; connecting again", error)
                    self.connected(False)
                delay = min(MAX_RETRY_S, self.interval * 2 ** (self._failures - 1))
                self._stop.wait(delay * random.uniform(0.8, 1.2))  # jitter: many apps do not return at once

    def _caught_up(self) -> None:
        """The watcher now listens, or knows where the feed stands: after a failure, what it missed is unknown."""
        if self._failures:
            self._failures = 0
            self.connected(True)
            self.deliver(EVERYTHING)
        self.ready.set()

    def _poll(self) -> None:
        version = self._data_version()  # first: a commit between the two reads moves it again, so it is read
        last = newest_id()
        self._caught_up()
        while not self._stop.wait(self.interval):
            now = self._data_version()
            if now == version:
                continue
            version = now
            last, batch = read_since(last)
            if batch is not None:
                self.deliver(batch)

    def _data_version(self) -> int:
        return self.database.execute_sql("PRAGMA data_version").fetchone()[0]

    def _listen(self) -> None:
        connection = self.database.connection()
        connection.execute(f"LISTEN {CHANNEL}")
        self._caught_up()
        delivered = 0.0
        while not self._stop.is_set():
            # stop_after=1 still yields every notification that came in the same packet: all are merged.
            batch = merged(connection.notifies(timeout=self.interval, stop_after=1))
            if batch is None:
                continue
            # The rest of a burst arrives meanwhile: one batch, one wake-up for it; in a flood, DELIVER_GAP_S apart.
            self._stop.wait(max(GATHER_S, delivered + DELIVER_GAP_S - time.monotonic()))
            rest = merged(connection.notifies(timeout=0))
            self.deliver(batch if rest is None else batch | rest)
            delivered = time.monotonic()


def merged(notes: Iterable) -> Batch | None:
    """The union of the notifications' batches; None when there were none."""
    batch = None
    for note in notes:
        batch = parse_payload(note.payload) if batch is None else batch | parse_payload(note.payload)
    return batch
