"""legal.micro-business-off-premises: a business of at most 5 employees that signs off
premises a contract outside its main activity gets the consumer's off-premises rules
(C. conso. L221-3, which extends sections 2, 3 and 6 of the chapter: the information
before signing, no payment within 7 days, the 14-day right of withdrawal)."""
from __future__ import annotations

from dataclasses import replace

from .clauses import withdrawal_notice
from .consumer import consumer_information
from .engine import ERROR, Finder, rule
from .payment import off_premises_payment

PROTECTED = ("a business of at most 5 employees signing off premises a contract outside "
             "its main activity is protected as a consumer: ")


@rule("legal.micro-business-off-premises", ERROR,
      "B2B, ≤ 5 employees, outside main activity, off premises", "C. conso. L221-3",
      "the consumer's off-premises rules apply (information, 14-day withdrawal, no payment "
      "within 7 days)")
def micro_business_off_premises(doc: Finder):
    # the consumer's rules themselves, run under this rule's id and source
    for base in (consumer_information, off_premises_payment, withdrawal_notice):
        for d in base.function(doc):
            yield replace(d, message=PROTECTED + d.message)
