""""Intussen gewijzigd door …" names only those who changed the subject shown, and only people the viewer
meets in the app (issue 29, point 7): a batch from the feed holds everyone's changes of that second."""
from __future__ import annotations

import pytest

from models import changes
from models.changes import EVERYTHING, Batch, Kind, Topic
from models.inzage import GrantChanges, save_changes
from models.meanwhile import SOMEONE, STAFF, changed_by
from models.organisations import Organisation
from tests import story


@pytest.fixture
def cast(database, clock):
    """Test granted Overvecht (Kroon) and Centrum (Jansen, Amersfoort); Rest is an unrelated professional."""
    cast = story.employers()
    register = story.register()
    story.registration(cast.test, register)
    story.grant(cast.test, cast.overvecht)
    story.grant(cast.test, cast.centrum)
    rest = story.professional("R.", "Rest")
    story.registration(rest, register)
    return cast, rest


def feed_batch(*writes) -> Batch:
    """The batch a watcher reads for these commits: (topics, actor) each, committed one after the other."""
    last = changes.newest_id()
    for topics, actor in writes:
        changes.record(topics, actor)
    return changes.read_since(last)[1]


def test_only_the_actors_of_the_subject_shown_are_named(cast, clock):
    cast, rest = cast
    test = story.account_of(cast.test)
    batch = feed_batch(
        ([Topic(Kind.PROFESSIONAL, cast.test.id), Topic(Kind.BRANCH, cast.overvecht.id)], cast.kroon.id),
        ([Topic(Kind.ORGANISATION, cast.utrecht.id)], cast.verburg.id),  # another subject, same second
        ([Topic(Kind.PROFESSIONAL, rest.id)], story.account_of(rest).id),  # an unrelated professional
    )
    assert changed_by(batch, test, [Topic(Kind.PROFESSIONAL, cast.test.id)]) == cast.kroon.name
    assert changed_by(batch, test, [Topic(Kind.PROFESSIONAL, rest.id)]) == SOMEONE  # Test does not know Rest


def test_a_name_the_viewer_does_not_meet_is_een_ander(cast, clock):
    cast, rest = cast
    subject = [Topic(Kind.PROFESSIONAL, cast.test.id)]
    batch = feed_batch((subject, cast.jansen.id), (subject, story.account_of(rest).id), (subject, cast.verburg.id))
    test = story.account_of(cast.test)
    # Test granted Centrum (Jansen) and Overvecht (Kroon), never Hoofdvestiging (Verburg); Rest is a stranger.
    assert changed_by(batch, test, subject) == f"{cast.jansen.name}, {SOMEONE}"
    # Kroon meets Verburg (same organisation), not Jansen (Amersfoort) nor Rest.
    assert changed_by(batch, cast.kroon, subject) == f"{cast.verburg.name}, {SOMEONE}"
    assert changed_by(batch, cast.staff, subject) == ", ".join(
        sorted([cast.jansen.name, cast.verburg.name, story.account_of(rest).name]))


def test_staff_are_registerplein_and_the_viewer_is_nobody(cast, clock):
    cast, _ = cast
    subject = [Topic(Kind.ORGANISATION, cast.utrecht.id)]
    assert changed_by(feed_batch((subject, cast.staff.id)), cast.kroon, subject) == STAFF
    assert changed_by(feed_batch((subject, cast.kroon.id)), cast.kroon, subject) == ""
    assert changed_by(feed_batch(([Topic(Kind.ORGANISATION, cast.amersfoort.id)], cast.jansen.id)),
                      cast.kroon, subject) == ""  # another organisation only


def test_an_unknown_maker_is_een_ander(cast, clock):
    cast, _ = cast
    subject = [Topic(Kind.PROFESSIONAL, cast.test.id)]
    assert changed_by(EVERYTHING, cast.kroon, subject) == SOMEONE
    assert changed_by(feed_batch((subject, None)), cast.kroon, subject) == SOMEONE
    too_big = changes.parse_payload(changes._payload([Topic(Kind.PROFESSIONAL, n) for n in range(5000)],
                                                     cast.verburg.id))
    assert changed_by(too_big, cast.kroon, subject) == SOMEONE  # every professional: whose is unknown


def test_a_notification_says_who_changed_what(cast, clock):
    cast, _ = cast
    subject = Topic(Kind.PROFESSIONAL, cast.test.id)
    one = changes.parse_payload(changes._payload([subject], cast.kroon.id))
    other = changes.parse_payload(changes._payload([Topic(Kind.ORGANISATION, cast.amersfoort.id)], cast.jansen.id))
    assert changed_by(one | other, story.account_of(cast.test), [subject]) == cast.kroon.name


def test_real_saves_in_one_batch_name_only_the_subjects_maker(cast, clock):
    """Rest and Test save their grants in the same second: each is shown only their own change's maker."""
    cast, rest = cast
    test = story.account_of(cast.test)
    last = changes.newest_id()
    save_changes(story.account_of(rest), GrantChanges(add=[(cast.overvecht.id, None)]), clock)
    batch = changes.read_since(last)[1]
    assert changed_by(batch, test, [Topic(Kind.PROFESSIONAL, cast.test.id)]) == ""  # Rest's change is not Test's
    assert changed_by(batch, cast.kroon, [Topic(Kind.PROFESSIONAL, rest.id)]) == SOMEONE  # a professional's own act
