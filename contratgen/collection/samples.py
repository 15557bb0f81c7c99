"""What ``contratgen lint`` renders letter and agreement clauses against: the sample
document's context with a sample ``letter`` or ``agreement`` (the keys of
:func:`~contratgen.collection.letters.letter_context` and
:func:`~contratgen.collection.agreement.agreement_context`; a test keeps them equal).
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ..domain import formatting as fmt
from ..load.ledger import Debt, DebtInvoice, InstalmentPlan
from ..load.model import ClientFile
from . import LETTER_KIND, collection_labels
from .agreement import KIND, agreement_context


def sample_letter(lang: str, business: bool, full: bool) -> dict[str, Any]:
    """A formal notice for a partly paid invoice; ``full``: every optional part present."""
    money = lambda v: fmt.money(Decimal(v), lang)  # noqa: E731
    day = lambda *d: fmt.date(datetime.date(*d), lang)  # noqa: E731
    return {
        "level": "formal-notice", "is_reminder": False, "is_second_reminder": False,
        "is_formal_notice": True, "title": collection_labels(lang)["title_formal_notice"],
        "date": day(2026, 6, 30), "date_value": datetime.date(2026, 6, 30), "place": "Paris",
        "business": business,
        "invoice": {"number": "FA-2026-0131", "date": day(2026, 4, 20),
                    "due": day(2026, 5, 20), "tranche": "Livraison partielle",
                    "days_late": 41, "interest_from": day(2026, 5, 21) if full else None,
                    "amount": money("1922.96"), "paid": money("1000.00"),
                    "outstanding": money("922.96"), "interest": money("15.93"),
                    "indemnity": money("40.00" if business else "0.00"),
                    "claimable": money("978.89" if business else "938.89")},
        "has_interest": True, "has_indemnity": business, "has_paid": full,
        "deadline_days": 8, "deadline": day(2026, 7, 8),
        "resolutory": {"number": 5, "title": "Clause résolutoire", "notice_days": 15}
        if full else None,
        "previous_notice": day(2026, 6, 10) if full else None,
        "contract": "CT-2026-0042", "contract_date": day(2026, 3, 2),
        "contract_is_quote": not full,
        "is_courtesy": False, "is_injunction": False, "is_small_claims": False,
        "is_request": False, "commercial": full and business,
        "reminders": [{"title": collection_labels(lang)["title_reminder"],
                     "date": day(2026, 5, 27), "channel": collection_labels(lang)[
                         "channel_email"]}] if full else [],
        "notice_date": day(2026, 6, 10) if full else None,
    }


def sample_release(lang: str, full: bool) -> dict[str, Any]:
    """A request to release the retention (the keys of
    :func:`contratgen.release.release_context`'s ``release``; a test keeps them equal)."""
    money = lambda v: fmt.money(Decimal(v), lang)  # noqa: E731
    day = lambda *d: fmt.date(datetime.date(*d), lang)  # noqa: E731
    return {"number": "RG-2027-0001", "date": day(2027, 6, 20), "amount": money("737.50"),
            "percent": fmt.percent(Decimal(5), lang),
            "consignee": "Caisse des dépôts" if full else None,
            "accepted_works": day(2026, 6, 15) if full else None,
            "due_from": day(2027, 6, 15) if full else None, "early": not full,
            "invoices": [{"number": "FS-2026-0001", "date": day(2026, 4, 30),
                          "invoiced": money("4800.00"), "withheld": money("240.00")},
                         {"number": "FS-2026-0002", "date": day(2026, 5, 31),
                          "invoiced": money("9950.00"), "withheld": money("497.50")}]}


def sample_agreement_client(client: ClientFile, full: bool) -> ClientFile:
    debt = Debt(invoices=[DebtInvoice(number="FA-2026-0131", date=datetime.date(2026, 4, 20),
                                      amount=Decimal("922.96"))],
                interest=Decimal("15.93") if full else Decimal(0),
                indemnity=Decimal("40") if full else Decimal(0))
    plan = InstalmentPlan(count=6 if full else 1, every="month",
                          first=datetime.date(2026, 7, 5))
    return client.model_copy(update={"debt": debt, "installments": plan,
                                     "acceleration": full})


def sample_extra(doc_type: str, client: ClientFile, lang: str, variant: str) -> dict:
    """``{"letter": …}`` or ``{"agreement": …}`` for those kinds; else nothing."""
    full = not variant
    if doc_type == LETTER_KIND:
        return {"letter": sample_letter(lang, client.client.kind == "business", full),
                "release": sample_release(lang, full)}
    if doc_type == KIND:
        return {"agreement": agreement_context(sample_agreement_client(client, full))}
    return {}
