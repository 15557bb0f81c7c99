"""The template context as records: what every template and clause text sees.

Each record is a frozen dataclass whose fields carry their description
(``field(metadata={"doc": …})``). :mod:`contratgen.render.context` builds the context by
constructing these records; :func:`as_context` turns them into the plain mappings docxtpl
and the clause sandbox read; :mod:`contratgen.render.context_doc` writes the reference of
docs/TEMPLATES.md from the same records, so the documentation cannot drift from the code.

Every value is already formatted for the document's language; the raw value, where one
exists, sits next to it with a ``_value`` suffix. Optional values are ``None`` when absent.
"""
from __future__ import annotations

from dataclasses import dataclass

import datetime
from decimal import Decimal
from typing import Mapping, Optional

from markupsafe import Markup

from .record import as_context, doc, names_of

__all__ = ["as_context", "doc", "names_of", "CONTEXT_NAMES", "top_names"]


# --- document -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Accepted:
    """The client's signature, once ``document.accepted`` records it."""
    date: str = doc("`5 mars 2026`")
    place: Optional[str] = doc("`Lyon`, as written")


@dataclass(frozen=True, slots=True)
class Performance:
    """When and where the work is done (`document.performance` in client.yaml)."""
    start: Optional[str] = doc("`1er avril 2026`; none when given relative to acceptance")
    end: Optional[str] = doc("`15 mai 2026`; none when relative")
    duration_days: Optional[int] = doc("`30` or none")
    site: Optional[str] = doc("the place of performance, as written, or none")


@dataclass(frozen=True, slots=True)
class Document:
    """The document itself."""
    type: str = doc("`contract`, `quote` or `installment_agreement`")
    is_quote: bool = doc("true for a quote")
    is_contract: bool = doc("true for a contract")
    number: str = doc("`CT-2026-0042`")
    language: str = doc("`fr` / `en`")
    date: str = doc("`22 novembre 2026`")
    date_value: datetime.date = doc("the date")
    place: Optional[str] = doc("`Paris`")
    title: str = doc("`Contrat de prestation de services` (default per type, nature and "
                     "language)")
    nature: str = doc("`services` / `goods` / `mixed` (the labels follow it: see labels)")
    accepted: Optional[Accepted] = doc("none, or the client's signature once recorded")
    valid_until: Optional[str] = doc("quotes: `22 décembre 2026` (computed from "
                                     "`validity_days` if given)")
    valid_until_value: Optional[datetime.date] = doc("the date, or none")
    validity_days: Optional[int] = doc("`30` or none")
    free_of_charge: Optional[bool] = doc("quotes: `true` / `false` / none")
    quote_price: Optional[str] = doc("quotes that are not free: `50,00 €`, else none")
    copies: Optional[int] = doc("contracts: `2`")
    context: Optional[str] = doc("`on_premises` / `off_premises` / `distance` / `fair`")
    object: Optional[str] = doc("the object as written in client.yaml (with its markup), "
                                "or none")
    performance: Optional[Performance] = doc("none, or the time limits below")
    cross_border_eu: bool = doc("true when a party's VAT number is that of another EU "
                                "Member State (Rome I, Brussels I bis)")


# --- parties ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs for the party."""
    name: Optional[str] = doc("`Jeanne Dupont`; a sole trader's own name; none when "
                              "client.yaml names no signatory (print a line to fill, never "
                              "the company's name)")
    title: Optional[str] = doc("`Gérante` or none")


@dataclass(frozen=True, slots=True)
class Insurance:
    """The provider's professional insurance."""
    insurer: str = doc("the insurer's name")
    policy: str = doc("the policy number")
    kind: str = doc("`decennale` / `rc_pro`")
    territory: str = doc("where the cover applies")


@dataclass(frozen=True, slots=True)
class Party:
    """A party: `provider` and `client` have the same fields (the provider also has
    `insurance`)."""
    kind: str = doc("`business` / `consumer` (the provider is always `business`)")
    name: str = doc("as written")
    display_name: str = doc("name with the legal form, and `EI` for a sole trader: "
                            "`Atelier Dupont & Fils SARL`")
    legal_form: Optional[str] = doc("`SARL`, or none")
    capital: Optional[str] = doc("`15 000,00 €` or none")
    capital_value: Optional[Decimal] = doc("the amount, or none")
    siren: Optional[str] = doc("`732 829 320` (grouped) or none")
    siret: Optional[str] = doc("`732 829 320 00074` (grouped) or none")
    registry: Optional[str] = doc("`RCS Paris` / `RM 75` or none")
    trader: bool = doc("a commerçant (matters for jurisdiction clauses)")
    vat_number: Optional[str] = doc("`FR44732829320` or none")
    address: Optional[str] = doc("as written")
    email: Optional[str] = doc("as written, or none")
    phone: Optional[str] = doc("as written, or none")
    iban: Optional[str] = doc("`FR76 3000 6000 0112 3456 7890 189` (grouped) or none")
    bic: Optional[str] = doc("or none")
    identity: str = doc("one line of legal mentions: `SARL au capital de 15 000,00 € · "
                        "RCS Paris 732 829 320 · TVA FR44732829320`")
    signatory: Signatory = doc("who signs")


@dataclass(frozen=True, slots=True)
class MainContract:
    """The main contract a subcontractor works under (loi 75-1334)."""
    owner: str = doc("the maître d'ouvrage")
    accepted: Optional[str] = doc("the owner's acceptance and approval of the payment terms, "
                                  "once given")
    guarantee: Optional[str] = doc("`caution` / `delegation` (art. 14), or none")


@dataclass(frozen=True, slots=True)
class Provider(Party):
    insurance: Optional[Insurance] = doc("provider only: none, or the insurance below")
    subcontractor: bool = doc("provider only: a subcontractor (loi 75-1334)")
    main_contract: Optional[MainContract] = doc("provider only, a subcontractor: the main "
                                                "contract below, or none")
    insurance_certificate: bool = doc("provider only: the insurance certificate is annexed")


# --- lines, totals, schedule ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Item:
    """One line of `items`, in order."""
    description: str = doc("as written")
    quantity: str = doc("`3`, `1,5`")
    unit: Optional[str] = doc("`h`, `m²`, or none")
    unit_price: str = doc("money")
    vat_rate: str = doc("`20 %`")
    discount: Optional[str] = doc("`10 %` or none")
    total_ht: str = doc("money, after discount")
    total_ht_value: Decimal = doc("the amount")


@dataclass(frozen=True, slots=True)
class VatLine:
    """One line of `vat_lines`: one per rate, by increasing rate."""
    rate: str = doc("`5,5 %`")
    base: str = doc("money HT")
    amount: str = doc("money VAT")
    rate_value: Decimal = doc("the rate")
    amount_value: Decimal = doc("the amount")


@dataclass(frozen=True, slots=True)
class Totals:
    """The document's totals."""
    ht: str = doc("money excluding VAT")
    vat: str = doc("money VAT")
    ttc: str = doc("money including VAT")
    ht_value: Decimal = doc("the amount")
    vat_value: Decimal = doc("the amount")
    ttc_value: Decimal = doc("the amount")
    ttc_words: str = doc("`six mille cent quatre-vingt-dix-neuf euros et quarante centimes` "
                         "(no \"zéro centimes\")")


@dataclass(frozen=True, slots=True)
class EarlyPayment:
    """The discount for early payment."""
    rate: str = doc("`2 %`")
    within_days: int = doc("`10`")
    rate_value: Decimal = doc("the rate")


@dataclass(frozen=True, slots=True)
class Escrow:
    """Funds held by a third party until an event."""
    holder: str = doc("who holds the funds")
    release: str = doc("`à la livraison finale`")


@dataclass(frozen=True, slots=True)
class Retention:
    """The retenue de garantie (loi 71-584)."""
    percent: str = doc("`5 %`")
    percent_value: Decimal = doc("`Decimal('5')`")
    consignee: Optional[str] = doc("the third party both parties accept, or none")
    bond: bool = doc("a caution replaces it: nothing is withheld")
    release_days: int = doc("`365`")
    release_delay: str = doc("`365 jours`")
    accepted_works: Optional[str] = doc("the acceptance of the works, once recorded")
    release_date: Optional[str] = doc("the day the retention is released, once the works "
                                      "are accepted")


@dataclass(frozen=True, slots=True)
class Payment:
    """The payment terms."""
    currency: str = doc("`EUR`")
    terms_days: int = doc("`30`")
    end_of_month: bool = doc("the terms run to the end of the month")
    terms: str = doc("`30 jours à compter de la date d'émission de la facture` / `45 jours "
                     "fin de mois …`")
    methods: tuple[str, ...] = doc("list of display names: `virement bancaire`, "
                                   "`carte bancaire`")
    methods_text: str = doc("`virement bancaire ou carte bancaire`")
    late_penalty_rate: Optional[str] = doc("the rate actually applied: `12,15 %`")
    late_penalty_rate_value: Optional[Decimal] = doc("`Decimal('12.15')`")
    late_penalty_basis: Optional[str] = doc("`taux de refinancement de la BCE en vigueur au "
                                            "1er janvier ou au 1er juillet, majoré de 10 "
                                            "points, soit 12,15 % au 1er janvier 2026`, the "
                                            "legal rate for a consumer, or none if a number "
                                            "was agreed")
    recovery_indemnity: Optional[str] = doc("`40,00 €` (B2B) or none")
    recovery_indemnity_value: Optional[Decimal] = doc("the amount as agreed, or none")
    recovery_indemnity_min: str = doc("the legal minimum, `40,00 €`")
    recovery_indemnity_agreed: bool = doc("true when B2B and above the legal minimum")
    early_payment: Optional[EarlyPayment] = doc("none, or the discount below")
    early_payment_text: str = doc("`escompte de 2 % pour paiement sous 10 jours` or "
                                  "`pas d'escompte pour paiement anticipé`")
    advance_kind: str = doc("`acompte` / `arrhes` in the document language (`down payment "
                            "(acompte)`… in en); when client.yaml is silent: `arrhes` for a "
                            "consumer (C. conso. L214-1), `acompte` otherwise")
    advance_kind_value: str = doc("the bare `acompte` / `arrhes`")
    escrow: Optional[Escrow] = doc("none, or the escrow below")
    retention: Optional[Retention] = doc("none, or the retenue de garantie below")
    iban: Optional[str] = doc("the provider's IBAN (grouped) or none")
    bic: Optional[str] = doc("the provider's BIC or none")


@dataclass(frozen=True, slots=True)
class Tranche:
    """One tranche of `schedule`, in order; they sum exactly to `totals.ttc`."""
    number: int = doc("1, 2, …")
    label: str = doc("as written")
    percent: str = doc("`30 %` (computed when the tranche was given as an amount)")
    percent_value: Decimal = doc("the percent")
    amount: str = doc("money")
    amount_value: Decimal = doc("the amount")
    due: str = doc("`à la signature`, `à la livraison partielle`, `à la livraison finale`, "
                   "`à la commande`, `le 15 janvier 2027`, `30 jours après la signature`")


@dataclass(frozen=True, slots=True)
class Deposit:
    """The first tranche when it is due at signature or order."""
    amount: str = doc("money")
    percent: str = doc("`30 %`")
    amount_value: Decimal = doc("the amount")
    kind: str = doc("`acompte` / `arrhes` (as `payment.advance_kind`)")
    label: str = doc("the tranche's label")


@dataclass(frozen=True, slots=True)
class ClauseRow:
    """One selected clause of `clauses`, in order."""
    number: int = doc("its article number")
    id: str = doc("the clause's id in the library")
    version: int = doc("the clause's version (1, 2, …)")
    title: str = doc("in the document's language")
    conspicuous: bool = doc("printed in bold throughout")
    hash: str = doc("short hash of the text")


@dataclass(frozen=True, slots=True)
class Annex:
    """One of `annexes`: a PDF appended to the PDF output."""
    title: str = doc("as written")


@dataclass(frozen=True, slots=True)
class Signature:
    """The client's place and date of signature."""
    client_place: str = doc("`Lyon` once `document.accepted` records it, else "
                            "`signature.blank`")
    client_date: str = doc("`5 mars 2026` once recorded, else `signature.blank`")
    accepted: bool = doc("true once `document.accepted` records the signature")
    blank: str = doc("`………………………`: a line the client fills by hand")


@dataclass(frozen=True, slots=True)
class Vat:
    """The VAT regime and what the totals print."""
    regime: str = doc("`standard` / `franchise` / `reverse_charge` / `exempt`")
    show_rates: bool = doc("false under the franchise: no VAT column, no VAT breakdown, "
                           "the total alone")
    mention: Optional[str] = doc("`TVA non applicable, art. 293 B du CGI`, `Autoliquidation "
                                 ": art. 283-2 du CGI — N° de TVA intracommunautaire du "
                                 "client : DE…`, `Exonération de TVA : …`, or none")
    on_debits: Optional[str] = doc("`Option pour le paiement de la taxe d'après les "
                                   "débits.` or none")


# --- the whole ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Context:
    """What every template and clause text sees (quotes, contracts, instalment agreements;
    invoices and letters add their own names)."""
    document: Document = doc("the document")
    provider: Provider = doc("the provider (a party)")
    client: Party = doc("the client (a party)")
    items: tuple[Item, ...] = doc("the lines, in order")
    vat_lines: tuple[VatLine, ...] = doc("one per VAT rate, by increasing rate")
    totals: Totals = doc("the totals")
    payment: Payment = doc("the payment terms")
    schedule: tuple[Tranche, ...] = doc("the tranches, in order")
    deposit: Optional[Deposit] = doc("none, or the first tranche when due at signature or "
                                     "order")
    clauses: tuple[ClauseRow, ...] = doc("the selected clauses, in order")
    annexes: tuple[Annex, ...] = doc("the PDFs appended to the PDF output")
    labels: Mapping[str, str] = doc("`labels.<key>`: the fixed words of the layout in the "
                                    "document's language (see labels)")
    signature: Signature = doc("the client's place and date of signature")
    vat: Vat = doc("the VAT regime")
    head_notice: Markup = doc("templates only: `{{p head_notice }}` at the head: the fair "
                              "box (style `FairNotice`, 12 pt, framed)")
    mentions: Markup = doc("templates only: `{{p mentions }}`: execution dates and place, "
                           "contact, mediator, insurance, the D211-2 guarantee box (styles "
                           "`Notice`, `NoticeBox`)")
    has_mentions: bool = doc("true when `mentions` prints something")
    client_statements: Markup = doc("templates only: `{{p client_statements }}` above the "
                                    "signature block: the reduced-rate certification and the "
                                    "early-start request, each framed with a line for the "
                                    "client's signature (styles `StatementHeading`, "
                                    "`Statement`, `StatementSign`)")
    mentions_heading: str = doc("the heading above the mentions")


@dataclass(frozen=True, slots=True)
class Slots:
    """Ready-made Word paragraphs the renderer fills in (templates only): put each tag
    alone in its paragraph (`{{p articles }}`)."""
    articles: Markup = doc("the articles: style `Heading2` for \"Article 1 – Titre\", "
                           "`ArticleText` for text, `ListBullet` for lists, bold runs for "
                           "`**bold**` and whole conspicuous clauses; contracts must have it")
    clause_annexes: Markup = doc("the pages some clauses bring (the withdrawal form), each "
                                 "on a new page with a `Heading1` title \"Annexe N – …\"; "
                                 "nothing when there is none")
    object: Markup = doc("quotes: `document.object` under a `Heading1` title \"Objet\" "
                         "(text in `ArticleText`), above the items; nothing for a contract "
                         "(its first article)")


def top_names(*records: type) -> frozenset[str]:
    return frozenset(name for cls in records for name in names_of(cls))


# The names a template may use: the context's, and the slots the renderer fills.
CONTEXT_NAMES = top_names(Context, Slots)
