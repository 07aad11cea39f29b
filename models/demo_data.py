"""Fixed material for the demo generator: registers and norms, Dutch names, places, activities."""
from __future__ import annotations

# name, code, registered norm: (total, min training, min reflection, max other)
REGISTERS = [
    ("Register Sociaal Werkers", "SW", (150, 60, 40, 30)),
    ("Register Maatschappelijk werk (MW)", "MW", (150, 60, 40, 30)),
    ("Register Cliëntondersteuners", "CO", (160, 60, 50, 40)),
    ("Register Mantelzorgmakelaars (MZM)", "MZM", (120, 40, 30, 30)),
    ("Register Psychodiagnostisch Werkenden", "PW", (50, 20, 10, 10)),
    ("Register Sociaal Agogen (AG)", "AG", (150, 60, 40, 30)),
]

INITIALS = list("ABCDEFGHIJKLMNPRSTWYZ") + ["Th", "Chr", "Ph"]
PREFIXES = ["van", "de", "van der", "van den", "ter", "van de", "den", "in 't"]
SURNAMES = [
    "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks",
    "Dekker", "Brouwer", "Dijkstra", "Smits", "Verhoeven", "Kok", "Jacobs", "Vermeulen", "Schouten",
    "Willems", "Hoekstra", "Koster", "Prins", "Huisman", "Peeters", "Kuipers", "Veenstra", "Kramer",
    "Postma", "Maas", "Verbeek", "Kroon", "Verburg", "Boer", "Berg", "Wit", "Graaf", "Leeuwen",
    "Wijk", "Heuvel", "Linden", "Veen", "Meer", "Bergh", "Haan", "Groot", "Ruiter", "Bruijn",
    "Yılmaz", "Öztürk", "Çelik", "El Amrani", "Bouzid", "Nguyễn", "Kowalski", "Müller", "Dubois",
    "Zoëtmulder", "Brontë", "Noël", "Doğan", "Şahin", "Chaïb", "Ruïz", "Lemaître", "Pérez",
]
CITIES = [
    ("Utrecht", "3511"), ("Amsterdam", "1012"), ("Rotterdam", "3011"), ("Den Haag", "2511"),
    ("Eindhoven", "5611"), ("Groningen", "9711"), ("Tilburg", "5038"), ("Almere", "1315"),
    ("Breda", "4811"), ("Nijmegen", "6511"), ("Arnhem", "6811"), ("Haarlem", "2011"),
    ("Zwolle", "8011"), ("Leeuwarden", "8911"), ("Maastricht", "6211"), ("Enschede", "7511"),
    ("Amersfoort", "3811"), ("Apeldoorn", "7311"), ("Den Bosch", "5211"), ("Leiden", "2311"),
    ("Dordrecht", "3311"), ("Deventer", "7411"), ("Delft", "2611"), ("Heerlen", "6411"),
]
STREETS = ["Stationsplein", "Kerkstraat", "Dorpsstraat", "Marktplein", "Zorgboulevard", "Lindenlaan",
           "Oude Gracht", "Wilhelminapark", "Julianaweg", "Vondellaan", "Beatrixstraat", "Molenweg"]
ORGANISATION_KINDS = ["Stichting Welzijn", "Zorggroep", "Wijkteams", "Jeugdzorg", "MEE", "Sociaal Team",
                      "Humanitas", "Zorgcentrum", "Buurtwerk", "Maatschappelijke Dienstverlening"]
BRANCH_NAMES = ["Centrum", "Noord", "Oost", "Zuid", "West", "Wijkteam Oud-Zuid", "Jeugd en Gezin",
                "Schuldhulpverlening", "Mantelzorg", "Beschermd Wonen", "Team Ouderen", "Vrijwilligerswerk"]

TITLES = {
    "training": [
        "Motiverende gespreksvoering", "Signaleren van huiselijk geweld en kindermishandeling",
        "Meldcode in de praktijk", "Omgaan met agressie", "Oplossingsgericht werken",
        "Schulden en armoede: vroegsignalering", "Licht verstandelijke beperking herkennen",
        "Wet maatschappelijke ondersteuning (Wmo) actueel", "Traumasensitief werken",
        "Cliëntondersteuning bij de Wlz", "Methodisch werken in de wijk", "Privacy en de AVG",
    ],
    "supervision": ["Supervisie (individueel)", "Groepssupervisie", "Leersupervisie"],
    "intervision": ["Intervisie volgens de incidentmethode", "Intervisie team", "Intervisie balintmethode"],
    "case_discussion": ["Casuïstiekbespreking", "Moreel beraad", "Multidisciplinair casusoverleg"],
    "coaching": ["Coaching on the job", "Loopbaancoaching", "Teamcoaching"],
    "peer_consultation": ["Collegiale consultatie", "Collegiale toetsing", "Werkbegeleiding door collega"],
    "other": [
        "Congres Sociaal Werk", "Vakliteratuur: Journal of Social Intervention", "Webinar digitale zorg",
        "Symposium mantelzorg", "Werkbezoek wijkteam", "Lezing armoede en gezondheid",
    ],
}
PROVIDERS = ["Movisie", "Hogeschool Utrecht", "NJi", "Sociaal Werk Nederland", "Avans+", "Nederlands Jeugdinstituut",
             "Vilans", "Trimbos-instituut", "Hogeschool van Amsterdam", "Eigen organisatie", "Fontys"]
REFLECTIONS = [
    "Ik heb geleerd om eerder door te vragen wanneer een cliënt zijn zorgen wegwuift.",
    "De casus liet zien hoe belangrijk het is om het netwerk van de cliënt vroeg te betrekken.",
    "In de bespreking werd duidelijk dat ik mijn grenzen scherper mag aangeven.",
    "Ik neem mee dat 'niet weten' ook een professionele houding kan zijn.",
]
