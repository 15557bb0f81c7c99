"""legal.invoice-mentions: what an invoice must say that only client.yaml can give.

The amounts, the due date, the penalty rate, the 40 € indemnity, the escompte, "Facture
d'acompte" and the final invoice's deductions are written by contratgen itself (see
contratgen/invoicing); this rule checks, once a file lists invoices, the mentions that
come from the input: both parties' addresses, the client's SIREN between businesses
(mention of 1 September 2026), the seller's VAT number when it charges VAT, the client's
VAT number under reverse charge; and the ledger itself (contratgen.invoicing.checks:
each tranche invoiced once, numbers unique, advances before the final invoice, dates in
order, VAT rates the regime allows), so that ``check`` reports it before ``invoice``.
"""
from __future__ import annotations

from .engine import ERROR, Finder, rule


@rule("legal.invoice-mentions", ERROR, "all",
      "C. com. L441-9; CGI 242 nonies A; décret 2022-1299",
      "an invoice states both parties' names and addresses, the client's SIREN (B2B), the "
      "VAT numbers, the delivery address when different, the nature of the operation")
def invoice_mentions(doc: Finder):
    client = doc.client
    if not client.invoicing or not client.invoicing.invoices:
        return
    if not client.provider.address:
        yield doc.at_field(("provider", "address"), "an invoice states the provider's address")
    if not client.client.address:
        yield doc.at_field(("client", "address"), "an invoice states the client's address")
    # the client's SIREN: a French business buyer, on the invoices dated from the day the
    # issuer must issue e-invoices (provider.size: 1 Sept 2026 or 2027); a foreign buyer
    # has none, a consumer none to give
    from ..invoicing.mentions import french_business, mandatory_from, mentions_mandatory
    late = [e for e in client.invoicing.invoices if mentions_mandatory(client, e.date)]
    if late and french_business(client) and not (client.client.siren or client.client.siret):
        yield doc.at_field(("client", "siren"), f"invoice {late[0].number} to a French "
                           "business states the client's SIREN (mandatory from "
                           f"{mandatory_from(client).isoformat()} for a "
                           f"{client.provider.size} issuer)")
    if client.provider.vat != "franchise" and not client.provider.vat_number:
        yield doc.at_field(("provider", "vat_number"), "an invoice with VAT states the "
                                                       "provider's VAT number")
    reverse = client.vat is not None and client.vat.regime == "reverse_charge"
    if reverse and not client.client.vat_number:
        yield doc.at_field(("client", "vat_number"), "a reverse-charge invoice states the "
                                                     "client's VAT number")
    from ..invoicing.checks import check_entries  # the invoicing stage's own checks
    yield from check_entries(client, doc.prepared.computed, doc.prepared.source)
