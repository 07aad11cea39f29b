"""Guesses an attacker who knows the account tries first, for tests/models/test_password_policy.py: made here
after the kinds of the outside test of 2026-12-07 (its own 109 are kept outside the project). Marieke Visser
of Stichting Welzijn Utrecht, branch Overvecht, signs in as "mvisser"."""
ACCOUNT = dict(username="mvisser", name="Marieke Visser", email="m.visser@welzijnutrecht.nl",
               organisation="Stichting Welzijn Utrecht", places=("Overvecht", "Hoofdvestiging"))
HARD_GUESSES = [
    # a Dutch word, a year or a count, signs: what a person makes of "at least 15 characters"
    "Wachtwoord2026!!", "Wachtwoord12345!", "Welkom2026Welkom!", "Zomervakantie2026", "Winter2026Winter!",
    "Voorjaar2026!!!!", "Kerstmis2026!!!!", "Maandag12345678!", "Januari2026Januari", "Oktober2026!!!!!",
    "Vakantie2026Spanje", "Hallo123456789!!", "Geheim2026Geheim!", "Wachtwoord2026#", "Welkom01Welkom01",
    "Voetbal2026Ajax!!", "Feyenoord2026!!!", "Amsterdam2026!!!", "Nederland2026!!!", "Zonneschijn2026!",
    "Koffie2026Koffie", "Fietsen123456789", "Sinterklaas2026!", "Pasen2026Pasen26", "Werk2026Werk2026",
    # repeats
    "Zomer2026Zomer2026", "Welkom2026Welkom2026", "Lente2026Lente2026", "abcabcabcabcabcabc", "hallohallohallo1",
    "Test1234Test1234", "qwertyqwertyqwerty", "Herfst!Herfst!Herfst!",
    # common phrases
    "ikhouvanjou12345", "ik hou van jou 2026", "IkHouVanJou!!2026", "ditismijnwachtwoord", "ditisgeheim12345",
    "welkom bij ons 2026", "iloveyouiloveyou", "letmeinletmein12",
    # keyboard walks
    "azertyuiopqsdfgh", "qwertyuiopasdfgh", "qwertzuiopasdfgh", "1qaz2wsx3edc4rfv", "zxcvbnmasdfghjkl",
    "azerty123456789!", "qwerty123456789!", "1234567890qwerty", "!@#$%^&*()qwerty", "asdfghjkl;123456",
    "wxcvbnqsdfghjklm", "poiuytrezaqsdfgh", "mlkjhgfdsqazerty", "0987654321poiuyt",
    # the organisation, the branch, the person
    "StichtingWelzijn2026", "WelzijnUtrecht2026", "Overvecht2026Overvecht", "Utrecht2026Utrecht!",
    "Hoofdvestiging2026!", "welzijn-utrecht-2026", "MariekeVisser2026!", "mvisser2026mvisser", "Visser2026!!!!!!",
    "Marieke2026Marieke", "m.visser@2026!!!!", "welzijnutrecht.nl2026", "OVERVECHT-2026-!!!", "Stichting2026!!!!",
    # look-alikes of the person, and of the service
    "mv\u0456sser-koffie-2026", "v\u0456sser koffie om tien", "ma\u0433ieke-koffie-2026",
    "1nz4g3-koffie-om-tien", "inza\u0301ge koffie om tien", "\u0456nzage koffie om tien", "r3g1st3rpl31n2026",
    "Registerplein2026!", "INZAGE2026INZAGE", "inzage.registerplein", "ｉｎｚａｇｅ koffie 2026",
    "\u0430zertyuiopqsdfgh", "W\u0430chtwoord2026!!", "Zom\u0435r2026Zom\u0435r2026", "ikh\u043euv\u0430njou12345",
    # leet
    "W4chtw00rd2026!!", "P@ssw0rd2026!!!!", "W3lk0m2026W3lk0m", "V00rj44r2026!!!!", "Z0m3r2026Z0m3r2026",
    "Pa$$w0rd12345678", "H4ll0H4ll0H4ll0!", "Str0nkW4chtw00rd",
    # listed, in other forms
    "ＰＡＳＳＷＯＲＤ１２３４５６７８９", "PASSWORD1234567890", "1234567890123456", "iloveyou12345678",
    "princess12345678", "football12345678", "qwerty1234567890", "password1234567890",
    # famous passphrases and quotes
    "correcthorsebatterystaple", "correct horse battery staple", "Tr0ub4dor&3Tr0ub4dor&3",
    "maydaymaydaymayday", "eenTweeDrieVierVijf", "eentweedrievier12",
]
