"""What the documents print, fixed by the French-law review of Version 3 (LEGAL_FR.md
"Version 3 rules", "Wording to fix"): the withdrawal clause's words of L221-18 and
L221-23, the English arrhes, the consumer's "Intérêts de retard", the second-hand goods
box, a public purchaser's late interest. Real files through the real pipeline."""
from __future__ import annotations

import textwrap
import zipfile
from pathlib import Path

import pytest

from conftest import docx_text
from contratgen.library.lint import default_params
from contratgen.clause_lint import sample_context
from contratgen.library.loader import SHIPPED, load_library
from contratgen.library.texts import render_blocks
from contratgen.pipeline import prepare, render_document
from support.rules import DOCUMENT, client_yaml, consumer_yaml, diagnostics, only

LIBRARY, _ = load_library([SHIPPED])
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def built_text(tmp_path: Path, text: str) -> str:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return docx_text(render_document(prepare(path))).translate(SPACES)


def clause(clause_id: str, lang: str, kind: str = "consumer", **document) -> str:
    """A shipped clause's text in the library's sample context, with document fields set."""
    spec = LIBRARY.get(clause_id)
    context = sample_context("contract", kind, lang)
    context["document"] = dict(context["document"], **document)
    blocks = render_blocks(spec, lang, context, default_params(spec))
    return "\n".join(b.text for b in blocks).translate(SPACES)


# --- withdrawal: L221-18 and L221-23 al. 2 -----------------------------------------------

def test_the_withdrawal_period_for_goods_runs_as_l221_18_words_it():
    assert "la réception des biens par le consommateur ou un tiers, autre que le " \
           "transporteur, désigné par lui" in clause("withdrawal", "fr", context="distance")
    assert "the receipt of the goods by the consumer or by a third party, other than the " \
           "carrier, designated by the consumer" in clause("withdrawal", "en",
                                                           context="distance")


def test_off_premises_goods_that_cannot_go_by_post_are_collected_by_the_professional():
    fr = clause("withdrawal", "fr", context="off_premises")
    assert "ne peuvent pas être renvoyés normalement par voie postale" in fr
    assert "les récupère alors à ses frais" in fr
    en = clause("withdrawal", "en", context="off_premises")
    assert "cannot normally be returned by post" in en and "collects them at its own cost" in en


def test_at_a_distance_the_client_returns_the_goods_at_its_own_cost():
    assert "récupère alors à ses frais" not in clause("withdrawal", "fr", context="distance")


def test_the_clause_versions_moved_with_their_texts():
    assert LIBRARY.get("withdrawal").spec.version == 4
    assert LIBRARY.get("deposit").spec.version == 3
    assert LIBRARY.get("late_payment").spec.version == 4


# --- deposit: the English arrhes ---------------------------------------------------------

def test_english_arrhes_let_either_party_back_out_of_the_contract():
    spec = LIBRARY.get("deposit")
    context = sample_context("contract", "business", "en")
    context["payment"] = dict(context["payment"], advance_kind="arrhes")
    text = "\n".join(b.text for b in render_blocks(spec, "en", context, default_params(spec)))
    assert "Either party may back out of the contract" in text
    assert "withdraw from its commitment" not in text


# --- "Intérêts de retard" towards a consumer ---------------------------------------------

def test_a_consumer_document_prints_interest_never_penalties(tmp_path):
    text = built_text(tmp_path, consumer_yaml(clauses="clauses:\n  - billing\n  - late_payment\n"))
    assert "Intérêts de retard :" in text
    assert "pénalités" not in text.lower()


def test_a_business_document_keeps_its_late_penalties(tmp_path):
    assert "Taux annuel des pénalités de retard" in built_text(tmp_path, client_yaml())


# --- the second-hand goods box (L217-7) --------------------------------------------------

GOODS = DOCUMENT + "  nature: goods\n"
TWO_YEARS = ("Durant ce délai, le consommateur n'est tenu d'établir que l'existence du "
             "défaut de conformité et non la date d'apparition de celui-ci.")


def test_goods_sold_second_hand_print_the_12_month_presumption(tmp_path):
    text = built_text(tmp_path, consumer_yaml(document=GOODS + "  second_hand: true\n"))
    assert "vendu d'occasion" in text and "dans les douze mois suivant la délivrance" in text
    assert TWO_YEARS not in text
    assert "délai de deux ans à compter de la délivrance du bien" in text   # the guarantee


def test_new_goods_print_the_two_year_presumption(tmp_path):
    text = built_text(tmp_path, consumer_yaml(document=GOODS))
    assert TWO_YEARS in text and "vendu d'occasion" not in text


def test_a_template_that_cannot_print_the_second_hand_box_is_an_error(tmp_path):
    from contratgen.render.docx import SHIPPED_TEMPLATES
    target = tmp_path / "firm.docx"
    with zipfile.ZipFile(Path(SHIPPED_TEMPLATES) / "contract.docx") as src, \
            zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{p mentions }}", b"")
            dst.writestr(info, data)
    text = consumer_yaml(document=GOODS + "  second_hand: true\n  template: firm.docx\n")
    d = only(diagnostics(tmp_path, text), "legal.second-hand-goods")
    assert d.is_error and "{{p mentions }}" in d.message


# --- a public purchaser's late interest --------------------------------------------------

PUBLIC = textwrap.dedent("""\
    client:
      kind: public
      name: Ville de Paris
      siren: "217500016"
      address: Place de l'Hôtel de Ville, 75004 Paris
      signatory: {name: Anne Martin, title: Adjointe au maire}
    """)


@pytest.mark.parametrize("lang, words", [
    ("fr", ("majoré de huit points de pourcentage", "40 euros", "R2192-31")),
    ("en", ("plus eight percentage points", "40 euros", "R2192-31")),
])
def test_a_public_purchaser_owes_ecb_plus_8_points_and_40_euros(lang, words):
    text = clause("late_payment", lang, kind="public")
    assert all(w in text for w in words)
    assert "mise en demeure" not in text and "formal notice" not in text


def test_a_public_purchasers_contract_takes_the_business_clauses(tmp_path):
    text = built_text(tmp_path, client_yaml(client=PUBLIC, clauses=(
        "clauses:\n  - billing\n  - late_payment\n")))
    assert "majoré de huit points de pourcentage" in text
