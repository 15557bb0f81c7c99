"""What follows the signature: the invoicing ledger, and the debt an instalment agreement settles."""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from .fields import Model, Money, Percent, Text, not_huge, number_value

EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def plausible_date(value: datetime.date) -> datetime.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year} "
                         "(a typing mistake?)")
    return value


def cents_only(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{value:f} has more than two decimals: an amount is in cents")
    return value


LedgerDate = Annotated[datetime.date, AfterValidator(plausible_date)]
Amount = Annotated[Decimal, BeforeValidator(number_value), Field(gt=0, max_digits=15),
                   AfterValidator(not_huge), AfterValidator(cents_only)]


class Period(Model):
    """A period of supply (BG-14): the first and last day."""
    start: LedgerDate = Field(alias="from")
    end: LedgerDate = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


Supplied = Union[LedgerDate, Period]


class InvoiceEntry(Model):
    """One invoice issued: for a tranche of the schedule, or a progress invoice
    (facture de situation) with the cumulative percent of each item line."""
    tranche: Optional[Annotated[int, Field(ge=1, le=100)]] = None
    situation: Optional[Annotated[int, Field(ge=1, le=100)]] = None
    progress: Optional[dict[Annotated[int, Field(ge=1, le=1000)], Percent]] = Field(
        None, description="situation: cumulative percent per item line (1-based)")
    number: Text
    date: LedgerDate
    supplied: Optional[Supplied] = Field(
        None, description="the date of the sale or service (BT-72), or {from, to} (BG-14)")

    @model_validator(mode="after")
    def _tranche_or_situation(self) -> "InvoiceEntry":
        if (self.tranche is None) == (self.situation is None):
            raise ValueError("give either 'tranche' or 'situation' for an invoice")
        if self.situation is not None and not self.progress:
            raise ValueError("a situation invoice gives 'progress' per item line")
        if self.tranche is not None and self.progress is not None:
            raise ValueError("'progress' belongs to a situation invoice, not a tranche")
        return self


class PaymentEntry(Model):
    """Money received against an invoice."""
    invoice: Text
    date: LedgerDate
    amount: Amount
    method: Optional[Literal["bank_transfer", "card", "check", "cash", "direct_debit"]] = None


class NoticeEntry(Model):
    """A formal notice (mise en demeure) sent for an invoice."""
    invoice: Text
    date: LedgerDate


class CreditNote(Model):
    """A credit note (avoir, type 381) cancelling an invoice in full, or part of it."""
    number: Text
    date: LedgerDate
    cancels: Text
    reason: Text
    amount: Optional[Amount] = Field(None, description="TTC; none: the whole invoice")


class RetentionRelease(Model):
    """The request to release the retention: a payment request, not an invoice."""
    number: Text
    date: LedgerDate


DisputeCode = Literal[
    "AUTRE", "COORD_BANC_ERR", "TX_TVA_ERR", "MONTANTTOTAL_ERR", "CALCUL_ERR", "NON_CONFORME",
    "DOUBLON", "DEST_INC", "DEST_ERR", "TRANSAC_INC", "EMMET_INC", "CONTRAT_TERM",
    "DOUBLE_FACT", "CMD_ERR", "ADR_ERR", "SIRET_ERR", "CODE_ROUTAGE_ERR", "REF_CT_ABSENT",
    "REF_ERR", "PU_ERR", "REM_ERR", "QTE_ERR", "ART_ERR", "MODPAI_ERR", "QUALITE_ERR",
    "LIVR_INCOMP"]


class Dispute(Model):
    """The client disputes an invoice: reminders pause."""
    invoice: Text
    date: LedgerDate
    reason: Text
    code: DisputeCode = Field(
        "AUTRE", description="the reason's code in the lifecycle message 207 (XP Z12-012 "
                             "BR-FR-CDV-CL-09): TX_TVA_ERR, QTE_ERR, LIVR_INCOMP, AUTRE…")


class Judgment(Model):
    """An enforceable judgment for an invoice (+5 points two months after, CMF L313-3)."""
    invoice: Text
    date: LedgerDate


Level = Literal["courtesy", "reminder", "second-reminder", "formal-notice"]


class Sent(Model):
    """A collection letter sent (written by `contratgen collect --send`)."""
    invoice: Text
    level: Level
    date: LedgerDate
    channel: Literal["email", "registered-post", "lre"] = "email"


class Invoicing(Model):
    """The ledger after the signature: invoices issued, payments received, notices sent."""
    invoices: list[InvoiceEntry] = Field(default_factory=list, max_length=100)
    payments: list[PaymentEntry] = Field(default_factory=list, max_length=1000)
    notices: list[NoticeEntry] = Field(default_factory=list, max_length=100)
    credit_notes: list[CreditNote] = Field(default_factory=list, max_length=100)
    retention_release: Optional[RetentionRelease] = None
    disputes: list[Dispute] = Field(default_factory=list, max_length=100)
    judgments: list[Judgment] = Field(default_factory=list, max_length=100)
    sent: list[Sent] = Field(default_factory=list, max_length=1000)


class DebtInvoice(Model):
    number: Text
    date: datetime.date
    amount: Money


class Debt(Model):
    """What an instalment agreement settles."""
    invoices: list[DebtInvoice] = Field(min_length=1, max_length=100)
    interest: Union[Literal["auto"], Money] = Field(
        Decimal(0), description="'auto': computed from the ledger on document.date (the "
                                "function of `dues`); a number is an agreed figure")
    indemnity: Money = Decimal(0)


class Instalment(Model):
    date: datetime.date
    amount: Annotated[Decimal, BeforeValidator(number_value), Field(gt=0, max_digits=15)]


class InstalmentPlan(Model):
    count: Optional[Annotated[int, Field(ge=1, le=120)]] = None
    every: Literal["week", "month", "quarter"] = "month"
    first: Optional[datetime.date] = None


def _installments(value: Any) -> Any:
    return {"list": value} if isinstance(value, list) else value
