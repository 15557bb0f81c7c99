"""What a contract prints for a half-year the rates table lacks (SPEC Version 3: "a
contract or quote text states the rule and prints a figure only when the table has
it"): the rule, never another half-year's figure; and a public purchaser's rule."""
from __future__ import annotations

import re

import pytest

from contratgen.pipeline import prepare, render_document
from contratgen.render.context import build_context
from conftest import docx_text
from support.rules import CLIENT, DOCUMENT, client_yaml

PUBLIC = CLIENT.replace("kind: business", "kind: public").replace(
    "name: Boulangerie Martin", "name: Mairie de Lyon").replace("  legal_form: SAS\n", "")


def flat(text: str) -> str:
    return re.sub(r"[ \n\t]+", " ", text)


def printed(tmp_path, date: str, **parts) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(client_yaml(document=DOCUMENT.replace("2026-03-02", date),
                                clauses="clauses:\n  - late_payment\n", **parts),
                    encoding="utf-8")
    return flat(docx_text(render_document(prepare(path))))


@pytest.mark.parametrize("date", ["2026-09-01", "2019-05-02"])
def test_a_b2b_contract_of_a_missing_half_year_prints_the_rule_without_a_figure(tmp_path,
                                                                                date):
    # before: "soit 12,15 % au 1er janvier 2026" in September 2026, and 2024's 14,50 % in
    # a 2019 contract
    text = printed(tmp_path, date)
    assert ("au taux annuel égal au taux de refinancement de la BCE en vigueur au 1er "
            "janvier ou au 1er juillet, majoré de 10 points, du jour suivant") in text
    assert not re.search(r"soit \d", text) and "None" not in text


def test_a_covered_half_year_still_prints_its_figure(tmp_path):
    assert "majoré de 10 points, soit 12,15\u00a0% au 1er janvier 2026" in \
        printed(tmp_path, "2026-03-02")


def payment_context(tmp_path, date: str, **parts) -> dict:
    path = tmp_path / "c.yaml"
    path.write_text(client_yaml(document=DOCUMENT.replace("2026-03-02", date), clauses="",
                                **parts), encoding="utf-8")
    prepared = prepare(path)
    return build_context(prepared.client, prepared.computed, prepared.rates)["payment"]


def test_a_public_purchaser_is_given_ecb_plus_8_points(tmp_path):
    # before: a town hall was given ECB + 10 points, as a business (the late_payment clause
    # is for business and consumer clients: a clause for public purchasers prints this)
    pay = payment_context(tmp_path, "2026-03-02", client=PUBLIC)
    assert pay["late_penalty_rate"] == "10,15\u00a0%"
    assert pay["late_penalty_basis"].endswith(
        "majoré de 8 points, soit 10,15\u00a0% au 1er janvier 2026 (Code de la commande "
        "publique, art. R2192-31)")
    later = payment_context(tmp_path, "2026-09-01", client=PUBLIC)
    assert later["late_penalty_rate"] is None
    assert later["late_penalty_basis"].endswith(
        "majoré de 8 points (Code de la commande publique, art. R2192-31)")


@pytest.mark.parametrize("date, rate", [("2026-03-02", "12,15\u00a0%"), ("2026-09-01", None)])
def test_the_context_says_no_figure_with_none(tmp_path, date, rate):
    # what clause texts test: {% if payment.late_penalty_rate %}…{% endif %}
    assert payment_context(tmp_path, date)["late_penalty_rate"] == rate
