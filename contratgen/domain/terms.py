"""The terms the law supplies when a client file is silent — decided here, once, for the
rules that check them, the renderer that prints them and the interest engine alike.

- what an up-front payment is: *arrhes* for a consumer (C. conso. L214-1), else an
  *acompte*;
- the yearly late-payment rate: the agreed one, else ECB + 10 points between
  professionals (C. com. L441-10) or, against a consumer, the legal rate for a
  professional creditor (C. mon. fin. L313-2);
- whether a party is established in another EU Member State (Rome I, Brussels I bis);
- an invoice's due date, and the :class:`Terms` the interest engine takes from a file
  (public purchasers, imputation of payments).
"""
from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from functools import lru_cache
from dataclasses import dataclass
from typing import Optional

from stdnum.eu import vat as stdvat
from stdnum.exceptions import ValidationError

from ..load.model import ClientFile
from .rates import Rates

INTEREST_FIRST = "interest_first"
PRINCIPAL_FIRST = "principal_first"


@dataclass(frozen=True)
class Terms:
    """What the contract says about late payment."""
    business: bool                           # B2B: penalties from the due date, indemnity
    agreed_rate: Optional[Decimal] = None    # percent a year; None: legal_default / legal rate
    indemnity: Optional[Decimal] = None      # B2B per late invoice; None: the D441-5 minimum
    public: bool = False                     # a public purchaser (CCP): ECB + 8, 40 €
    imputation: str = INTEREST_FIRST         # or PRINCIPAL_FIRST (a concession)

    @property
    def professional_debtor(self) -> bool:
        """Interest from the due date and the fixed indemnity (B2B, public purchasers)."""
        return self.business or self.public


def advance_kind(client: ClientFile) -> str:
    """What an up-front payment is when the file does not say: for a consumer the law
    presumes arrhes (C. conso. L214-1); between professionals, an acompte."""
    if client.payment.advance_kind:
        return client.payment.advance_kind
    return "arrhes" if client.client.kind == "consumer" else "acompte"


def late_rate(agreed: Optional[Decimal], business: bool, rates: Rates,
              public: bool = False) -> Optional[Decimal]:
    """The yearly rate of late interest: a public purchaser's ECB + 8 points (CCP
    R2192-31, whatever the contract says), else the agreed one, else ECB + 10 points
    between professionals, else (a consumer) the taux de l'intérêt légal that applies when
    the *creditor* is a professional — the "other cases" rate, not the higher rate
    reserved for creditors who are private persons (C. mon. fin. L313-2). None when the
    rates table lacks the half-year's figure: the document then states the rule without
    a figure (never another half-year's)."""
    if public:
        return rates.public_penalty_rate
    if agreed is not None:
        return agreed
    return rates.default_penalty_rate if business else rates.legal_other


def applied_penalty_rate(client: ClientFile, rates: Rates) -> Optional[Decimal]:
    """The late-payment rate the documents print: :func:`late_rate` of the agreed rate
    (``legal_default`` agrees to none). Between professionals a file that says nothing
    prints nothing — the rule ``legal.penalty-rate-stated`` asks for one. None also when
    the rates table lacks the document's half-year (:attr:`Rates.covered`)."""
    rate = client.payment.late_penalty_rate
    business = client.client.kind != "consumer"
    public = client.client.kind == "public"
    if business and rate is None and not public:
        return None
    return late_rate(None if rate in (None, "legal_default") else rate, business, rates,
                     public)


@lru_cache(maxsize=1024)   # a pure function of the number; the same parties recur in a batch
def eu_country(vat_number: Optional[str]) -> Optional[str]:
    """The EU Member State of an intra-EU VAT number other than France (``"de"``), else
    None: the party is then established in another Member State (Rome I, Brussels I bis)."""
    if not vat_number:
        return None
    try:
        code = stdvat.compact(vat_number)[:2].lower()
    except ValidationError:   # not an EU VAT number (a Swiss one…): reported by the rules
        return None
    code = "gr" if code == "el" else code
    # "xi" (Northern Ireland) has an EU VAT prefix, but the United Kingdom left the EU
    return code if code in stdvat.MEMBER_STATES and code not in ("fr", "xi") else None


def cross_border_eu(client: ClientFile) -> bool:
    return any(eu_country(p.vat_number) for p in (client.provider, client.client))


# --- due dates and the terms of the interest engine --------------------------------------

def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def invoice_due(invoice_date: datetime.date, terms_days: int,
                end_of_month_terms: bool) -> datetime.date:
    """Invoice date + the payment terms; "N jours fin de mois": N days, then the end of
    that month (0 days end of month: the end of the invoice's month)."""
    due = invoice_date + datetime.timedelta(days=terms_days)
    return end_of_month(due) if end_of_month_terms else due


def terms_of(client: ClientFile) -> Terms:
    """The contract's late-payment terms, as the engine takes them: a public purchaser
    owes ECB + 8 points and 40 € (CCP R2192-31, D2192-35) whatever the contract says;
    payments are imputed on interest first unless the contract concedes otherwise."""
    pay = client.payment
    rate = pay.late_penalty_rate if isinstance(pay.late_penalty_rate, Decimal) else None
    business = client.client.kind == "business"
    return Terms(business, rate, pay.recovery_indemnity if business else None,
                 client.client.kind == "public", pay.imputation)
