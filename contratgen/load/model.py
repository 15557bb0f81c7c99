"""The typed input: one client.yaml, validated into frozen objects.

Validation reports *all* problems of a file at once, each located at its YAML node
(see :func:`parse_client`). Legal checks come later, in ``rules``; this module only
says whether the file is well-formed.
"""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator

from ..diagnostics import Diagnostic, UserError
from .fields import (EVENTS, MAX_ITEMS, Event, Days, Model, Money, Percent, Quantity, Text,
                     number_value as _number)
from .hints import boolean_hint, comma_hint
from .ledger import Debt, Instalment, InstalmentPlan, Invoicing
from .parties import Client, Insurance, MainContract, Mediator, Party, Provider, Signatory
from .source import Source


class Item(Model):
    description: Text
    quantity: Quantity = Decimal(1)
    unit: Optional[Text] = None
    unit_price: Money
    vat_rate: Percent
    discount: Optional[Percent] = None


class EarlyPayment(Model):
    rate: Percent
    within_days: Days


class DaysAfter(Model):
    days_after: Event
    days: Days


def _due(value: Any) -> Any:
    if isinstance(value, (str, datetime.date, dict)):
        if isinstance(value, str) and value not in EVENTS:
            raise ValueError(f"unknown due event '{value}' (expected one of "
                             f"{', '.join(EVENTS)}, a date, or {{days_after: EVENT, days: N}})")
        return value
    raise ValueError("expected an event, a date, or {days_after: EVENT, days: N}")


Due = Annotated[Union[datetime.date, DaysAfter, Event], BeforeValidator(_due)]


class Tranche(Model):
    label: Text
    percent: Optional[Annotated[Decimal, BeforeValidator(_number), Field(gt=0, le=100)]] = None
    amount: Optional[Annotated[Decimal, BeforeValidator(_number), Field(gt=0, max_digits=15)]] = None
    due: Due

    @model_validator(mode="after")
    def _one_of(self) -> "Tranche":
        if (self.percent is None) == (self.amount is None):
            raise ValueError("give either 'percent' or 'amount' for a tranche, not both or neither")
        return self


class Escrow(Model):
    holder: Text
    iban: Optional[Text] = None
    bic: Optional[Text] = None
    tranches: list[Annotated[int, Field(ge=1, le=100)]] = Field(
        default_factory=list, description="the tranches paid to the escrow holder")
    release: Event = "final_delivery"


class Retention(Model):
    """Retenue de garantie (loi 71-584): at most 5 % of the TTC price."""
    percent: Annotated[Decimal, BeforeValidator(_number), Field(gt=0, le=100)]
    release_days: Days = 365
    bond: bool = Field(False, description="a caution replaces the retention: nothing withheld")
    consignee: Optional[Text] = Field(None, description="the third party both parties accept")


PaymentMethod = Literal["bank_transfer", "card", "check", "cash", "direct_debit"]


def _rate(value: Any) -> Any:
    if value == "legal_default":
        return value
    if isinstance(value, str):
        raise ValueError(f"expected 'legal_default' or a number of percent per year, "
                         f"not '{value}'")
    return _number(value)


class Payment(Model):
    currency: Literal["EUR"] = "EUR"
    terms_days: Days = 30
    end_of_month: bool = False
    methods: list[PaymentMethod] = Field(default_factory=lambda: ["bank_transfer"], min_length=1)
    late_penalty_rate: Optional[Annotated[Union[Literal["legal_default"], Percent],
                                          BeforeValidator(_rate)]] = Field(
        None, description="'legal_default' (ECB rate + 10 points) or percent per year")
    recovery_indemnity: Optional[Money] = Field(
        None, description="B2B fixed indemnity for recovery costs, at least 40 €")
    early_payment_discount: Optional[EarlyPayment] = None
    advance_kind: Optional[Literal["acompte", "arrhes"]] = None
    schedule: list[Tranche] = Field(default_factory=list, max_length=100)
    escrow: Optional[Escrow] = None
    retention: Optional[Retention] = None
    imputation: Literal["interest_first", "principal_first"] = Field(
        "interest_first", description="how a partial payment is imputed (C. civ. 1343-1); "
                                      "principal_first is a concession, printed as such")


class ClauseRef(Model):
    id: Text
    params: dict[str, Any] = Field(default_factory=dict)


def _clause_ref(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class Annex(Model):
    path: Text
    title: Text


class Waiver(Model):
    rule: Text
    reason: Text


class LibrarySpec(Model):
    path: Text
    layer: bool = Field(True, description="true: over the shipped library; false: alone")


def _library(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


class AfterAcceptance(Model):
    days_after: Literal["acceptance", "signature"]
    days: Days


def _when(value: Any) -> Any:
    if isinstance(value, (datetime.date, dict)):
        return value
    raise ValueError("expected a date, or {days_after: acceptance, days: N}")


When = Annotated[Union[datetime.date, AfterAcceptance], BeforeValidator(_when)]


class Performance(Model):
    """When and where the work is done or the goods delivered (C. conso. L111-1 3°, L216-1)."""
    start: Optional[When] = None
    end: Optional[When] = None
    duration_days: Optional[Annotated[int, Field(gt=0, le=3650)]] = None
    site: Optional[Text] = None
    accepted_works: Optional[datetime.date] = Field(
        None, description="acceptance of the works (réception): starts the retention's year")
    early_start_request: bool = Field(
        False, description="the consumer expressly asks that the work start before the end "
                           "of the 14-day withdrawal period (C. conso. L221-25)")

    @model_validator(mode="after")
    def _one_end(self) -> "Performance":
        if self.end is not None and self.duration_days is not None:
            raise ValueError("give end or duration_days, not both")
        if self.start is None and self.end is None and self.duration_days is None:
            raise ValueError("give at least a start, an end or a duration_days")
        return self


class Accepted(Model):
    """The client's signature, once known."""
    date: datetime.date
    place: Text


class VatRegime(Model):
    """The document's VAT regime when it is not the standard one."""
    regime: Literal["standard", "reverse_charge", "exempt"] = "standard"
    ground: Optional[Text] = Field(None, description="the legal ground printed on the "
                                                     "document (required unless standard)")
    territory: Optional[Text] = Field(
        None, description="a VAT territory other than mainland France (e.g. 'Corse', 'DOM')")


class Document(Model):
    type: Literal["contract", "quote", "installment_agreement"]
    nature: Literal["services", "goods", "mixed"] = Field(
        "services", description="labels (prestations / biens), the legal-guarantee box, "
                                "the e-invoice cadre")
    object: Optional[Text] = Field(None, description="the object of the contract or quote")
    performance: Optional[Performance] = None
    accepted: Optional[Accepted] = None
    number: Text
    date: datetime.date
    language: Literal["fr", "en"] = "fr"
    place: Text
    title: Optional[Text] = None
    valid_until: Optional[datetime.date] = None
    validity_days: Optional[Annotated[int, Field(gt=0, le=3650)]] = None
    free_of_charge: Optional[bool] = None
    quote_price: Optional[Money] = None
    copies: Annotated[int, Field(ge=1, le=20)] = 2
    context: Literal["on_premises", "off_premises", "distance", "fair"] = "on_premises"
    template: Optional[Text] = None
    sector: Optional[Literal["fresh_food", "livestock", "alcohol", "transport", "periodic"]] = \
        Field(None, description="the payment caps of C. com. L441-10 I al. 4 and L441-11")
    second_hand: bool = Field(False, description="goods sold second-hand: the 12-month "
                                                 "D211-2 box (C. conso. L217-7)")

    @model_validator(mode="after")
    def _one_validity(self) -> "Document":
        if self.valid_until is not None and self.validity_days is not None:
            raise ValueError("give valid_until or validity_days, not both")
        return self

    @field_validator("number")
    @classmethod
    def _number_is_a_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the document number cannot be empty")
        return value


class ClientFile(Model):
    """One client.yaml."""

    document: Document
    provider: Provider
    client: Client
    items: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    payment: Payment = Field(default_factory=Payment)
    vat: Optional[VatRegime] = None
    invoicing: Optional[Invoicing] = None
    debt: Optional[Debt] = None
    main_contract: Optional[MainContract] = None
    installments: Optional[Union[InstalmentPlan, list[Instalment]]] = None
    acceleration: bool = True
    clauses: list[Annotated[ClauseRef, BeforeValidator(_clause_ref)]] = Field(default_factory=list)
    annexes: list[Annex] = Field(default_factory=list)
    library: Optional[Annotated[LibrarySpec, BeforeValidator(_library)]] = None
    waive: list[Waiver] = Field(default_factory=list)

    @model_validator(mode="after")
    def _what_the_type_needs(self) -> "ClientFile":
        if self.document.type == "installment_agreement":
            if self.debt is None or self.installments is None:
                raise ValueError("an installment_agreement needs 'debt' and 'installments'")
        elif not self.items:
            raise ValueError("a quote or a contract needs at least one line in 'items'")
        return self


# --- errors → located diagnostics ---------------------------------------------------

def _field_code(loc: tuple) -> str:
    code = ""
    for part in loc:
        part = part if isinstance(part, int) else (part or "''")
        code += f"[{part}]" if isinstance(part, int) else (f".{part}" if code else str(part))
    return code


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _data_path(data: Any, loc: tuple, missing: bool) -> tuple:
    """The path into the data of a pydantic error location: the keys and indexes that are
    there (a key may be any text, '[' included), without the names pydantic gives union
    branches and validators ('DaysAfter', 'function-before[…]'). The last part of a
    'missing' error is the absent key itself."""
    path = []
    for number, part in enumerate(loc):
        if missing and number == len(loc) - 1:
            path.append(part)
        elif isinstance(data, dict) and part in data:
            path.append(part)
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            path.append(part)
            data = data[part]
        elif data is None and (isinstance(part, int) or "[" not in part):
            path.append(part)     # below a value the data does not hold: keep the plain parts
    return tuple(path)


def errors_to_diagnostics(exc: ValidationError, source: Source, base: tuple = ()) -> list[Diagnostic]:
    diagnostics = []
    seen = set()
    for err in exc.errors(include_url=False):
        kind = err["type"]
        loc = base + _data_path(_at(source.data, base), err["loc"], kind == "missing")
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if kind == "extra_forbidden":
            hint = comma_hint(source, loc[:-1], _at(source.data, loc[:-1]), loc[-1])
            d = source.diagnostic(loc, f"unknown key '{loc[-1]}'" + (f": {hint}" if hint
                                  else ""), _field_code(loc), key=True)
        elif kind in ("bool_parsing", "bool_type"):
            d = source.diagnostic(loc, boolean_hint(err["input"]), _field_code(loc))
        elif kind == "missing":
            d = source.diagnostic(loc[:-1], f"missing required field '{loc[-1]}'",
                                  _field_code(loc))
        else:  # a rule of the whole file ("needs at least one line in 'items'"): [client]
            d = source.diagnostic(loc, msg[0].lower() + msg[1:],
                                  _field_code(loc) or "client")
        if (d.line, d.col, d.code) not in seen:  # union branches repeat the same node
            seen.add((d.line, d.col, d.code))
            diagnostics.append(d)
    return diagnostics


def parse_client(source: Source) -> ClientFile:
    """Validate a loaded client.yaml; raises :class:`UserError` with every problem."""
    if not isinstance(source.data, dict):
        raise UserError([source.diagnostic((), "a client file is a mapping with document, "
                                           "provider, client, items, payment, clauses",
                                           "client")])
    try:
        return ClientFile.model_validate(source.data)
    except ValidationError as exc:
        raise UserError(errors_to_diagnostics(exc, source)) from None
