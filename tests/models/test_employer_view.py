"""What an employer does with the overview: filter, sort, summarise, open a dossier, remove, export."""
from __future__ import annotations

import csv
import datetime as dt

import pytest

from models import AccessGrant, Action, AuditEvent, Role
from models.access import AccessDenied
from models.dossier import open_dossier
from models.export import write_csv
from models.overview import overview_rows
from models.overview_set import filter_rows, registers_present, sort_rows, summarise
from models.removal import remove_professional
from models.rules import RegistrationType
from tests import story

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def utrecht(database):
    org = story.organisation("Stichting Welzijn Utrecht")
    sw = story.register("Register Sociaal Werkers", "SW")
    return {
        "org": org, "sw": sw, "co": story.register("Register Cliëntondersteuners", "CO"),
        "overvecht": story.branch(org, "Overvecht", "kroon"),
        "centrum": story.branch(org, "Centrum", "verburg", role="contact_person", admin=True),
    }


def followed(utrecht, initials, surname, *, end=dt.date(2028, 12, 31), training=0, branch="overvecht"):
    person = story.professional(initials, surname)
    registration = story.registration(person, utrecht["sw"], periods=[(dt.date(2014, 1, 1), dt.date(2018, 12, 31)),
                                                                       (dt.date(2019, 1, 1), end)])
    if training:
        story.activity(story.latest_period(registration), "training", training, title="Meldcode in de praktijk")
    story.grant(person, utrecht[branch])
    return person


def test_filters_sorting_and_summary_in_memory_match_the_query(utrecht, clock):
    followed(utrecht, "M.", "Kroon", end=dt.date(2027, 3, 1))
    followed(utrecht, "C.", "Cliënt", end=dt.date(2030, 1, 1))
    followed(utrecht, "A.", "Groen", training=60, end=dt.date(2027, 1, 1))
    kroon = utrecht["overvecht"].manager
    rows = overview_rows(kroon, TODAY)
    for filters in ({"name": "client"}, {"number": "4610"}, {"register": "Register Sociaal Werkers"}, {"name": "zz"}):
        sql = overview_rows(kroon, TODAY, **{k if k != "register" else "register_id": (
            utrecht["sw"].id if k == "register" else v) for k, v in filters.items()})
        assert filter_rows(rows, **filters) == sql
    latest = [row.name for row in sort_rows(rows, "name") if row.is_latest]
    assert latest == ["C. Cliënt", "A. Groen", "M. Kroon"]
    assert [row.end_date for row in sort_rows(rows, "end_date", reverse=True)][0] == dt.date(2030, 1, 1)
    summary = summarise(rows, TODAY)
    # All three fall short of 150 points; Groen (1-1-2027) and Kroon (1-3-2027) end within 6 months.
    assert (summary.professionals, summary.red, summary.red_ending_soon) == (3, 3, 2)
    assert registers_present(rows) == ["Register Sociaal Werkers"]


def test_the_dossier_shows_the_latest_period_only_and_is_audited(utrecht, clock):
    person = followed(utrecht, "T.", "Test", training=30)
    kroon = utrecht["overvecht"].manager
    dossier = open_dossier(kroon, person.id, clock)
    assert dossier.name == "T. Test"
    [period] = dossier.periods
    assert (period.end_date, period.achieved, period.norm) == (dt.date(2028, 12, 31), 30, 150)
    assert [line.title for line in period.activities] == ["Meldcode in de praktijk"]
    rules = {rule.group: rule for rule in period.rules}
    assert (rules["training"].achieved, rules["training"].required) == (30, 60)
    event = AuditEvent.get(AuditEvent.action == Action.DOSSIER_VIEWED)
    assert (event.actor_id, event.professional_id, event.branch_id) == (kroon.id, person.id, utrecht["overvecht"].id)


@pytest.mark.parametrize("who", ["other branch", "other organisation", "staff", "professional", "expired", "revoked"])
def test_the_dossier_is_refused_without_a_grant_in_force(utrecht, clock, who):
    person = followed(utrecht, "T.", "Test", branch="overvecht")
    acting = utrecht["centrum"].manager
    if who == "other organisation":
        acting = story.branch(story.organisation("Ander BV"), "Hoofd", "ander").manager
    elif who == "staff":
        acting = story.account("medewerker", Role.STAFF)
    elif who == "professional":
        acting = person.accounts.get()
    elif who in ("expired", "revoked"):
        acting = utrecht["overvecht"].manager
        grant = AccessGrant.get()
        if who == "expired":
            grant.end_date = TODAY - dt.timedelta(days=1)
        else:
            grant.revoked_at, grant.revoked_by = story.NOW, acting
        grant.save()
    with pytest.raises(AccessDenied):
        open_dossier(acting, person.id, clock)
    assert not AuditEvent.select().where(AuditEvent.action == Action.DOSSIER_VIEWED).exists()


def test_removing_a_professional_revokes_only_the_own_branch_grants(utrecht, clock):
    person = followed(utrecht, "T.", "Test", branch="overvecht")
    story.grant(person, utrecht["centrum"])
    kroon = utrecht["overvecht"].manager
    assert remove_professional(kroon, person.id, clock) == 1
    assert overview_rows(kroon, TODAY) == []
    assert overview_rows(utrecht["centrum"].manager, TODAY) != []  # Verburg still follows Test
    revoked = AccessGrant.get(AccessGrant.branch == utrecht["overvecht"])
    assert (revoked.revoked_at, revoked.revoked_by_id) == (clock.now(), kroon.id)
    assert AuditEvent.select().where(AuditEvent.action == Action.PROFESSIONAL_REMOVED, AuditEvent.actor == kroon).exists()
    with pytest.raises(AccessDenied, match="geen inzage"):  # nothing left to remove
        remove_professional(kroon, person.id, clock)


def test_removing_someone_elses_professional_changes_nothing(utrecht, clock):
    person = followed(utrecht, "T.", "Test", branch="centrum")
    stranger = story.branch(story.organisation("Ander BV"), "Hoofd", "ander").manager
    for outsider in (stranger, utrecht["overvecht"].manager):
        with pytest.raises(AccessDenied, match="geen inzage"):
            remove_professional(outsider, person.id, clock)
    assert AccessGrant.get().revoked_at is None
    with pytest.raises(AccessDenied):
        remove_professional(story.account("medewerker", Role.STAFF), person.id, clock)


def test_the_export_opens_in_excel(utrecht, clock, tmp_path):
    followed(utrecht, "M.", "Kroon")
    followed(utrecht, "=HYPERLINK(\"x\")", "Zoë")
    rows = filter_rows(overview_rows(utrecht["overvecht"].manager, TODAY), name="zoe")
    path = write_csv(rows, tmp_path, TODAY)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Naam;Register;Registratienummer;Einddatum;Norm;Behaald;Status;Periode"
    assert len(lines) == 1 + 2  # only the filtered professional's two periods
    current = next(line for line in lines if line.endswith(";huidig"))
    assert current.startswith('"\'=HYPERLINK(""x"") Zoë";Register Sociaal Werkers;')  # not a formula
    assert current.endswith(";31-12-2028;150;0;rood;huidig")
    assert path.stat().st_mode & 0o777 == 0o600
    assert write_csv(rows, tmp_path, TODAY) != path  # a second export does not overwrite the first


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_register_name_is_not_exported_as_a_formula(utrecht, clock, tmp_path, start):
    jeugd = story.register(f"{start}Register Jeugdzorg", "JZ")
    person = story.professional("M.", "Kroon")
    story.registration(person, jeugd)
    story.grant(person, utrecht["overvecht"])
    path = write_csv(overview_rows(utrecht["overvecht"].manager, TODAY), tmp_path, TODAY)
    header, *rows = csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    assert [row[header.index("Register")] for row in rows] == [f"'{start}Register Jeugdzorg"]


@pytest.mark.parametrize("key", ["status", "name", "end_date", "register", "number", "norm", "achieved"])
@pytest.mark.parametrize("reverse", [False, True])
def test_a_previous_period_stays_right_under_its_latest_one(utrecht, clock, key, reverse):
    for surname, end in [("Kroon", dt.date(2027, 3, 1)), ("Aarts", dt.date(2030, 1, 1)), ("Baas", dt.date(2028, 1, 1))]:
        followed(utrecht, "M.", surname, end=end)
    rows = sort_rows(overview_rows(utrecht["overvecht"].manager, TODAY), key, reverse)
    assert [row.is_latest for row in rows] == [True, False] * 3
    assert [rows[i].name for i in (0, 2, 4)] == [rows[i].name for i in (1, 3, 5)]


def test_the_export_has_a_line_per_period_with_its_status_and_period(utrecht, clock, tmp_path):
    followed(utrecht, "M.", "Kroon", training=30)  # two periods, both short of the norm
    basis = story.professional("A.", "Aarts")
    story.registration(basis, utrecht["sw"], kind=RegistrationType.BASIS)  # no norm: always green
    story.grant(basis, utrecht["overvecht"])
    path = write_csv(overview_rows(utrecht["overvecht"].manager, TODAY), tmp_path, TODAY)
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == 4 and raw.count(b"\n") == 4  # Excel's line ends, one per line
    header, *lines = csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";")
    columns = ("Naam", "Einddatum", "Norm", "Behaald", "Status", "Periode")
    assert [[line[header.index(c)] for c in columns] for line in lines] == [
        ["M. Kroon", "31-12-2028", "150", "30", "rood", "huidig"],
        ["M. Kroon", "31-12-2018", "150", "0", "rood", "vorig"],
        ["A. Aarts", "31-12-2028", "0", "0", "groen", "huidig"],
    ]


def test_each_export_of_the_day_gets_its_own_file(tmp_path):
    for name in ["inzage-professionals-2026-11-28.csv", "inzage-professionals-2026-11-28-2.csv",
                 "inzage-professionals-2026-11-28-3.csv"]:
        assert write_csv([], tmp_path, TODAY).name == name
    assert len(list(tmp_path.iterdir())) == 3
