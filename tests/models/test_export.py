"""The employer's export: asked again at the moment of export, filtered and sorted as on the screen,
audited per professional in one statement, shown to the professional, and all or nothing."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from models import AccessGrant, Account, Action, AuditEvent, Registration, Role, changes
from models.access import AccessDenied
from models.access_log import who_looked
from models.export import ExportFailed, export_overview, write_csv
from models.inzage import GrantChanges, save_changes
from models.overview import overview_rows
from models.overview_set import OverviewSet
from models.removal import remove_professional
from models.rules import RegistrationType
from tests import story
from tests.files import unwritable


@pytest.fixture
def utrecht(database):
    """Kroon manages Overvecht of Welzijn Utrecht; Verburg manages Centrum. Two registers."""
    org = story.organisation("Stichting Welzijn Utrecht")
    return {
        "org": org, "sw": story.register("Register Sociaal Werkers", "SW"),
        "co": story.register("Register Cliëntondersteuners", "CO"),
        "overvecht": story.branch(org, "Overvecht", "kroon"),
        "centrum": story.branch(org, "Centrum", "verburg", role="contact_person", admin=True),
    }


def followed(utrecht, initials, surname, *, register="sw", end=dt.date(2028, 12, 31), branch="overvecht",
             grant_end=None, number=None, with_account=True):
    person = story.professional(initials, surname, with_account=with_account)
    story.registration(person, utrecht[register], number=number,
                       periods=[(dt.date(2014, 1, 1), dt.date(2018, 12, 31)), (dt.date(2019, 1, 1), end)])
    story.grant(person, utrecht[branch], end_date=grant_end)
    return person


def names_in(path: Path) -> list[str]:
    header, *lines = csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    return [line[0] for line in lines if line[-1] == "huidig"]


def exported() -> list[tuple]:
    return list(AuditEvent.select(AuditEvent.professional, AuditEvent.actor, AuditEvent.organisation,
                                  AuditEvent.branch, AuditEvent.account, AuditEvent.detail)
                .where(AuditEvent.action == Action.PROFESSIONALS_EXPORTED).order_by(AuditEvent.professional).tuples())


@pytest.mark.parametrize("how", ["revoked by the professional", "grant ended", "removed by the employer"])
def test_whoever_lost_access_since_the_last_export_is_not_in_the_next(utrecht, clock, tmp_path, how):
    kroon = utrecht["overvecht"].manager
    followed(utrecht, "M.", "Kroon")
    leaving = followed(utrecht, "T.", "Test", grant_end=clock.today())
    first = export_overview(kroon, clock, tmp_path)
    assert sorted(names_in(first.path)) == ["M. Kroon", "T. Test"] and first.professionals == 2
    if how == "revoked by the professional":
        save_changes(story.account_of(leaving), GrantChanges(revoke={AccessGrant.get(
            AccessGrant.professional == leaving).id}), clock)
    elif how == "grant ended":
        clock.advance(dt.timedelta(days=1))  # it was in force until the end of its end date
    else:
        remove_professional(kroon, leaving.id, clock)
    second = export_overview(kroon, clock, tmp_path)  # no rows passed in: the model decides
    assert names_in(second.path) == ["M. Kroon"]
    assert (second.rows, second.professionals) == (2, 1)
    exports_of = [professional for professional, *_ in exported()]
    assert exports_of.count(leaving.id) == 1  # the first export only
    assert len(exports_of) == 3


@pytest.mark.parametrize("filters", [
    {},
    {"name": "CLIENT"},
    {"name": "an"},
    {"number": "46100"},
    {"number": " 9999 "},
    {"register": "Register Cliëntondersteuners"},
    {"register": "Register Sociaal Werkers", "sort_key": "name"},
    {"sort_key": "end_date", "reverse": True},
    {"sort_key": "name", "reverse": True, "name": "a"},
    {"sort_key": "status", "reverse": True},
    {"register": "Register Onbekend"},
])
def test_filters_and_sort_give_the_rows_the_screen_shows(utrecht, clock, tmp_path, filters):
    followed(utrecht, "C.", "Cliënt", register="co", number="461099990")
    followed(utrecht, "A.", "Aarts", end=dt.date(2030, 1, 1))
    followed(utrecht, "J.", "Jansen", end=dt.date(2027, 1, 1))
    followed(utrecht, "D.", "Daan", register="co", end=dt.date(2027, 6, 1))
    followed(utrecht, "A.", "Anders", branch="centrum")  # Verburg's, not Kroon's
    kroon = utrecht["overvecht"].manager
    expected = OverviewSet(overview_rows(kroon, clock.today())).view(**filters)
    result = export_overview(kroon, clock, tmp_path / "model", **filters)
    wanted = write_csv(expected, tmp_path / "screen", clock.today())
    assert result.path.read_bytes() == wanted.read_bytes()
    assert (result.rows, result.professionals) == (len(expected), len({row.professional_id for row in expected}))
    assert len(exported()) == result.professionals


def _count_inserts(database, monkeypatch) -> list[tuple[str, int]]:
    """Every INSERT into the audit trail the database runs from now on, with its number of parameters
    (the change feed gets one row per export, whatever its size: not counted here)."""
    inserts: list[tuple[str, int]] = []
    original = database.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith("INSERT") and "audit_event" in sql:
            inserts.append((sql, len(params or ())))
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", counting)
    return inserts


@pytest.mark.parametrize("count", [3, 300])
def test_the_export_is_audited_per_professional_in_one_insert(utrecht, clock, tmp_path, database, monkeypatch,
                                                               count):
    people = [followed(utrecht, "A.", f"Persoon{index:03d}", with_account=False) for index in range(count)]
    followed(utrecht, "A.", "Anders", branch="centrum", with_account=False)
    kroon = utrecht["overvecht"].manager
    inserts = _count_inserts(database, monkeypatch)
    last_change = changes.newest_id()
    result = export_overview(kroon, clock, tmp_path)
    assert (result.rows, result.professionals) == (2 * count, count)
    assert changes.read_since(last_change)[1] == changes.Batch(frozenset({changes.Topic(changes.Kind.LOOKED)}),
                                                               frozenset({kroon.id}))  # one row: every "Wie keek er"
    [(sql, parameters), (summary, _)] = inserts  # one statement, whatever the number of professionals ...
    assert "SELECT" in sql.upper() and parameters < 20  # INSERT … SELECT: no parameters per row
    assert "SELECT" in summary.upper()  # ... and the export's own event (the name read in the statement)
    assert exported() == [(person.id, kroon.id, utrecht["org"].id, utrecht["overvecht"].id, None, "")
                          for person in people]
    assert {event.at for event in AuditEvent.select().where(
        AuditEvent.action == Action.PROFESSIONALS_EXPORTED)} == {clock.now()}


def test_an_export_without_rows_is_audited_too(utrecht, clock, tmp_path):
    kroon = utrecht["overvecht"].manager
    followed(utrecht, "T.", "Test")
    result = export_overview(kroon, clock, tmp_path, name="niemand")
    assert result.path.exists() and (result.rows, result.professionals) == (0, 0)
    [event] = AuditEvent.select().where(AuditEvent.action == Action.OVERVIEW_EXPORTED)
    assert (event.actor_id, event.branch_id, event.actor_name) == (kroon.id, utrecht["overvecht"].id, kroon.name)
    assert '"professionals": 0' in event.detail and '"filtered": true' in event.detail
    assert exported() == []


def test_a_professional_whose_registration_has_no_period_yet_keeps_file_and_audit_equal(utrecht, clock, tmp_path):
    kroon = utrecht["overvecht"].manager
    followed(utrecht, "T.", "Test")
    waiting = story.professional("W.", "Wacht", with_account=False)
    Registration.create(professional=waiting, register=utrecht["sw"], number="461099999", type=RegistrationType.REGISTERED,
                        registered_on=clock.today())  # registered, no period started yet
    story.grant(waiting, utrecht["overvecht"])
    result = export_overview(kroon, clock, tmp_path)
    in_file = {row.professional_id for row in overview_rows(kroon, clock.today())}
    assert result.professionals == len(in_file) == len(exported())
    assert {professional for professional, *_ in exported()} == in_file


def test_wie_keek_er_names_the_viewer_as_they_were_called_then(utrecht, clock, tmp_path):
    from models.profile import update_contact

    person = followed(utrecht, "T.", "Test")
    kroon = utrecht["overvecht"].manager
    export_overview(kroon, clock, tmp_path)
    update_contact(kroon, "K. Kroon-de Vries", kroon.email, clock)
    export_overview(kroon, clock, tmp_path)
    looks = who_looked(story.account_of(person))
    assert [look.viewer for look in looks] == ["K. Kroon-de Vries", "Kroon"]


@pytest.mark.parametrize("who", ["employer of a pending organisation", "locked employer", "professional", "staff"])
def test_a_refused_export_writes_no_file_and_records_nothing(utrecht, clock, tmp_path, who):
    person = followed(utrecht, "T.", "Test")
    acting = utrecht["overvecht"].manager
    if who == "employer of a pending organisation":
        pending = story.organisation("Nieuw Welzijn BV", status="pending")
        applied = story.branch(pending, "Hoofdvestiging", "aanvrager", role="contact_person", admin=True)
        story.grant(person, applied)
        acting = applied.manager
    elif who == "locked employer":
        Account.update(locked_until=clock.now() + dt.timedelta(minutes=15)).where(Account.id == acting.id).execute()
    elif who == "professional":
        acting = story.account_of(person)
    else:
        acting = story.account("medewerker", Role.STAFF)
    with pytest.raises(AccessDenied):
        export_overview(acting, clock, tmp_path / "export")
    assert not (tmp_path / "export").exists()
    assert exported() == []


@pytest.mark.parametrize("kind", ["read-only folder", "a file where the folder should be"])
def test_an_unwritable_folder_is_told_in_dutch_and_nothing_is_recorded(utrecht, clock, tmp_path, kind):
    """The file is written inside the transaction, before the commit: when it cannot be, the audit rows
    are rolled back with the transaction, so nobody's "Wie keek er" shows an export that was never made."""
    person = followed(utrecht, "T.", "Test")
    folder = unwritable(tmp_path, kind)
    with pytest.raises(ExportFailed, match=f"^De export kon niet worden opgeslagen in {folder}: ") as failed:
        export_overview(utrecht["overvecht"].manager, clock, folder)
    assert "Errno" not in str(failed.value)
    assert exported() == []
    assert who_looked(story.account_of(person)) == []


@pytest.mark.parametrize(("error", "reason"), [
    (PermissionError(13, "Permission denied"), "u mag in die map geen bestanden opslaan"),
    (OSError(28, "No space left on device"), "de schijf is vol"),
    (OSError(5, "Input/output error"), "het systeem meldde een fout (Input/output error)"),
])
def test_each_write_failure_is_told_in_dutch(utrecht, clock, tmp_path, monkeypatch, error, reason):
    """What a read-only folder (for anyone but root), a full disk or a broken one says to the employer."""
    import models.export

    followed(utrecht, "T.", "Test")

    def failing(*args):
        raise error

    monkeypatch.setattr(models.export, "write_csv", failing)
    with pytest.raises(ExportFailed) as failed:
        export_overview(utrecht["overvecht"].manager, clock, tmp_path)
    assert str(failed.value) == f"De export kon niet worden opgeslagen in {tmp_path}: {reason}."
    assert exported() == []


def test_a_failed_commit_takes_the_file_away_again(utrecht, clock, tmp_path, database, monkeypatch):
    followed(utrecht, "T.", "Test")

    def failing_commit():
        raise RuntimeError("the commit failed")

    monkeypatch.setattr(database, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="the commit failed"):
        export_overview(utrecht["overvecht"].manager, clock, tmp_path / "export")
    monkeypatch.undo()
    assert list((tmp_path / "export").iterdir()) == []
    assert exported() == []


def test_the_professionals_in_the_file_see_the_export_and_no_one_else(utrecht, clock, tmp_path):
    aarts = followed(utrecht, "A.", "Aarts")
    baas = followed(utrecht, "B.", "Baas", register="co")
    filtered_out = followed(utrecht, "C.", "Claes")
    elsewhere = followed(utrecht, "D.", "Dekker", branch="centrum")
    result = export_overview(utrecht["overvecht"].manager, clock, tmp_path, name="aa", sort_key="name")
    assert names_in(result.path) == ["A. Aarts", "B. Baas"]
    for person in (aarts, baas):
        [look] = who_looked(story.account_of(person))
        assert (look.kind, look.viewer, look.organisation, look.branch) == (
            Action.PROFESSIONALS_EXPORTED, "Kroon", "Stichting Welzijn Utrecht", "Overvecht")
        assert look.at.strftime("%d-%m-%Y %H:%M") == "28-11-2026 10:00"
    for person in (filtered_out, elsewhere):
        assert who_looked(story.account_of(person)) == []


def test_a_revoke_committed_during_the_export_does_not_split_file_and_audit(utrecht, clock, tmp_path, database,
                                                                            monkeypatch):
    """PostgreSQL: another session revokes between the export's read and its audit INSERT. The export
    reads one snapshot (REPEATABLE READ), so the professional is in both or in neither — here both, as
    at the moment the export began. (SQLite's IMMEDIATE transaction keeps the other writer out.)"""
    if database.__class__.__name__ != "PostgresqlDatabase":
        pytest.skip("SQLite lets no other writer in during the export")
    import psycopg

    import models.export

    followed(utrecht, "M.", "Kroon")
    leaving = followed(utrecht, "T.", "Test")
    record = models.export._record

    def revoke_first(*args, **kwargs):
        with psycopg.connect(dbname=database.database, **database.connect_params, autocommit=True) as other:
            other.execute("UPDATE access_grant SET revoked_at = %s, revoked_by_id = %s WHERE professional_id = %s",
                          (clock.now(), story.account_of(leaving).id, leaving.id))
        return record(*args, **kwargs)

    monkeypatch.setattr(models.export, "_record", revoke_first)
    result = export_overview(utrecht["overvecht"].manager, clock, tmp_path)
    assert sorted(names_in(result.path)) == ["M. Kroon", "T. Test"]
    assert len(exported()) == result.professionals == 2
    assert AccessGrant.get(AccessGrant.professional == leaving).revoked_at is not None  # committed meanwhile


def test_a_file_that_fails_halfway_is_not_left_behind(tmp_path):
    from models.overview import OverviewRow

    broken = OverviewRow(1, "T. Test", "Register Sociaal Werkers", "461000001", dt.date(2028, 12, 31), 150, 0,
                         "purple", True, "test t.", "t. test")  # no such status: writing stops at this row
    with pytest.raises(KeyError):
        write_csv([broken], tmp_path, dt.date(2026, 11, 28))
    assert list(tmp_path.iterdir()) == []
