"""Legal rules that only quotes (devis) follow."""
from __future__ import annotations

from .engine import ERROR, WARNING, Finder, rule


# No article of the Civil Code asks a quote to state its validity (1116-1117 only say an
# offer without a term lapses after a reasonable time): a house rule, which the arrêté of
# 24 January 2017 makes law for repair, maintenance and breakdown work in buildings and
# home equipment sold to consumers ("la durée de validité de l'offre").
@rule("legal.quote-validity", ERROR, "quote",
      "house rule; arrêté 24 janvier 2017 (building trades, consumer)",
      "a quote states how long it is valid")
def quote_validity(doc: Finder):
    d = doc.client.document
    if d.valid_until is None and d.validity_days is None:
        trades = doc.client.provider.building_trade and doc.client.client.kind == "consumer"
        why = ("the arrêté of 24 January 2017 requires it of a building trade's quote to a "
               "consumer") if trades else ("a house rule: an offer without a term lapses "
                                           "only after a reasonable time, C. civ. 1117")
        yield doc.at(("document",), "the quote does not say how long it is valid: set "
                                    "document.valid_until or document.validity_days "
                                    f"({why})", key=True)
    elif d.valid_until is not None and d.valid_until < d.date:
        yield doc.at(("document", "valid_until"),
                     f"the quote is valid until {d.valid_until.isoformat()}, before its own "
                     f"date {d.date.isoformat()}")


@rule("legal.quote-price-of-quote", WARNING, "quote", "arrêté 24 janvier 2017",
      "a quote says whether it is free or paid")
def quote_price_of_quote(doc: Finder):
    d = doc.client.document
    if d.free_of_charge is None:
        yield doc.at(("document",), "the quote does not say whether it is free or paid: set "
                                    "document.free_of_charge (true: \"devis gratuit\")",
                     key=True)
    elif d.free_of_charge is False and d.quote_price is None:
        # a paid quote with no price would print "devis payant" and no amount: an error
        yield doc.at(("document", "free_of_charge"),
                     "the quote is not free but its price is not stated: set "
                     "document.quote_price", ERROR)
