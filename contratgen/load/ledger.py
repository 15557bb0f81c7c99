"""What follows the signature: the invoicing ledger, and the debt an instalment agreement settles."""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BeforeValidator, Field

from .fields import Model, Money, Text, not_huge, number_value


class InvoiceEntry(Model):
    """One invoice issued for a tranche."""
    tranche: Annotated[int, Field(ge=1, le=100)]
    number: Text
    date: datetime.date


class PaymentEntry(Model):
    """Money received against an invoice."""
    invoice: Text
    date: datetime.date
    amount: Annotated[Decimal, BeforeValidator(number_value), Field(gt=0, max_digits=15),
                      AfterValidator(not_huge)]


class NoticeEntry(Model):
    """A formal notice (mise en demeure) sent for an invoice."""
    invoice: Text
    date: datetime.date


class Invoicing(Model):
    """The ledger after the signature: invoices issued, payments received, notices sent."""
    invoices: list[InvoiceEntry] = Field(default_factory=list, max_length=100)
    payments: list[PaymentEntry] = Field(default_factory=list, max_length=1000)
    notices: list[NoticeEntry] = Field(default_factory=list, max_length=100)


class DebtInvoice(Model):
    number: Text
    date: datetime.date
    amount: Money


class Debt(Model):
    """What an instalment agreement settles."""
    invoices: list[DebtInvoice] = Field(min_length=1, max_length=100)
    interest: Money = Decimal(0)
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
