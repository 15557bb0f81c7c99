"""Who is in French e-invoicing, and from when: the country of a party, its SIREN, the
date the 2026/2027 mentions and issuance become mandatory for the issuer
(``provider.size``), whether the buyer is a French business and whether both parties are
(the scope of the FNFE BR-FR rules and of the lifecycle statuses). Shared by the legal
rules, the invoice builder, the lifecycle messages and e-reporting."""
from __future__ import annotations

import datetime
from typing import Optional

from ..load.model import ClientFile, Party

MANDATORY = {"large": datetime.date(2026, 9, 1), "mid": datetime.date(2026, 9, 1),
             "sme": datetime.date(2027, 9, 1), "micro": datetime.date(2027, 9, 1)}


def country(party: Party) -> str:
    """The ISO 3166 country: the VAT number's prefix when it has one, else France."""
    prefix = (party.vat_number or "")[:2].upper()
    if prefix.isalpha() and len(prefix) == 2:
        return {"EL": "GR"}.get(prefix, prefix)
    return "FR"


def siren(party: Party) -> Optional[str]:
    """The SIREN (9 digits), given or taken from the SIRET."""
    if party.siren:
        return party.siren.replace(" ", "")
    if party.siret:
        return party.siret.replace(" ", "")[:9]
    return None


def mandatory_from(client: ClientFile) -> datetime.date:
    return MANDATORY[client.provider.size]


def mentions_mandatory(client: ClientFile, day: datetime.date) -> bool:
    """Whether an invoice dated ``day`` must carry the 2026/2027 mentions."""
    return day >= mandatory_from(client)


def french_business(client: ClientFile) -> bool:
    """A French business buyer, to whom the client SIREN mention applies."""
    return client.client.kind != "consumer" and country(client.client) == "FR"


def in_french_scope(client: ClientFile) -> bool:
    """Both parties French businesses (or public bodies) with a SIREN: the invoice is
    exchanged through the plateformes agréées and must pass BR-FR."""
    return (client.client.kind != "consumer" and country(client.client) == "FR"
            and country(client.provider) == "FR"
            and siren(client.provider) is not None and siren(client.client) is not None)
