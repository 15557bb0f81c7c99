"""The catalogue: every legal rule, in the order of LEGAL_FR.md's table.

A new rule is one small function in the module of its group, decorated with
:func:`~contratgen.legal.engine.rule`, and one line here.
"""
from __future__ import annotations

from . import (agreement, building, clauses, consumer, courts, einvoice, identity, invoices,
               ledger, micro, payment, quote, terms, trade, vat)
from .engine import Rule

RULES: tuple[Rule, ...] = (
    payment.payment_term_max,
    payment.penalty_rate_stated,
    payment.penalty_rate_floor,
    payment.recovery_indemnity,
    payment.early_payment_stated,
    payment.schedule_total,
    clauses.jurisdiction_traders,
    clauses.arbitration_consumer,
    clauses.arbitration_appointment,
    clauses.conspicuous,
    clauses.resolutory_obligations,
    payment.advance_kind,
    payment.off_premises_payment,
    clauses.b2c_context,
    clauses.withdrawal_notice,
    quote.quote_validity,
    quote.quote_price_of_quote,
    identity.seller_identity,
    identity.sole_trader_name,
    identity.identifiers,
    payment.rates_table,
    # Version 2 (LEGAL_FR.md "Version 2 rules")
    consumer.consumer_information,
    consumer.mediator,
    consumer.legal_guarantee,
    trade.building_insurance,
    trade.reduced_rate_certification,
    vat.vat_rate,
    vat.vat_mention,
    consumer.consumer_language,
    consumer.fair_notice,
    consumer.early_start,
    trade.signatory,
    consumer.penalty_clause_consumer,
    consumer.liability_consumer,
    consumer.deposit_withdrawal,
    invoices.invoice_mentions,
    agreement.agreement_total,
    agreement.agreement_dates,
    agreement.agreement_term,
    # Version 3 (LEGAL_FR.md "Version 3 rules"), in its order
    terms.tranche_term,
    payment.advance_label,
    clauses.retention_services,
    clauses.penalty_proportion,
    courts.court_name,
    terms.public_purchaser,
    micro.micro_business_off_premises,
    agreement.debt_acknowledgement_consumer,
    ledger.ledger_dates,
    einvoice.invoice_supply_date,
    einvoice.order_reference,
    einvoice.vat_due_code,
    einvoice.escrow_payee,
    # Version 3, the building trades
    building.retention_guarantee,
    building.progress_invoices,
    building.decennale_certificate,
    building.subcontractor,
    building.works_guarantees,
    consumer.second_hand_goods,
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
assert len(BY_ID) == len(RULES), "two rules share an id"
