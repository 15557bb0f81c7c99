"""The invoices of a deal, from the contract's own numbers: pure functions on Decimals.

Every tranche but the last is an advance invoice (*facture d'acompte*, EN 16931 type
386): its amount is the tranche, split over the contract's VAT rates in proportion to
the contract's amount TTC at each rate (largest remainder, :func:`contratgen.domain.money.split`),
then each rate's share split into base and VAT in the contract's proportion. The last
tranche is the final invoice (380), the French case "facture définitive après facture
d'acompte": it restates the whole transaction (every line, VAT per rate, total TTC),
lists the advance invoices as preceding invoices, deducts them as the prepaid amount
(BT-113) and shows the VAT already invoiced on them, so that its amount due (BT-115)
is the last tranche and the advances' VAT plus the VAT still due is the contract's VAT
at every rate, to the cent.

Nothing here reads a file or reports a diagnostic: :mod:`.checks` does, before this runs.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Optional, Sequence

from ..load.ledger import InvoiceEntry
from ..load.model import ClientFile
from ..domain.money import Computed, Line, Tranche, VatLine, cents, split

# (tranche, rate or None) → the text of an advance invoice's line
Describe = Callable[[Tranche, Optional[Decimal]], str]

ADVANCE = "386"   # UNTDID 1001: advance payment invoice (facture d'acompte)
FINAL = "380"     # commercial invoice
CREDIT_NOTE = "381"   # credit note (avoir)
ZERO = Decimal("0.00")

FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"
REVERSE_CHARGE_MENTION = "Autoliquidation"


@dataclass(frozen=True)
class Category:
    """The EN 16931 VAT category of a document's lines (BT-151 / BT-118)."""
    code: str                       # S standard, E exempt (and franchise), AE reverse charge
    reason: Optional[str] = None    # BT-120, the mention printed on the invoice
    reason_code: Optional[str] = None   # BT-121 (VATEX)


@dataclass(frozen=True)
class TaxLine:
    """The VAT of one rate on an invoice (BG-23)."""
    category: Category
    rate: Decimal
    base: Decimal
    amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.amount


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice (BG-25): a contract line, or one rate's share of an advance."""
    number: int
    description: str
    quantity: Decimal
    unit: Optional[str]
    unit_price: Decimal        # BT-146, before the line's discount
    gross: Decimal             # quantity × unit price, rounded
    discount: Optional[Decimal]  # percent off this line
    net: Decimal               # BT-131
    category: Category
    rate: Decimal

    @property
    def allowance(self) -> Decimal:
        return self.gross - self.net


@dataclass(frozen=True)
class Preceding:
    """An advance invoice that the final invoice deducts (BG-3)."""
    number: str
    date: datetime.date
    total: Decimal
    taxes: tuple[TaxLine, ...]


@dataclass(frozen=True)
class Supply:
    """When the goods were delivered or the service done: a date (BT-72), or a period
    (BG-14, BT-73 / BT-74) when ``end`` differs from ``start``."""
    start: datetime.date
    end: datetime.date

    @property
    def period(self) -> bool:
        return self.end != self.start


@dataclass(frozen=True)
class Payee:
    """Who is paid when it is not the seller (BG-10): an escrow holder, with the account
    the transfer goes to (BG-16 / BG-17)."""
    name: str
    iban: Optional[str]
    bic: Optional[str]


@dataclass(frozen=True)
class Invoice:
    """One invoice or credit note, whatever the syntax it is written in: a list of lines
    with their amounts, the VAT per rate, the totals, the invoices it follows and deducts
    (``preceding``, ``prepaid``) and the one a credit note cancels (``cancels``). A
    progress invoice (situation) is the same record: its lines, the earlier situations as
    ``preceding``, their amounts as ``prepaid``."""
    number: str
    date: datetime.date
    due_date: datetime.date
    type_code: str
    tranche: Tranche
    entry_index: int             # position in invoicing.invoices
    lines: tuple[InvoiceLine, ...]
    taxes: tuple[TaxLine, ...]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    prepaid: Decimal             # BT-113
    due_amount: Decimal          # BT-115
    preceding: tuple[Preceding, ...] = ()
    vat_invoiced: tuple[TaxLine, ...] = ()    # final: the VAT of the advances, per rate
    vat_remaining: tuple[TaxLine, ...] = ()   # final: the VAT still due, per rate
    supplied: Optional[Supply] = None         # BT-72 / BG-14 (:mod:`.mentions` fills it)
    payee: Optional[Payee] = None             # BG-10: the escrow holder of the tranche
    cancels: Optional[Preceding] = None       # credit note: the invoice it cancels (BG-3)
    reason: Optional[str] = None              # credit note: why
    ledger: str = "invoices"                  # invoicing.<ledger>[entry_index] in client.yaml
    situation: Optional[int] = None           # a progress invoice: its number (.situation)
    final_situation: bool = False             # the situation that brings every line to 100 %
    withheld: Decimal = ZERO                  # the retention withheld from the amount paid

    @property
    def advance(self) -> bool:
        return self.type_code == ADVANCE

    @property
    def credit_note(self) -> bool:
        return self.type_code == CREDIT_NOTE

    @property
    def invoiced_taxes(self) -> tuple[TaxLine, ...]:
        """The VAT this document itself charges per rate: a final invoice's remaining
        VAT (the advances charged the rest), else its whole VAT breakdown."""
        return self.vat_remaining or self.taxes

    @property
    def where(self) -> tuple:
        """Its entry in client.yaml, as a path for ``Source.diagnostic``."""
        return ("invoicing", self.ledger, self.entry_index)


def category(client: ClientFile) -> Category:
    """The VAT category of the document: franchise, reverse charge, exempt or standard."""
    if client.provider.vat == "franchise":
        return Category("E", FRANCHISE_MENTION, "VATEX-FR-FRANCHISE")
    if client.vat is not None and client.vat.regime == "reverse_charge":
        return Category("AE", f"{REVERSE_CHARGE_MENTION}, {client.vat.ground}", "VATEX-EU-AE")
    if client.vat is not None:
        return Category("E", client.vat.ground)
    return Category("S")


def due_date(issued: datetime.date, tranche: Tranche, terms_days: int,
             end_of_month: bool) -> datetime.date:
    """The tranche's own date when it has one (and it is not before the invoice), else
    the invoice date + the terms; "N jours fin de mois": + N days, then the month's end."""
    if isinstance(tranche.due, datetime.date) and tranche.due >= issued:
        return tranche.due
    due = issued + datetime.timedelta(days=terms_days)
    if end_of_month:
        due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
    return due


def contract_taxes(computed: Computed, cat: Category) -> tuple[TaxLine, ...]:
    return tuple(TaxLine(cat, v.rate, v.base, v.amount) for v in computed.vat_lines)


def advance_taxes(amount: Decimal, vat_lines: Sequence[VatLine], cat: Category
                  ) -> tuple[TaxLine, ...]:
    """``amount`` TTC over the contract's rates: each rate's share in proportion to its
    amount TTC (exact to the cent), then split into VAT and base in that rate's proportion."""
    shares = split(amount, [v.base + v.amount for v in vat_lines])
    taxes = []
    for v, share in zip(vat_lines, shares):
        ttc = v.base + v.amount
        vat = cents(share * v.amount / ttc) if ttc else ZERO
        taxes.append(TaxLine(cat, v.rate, share - vat, vat))
    return tuple(taxes)


def contract_lines(computed: Computed, cat: Category) -> tuple[InvoiceLine, ...]:
    return tuple(_line(i, line, cat) for i, line in enumerate(computed.lines, start=1))


def _line(number: int, line: Line, cat: Category) -> InvoiceLine:
    item = line.item
    return InvoiceLine(number, item.description, item.quantity, item.unit, item.unit_price,
                       line.gross, item.discount, line.total_ht, cat,
                       item.vat_rate.normalize())


def advance_lines(taxes: Sequence[TaxLine], tranche: Tranche, describe: Describe
                  ) -> tuple[InvoiceLine, ...]:
    """One line per rate (an invoice line carries one rate): the advance's base at it."""
    many = len([t for t in taxes if t.base]) > 1
    lines = []
    for tax in taxes:
        if not tax.base:
            continue
        text = describe(tranche, tax.rate if many else None)
        lines.append(InvoiceLine(len(lines) + 1, text, Decimal(1), None, tax.base, tax.base,
                                 None, tax.base, tax.category, tax.rate))
    return tuple(lines)


def _sum(values) -> Decimal:
    return sum(values, ZERO)


@dataclass(frozen=True)
class Terms:
    """What every invoice of a deal shares: the contract's numbers and payment terms."""
    computed: Computed
    category: Category
    terms_days: int
    end_of_month: bool
    describe: Describe    # the text of an advance's line (at a rate, when it has several)


def advance_invoice(entry: InvoiceEntry, index: int, terms: Terms) -> Invoice:
    tranche = terms.computed.tranches[entry.tranche - 1]
    taxes = advance_taxes(tranche.amount, terms.computed.vat_lines, terms.category)
    total_ht, total_vat = _sum(t.base for t in taxes), _sum(t.amount for t in taxes)
    return Invoice(entry.number, entry.date,
                   due_date(entry.date, tranche, terms.terms_days, terms.end_of_month),
                   ADVANCE, tranche, index, advance_lines(taxes, tranche, terms.describe),
                   taxes, total_ht, total_vat, total_ht + total_vat, ZERO, tranche.amount)


def final_invoice(entry: InvoiceEntry, index: int, terms: Terms,
                  advances: Sequence[Invoice]) -> Invoice:
    computed = terms.computed
    tranche = computed.tranches[entry.tranche - 1]
    taxes = contract_taxes(computed, terms.category)
    invoiced = tuple(TaxLine(t.category, t.rate,
                             _sum(a.taxes[i].base for a in advances),
                             _sum(a.taxes[i].amount for a in advances))
                     for i, t in enumerate(taxes))
    remaining = tuple(TaxLine(t.category, t.rate, t.base - done.base, t.amount - done.amount)
                      for t, done in zip(taxes, invoiced))
    prepaid = _sum(a.total_ttc for a in advances)
    preceding = tuple(Preceding(a.number, a.date, a.total_ttc, a.taxes) for a in advances)
    return Invoice(entry.number, entry.date,
                   due_date(entry.date, tranche, terms.terms_days, terms.end_of_month),
                   FINAL, tranche, index, contract_lines(computed, terms.category), taxes,
                   computed.total_ht, computed.total_vat, computed.total_ttc, prepaid,
                   computed.total_ttc - prepaid, preceding, invoiced, remaining)


def plan(entries: Sequence[InvoiceEntry], terms: Terms) -> tuple[Invoice, ...]:
    """Every invoice of the ledger, in its order. The entries are checked (:mod:`.checks`):
    each names an existing tranche, once, and every advance precedes the final invoice."""
    last = len(terms.computed.tranches)
    invoices: list[Invoice] = []
    for index, entry in enumerate(entries):
        if entry.tranche == last:
            advances = [i for i in invoices if i.advance]
            invoices.append(final_invoice(entry, index, terms, advances))
        else:
            invoices.append(advance_invoice(entry, index, terms))
    return tuple(invoices)


def terms_for(client: ClientFile, computed: Computed, describe) -> Terms:
    pay = client.payment
    return Terms(computed, category(client), pay.terms_days, pay.end_of_month, describe)
