"""Legal rules on who the parties are: the seller's identity, sole traders, identifiers.

Check digits are python-stdnum's. The provider's SIREN belongs to
``legal.seller-identity`` (missing or invalid); every other identifier of both parties
(client SIREN, SIRET, VAT number, IBAN, BIC) to ``legal.identifiers``, so one wrong
number gives one diagnostic.
"""
from __future__ import annotations

import re
from functools import lru_cache

from stdnum import bic as std_bic, iban as std_iban
from stdnum.eu import vat as std_vat
from stdnum.exceptions import (InvalidChecksum, InvalidComponent, InvalidFormat,
                               InvalidLength, ValidationError)
from stdnum.fr import siren as std_siren, siret as std_siret, tva as std_tva

from ..domain.parties import display_name, is_sole_trader, normalised_form
from .engine import ALL_DOCUMENTS, ERROR, Finder, rule

# legal forms without a share capital to print
NO_CAPITAL_FORMS = {"ASSOCIATION", "GIE"}
# "RCS Paris", "R.C.S. Lyon", "RM 75", "RNE", "RSAC Nanterre" (commercial agents)
REGISTRY = re.compile(r"^\s*(R\.?C\.?S\.?|R\.?M\.?|RNE|RSAC)(?:\s+(?P<place>\S.*))?$",
                      re.IGNORECASE)
# what décret 2022-725 wants next to a sole trader's name
SOLE_TRADER_MARK = re.compile(r"\bEI\b|\bEIRL\b|entrepreneur individuel", re.IGNORECASE)

_WHY = {InvalidChecksum: "wrong check digit", InvalidLength: "wrong length",
        InvalidFormat: "wrong format", InvalidComponent: "unknown country or component"}


@lru_cache(maxsize=4096)   # a pure check: the same parties recur in a whole batch
def invalid(module, value: str) -> str | None:
    """Why ``value`` is not a valid number for a python-stdnum ``module``; None if valid."""
    try:
        module.validate(value)
    except ValidationError as exc:
        return next((why for kind, why in _WHY.items() if isinstance(exc, kind)), "invalid")
    return None


@lru_cache(maxsize=4096)   # pure, as invalid(): called only on a number it found valid
def compact(module, value: str) -> str:
    """python-stdnum's compact form of a valid number."""
    return module.compact(value)


@lru_cache(maxsize=4096)
def _vat_siren(vat: str) -> str:
    return std_tva.to_siren(vat)


@rule("legal.seller-identity", ERROR, "all", "C. com. R123-237, R123-238",
      "SIREN (valid check digit), registry (RCS city or RM), registered address; for "
      "companies legal form and capital",
      documents=ALL_DOCUMENTS)
def seller_identity(doc: Finder):
    p = doc.client.provider
    sole = is_sole_trader(p.legal_form)
    if not p.siren:
        hint = ""
        if p.siret and not invalid(std_siret, p.siret):
            hint = f" (the first 9 digits of its SIRET: {std_siret.compact(p.siret)[:9]})"
        yield doc.at_field(("provider", "siren"), f"the provider's SIREN is missing{hint}")
    else:
        why = invalid(std_siren, p.siren)
        if why:
            yield doc.at(("provider", "siren"), f"provider SIREN '{p.siren}' is not valid "
                                                f"({why})")
    # a sole trader in a liberal profession is in no trade registry
    needs_registry = not sole or p.trader or p.craftsman
    if not p.registry:
        if needs_registry:
            yield doc.at_field(("provider", "registry"),
                               "the provider's registry is missing (e.g. 'RCS Paris' for a "
                               "trader, 'RM 75' for a craftsman)")
    else:
        match = REGISTRY.match(p.registry)
        if not match:
            yield doc.at(("provider", "registry"),
                         f"registry '{p.registry}' is not a trade or craft registration "
                         "(write 'RCS <city of the greffe>' or 'RM <département>')")
        elif match.group(1).replace(".", "").upper() == "RCS" and not match.group("place"):
            yield doc.at(("provider", "registry"),
                         "'RCS' must be followed by the city of the greffe (e.g. 'RCS Paris')")
    if not p.address:
        yield doc.at_field(("provider", "address"),
                           "the provider's registered address is missing")
    if not p.legal_form:
        yield doc.at_field(("provider", "legal_form"),
                           "the provider's legal form is missing (SARL, SAS, EI, ...)")
    elif not sole and normalised_form(p.legal_form) not in NO_CAPITAL_FORMS \
            and p.capital is None:
        yield doc.at_field(("provider", "capital"),
                           f"the provider is a company ({p.legal_form}): its share capital "
                           "must be stated (provider.capital)")


@rule("legal.sole-trader-name", ERROR, "all", "décret 2022-725",
      "a sole trader (EI) shows \"EI\" or \"entrepreneur individuel\" next to the name",
      documents=ALL_DOCUMENTS)
def sole_trader_name(doc: Finder):
    p = doc.client.provider
    if not is_sole_trader(p.legal_form):
        return
    # the name exactly as the documents print it
    shown = display_name(p.name, p.legal_form)
    if not SOLE_TRADER_MARK.search(shown):
        yield doc.at(("provider", "name"),
                     f"the provider is a sole trader ({p.legal_form}) but is shown as "
                     f"'{shown}', without \"EI\" or \"entrepreneur individuel\": set "
                     "provider.legal_form to EI, or add \"EI\" to the name")


@rule("legal.identifiers", ERROR, "all", "—",
      "SIREN/SIRET, intra-EU VAT number and IBAN are valid (check digits)",
      documents=ALL_DOCUMENTS)
def identifiers(doc: Finder):
    for role in ("provider", "client"):
        p = getattr(doc.client, role)
        checks = [("siret", "SIRET", std_siret), ("vat_number", "VAT number", std_vat),
                  ("iban", "IBAN", std_iban), ("bic", "BIC", std_bic)]
        if role == "client":  # the provider's SIREN: legal.seller-identity
            checks.insert(0, ("siren", "SIREN", std_siren))
        bad = set()
        for name, label, module in checks:
            value = getattr(p, name)
            why = value and invalid(module, value)
            if why:
                bad.add(name)
                yield doc.at((role, name), f"{role} {label} '{value}' is not valid ({why})")
        siren = compact(std_siren, p.siren) if p.siren and not invalid(std_siren, p.siren) \
            else None
        if siren and p.siret and "siret" not in bad \
                and compact(std_siret, p.siret)[:9] != siren:
            yield doc.at((role, "siret"), f"{role} SIRET '{p.siret}' does not start with its "
                                          f"SIREN {siren}")
        # compact() raises on what validate() refused: only a valid number is compared
        vat = p.vat_number and "vat_number" not in bad and compact(std_vat, p.vat_number)
        if siren and vat and vat.startswith("FR") \
                and _vat_siren(vat) != siren:
            yield doc.at((role, "vat_number"), f"{role} VAT number '{p.vat_number}' is not "
                                               f"the one of SIREN {siren}")
