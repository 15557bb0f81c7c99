"""The phrases contratgen composes itself (due events, payment terms, methods…).

The layout words of the templates live in ``data/labels.yaml``; these are the pieces
of computed sentences, kept side by side in both languages.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ..cache import yaml_data

PHRASES = {
    "fr": {
        "due.signature": "à la signature",
        "due.order": "à la commande",
        "due.partial_delivery": "à la livraison partielle",
        "due.final_delivery": "à la livraison finale",
        "due.date": "le {date}",
        "due.days_after": "{days} après {event}",
        "event.signature": "la signature",
        "event.order": "la commande",
        "event.partial_delivery": "la livraison partielle",
        "event.final_delivery": "la livraison finale",
        "terms.days": "{days} à compter de la date d'émission de la facture",
        "terms.end_of_month": "{days} fin de mois à compter de la date d'émission "
                              "de la facture",
        "terms.immediate": "à réception de la facture",
        "terms.month_end": "à la fin du mois d'émission de la facture",
        "method.bank_transfer": "virement bancaire",
        "method.card": "carte bancaire",
        "method.check": "chèque",
        "method.cash": "espèces",
        "method.direct_debit": "prélèvement SEPA",
        "or": "ou",
        "penalty.basis": "taux de refinancement de la BCE en vigueur au 1er janvier ou au "
                         "1er juillet, majoré de {margin} points, soit {rate} au {start}",
        "penalty.basis_rule": "taux de refinancement de la BCE en vigueur au 1er janvier ou "
                              "au 1er juillet, majoré de {margin} points",
        "penalty.public_basis": "taux de refinancement de la BCE en vigueur au premier "
                                "jour du semestre au cours duquel les intérêts moratoires "
                                "ont commencé à courir, majoré de {margin} points"
                                "{figure} (Code de la commande publique, art. R2192-31)",
        "penalty.public_figure": ", soit {rate} au {start}",
        "penalty.legal_consumer": "taux de l'intérêt légal, après mise en demeure",
        "early.discount": "escompte de {rate} pour paiement sous {days}",
        "early.none": "pas d'escompte pour paiement anticipé",
        "advance.acompte": "acompte",
        "advance.arrhes": "arrhes",
        "title.contract": "Contrat de prestation de services",
        "title.quote": "Devis",
        "title.installment_agreement": "Accord de paiement échelonné",
        "schedule.single": "Paiement",
        "provider.capital": "{form} au capital de {capital}",
        "provider.vat": "TVA {vat}",
        "sole_trader": "EI",
        "annex": "Annexe",
    },
    "en": {
        "due.signature": "on signature",
        "due.order": "on order",
        "due.partial_delivery": "on partial delivery",
        "due.final_delivery": "on final delivery",
        "due.date": "on {date}",
        "due.days_after": "{days} after {event}",
        "event.signature": "signature",
        "event.order": "the order",
        "event.partial_delivery": "partial delivery",
        "event.final_delivery": "final delivery",
        "terms.days": "{days} from the invoice date",
        "terms.end_of_month": "{days} end of month from the invoice date",
        "terms.immediate": "on receipt of the invoice",
        "terms.month_end": "at the end of the month of the invoice date",
        "method.bank_transfer": "bank transfer",
        "method.card": "credit card",
        "method.check": "cheque",
        "method.cash": "cash",
        "method.direct_debit": "SEPA direct debit",
        "or": "or",
        "penalty.basis": "European Central Bank main refinancing rate in force on 1 January "
                         "or 1 July, plus {margin} percentage points, that is {rate} on "
                         "{start}",
        "penalty.basis_rule": "European Central Bank main refinancing rate in force on "
                              "1 January or 1 July, plus {margin} percentage points",
        "penalty.public_basis": "European Central Bank main refinancing rate in force on "
                                "the first day of the half-year in which the interest "
                                "began to run, plus {margin} percentage points{figure} "
                                "(French Public Procurement Code, Article R2192-31)",
        "penalty.public_figure": ", that is {rate} on {start}",
        "penalty.legal_consumer": "statutory interest rate, after formal notice",
        "early.discount": "{rate} discount for payment within {days}",
        "early.none": "no discount for early payment",
        "advance.acompte": "down payment (acompte)",
        "advance.arrhes": "earnest money (arrhes)",
        "title.contract": "Service agreement",
        "title.quote": "Quotation",
        "title.installment_agreement": "Instalment agreement",
        "schedule.single": "Payment",
        "provider.capital": "{form} with a share capital of {capital}",
        "provider.vat": "VAT {vat}",
        "sole_trader": "EI",
        "annex": "Annex",
    },
}


def phrase(lang: str, key: str, **values) -> str:
    text = PHRASES[lang][key]
    return text.format(**values) if values else text


@lru_cache(maxsize=4)
def labels(lang: str) -> dict[str, str]:
    """The layout words of the templates in ``lang`` (``data/labels.yaml``), parsed once
    a process."""
    try:
        text = resources.files("contratgen").joinpath("data/labels.yaml").read_text("utf-8")
    except FileNotFoundError:  # pragma: no cover - shipped with the package
        return {}
    return yaml_data(text, "labels")[lang]


# the words a document kind's templates add over the contract labels (a data file each)
KIND_LABELS = {"invoice": "invoice_labels.yaml", "letter": "collection_labels.yaml",
               "installment_agreement": "collection_labels.yaml"}


@lru_cache(maxsize=16)
def kind_labels(kind: str, lang: str) -> dict[str, str]:
    """The labels a template for documents of ``kind`` may use in ``lang``."""
    name = KIND_LABELS.get(kind)
    if name is None:
        return labels(lang)
    text = resources.files("contratgen").joinpath(f"data/{name}").read_text("utf-8")
    return {**labels(lang), **yaml_data(text, name)[lang]}
