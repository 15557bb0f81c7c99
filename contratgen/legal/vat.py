"""Legal rules on VAT: the rates of each territory and the mention a document without
VAT must carry (franchise, reverse charge, exemption)."""
from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from ..cache import yaml_data

from ..domain.formatting import percent
from .engine import ERROR, Finder, rule

ZERO = Decimal(0)
MAINLAND = "mainland"
# how a user may write a territory → the key of data/vat_rates.yaml
TERRITORY_NAMES = {"mainland": MAINLAND, "france": MAINLAND, "metropole": MAINLAND,
                   "france metropolitaine": MAINLAND, "corse": "corse", "corsica": "corse",
                   "dom": "dom", "guadeloupe": "dom", "martinique": "dom", "reunion": "dom",
                   "la reunion": "dom"}


@lru_cache(maxsize=1)
def vat_table() -> dict:
    text = resources.files("contratgen").joinpath("data/vat_rates.yaml").read_text("utf-8")
    return yaml_data(text, "vat_rates")   # parsed once per content (on disk)


def territory_key(name: str | None) -> str | None:
    """The table key of ``vat.territory`` (None: a territory the table does not know)."""
    if not name:
        return MAINLAND
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return TERRITORY_NAMES.get(" ".join(plain.lower().replace("-", " ").split()))


def regime(client) -> str:
    """franchise | reverse_charge | exempt | standard: what the document's VAT is."""
    if client.provider.vat == "franchise":
        return "franchise"
    return client.vat.regime if client.vat else "standard"


def fr_pct(value: Decimal) -> str:
    return percent(value, "fr")


@rule("legal.vat-rate", ERROR, "all", "CGI 278 to 281 nonies, 297",
      "each VAT rate is a French rate (20, 10, 5.5, 2.1 in mainland France; other sets "
      "only with vat.territory)")
def vat_rate(doc: Finder):
    client = doc.client
    where = client.vat.territory if client.vat else None
    key = territory_key(where)
    table = vat_table()
    if key is None:
        known = ", ".join(k for k in table if k != "mistakes")
        yield doc.at(("vat", "territory"), f"unknown VAT territory '{where}' (known: {known})")
        return
    allowed = [Decimal(r) for r in table[key]["rates"]]
    franchise = regime(client) == "franchise"
    for i, item in enumerate(client.items):
        rate = item.vat_rate
        if rate == ZERO or rate in allowed:
            if franchise and rate != ZERO:
                yield doc.at(("items", i, "vat_rate"),
                             f"the provider is under the franchise en base (provider.vat: "
                             f"franchise) and charges no VAT: this line's rate must be 0, "
                             f"not {fr_pct(rate)} (CGI art. 293 B)")
            continue
        hint = table["mistakes"].get(f"{rate.normalize():f}")
        rates = ", ".join(fr_pct(r) for r in allowed)
        yield doc.at(("items", i, "vat_rate"),
                     f"{fr_pct(rate)} is not a VAT rate of {table[key]['name']} "
                     f"({rates}){': ' + hint if hint else ''}"
                     f"{'' if where else '; another territory is set with vat.territory'}")


@rule("legal.vat-mention", ERROR, "all", "CGI 242 nonies A, 293 B, 283",
      "a line or document without VAT says why: franchise (\"TVA non applicable, art. 293 B "
      "du CGI\"), reverse charge (\"Autoliquidation\" + ground and the client's VAT number), "
      "exemption (its ground)")
def vat_mention(doc: Finder):
    client = doc.client
    kind = regime(client)
    if kind == "franchise":
        if client.vat and client.vat.regime != "standard":
            yield doc.at(("vat", "regime"),
                         f"the provider is under the franchise en base (provider.vat: "
                         f"franchise): its documents say \"TVA non applicable, art. 293 B du "
                         f"CGI\" and cannot also be {client.vat.regime.replace('_', ' ')}")
        return
    if kind in ("reverse_charge", "exempt") and not (client.vat.ground or "").strip():
        example = "art. 283-2 du CGI" if kind == "reverse_charge" else "art. 261-4-4° du CGI"
        yield doc.at_field(("vat", "ground"),
                           f"a document under {kind.replace('_', ' ')} prints its legal "
                           f"ground: set vat.ground (e.g. \"{example}\")")
    if kind == "reverse_charge":
        yield from reverse_charge_client(doc)
    if kind == "standard":
        for i, item in enumerate(client.items):
            if item.vat_rate == ZERO:
                yield doc.at(("items", i, "vat_rate"),
                             "a line at 0 % must say why there is no VAT: set provider.vat: "
                             "franchise (franchise en base), or vat: {regime: exempt, ground: "
                             "...} or {regime: reverse_charge, ground: ...}")


def reverse_charge_client(doc: Finder):
    client = doc.client.client
    if client.kind == "consumer":
        yield doc.at(("vat", "regime"), "reverse charge (autoliquidation) applies only "
                                        "to a client that is a taxable business, not a "
                                        "consumer")
    elif not client.vat_number:
        yield doc.at_field(("client", "vat_number"),
                           "under reverse charge (autoliquidation) the document prints the "
                           "client's VAT number: set client.vat_number")
    for i, item in enumerate(doc.client.items):
        if item.vat_rate != ZERO:
            yield doc.at(("items", i, "vat_rate"),
                         f"under reverse charge the client accounts for the VAT: this line's "
                         f"rate must be 0, not {fr_pct(item.vat_rate)}")
