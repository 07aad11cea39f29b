"""Hostile text on screen: markup, escape sequences, control characters, bidi overrides, 10,000 characters.

Data that came from elsewhere (the register, an older version) holds anything, and what users type
into the forms does too. On every screen: the app keeps running, the text shows literally (controls
as visible characters, e.g. ESC as ␛), no markup is applied (the brackets are there to read), no raw
ESC/BEL/NUL or bidi override reaches the rendered lines, and the other rows still show.
"""
from __future__ import annotations

import unicodedata

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, SelectionList

from models import Account, Activity, Organisation, Role
from models.applications import apply_for_employer_account
from models.dossier import open_dossier
from screens.dialogs import ConfirmDialog, ReasonDialog
from screens.dossier import DossierScreen
from screens.employer import EmployerScreen
from screens.grant_dialogs import GrantPicker
from screens.inzage import InzagePane
from screens.login import WRONG_CREDENTIALS, LoginScreen
from screens.my_dossier import ActivityScreen, MyDossierPane
from screens.organisation_pane import OrganisationPane
from screens.professional import ProfessionalScreen
from screens.staff import StaffScreen
from tests import story
from tests.applications import GOOD
from tests.screens.helpers import error_of, fill, screen_lines, screen_text, settle
from tests.screens.panes import show_pane
from tests.screens.signing_in import app_for, log_in
from tui.plain import visible
from tui.table import VirtualTable

NAME = "[bold red]X[/]\x1b[2J"  # a professional's surname, as the register might deliver it
TITLE = "\x1b]8;;http://evil\x1b\\klik\x1b]8;;\x1b\\ \u202egnp.exe"  # OSC 8 hyperlink and a right-to-left override
ORGANISATION = "[@click=app.quit]Q[/]"
REFLECTION = ("Zoe\u0308 leerde [bold]veel[/]\x07 over \x1b[31mrood\x1b[0m 👩\u200d👩\u200d👧\n" * 250)[:10_000]
BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029}
SIZE = (160, 50)


def rendered(app) -> str:
    return "\n".join(screen_lines(app))


def assert_nothing_raw(app) -> None:
    """No control character, lone surrogate or bidi override in what the terminal is sent."""
    for line in screen_lines(app):
        raw = [hex(ord(ch)) for ch in line if unicodedata.category(ch) in ("Cc", "Cs") or ord(ch) in BIDI]
        assert not raw, (raw, line)


def toasts(app) -> list[str]:
    """The notifications as the toasts render them (markup applied would have removed the brackets)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def shown(app, text: str) -> bool:
    """Whether `text` is on screen literally, controls as their visible stand-ins."""
    return visible(text) in rendered(app)


async def running(pilot) -> None:
    await settle(pilot)
    assert pilot.app.is_running and pilot.app.return_code is None  # e.g. no [@click=app.quit] was run


# -- the employer: overview, filters, dossier, removing ------------------------------------------------------------
@pytest.fixture
def followed(sqlite_db):
    """Kroon (Overvecht) follows a professional named NAME, C. Cliënt and Zoë (decomposed)."""
    org = story.organisation("Stichting Welzijn Utrecht")
    overvecht = story.branch(org, "Overvecht", "kroon")
    hostile_register = story.register("Register [b]Agogen[/b]\x1b[5m", "HA")
    sw = story.register("Register Sociaal Werkers", "SW")
    people = {}
    for initials, surname, register in (("T.", NAME, hostile_register), ("C.", "Cliënt", sw), ("Z.", "Zoe\u0308", sw)):
        person = story.professional(initials, surname)
        period = story.latest_period(story.registration(person, register))
        story.activity(period, "training", 8, title=TITLE if surname == NAME else "Intervisie")
        story.grant(person, overvecht)
        people[surname] = person
    Activity.update(reflection=REFLECTION, provider="[link=https://x]klik[/link]").where(
        Activity.title == TITLE).execute()
    return people


async def test_the_overview_the_dossier_and_removing_show_a_hostile_name_as_typed(followed, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        assert isinstance(app.screen, EmployerScreen)
        await running(pilot)
        assert shown(app, f"T. {NAME}") and "[bold red]X[/]␛[2J" in rendered(app)
        assert shown(app, "[b]Agogen[/b]\x1b[5m")  # the register column
        assert "C. Cliënt" in rendered(app) and "Z. Zoe\u0308" in rendered(app)  # the other rows
        assert_nothing_raw(app)

        table = app.screen.query_one(VirtualTable)
        table.move_cursor(row=[row.name for row in table.rows].index(f"T. {NAME}"))
        await pilot.press("enter")
        await running(pilot)
        assert isinstance(app.screen, DossierScreen)
        assert shown(app, f"Dossier van T. {NAME}")
        assert shown(app, "[link=https://x]klik[/link]")
        app.screen.query_one(DataTable).focus()
        await running(pilot)
        text = rendered(app)
        assert "␛]8;;http://evil␛\\klik␛]8;;␛\\ �gnp.exe" in text  # the title, harmless and readable
        assert "Reflectie: Zoe\u0308 leerde [bold]veel[/]␇ over ␛[31mrood␛[0m" in text  # 10,000 characters
        assert_nothing_raw(app)

        await pilot.press("escape")
        await running(pilot)
        await pilot.press("delete")
        await running(pilot)
        assert isinstance(app.screen, ConfirmDialog) and shown(app, f"T. {NAME} verwijderen?")
        assert_nothing_raw(app)
        await pilot.click("#confirm")
        await running(pilot)
        assert visible(f"T. {NAME} is uit uw overzicht verwijderd.") in toasts(app)  # literally
        assert "C. Cliënt" in rendered(app)
        assert_nothing_raw(app)


async def test_overview_filters_take_hostile_text(followed, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await running(pilot)
        name_filter = app.screen.query_one("#name-filter", Input)
        for value in ("[b]", "\x1b[2J", "\x00%_", "\u202e", "x" * 100):
            name_filter.value = value
            await running(pilot)
            assert_nothing_raw(app)
        name_filter.value = "[bold red]x"
        await running(pilot)
        assert [row.name for row in app.screen.query_one(VirtualTable).rows] == [f"T. {NAME}"]
        assert "[bold red]x" in rendered(app)  # what was typed shows in the filter too
        name_filter.value = "zoe"
        await running(pilot)
        assert [row.name for row in app.screen.query_one(VirtualTable).rows] == ["Z. Zoe\u0308"]
        register = app.screen.query_one("#register-filter", Select)
        register.value = "Register [b]Agogen[/b]\x1b[5m"
        name_filter.value = ""
        await running(pilot)
        assert [row.name for row in app.screen.query_one(VirtualTable).rows] == [f"T. {NAME}"]
        assert shown(app, "Register [b]Agogen[/b]\x1b[5m")  # the chosen register, as named
        assert_nothing_raw(app)


# -- staff: applications, rejecting with a reason, finding accounts -------------------------------------------------
async def test_staff_see_decide_and_search_hostile_applications(sqlite_db, clock, tmp_path):
    import dataclasses

    story.account("medewerker", Role.STAFF)
    apply_for_employer_account(dataclasses.replace(GOOD, company=ORGANISATION, name="[bold]Anna[/]"), clock)
    apply_for_employer_account(dataclasses.replace(GOOD, username="tweede", company="Zoe\u0308 [b]zorg",
                                                   email="b@zwolle.nl", email_repeat="b@zwolle.nl"), clock)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "medewerker", story.PASSWORD)
        assert isinstance(app.screen, StaffScreen)
        await running(pilot)
        assert ORGANISATION in rendered(app) and "[bold]Anna[/]" in rendered(app)
        await pilot.press("a")  # approve the first: the notification names it
        await running(pilot)
        assert f"{ORGANISATION} is goedgekeurd; de aanvrager krijgt een e-mail." in toasts(app)
        assert Organisation.get(Organisation.name == ORGANISATION).status == "approved"

        await pilot.press("r")  # reject the other one
        await running(pilot)
        assert isinstance(app.screen, ReasonDialog) and "Zoë [b]zorg afwijzen" in rendered(app)
        reason = app.screen.query_one("#reason", Input)
        reason.value = "dubbel \x1b[2J\x07"
        await pilot.press("enter")
        await running(pilot)
        assert isinstance(app.screen, ReasonDialog)  # refused next to the field, the dialog stays
        assert error_of(app, "reason") == "Gebruik in de reden van de afwijzing geen stuurtekens."
        assert "dubbel ␛[2J" in rendered(app)  # what was typed, made visible
        assert_nothing_raw(app)
        reason.value = "[bold]dubbel[/] account, zie [link=https://x]hier[/link]"
        await pilot.press("enter")
        await running(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert "Zoë [b]zorg is afgewezen; de aanvrager krijgt een e-mail." in toasts(app)
        assert Organisation.get(Organisation.name == "Zoë [b]zorg").rejection_reason == (
            "[bold]dubbel[/] account, zie [link=https://x]hier[/link]")

        await pilot.press("f6")  # the accounts tab
        await running(pilot)
        search = app.screen.query_one("#account-query", Input)
        for value in ("\x00", "%", "_", "\\", "[b]", "\x1b[2J", "\ud800", "x" * 500, "[bold]anna"):
            search.value = value
            await running(pilot)
            assert_nothing_raw(app)
        usernames = [str(row[0]) for row in (app.screen.query_one("#accounts-table", DataTable).get_row_at(i)
                                               for i in range(app.screen.query_one("#accounts-table").row_count))]
        assert usernames == [GOOD.username]
        assert "[bold]Anna[/]" in rendered(app)


# -- logging in and applying ------------------------------------------------------------------------------------------
async def test_hostile_login_names_and_a_rejection_reason_with_markup(sqlite_db, clock, tmp_path):
    staff = story.account("medewerker", Role.STAFF)
    org = story.organisation("Afgewezen BV", status="rejected", staff=staff)
    Organisation.update(rejection_reason="[@click=app.quit]dubbel[/] [link=https://x]account[/link]").where(
        Organisation.id == org.id).execute()
    story.branch(org, "Hoofdvestiging", "afgewezen", role="contact_person", admin=True)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for username in ("[bold]x[/]\x1b[2J", "\x00", "a\ud800b", "x" * 10_000, "\u202emedewerker"):
            await log_in(pilot, username, "\x1b]8;;http://evil\x1b\\")
            await running(pilot)
            assert isinstance(app.screen, LoginScreen) and WRONG_CREDENTIALS in screen_text(app)
            assert_nothing_raw(app)
        await log_in(pilot, "afgewezen", story.PASSWORD)
        await running(pilot)
        assert "De reden: [@click=app.quit]dubbel[/] [link=https://x]account[/link]" in screen_text(app)
        assert_nothing_raw(app)


async def test_the_application_form_answers_hostile_input_field_by_field(sqlite_db, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 60), notifications=True) as pilot:
        await pilot.press("f2")
        await running(pilot)
        hostile = {"name": "\x1b[2J", "email": "[b]@x", "email_repeat": "\x07", "username": ORGANISATION,
                   "password": "\x00" * 12, "password_repeat": "", "company": "x" * 10_000, "visit_address": "\x9b2J",
                   "visit_postcode": "\u202e1234", "visit_city": "a\ud800b", "country": "[@click=app.quit]Q"}
        await fill(pilot, **hostile)
        await pilot.press("ctrl+s")
        await running(pilot)
        assert error_of(app, "name") == "Gebruik in uw naam geen stuurtekens."
        assert error_of(app, "company") == "Gebruik voor de bedrijfsnaam hooguit 300 tekens."
        assert error_of(app, "visit_city") == "Gebruik in de plaats geen stuurtekens."
        assert "gebruikersnaam" in error_of(app, "username")
        assert "e-mailadres" in error_of(app, "email")
        assert_nothing_raw(app)
        assert "␛[2J" in rendered(app)  # the name field shows what was typed
        await fill(pilot, name="[bold]Anna[/] 👩\u200d👩\u200d👧", email="anna@example.nl",
                   email_repeat="anna@example.nl", username="anna", password="paarse olifant danst op maandag",
                   password_repeat="paarse olifant danst op maandag", company=ORGANISATION, visit_address="Markt 1",
                   visit_postcode="1234 AB", visit_city="Zoe\u0308dorp", country="Nederland")
        await pilot.press("ctrl+s")
        await running(pilot)
    anna = Account.get(Account.username == "anna")
    assert anna.name == "[bold]Anna[/] 👩\u200d👩\u200d👧"
    assert Organisation.get(Organisation.name == ORGANISATION).visit_city == "Zoëdorp"  # NFC, on purpose


# -- the professional: own dossier, activity form, inzage picker ----------------------------------------------------
@pytest.fixture
def professional(sqlite_db):
    sw = story.register("Register Sociaal Werkers", "SW")
    person = story.professional("T.", NAME)
    period = story.latest_period(story.registration(person, sw, number="461000001"))
    story.activity(period, "training", 8, title=TITLE)
    Activity.update(reflection=REFLECTION).execute()
    story.activity(period, "other", 2, title="Congres")
    hostile = story.organisation(ORGANISATION)
    story.branch(hostile, "Noord\u202e\x1b[5m", "noord")
    Account.update(name=NAME).where(Account.username == "noord").execute()
    story.organisation("Stichting Welzijn Utrecht")
    return {"me": story.account_of(person), "period": period}


async def test_the_professional_workspace_shows_hostile_text_plainly(professional, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, professional["me"].username, story.PASSWORD)
        assert isinstance(app.screen, ProfessionalScreen)
        await running(pilot)
        assert shown(app, f"Professional: T. {NAME}")  # the header
        assert "␛]8;;http://evil␛\\klik" in rendered(app) and "Congres" in rendered(app)
        table = app.screen.query_one(f"#activities-{professional['period'].id}", DataTable)
        table.move_cursor(row=[str(table.get_row_at(i)[1]) for i in range(table.row_count)].index(visible(TITLE)))
        await running(pilot)
        assert "Zoe\u0308 leerde [bold]veel[/]␇" in rendered(app)  # the highlighted activity's reflection
        assert_nothing_raw(app)


async def test_the_activity_form_takes_hostile_text(professional, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await show_pane(pilot, MyDossierPane, professional["me"])
        await pilot.press("n")
        await running(pilot)
        assert isinstance(app.screen, ActivityScreen)
        await fill(pilot, title=TITLE, date="01-06-2026", points="8", provider="[link=https://x]klik[/link]")
        app.screen.query_one("#category", Select).value = "training"
        area = app.screen.query_one("#reflection")
        area.load_text("regel een\n\x1b[2J\x07 regel twee")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert error_of(app, "title") == "Gebruik in de titel geen stuurtekens."
        assert error_of(app, "reflection") == "Gebruik in de reflectie geen stuurtekens."
        assert "␛[2J␇ regel twee" in rendered(app)  # the text area shows the controls
        assert "␛]8;;http://evil" in rendered(app)  # and so does the title field
        assert_nothing_raw(app)
        await fill(pilot, title="[@click=app.quit]Q[/] \u202egnp.exe")
        area.load_text(REFLECTION.replace("\x07", "").replace("\x1b", "^"))
        await pilot.press("ctrl+s")
        await running(pilot)
        assert isinstance(app.screen.pane, MyDossierPane)
        assert "[@click=app.quit]Q[/] �gnp.exe" in rendered(app)
        assert_nothing_raw(app)
    added = Activity.get(Activity.title == "[@click=app.quit]Q[/] \u202egnp.exe")  # stored as typed
    assert added.reflection == REFLECTION.replace("\x07", "").replace("\x1b", "^").rstrip("\n")
    assert added.provider == "[link=https://x]klik[/link]"


async def test_the_grant_picker_searches_and_shows_hostile_names(professional, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await show_pane(pilot, InzagePane, professional["me"])
        await pilot.press("a")
        await running(pilot)
        assert isinstance(app.screen, GrantPicker)
        search = app.screen.query_one("#search", Input)
        for value in ("\x00", "%_\\", "\ud800", "\x1b[2J", "[b]"):
            search.value = value
            await running(pilot)
            assert app.screen.query_one(OptionList).option_count == 0
            assert_nothing_raw(app)
        search.value = "[@click"
        await running(pilot)
        assert ORGANISATION in rendered(app)
        await pilot.press("enter")  # the only match
        await running(pilot)
        assert f"Vestigingen of afdelingen van {ORGANISATION}" in rendered(app)
        prompts = [str(option.prompt) for option in app.screen.query_one(SelectionList)._options]
        assert prompts[0].startswith(f"Noord�{visible(chr(27))}[5m — {visible(NAME)},")
        assert_nothing_raw(app)


async def test_the_access_log_and_the_organisation_pane_show_hostile_names(sqlite_db, clock, tmp_path):
    world = story.employers()
    story.registration(world.test, story.register())
    story.grant(world.test, world.overvecht)
    Account.update(name="[bold]Kroon[/]\x1b[2J").where(Account.id == world.kroon.id).execute()
    Organisation.update(name=ORGANISATION).where(Organisation.id == world.utrecht.id).execute()
    open_dossier(Account.get_by_id(world.kroon.id), world.test.id, clock)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, story.account_of(world.test).username, story.PASSWORD)
        await pilot.press("f4")
        await running(pilot)
        assert "[bold]Kroon[/]␛[2J" in rendered(app) and ORGANISATION in rendered(app)
        assert_nothing_raw(app)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await show_pane(pilot, OrganisationPane, world.verburg)
        assert app.screen.query_one("#company", Input).value == ORGANISATION
        await fill(pilot, company="Welzijn\x1b[2J")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert error_of(app, "company") == "Gebruik in de bedrijfsnaam geen stuurtekens."
        assert "Welzijn␛[2J" in rendered(app)
        assert_nothing_raw(app)
        await fill(pilot, company="[link=https://x]Zoe\u0308[/link]")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert Organisation.get_by_id(world.utrecht.id).name == "[link=https://x]Zoë[/link]"
        assert app.screen.query_one("#company", Input).value == "[link=https://x]Zoë[/link]"


async def test_a_branch_and_its_manager_with_hostile_names(sqlite_db, clock, tmp_path):
    from screens.branch_forms import NewBranchScreen
    from screens.branches import BranchesPane

    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await pilot.press("n")
        await running(pilot)
        assert isinstance(app.screen, NewBranchScreen)
        await fill(pilot, name="Noord\x1b[2J", manager_name="P. Pieters", manager_email="p@example.nl",
                   manager_username="pieters")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert error_of(app, "name") == "Gebruik in de naam van de vestiging geen stuurtekens."
        assert_nothing_raw(app)
        await fill(pilot, name=ORGANISATION, manager_name="[bold red]P.[/] Pieters \u202eR")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert (f"Vestiging {ORGANISATION} is toegevoegd. [bold red]P.[/] Pieters �R krijgt een e-mail met een "
                "activeringscode om een wachtwoord te kiezen.") in toasts(app)
        text = rendered(app)
        assert ORGANISATION in text and "[bold red]P.[/] Pieters �R (pieters)" in text
        assert "Hoofdvestiging" in text and "Overvecht" in text  # the other rows
        assert_nothing_raw(app)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_a_10000_character_name_keeps_the_table_in_one_line_per_row(followed, clock, tmp_path, size):
    from models import Professional

    Professional.update(name="Lang " + "x" * 10_000).where(Professional.name == "C. Cliënt").execute()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await running(pilot)
        text = rendered(app)
        assert "Lang xxx" in text and "…" in text and "Z. Zoe\u0308" in text
        assert all(len(line) <= size[0] * 2 for line in screen_lines(app))
        assert_nothing_raw(app)


async def test_300_character_names_do_not_push_the_other_columns_off_the_screen(sqlite_db, clock, tmp_path):
    """The longest names the validators allow, without a space: cut with "…" (or wrapped) in tables whose
    columns size themselves, so the columns after them stay in view; the whole text shows elsewhere."""
    import dataclasses

    from screens.branches import BranchesPane

    long_org, long_branch, long_title = "O" * 300, "B" * 300, "T" * 300
    world = story.employers()
    period = story.latest_period(story.registration(world.test, story.register()))
    story.activity(period, "training", 8, title=long_title)
    story.grant(world.test, world.overvecht)
    story.branch(world.utrecht, long_branch, "lang")
    apply_for_employer_account(dataclasses.replace(GOOD, company=long_org), clock)
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot, "medewerker", story.PASSWORD)
        await running(pilot)
        text = rendered(app)
        assert "Ingediend" in text and "O" * 30 in text and "…" in text  # the last columns in view
    async with app_for(clock, tmp_path).run_test(size=(120, 40), notifications=True) as pilot:
        await show_pane(pilot, BranchesPane, world.verburg)
        await running(pilot)
        assert "Beheerder" in rendered(app := pilot.app) and "B" * 30 in rendered(app)
    async with app_for(clock, tmp_path).run_test(size=(120, 40), notifications=True) as pilot:
        await show_pane(pilot, InzagePane, story.account_of(world.test))
        await running(pilot)
        assert "Status" in rendered(pilot.app) and "heeft inzage" in rendered(pilot.app)
    async with app_for(clock, tmp_path).run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot, "kroon", story.PASSWORD)
        await pilot.press("enter")
        await running(pilot)
        assert isinstance(pilot.app.screen, DossierScreen)
        pilot.app.screen.query_one(DataTable).focus()
        await running(pilot)
        text = rendered(pilot.app)
        assert "Aanbieder" in text and "Movisie" in text  # the columns after the title
        assert "Titel:" + "T" * 300 in text.replace("\n", "").replace(" ", "")  # whole, below the table
        assert_nothing_raw(pilot.app)


async def test_the_account_pane_takes_hostile_contact_details(sqlite_db, clock, tmp_path):
    from screens.account_pane import CONTACT_SAVED, AccountPane

    world = story.employers()
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await show_pane(pilot, AccountPane, world.kroon)
        await fill(pilot, name="[bold]Kroon[/]\x1b[2J\x00", email="[b]kroon@example.nl")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert error_of(app, "name") == "Gebruik in uw naam geen stuurtekens."
        assert "e-mailadres" in error_of(app, "email")
        assert "[bold]Kroon[/]␛[2J␀" in rendered(app)
        assert_nothing_raw(app)
        await fill(pilot, name="[bold]Kroon[/] \u202eR 👍🏽", email="kroon@example.nl")
        await pilot.press("ctrl+s")
        await running(pilot)
        assert CONTACT_SAVED in toasts(app) and error_of(app, "name") == ""
        assert app.screen.query_one("#name", Input).value == "[bold]Kroon[/] \u202eR 👍🏽"  # as stored
        assert "[bold]Kroon[/] �R 👍🏽" in rendered(app)
        assert_nothing_raw(app)
    assert Account.get_by_id(world.kroon.id).name == "[bold]Kroon[/] \u202eR 👍🏽"
