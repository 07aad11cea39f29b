"""The Registerplein tab: what the register is, and how professionals give an employer access."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

INFO = """\
## Registerplein

Registerplein houdt de registers bij van sociaal werkers, maatschappelijk werkers,
cliëntondersteuners, mantelzorgmakelaars, psychodiagnostisch werkenden en sociaal agogen.
Geregistreerde professionals houden in hun online dossier bij welke deskundigheidsbevorderende
activiteiten zij volgen. Eén netto uur is één punt; per registratieperiode (meestal vijf jaar)
geldt een norm met minimums voor geaccrediteerde scholing en reflectie, en een maximum voor
overige deskundigheidsbevordering.

### Professionals uitnodigen

U kunt zelf geen professionals toevoegen: in verband met de AVG ligt het initiatief bij de
professional. Nodig uw medewerkers uit om u inzage te geven:

1. De professional logt in op zijn of haar eigen dossier.
2. Kies het tabblad **Inzage** en dan **Organisatie toevoegen**.
3. Kies uw organisatie en vink uw vestiging of afdeling aan (met uw naam en rol).
4. Vul eventueel een datum in tot wanneer u inzage hebt; leeg betekent: tot de professional
   de inzage intrekt. Kies **Opslaan**.

Daarna staat de professional bij **Professionals**. Hoort iemand niet (meer) bij uw organisatie,
verwijder hem of haar dan daar met de Delete-toets.

### Statussen

* **● ✔ groen**: de professional voldoet aan alle normen en kan het dossier indienen.
* **● ✖ rood**: op één of meer normen is nog een tekort aan punten.
* Basis- en aspirant-geregistreerden hebben altijd norm 0 en zijn altijd groen; dat geldt ook
  voor een professional in de aanmeldperiode.

Er zijn aan dit account geen kosten verbonden.
"""


class RegisterpleinPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Markdown(INFO)
