"""Legal rules of the trades and of signing: building insurance, the client's
certification of a reduced VAT rate, and who signs for a business."""
from __future__ import annotations

from ..domain.formatting import percent
from ..domain.parties import is_sole_trader
from .engine import ERROR, REDUCED_BUILDING_RATES, WARNING, Finder, rule


@rule("legal.building-insurance", ERROR, "building trade",
      "loi 96-603 art. 22-2 (C. assur. L243-2 for the décennale)",
      "quotes, contracts and invoices state the insurer, the policy, the cover and its "
      "territory")
def building_insurance(doc: Finder):
    if doc.client.provider.insurance is None:
        yield doc.at_field(("provider", "insurance"),
                           "a building trade states its professional insurance on its quotes "
                           "and contracts: set provider.insurance: {insurer, policy, kind: "
                           "decennale | rc_pro, territory}")


@rule("legal.reduced-rate-certification", WARNING, "B2C building works at 10 % or 5.5 %",
      "CGI 279-0 bis, 278-0 bis A",
      "the client's certification that the reduced rate applies (dwelling finished over two "
      "years ago, works eligible) is printed for the client to sign")
def reduced_rate_certification(doc: Finder):
    items = doc.client.items
    first = next(i for i, item in enumerate(items) if item.vat_rate in REDUCED_BUILDING_RATES)
    rate = percent(items[first].vat_rate, "fr")
    from .consumer import template_slot_missing
    missing = template_slot_missing(doc, "client_statements")
    if missing:
        yield missing
    yield doc.at(("items", first, "vat_rate"),
                 f"works at {rate}: the client's certification (dwelling finished over two "
                 "years ago, works eligible) is printed above the signatures; the reduced "
                 "rate holds only if the client signs it, and both keep the signed document "
                 "until the end of the 5th year after the works")


@rule("legal.signatory", ERROR, "all", "C. civ. 1367",
      "a business party names its signatory; the client's date and place of signature are "
      "left for the client unless document.accepted records them")
def signatory(doc: Finder):
    severity = WARNING if doc.client.document.type == "quote" else ERROR
    parties = [("provider", doc.client.provider)]
    if doc.client.client.kind == "business":
        parties.append(("client", doc.client.client))
    for role, party in parties:
        if party.signatory is None and not is_sole_trader(party.legal_form):  # signs in person
            yield doc.at_field((role, "signatory"),
                               f"the {role} is a business: name the person who signs for it "
                               f"({role}.signatory: {{name, title}}); the signature block "
                               "leaves a blank line for it, never the company's name",
                               severity)
