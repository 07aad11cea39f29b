"""The emails inzage sends, in Dutch: (subject, body) pairs."""
from __future__ import annotations

import datetime as dt

SIGNATURE = "\n\nMet vriendelijke groet,\nRegisterplein\n\nDit bericht is automatisch verstuurd door inzage."


def _validity(delta: dt.timedelta) -> str:
    if delta >= dt.timedelta(days=1):
        return f"{delta.days} dagen"
    return f"{int(delta.total_seconds() // 60)} minuten"


def application_received(name: str, organisation: str) -> tuple[str, str]:
    return (
        "Uw aanvraag voor een werkgeversaccount is ontvangen",
        f"Beste {name},\n\nWe hebben uw aanvraag voor een werkgeversaccount voor {organisation} ontvangen. "
        "Registerplein beoordeelt uw aanvraag. U krijgt per e-mail bericht zodra die is goedgekeurd of "
        "afgewezen; daarna kunt u inloggen met de gebruikersnaam en het wachtwoord die u hebt gekozen."
        + SIGNATURE,
    )


def application_approved(name: str, organisation: str, username: str) -> tuple[str, str]:
    return (
        "Uw werkgeversaccount is goedgekeurd",
        f"Beste {name},\n\nRegisterplein heeft het werkgeversaccount voor {organisation} goedgekeurd. "
        f"U kunt nu inloggen met uw gebruikersnaam {username}. Voeg bij Vestigingen uw managers toe en "
        "nodig uw professionals uit om u inzage te geven in hun dossier." + SIGNATURE,
    )


def application_rejected(name: str, organisation: str, reason: str) -> tuple[str, str]:
    return (
        "Uw aanvraag voor een werkgeversaccount is afgewezen",
        f"Beste {name},\n\nRegisterplein heeft de aanvraag voor een werkgeversaccount voor {organisation} "
        f"afgewezen. De reden:\n\n  {reason}\n\nHebt u vragen, neem dan contact op met Registerplein." + SIGNATURE,
    )


def login_details(lines: list[tuple[str, str, dt.timedelta]]) -> tuple[str, str]:
    """Usernames with a code each; the code sets a (new) password."""
    listed = "\n".join(f"  gebruikersnaam: {username}\n  code: {code} (geldig {_validity(valid)})\n"
                       for username, code, valid in lines)
    return (
        "Uw inloggegevens voor inzage",
        "Beste gebruiker,\n\nU hebt uw inloggegevens opgevraagd. Bij dit e-mailadres horen:\n\n"
        f"{listed}\nWilt u een nieuw wachtwoord instellen, kies dan in inzage op het inlogscherm "
        "\"Code invoeren\" en vul uw gebruikersnaam en de code in. De code werkt één keer.\n\n"
        "Hebt u niets opgevraagd? Dan kunt u dit bericht negeren; uw wachtwoord blijft hetzelfde." + SIGNATURE,
    )


def activation(name: str, username: str, code: str, valid: dt.timedelta) -> tuple[str, str]:
    return (
        "Uw account voor inzage",
        f"Beste {name},\n\nEr is voor u een account aangemaakt in inzage, waarin u de voortgang volgt van "
        "professionals die u inzage geven.\n\n"
        f"  gebruikersnaam: {username}\n  activeringscode: {code} (geldig {_validity(valid)})\n\n"
        "Kies in inzage op het inlogscherm \"Code invoeren\", vul uw gebruikersnaam en deze code in en kies "
        "uw eigen wachtwoord. De code werkt één keer." + SIGNATURE,
    )


def password_set(name: str, username: str, how: str, removed_keys: list[str]) -> tuple[str, str]:
    """The owner is told of every new password, and of the SSH keys that went with the old one."""
    keys = ("\nDe SSH-sleutels van uw account zijn daarbij verwijderd, zodat alleen wie het nieuwe wachtwoord "
            "kent nog binnenkomt:\n\n" + "".join(f"  {key}\n" for key in removed_keys) +
            "\nGebruikt u een van deze sleutels zelf? Voeg hem dan opnieuw toe in inzage (F7 SSH-sleutels).\n"
            if removed_keys else "")
    return (
        "Uw wachtwoord voor inzage is gewijzigd",
        f"Beste {name},\n\nHet wachtwoord van uw account {username} is zojuist {how}.\n{keys}\n"
        "Hebt u dit niet zelf gedaan? Vraag dan op het inlogscherm met \"Gegevens vergeten\" een code aan, kies "
        "een nieuw wachtwoord en neem contact op met Registerplein." + SIGNATURE,
    )
