"""After a tranche is late: the letters of ``contratgen remind`` (reminder, second
reminder, formal notice), the instalment agreement (``document.type:
installment_agreement``) and the penalty invoice. Figures come from :mod:`contratgen.dues`
(the same as ``contratgen dues --json``); texts from the clause library.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..render.context import labels as contract_labels

LETTER_KIND = "letter"   # the clause-library document kind of the letters' bodies


@lru_cache(maxsize=4)
def collection_labels(lang: str) -> dict[str, str]:
    """The contract labels, with the words of letters and agreements over them."""
    text = resources.files("contratgen").joinpath("data/collection_labels.yaml") \
        .read_text("utf-8")
    return {**contract_labels(lang), **yaml.safe_load(text)[lang]}
