"""Parties: legal forms and the name a document prints for a party (décret 2022-725).

Pure functions on the client model, read by the renderer and by the legal rules alike.
"""
from __future__ import annotations

import re
from functools import lru_cache


# legal_form values of a sole trader (entrepreneur individuel), compared normalised
SOLE_TRADER_FORMS = {"EI", "ENTREPRENEUR INDIVIDUEL", "ENTREPRISE INDIVIDUELLE", "EIRL",
                     "MICRO-ENTREPRISE", "MICRO-ENTREPRENEUR", "AUTO-ENTREPRENEUR",
                     "MICRO ENTREPRISE", "MICRO ENTREPRENEUR", "AUTO ENTREPRENEUR"}


def normalised_form(legal_form: str | None) -> str:
    return re.sub(r"[.\s]+", " ", (legal_form or "").replace(".", "")).strip().upper()


def is_sole_trader(legal_form: str | None) -> bool:
    return normalised_form(legal_form) in SOLE_TRADER_FORMS


# tax and social regimes of a sole trader, not legal forms: the legal form is EI
_REGIMES = {"MICRO-ENTREPRISE", "MICRO-ENTREPRENEUR", "AUTO-ENTREPRENEUR", "MICRO ENTREPRISE",
            "MICRO ENTREPRENEUR", "AUTO ENTREPRENEUR"}


def printed_form(legal_form: str | None) -> str | None:
    """The legal form as documents print it: "micro-entreprise" is a regime, printed "EI"."""
    return "EI" if normalised_form(legal_form) in _REGIMES else legal_form


@lru_cache(maxsize=1024)   # a pure function of the two texts; the same parties recur
def display_name(name: str, legal_form: str | None) -> str:
    """The name with its legal form; a sole trader shows "EI" (décret 2022-725)."""
    if not legal_form:
        return name
    form = "EI" if is_sole_trader(legal_form) and normalised_form(legal_form) != "EIRL" \
        else legal_form
    def words(text: str) -> str:
        # whole words, upper case, with spelt-out initials joined: "S.A.R.L." → "SARL"
        joined = re.sub(r"\b(\w)\W(?=\w\b)", r"\1", text.upper())
        return " " + " ".join(re.findall(r"\w+", joined)) + " "

    if words(form) in words(name):  # "Martin (EI)", "Dupont S.A.R.L." already show it
        return name
    return f"{name} {form}"
