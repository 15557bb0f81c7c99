"""legal.court-name: the twelve tribunaux de commerce that sit as tribunaux des activités
économiques from 1 January 2025 to 31 December 2028 (loi 2023-1059 art. 26; arrêté du
5 juillet 2024 relatif à l'expérimentation du tribunal des activités économiques, art. 1
and 2). A clause that names one of them by its old name designates a court that, under
that name, no longer exists in the period."""
from __future__ import annotations

import datetime
import re
import unicodedata

from .engine import WARNING, Finder, rule

TRIAL_START = datetime.date(2025, 1, 1)     # arrêté du 5 juillet 2024, art. 1: four years
TRIAL_END = datetime.date(2028, 12, 31)
# arrêté du 5 juillet 2024, art. 2: the seat of each court, as its new name writes it
COURTS = {
    "auxerre": "Tribunal des activités économiques d'Auxerre",
    "avignon": "Tribunal des activités économiques d'Avignon",
    "le havre": "Tribunal des activités économiques du Havre",
    "le mans": "Tribunal des activités économiques du Mans",
    "limoges": "Tribunal des activités économiques de Limoges",
    "lyon": "Tribunal des activités économiques de Lyon",
    "marseille": "Tribunal des activités économiques de Marseille",
    "nancy": "Tribunal des activités économiques de Nancy",
    "nanterre": "Tribunal des activités économiques de Nanterre",
    "paris": "Tribunal des activités économiques de Paris",
    "saint brieuc": "Tribunal des activités économiques de Saint-Brieuc",
    "versailles": "Tribunal des activités économiques de Versailles",
}
OLD_NAME = re.compile(r"tribunal\s+de\s+commerce\s+(?:(du)\s+|de\s+|d['’]\s*)"
                      r"([a-z][a-z' -]*[a-z])", re.IGNORECASE)


def plain(text: str) -> str:
    """Lower case, no accents, hyphens as spaces: 'Saint-Brieuc' → 'saint brieuc'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s-]+", " ", text.casefold())


def renamed_court(text: str) -> tuple[str, str] | None:
    """(old name as written, current name) when ``text`` names one of the twelve courts
    by its old name."""
    for match in OLD_NAME.finditer(plain(text)):
        article, city = match.group(1), match.group(2)
        for known, current in COURTS.items():
            name = f"le {city}" if article == "du" else city
            if name == known or name.startswith(known + " "):
                return match.group(0), current
    return None


def string_params(params, path=()):
    """Every text among a clause's params, with its path below ``params``."""
    if isinstance(params, str):
        yield path, params
    elif isinstance(params, dict):
        for key, value in params.items():
            yield from string_params(value, path + (key,))
    elif isinstance(params, (list, tuple)):
        for i, value in enumerate(params):
            yield from string_params(value, path + (i,))


@rule("legal.court-name", WARNING, "all", "loi 2023-1059 art. 26; arrêté 5 juillet 2024",
      "a \"tribunal de commerce\" of the 12 courts sitting as tribunaux des activités "
      "économiques (1 Jan 2025 – 31 Dec 2028) is named by its current name")
def court_name(doc: Finder):
    day = doc.client.document.date
    if not TRIAL_START <= day <= TRIAL_END:
        return
    positions = doc.prepared.source.positions
    for selected in doc.prepared.clauses:
        entry = ("clauses", selected.index)
        for path, text in string_params(selected.params):
            found = renamed_court(text)
            if found:
                where = entry + ("params",) + path
                yield doc.at(where if where in positions else entry,
                             f"'{text}': from 1 January 2025 to 31 December 2028 this court "
                             f"sits as the \"{found[1]}\"; name it so")
