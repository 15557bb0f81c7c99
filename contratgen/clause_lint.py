"""``contratgen lint`` and ``contratgen clauses`` at the command's level: the sample
documents a clause text is rendered against (built by ``render`` and ``collection``,
stages after ``library``), given to :mod:`contratgen.library.lint`.
"""
from __future__ import annotations

import copy
import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

from .collection.samples import sample_extra   # letters and instalment agreements
from .diagnostics import Diagnostic
from .domain.money import compute
from .domain.rates import rates_for
from .library import lint
from .library.spec import Clause
from .load.model import (ClientFile, Escrow, Insurance, MainContract, Performance, Retention,
                         parse_client)
from .load.source import load_bytes
from .render.context import build_context


@lru_cache(maxsize=1)
def sample_client() -> ClientFile:
    raw = resources.files("contratgen").joinpath("data/lint_sample.yaml").read_bytes()
    return parse_client(load_bytes(raw, "lint_sample.yaml"))


def _varied(client: ClientFile, variant: str) -> ClientFile:
    """The sample with one optional part of the document present (see DOCUMENT_VARIANTS)."""
    doc, provider, party, pay = client.document, client.provider, client.client, client.payment
    main = client.main_contract
    if variant == "escrow":
        pay = pay.model_copy(update={"escrow": Escrow(holder="Maître Durand, notaire",
                                                       release="final_delivery")})
    elif variant == "retention":
        pay = pay.model_copy(update={"retention": Retention(percent=5,
                                                             consignee="Caisse des dépôts")})
    elif variant == "subcontractor":
        provider = provider.model_copy(update={"subcontractor": True})
        main = MainContract(owner="SCI Les Tilleuls", accepted=datetime.date(2026, 3, 1),
                            guarantee="caution")
    elif variant.startswith("insurance"):
        provider = provider.model_copy(update={"insurance": Insurance(
            insurer="MAAF Assurances", policy="123456789", kind=variant.split()[1])})
    elif variant == "time limits":
        doc = doc.model_copy(update={"performance": Performance(
            start=datetime.date(2026, 4, 1), duration_days=30, site="12 rue Haute, Lyon")})
    elif variant == "client in another EU state":
        party = party.model_copy(update={"vat_number": "DE136695976"})
    elif variant == "no e-mail nor bank details":
        provider = provider.model_copy(update={"email": None, "iban": None, "bic": None,
                                               "phone": None})
        party = party.model_copy(update={"email": None})
    return client.model_copy(update={"document": doc, "provider": provider, "client": party,
                                     "payment": pay, "main_contract": main})


@lru_cache(maxsize=256)
def _sample_context(doc_type: str, kind: str, lang: str, setting: str, variant: str) -> dict:
    base = sample_client()
    client = base.model_copy(update={
        "document": base.document.model_copy(update={"type": doc_type, "language": lang,
                                                     "context": setting}),
        "client": base.client.model_copy(update={"kind": kind})})
    client = _varied(client, variant)
    context = build_context(client, compute(client), rates_for(client.document.date))
    context["clauses"] = []
    context.update(sample_extra(doc_type, client, lang, variant))
    return _with_clauses(context) if variant == "arbitration and jurisdiction" else context


def sample_context(doc_type: str, kind: str, lang: str, setting: str = "on_premises",
                   variant: str = "") -> dict:
    """The sample document's context (a fresh copy: a caller may change it)."""
    return copy.deepcopy(_sample_context(doc_type, kind, lang, setting, variant))


def _with_clauses(context: dict) -> dict:
    clauses = [{"number": n, "id": cid, "version": 1, "title": cid, "conspicuous": False,
                "hash": ""} for n, cid in ((8, "arbitration"), (9, "jurisdiction"))]
    return {**context, "clauses": clauses}



def lint_library(dirs: Sequence[Path]) -> tuple[list[Diagnostic], int]:
    """All problems of a library (layered dirs, later ones override), and its size."""
    return lint.lint_library(dirs, sample_context)


def show_clause(clause: Clause, lang: str) -> str:
    """A clause's spec and its text rendered for the sample document."""
    return lint.show_clause(clause, lang, sample_context)
