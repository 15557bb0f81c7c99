"""The mandatory texts of a document, printed from ``contratgen/data/mentions.yaml``.

Three places in the templates receive them as ready-made paragraphs:
``{{p head_notice }}`` at the head (the fair box, 12-point), ``{{p mentions }}`` after the
payment terms (performance, contact, mediator, insurance, legal guarantees) and
``{{p client_statements }}`` just above the signatures (what the client signs: the
reduced-rate certification, the request to start early). The VAT mention sits under the
totals (``vat.mention``).
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from ..cache import yaml_data

from ..domain import formatting as fmt
from ..library.markup import Block, parse
from ..load.model import AfterAcceptance, ClientFile
from .docx import Notice, notices_xml

RATE_10, RATE_5_5 = Decimal("10"), Decimal("5.5")


@lru_cache(maxsize=4)
def texts(lang: str) -> dict[str, str]:
    data = resources.files("contratgen").joinpath("data/mentions.yaml").read_text("utf-8")
    return yaml_data(data, "mentions")[lang]   # parsed once per content (on disk)


def plain(value: Any) -> str:
    """A value from client.yaml, printed as written (never read as markup)."""
    return " ".join(str(value).split()).replace("*", "\\*")


def say(lang: str, key: str, **values: Any) -> str:
    return texts(lang)[key].format(**{k: plain(v) for k, v in values.items()})


def vat_regime(client: ClientFile) -> str:
    if client.provider.vat == "franchise":
        return "franchise"
    return client.vat.regime if client.vat else "standard"


def vat_context(client: ClientFile, lang: str) -> dict[str, Any]:
    """What the totals print: the VAT columns or not, and the mention under them."""
    regime = vat_regime(client)
    mention = None
    if regime == "franchise":
        mention = say(lang, "franchise")
    elif regime == "reverse_charge":
        mention = say(lang, "reverse_charge", ground=client.vat.ground or "",
                      client_vat=client.client.vat_number or "")
    elif regime == "exempt":
        mention = say(lang, "exempt", ground=client.vat.ground or "")
    on_debits = say(lang, "vat_on_debits") if client.provider.vat_on_debits \
        and regime != "franchise" else None
    return {"regime": regime, "show_rates": regime != "franchise", "mention": mention,
            "on_debits": on_debits}


@lru_cache(maxsize=256)
def _days(count: int, lang: str) -> str:
    """``30 jours``: Babel's plural rules, asked with the same few counts all batch long."""
    return fmt.days(count, lang)


def _when(when, lang: str, dated: str, after: str) -> str | None:
    if isinstance(when, datetime.date):
        return texts(lang)[dated].format(date=fmt.date(when, lang))
    if isinstance(when, AfterAcceptance):
        return texts(lang)[after].format(days=_days(when.days, lang))
    return None


def performance_text(client: ClientFile, lang: str) -> str | None:
    """"à partir du 1er avril 2026, achèvement au plus tard le 15 mai 2026"; a relative
    date becomes a date once ``document.accepted`` records the signature."""
    perf = client.document.performance
    if perf is None:
        return None
    start, end = perf.start, perf.end
    accepted = client.document.accepted
    if accepted is not None:
        start = _resolved(start, accepted.date)
        end = _resolved(end, accepted.date)
    goods = client.document.nature == "goods"   # a sale: when the goods are delivered
    parts = [_when(start, lang, "start_date", "start_after"),
             _when(end, lang, "delivery_date" if goods else "end_date",
                   "delivery_after" if goods else "end_after")]
    if perf.duration_days:
        parts.append(texts(lang)["duration"].format(days=_days(perf.duration_days, lang)))
    return ", ".join(p for p in parts if p) or None


def _resolved(when, signed: datetime.date):
    if isinstance(when, AfterAcceptance):
        return signed + datetime.timedelta(days=when.days)
    return when


def _notice(style: str, text: str) -> Notice:
    return Notice(style, parse(text))


def information(client: ClientFile, lang: str) -> list[Notice]:
    """The consumer information and the insurance mention, in the mentions block."""
    p, out = client.provider, []
    when = performance_text(client, lang)
    goods = client.document.nature == "goods"
    if when:
        out.append(_notice("Notice", texts(lang)["delivery" if goods else "performance"]
                           .format(when=when)))
    if client.document.performance and client.document.performance.site:
        out.append(_notice("Notice", say(lang, "delivery_site" if goods else "performance_site",
                                         site=client.document.performance.site)))
    if client.client.kind == "consumer":
        contact = " · ".join(plain(x) for x in (p.phone, p.email) if x)
        if contact:
            out.append(_notice("Notice", texts(lang)["contact"].format(contact=contact)))
        if p.mediator:
            out.append(_notice("Notice", say(lang, "mediator", provider=p.name,
                                             name=p.mediator.name, url=p.mediator.url)))
    if p.insurance:
        out.append(_notice("Notice", say(lang, f"insurance_{p.insurance.kind}",
                                         insurer=p.insurance.insurer,
                                         policy=p.insurance.policy,
                                         territory=p.insurance.territory)))
        if p.insurance.certificate:   # annexed by the pipeline (legal.decennale-certificate)
            out.append(_notice("Notice", texts(lang)["insurance_certificate"]))
    if client.client.kind == "consumer" and client.document.nature in ("goods", "mixed"):
        out.append(Notice("NoticeBox", parse(guarantee_box(client, lang))))
    if client.client.kind == "consumer" and p.building_trade:   # legal.works-guarantees
        out.append(Notice("NoticeBox", parse(texts(lang)["works_box"])))
    return out


def guarantee_box(client: ClientFile, lang: str) -> str:
    """The D211-2 box; for goods sold second-hand its sentence on the burden of proof
    says twelve months (C. conso. L217-7 al. 2)."""
    text = texts(lang)
    if not client.document.second_hand:
        return text["guarantee_box"]
    assert text["presumption"] in text["guarantee_box"], "mentions.yaml: presumption"
    return text["guarantee_box"].replace(text["presumption"], text["presumption_second_hand"], 1)


def statements(client: ClientFile, lang: str) -> list[Notice]:
    """What the client signs apart: the reduced-rate certification, the early start."""
    out = []
    consumer = client.client.kind == "consumer"
    rates = {item.vat_rate for item in client.items}
    if consumer and client.provider.building_trade and rates & {RATE_10, RATE_5_5}:
        key = "certification_5_5" if RATE_5_5 in rates else "certification_10"
        out.append(_notice("Statement", say(lang, key, client=client.client.name)))
        if RATE_5_5 in rates and RATE_10 in rates:
            out.append(_notice("Statement", say(lang, "certification_10",
                                                client=client.client.name)))
        out.append(_notice("Statement", texts(lang)["certification_keep"]))
        out.append(_notice("StatementSign", texts(lang)["client_signature"]))
    perf = client.document.performance
    if consumer and perf is not None and perf.early_start_request \
            and client.document.nature != "goods" \
            and client.document.context in ("off_premises", "distance"):
        if out:  # an unbordered paragraph: each statement in a box of its own
            out.append(Notice("Notice", (Block("paragraph", ()),)))
        out.append(_notice("Statement", say(lang, "early_start", provider=client.provider.name)))
        out.append(_notice("StatementSign", texts(lang)["client_signature"]))
    return out


def head_notices(client: ClientFile, lang: str) -> list[Notice]:
    if client.client.kind == "consumer" and client.document.context == "fair":
        return [_notice("FairNotice", texts(lang)["fair_box"])]
    return []


def mentions_context(client: ClientFile, lang: str) -> dict[str, Any]:
    """The context keys of the mandatory texts (docs/TEMPLATES.md)."""
    info, signed = information(client, lang), statements(client, lang)
    return {
        "vat": vat_context(client, lang),
        "head_notice": notices_xml(head_notices(client, lang)),
        "mentions": notices_xml(info),
        "has_mentions": bool(info),
        "client_statements": notices_xml(([_notice("StatementHeading",
                                                    texts(lang)["statements_heading"])]
                                          if signed else []) + signed),
        "mentions_heading": texts(lang)["heading"],
    }
