"""Command palette entries: every tab and main action of the employer workspace, in Dutch."""
from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

TAB_COMMANDS = [
    ("professionals", "Ga naar Professionals", "het overzicht van professionals die u inzage gaven"),
    ("account", "Ga naar Account", "uw eigen gegevens en wachtwoord"),
    ("organisation", "Ga naar Organisatie", "de gegevens van uw organisatie"),
    ("branches", "Ga naar Vestigingen", "vestigingen, managers en hun rollen"),
    ("registerplein", "Ga naar Registerplein", "uitleg en professionals uitnodigen"),
]


class WorkspaceCommands(Provider):
    """Switch tabs and run the workspace's actions from ctrl+p."""

    def _commands(self):
        screen = self.screen
        for tab, name, help_text in TAB_COMMANDS:
            yield name, partial(screen.action_show_tab, tab), help_text
        yield "Overzicht exporteren naar CSV", screen.action_export, "de professionals zoals u ze nu ziet"
        yield "SSH-sleutels beheren", screen.action_ssh_keys, "inloggen op inzage ssh zonder wachtwoord"
        yield "Uitloggen", screen.action_log_out, "terug naar het inlogscherm"

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
