"""An employer's application as the tests make it: a good one, and a wrong value per field with the Dutch
message it gets (checked in models and on the screen)."""
from __future__ import annotations

from models.applications import ApplicationForm

GOOD = ApplicationForm(
    name="M. Verburg", email="m.verburg@welzijn.nl", email_repeat="M.Verburg@welzijn.nl", username="mverburg",
    password="tulpen-in-de-regen", password_repeat="tulpen-in-de-regen", company="Stichting Welzijn Utrecht",
    visit_address="Stationsplein 1", visit_postcode="3511ab", visit_city="Utrecht",
)

# (changes, the field that is wrong, part of its message)
FIELD_CASES = [
    ({"name": "  "}, "name", "Vul uw naam in"),
    ({"email": "geen-adres"}, "email", "geen geldig e-mailadres"),
    ({"email_repeat": "ander@welzijn.nl"}, "email_repeat", "niet gelijk"),
    ({"username": "a"}, "username", "3 tot 50 tekens"),
    ({"password": "kort", "password_repeat": "kort"}, "password", "minstens 15"),
    ({"password": "wachtwoord12345678", "password_repeat": "wachtwoord12345678"}, "password", "te makkelijk"),
    ({"password": "mverburg-tulpen-regen", "password_repeat": "mverburg-tulpen-regen"}, "password",
     "gebruikersnaam"),
    ({"password_repeat": "tulpen-in-de-zon"}, "password_repeat", "niet gelijk"),
    ({"company": ""}, "company", "bedrijfsnaam"),
    ({"visit_address": ""}, "visit_address", "bezoekadres"),
    ({"visit_postcode": "123"}, "visit_postcode", "1234 AB"),
    ({"visit_postcode": "1234 SS"}, "visit_postcode", "1234 AB"),
    ({"visit_city": ""}, "visit_city", "plaats"),
    ({"postal_address": "Postbus 12"}, "postal_postcode", "postcode van het postadres"),
    ({"country": ""}, "country", "land"),
]
