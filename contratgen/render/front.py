"""The first articles of a document, written from client.yaml rather than the library.

A contract opens with its object ("Objet") and its time limits ("Délais"), which also
define the delivery events that trigger payment tranches (``partial_delivery``,
``final_delivery``): a tranche "due on final delivery" must say what final delivery is.
A quote prints its object above the items, and its time limits as its first article.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Optional

from ..domain import formatting as fmt
from ..library.markup import Block, parse
from ..load.model import ClientFile, DaysAfter, Performance


@lru_cache(maxsize=256)
def _days(count: int, lang: str) -> str:
    """``30 jours``: Babel's plural rules, asked with the same few counts all batch long."""
    return fmt.days(count, lang)


DELIVERY_EVENTS = ("partial_delivery", "final_delivery")
RESERVATION_DAYS = 8   # days the client has to state reasoned reservations (B2B)

_SUBJECT = {
    "fr": {"services": "L'exécution des prestations", "goods": "La livraison des biens",
           "mixed": "L'exécution des prestations et la livraison des biens"},
    "en": {"services": "Performance of the services", "goods": "Delivery of the goods",
           "mixed": "Performance of the services and delivery of the goods"},
}
_TITLES = {"fr": {"object": "Objet", "time_limits": "Délais", "delivery": "Livraison"},
           "en": {"object": "Object", "time_limits": "Time limits", "delivery": "Delivery"}}


def title(lang: str, key: str) -> str:
    return _TITLES[lang][key]


def _acceptance(is_quote: bool, lang: str) -> str:
    if lang == "fr":
        return "l'acceptation du devis" if is_quote else "la signature du contrat"
    return "acceptance of the quote" if is_quote else "signature of the contract"


def _when(value, is_quote: bool, lang: str) -> str:
    """A date ("le 1er avril 2026"), or a delay after acceptance ("dans les 10 jours…")."""
    if isinstance(value, datetime.date):
        return ("le " if lang == "fr" else "on ") + fmt.date(value, lang)
    event = _acceptance(is_quote, lang)
    if lang == "fr":
        return f"dans un délai de {_days(value.days, lang)} à compter de {event}"
    return f"within {_days(value.days, lang)} of {event}"


def performance_context(performance: Optional[Performance], lang: str) -> dict | None:
    """``document.performance`` for templates and clause texts, formatted."""
    if performance is None:
        return None
    dated = lambda v: fmt.date(v, lang) if isinstance(v, datetime.date) else None  # noqa: E731
    return {"start": dated(performance.start), "end": dated(performance.end),
            "duration_days": performance.duration_days, "site": performance.site}


def _time_limits(client: ClientFile, lang: str) -> str:
    doc, perf = client.document, client.document.performance
    quote = doc.type == "quote"
    subject = _SUBJECT[lang][doc.nature]
    parts = []
    if perf.start is not None:
        parts.append(("commence " if lang == "fr" else "begins ") + _when(perf.start, quote, lang))
    if perf.end is not None:
        parts.append(("s'achève au plus tard " if lang == "fr" else "ends at the latest ")
                     + _when(perf.end, quote, lang))
    elif perf.duration_days:
        days = _days(perf.duration_days, lang)
        start = "son commencement" if lang == "fr" else "its start"
        origin = start if perf.start is not None else _acceptance(quote, lang)
        parts.append(f"s'achève dans un délai de {days} à compter de {origin}" if lang == "fr"
                     else f"ends within {days} of {origin}")
    joiner = " et " if lang == "fr" else " and "
    text = f"{subject} {joiner.join(parts)}." if parts else ""
    if perf.site:
        text += (f" Le lieu d'exécution est le suivant : {perf.site}." if lang == "fr"
                 else f" The place of performance is: {perf.site}.")
    if lang == "fr":
        text += (" Ces délais supposent la remise par le client, en temps utile, des "
                 "informations, éléments et validations qui lui incombent ; ils sont prorogés "
                 "de la durée de tout retard imputable au client ou à un cas de force majeure.")
    else:
        text += (" These time limits assume that the client provides, in good time, the "
                 "information, material and approvals for which it is responsible; they are "
                 "extended by any delay attributable to the client or to force majeure.")
    return text.strip()


def delivery_events(client: ClientFile) -> tuple[str, ...]:
    """The delivery events that trigger a tranche or the release of an escrow."""
    used = set()
    for tranche in client.payment.schedule:
        due = tranche.due
        event = due.days_after if isinstance(due, DaysAfter) else due
        if event in DELIVERY_EVENTS:
            used.add(event)
    if client.payment.escrow is not None and client.payment.escrow.release in DELIVERY_EVENTS:
        used.add(client.payment.escrow.release)
    return tuple(e for e in DELIVERY_EVENTS if e in used)


def _delivery_fr(event: str, business: bool, doc: str) -> str:
    days = _days(RESERVATION_DAYS, "fr")
    if event == "partial_delivery":
        text = ("la **livraison partielle** s'entend de la remise au client d'une partie des "
                "biens ou des livrables, ou de l'achèvement d'une phase des prestations, que "
                "le prestataire notifie au client par écrit (courrier électronique compris)")
        return text + (f" ; elle est acquise par l'accord du client ou, à défaut de réserves "
                       f"motivées notifiées par écrit dans les {days} qui suivent cette "
                       "notification, à l'expiration de ce délai ;" if business else
                       " et que le client constate par écrit ;")
    text = ("la **livraison finale** s'entend de la remise de l'ensemble des biens ou de "
            f"l'achèvement de l'ensemble des prestations prévues au {doc}, constatée par un "
            "procès-verbal de réception signé des deux parties, avec ou sans réserves")
    if business:
        text += (f" ; à défaut de procès-verbal et de réserves motivées notifiées par écrit "
                 f"dans les {days} qui suivent la notification de l'achèvement par le "
                 "prestataire, la livraison finale est acquise à l'expiration de ce délai")
    return text + (". Des réserves portant sur des défauts mineurs, qui n'empêchent pas "
                   "l'usage convenu, ne font pas obstacle à la livraison finale ; le "
                   "prestataire les lève dans un délai raisonnable.")


def _delivery_en(event: str, business: bool, doc: str) -> str:
    days = _days(RESERVATION_DAYS, "en")
    if event == "partial_delivery":
        text = ("**partial delivery** means the handing over to the client of part of the "
                "goods or deliverables, or the completion of a phase of the services, which "
                "the provider notifies to the client in writing (including by email)")
        return text + (f"; it is achieved when the client approves it or, failing reasoned "
                       f"reservations notified in writing within {days} of that notice, on "
                       "expiry of that period;" if business else
                       ", as recorded in writing by the client;")
    text = ("**final delivery** means the handing over of all the goods or the completion of "
            f"all the services provided for in {doc}, as recorded in an acceptance report "
            "signed by both parties, with or without reservations")
    if business:
        text += (f"; failing such a report and reasoned reservations notified in writing "
                 f"within {days} of the provider's notice of completion, final delivery is "
                 "achieved on expiry of that period")
    return text + (". Reservations about minor defects that do not prevent the agreed use do "
                   "not prevent final delivery; the provider remedies them within a "
                   "reasonable time.")


def _delivery(client: ClientFile, lang: str) -> list[str]:
    events = delivery_events(client)
    if not events:
        return []
    quote = client.document.type == "quote"
    business = client.client.kind == "business"
    if lang == "fr":
        doc = "contrat formé par l'acceptation du présent devis" if quote else "présent contrat"
        escrow = " et de la libération des fonds séquestrés" if client.payment.escrow else ""
        lines = [f"Pour l'application de l'échéancier de paiement{escrow} :"]
        lines += [f"- {_delivery_fr(e, business, doc)}" for e in events]
    else:
        doc = "the contract formed by the acceptance of this quote" if quote else "this contract"
        escrow = " and the release of the escrowed funds" if client.payment.escrow else ""
        lines = [f"For the purposes of the payment schedule{escrow}:"]
        lines += [f"- {_delivery_en(e, business, doc)}" for e in events]
    return lines


def _escaped(text: str) -> str:
    return text.replace("*", "\\*")


_LAST: tuple = (None, ())   # (client, its articles): asked by count(), then by the render


def front_articles(client: ClientFile) -> list[tuple[str, tuple[Block, ...]]]:
    """(title, paragraphs) of the articles that open the document, in order."""
    global _LAST
    last, articles = _LAST
    if last is not client:   # a ClientFile is frozen: the same object, the same articles
        articles = tuple(_front_articles(client))
        _LAST = (client, articles)
    return list(articles)


def _front_articles(client: ClientFile) -> list[tuple[str, tuple[Block, ...]]]:
    doc, lang = client.document, client.document.language
    articles = []
    if doc.type not in ("contract", "quote"):   # an instalment agreement has its own plan
        return articles
    if doc.object and doc.type == "contract":
        articles.append((title(lang, "object"), parse(doc.object)))
    paragraphs = []
    if doc.performance is not None:
        # the site is the client's data, printed as written (never markup)
        paragraphs.append(_time_limits_text(client, lang))
    delivery = _delivery(client, lang)
    if delivery:
        paragraphs.append("\n".join(delivery))
    if paragraphs:
        key = "time_limits" if doc.performance is not None else "delivery"
        articles.append((title(lang, key), parse("\n\n".join(paragraphs))))
    return articles


def _time_limits_text(client: ClientFile, lang: str) -> str:
    perf = client.document.performance
    if perf.site:
        safe = perf.model_copy(update={"site": _escaped(perf.site)})
        document = client.document.model_copy(update={"performance": safe})
        client = client.model_copy(update={"document": document})
    return _time_limits(client, lang)


def object_blocks(client: ClientFile) -> tuple[Block, ...]:
    """The object printed above the items of a quote (empty for a contract: it is the
    first article there)."""
    doc = client.document
    return parse(doc.object) if doc.object and doc.type == "quote" else ()


def count(client: ClientFile) -> int:
    """How many articles precede the clauses (their numbers start after these)."""
    return len(front_articles(client))
