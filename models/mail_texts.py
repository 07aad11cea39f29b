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


def email_code(name: str, username: str, code: str, valid: dt.timedelta) -> tuple[str, str]:
    """To the new address: the code that makes it the account's."""
    return (
        "Bevestig uw nieuwe e-mailadres voor inzage",
        f"Beste {name},\n\nU wilt dit e-mailadres gebruiken voor uw account {username}. Vul in inzage deze code in "
        f"om dat te bevestigen:\n\n  code: {code} (geldig {_validity(valid)})\n\nHebt u dit niet gevraagd? Dan kunt "
        "u dit bericht negeren; er verandert niets." + SIGNATURE,
    )


def email_change_asked(name: str, username: str, new_address: str) -> tuple[str, str]:
    """To the old address: someone asked to move the account to another address."""
    return (
        "Er is gevraagd uw e-mailadres voor inzage te wijzigen",
        f"Beste {name},\n\nVoor uw account {username} is gevraagd het e-mailadres te wijzigen in {new_address}. "
        "Het wijzigt pas als de code die naar dat adres is gestuurd, wordt ingevuld.\n\nHebt u dit niet zelf "
        "gedaan? Wijzig dan uw wachtwoord en neem contact op met Registerplein." + SIGNATURE,
    )


def email_changed(name: str, username: str, new_address: str) -> tuple[str, str]:
    """To the old address: the account's address is now another."""
    return (
        "Uw e-mailadres voor inzage is gewijzigd",
        f"Beste {name},\n\nHet e-mailadres van uw account {username} is gewijzigd in {new_address}. Berichten "
        "van inzage, ook codes om een wachtwoord in te stellen, gaan voortaan naar dat adres.\n\nHebt u dit niet "
        "zelf gedaan? Neem dan direct contact op met Registerplein." + SIGNATURE,
    )


def ssh_key_changed(name: str, username: str, added: bool, key: str) -> tuple[str, str]:
    """To the account's address: a key that opens the account over SSH was added or removed."""
    what = "toegevoegd" if added else "verwijderd"
    return (
        f"Er is een SSH-sleutel {what} bij uw account voor inzage",
        f"Beste {name},\n\nBij uw account {username} is deze SSH-sleutel {what}:\n\n  {key}\n\n"
        "Hebt u dit niet zelf gedaan? Wijzig dan uw wachtwoord (dat verwijdert alle sleutels) en neem contact op "
        "met Registerplein." + SIGNATURE,
    )


def two_factor_changed(name: str, username: str, on: bool) -> tuple[str, str]:
    """To the account's address: inloggen met een code went on or off."""
    state = "aangezet" if on else "uitgezet"
    return (
        f"Inloggen met een code is {state} voor uw account in inzage",
        f"Beste {name},\n\nVoor uw account {username} is inloggen met een code uit een app {state}.\n\nHebt u dit "
        "niet zelf gedaan? Wijzig dan uw wachtwoord en neem contact op met Registerplein." + SIGNATURE,
    )
