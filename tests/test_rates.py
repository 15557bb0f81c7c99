"""The rates table (LEGAL_FR.md "Rates"): the 2024 half-years, the sources, the
``--rates FILE`` overlay, the uncovered half-year, the floor of the document's half-year,
the rule printed with an indicative value, and ``contratgen rates``."""
from __future__ import annotations

import datetime
import re
import textwrap
from decimal import Decimal as D

import pytest
from click.testing import CliRunner

from contratgen.pipeline import Options, prepare, render_document
from contratgen.cli import main
from contratgen.diagnostics import UserError
from contratgen.domain.rates import load_rates, rates_for, shipped_table
from conftest import docx_text
from support.rules import DOCUMENT, PAYMENT, client_yaml, diagnostics, of, only

# test figures (the 2026-H2 arrêté and the ECB rate on 1 July 2026 were not found)
H2_2026 = """\
legal_interest:
  - {half: 2026-H2, consumer: 6.50, other: 2.50, source: "Arrêté de test"}
ecb_checked: 2026-07-01
"""


def flat(text: str) -> str:
    """Lines joined by one space (no-break spaces kept: they are part of the format)."""
    return re.sub(r"[ \n\t]+", " ", text)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize("date, half, consumer, other, ecb", [
    ("2024-03-01", "2024-H1", "8.01", "5.07", "4.50"),
    ("2024-07-01", "2024-H2", "8.16", "4.92", "4.25"),
    ("2025-06-30", "2025-H1", "7.21", "3.71", "3.15"),
    ("2025-12-31", "2025-H2", "6.65", "2.76", "2.15"),
    ("2026-01-01", "2026-H1", "6.67", "2.62", "2.15"),
])
def test_each_half_year_has_the_rates_of_legal_fr(date, half, consumer, other, ecb):
    r = rates_for(day(date))
    assert (r.half, r.legal_consumer, r.legal_other, r.ecb, r.covered) == \
        (half, D(consumer), D(other), D(ecb), True)


@pytest.mark.parametrize("half, source", [
    ("2024-H1", "Arrêté du 21 décembre 2023"),
    ("2024-H2", "Arrêté de juin 2024"),
    ("2025-H1", "Arrêté du 17 décembre 2024"),
    ("2025-H2", "Arrêté du 19 juin 2025 (JO du 24 juin 2025)"),
    ("2026-H1", "Arrêté du 15 décembre 2025 (JORF du 26 décembre 2025)"),
])
def test_each_half_year_cites_its_arrete(half, source):
    assert shipped_table().for_half(half).legal_source == source


def test_the_ecb_rate_of_a_half_year_is_the_one_in_force_on_its_first_day():
    # 3.65 % (18 September 2024) and 3.40 % (23 October 2024) never were in force on a
    # 1 January or 1 July: they are in the table but no half-year uses them
    table = shipped_table()
    assert {r.rate for r in table.ecb} >= {D("3.65"), D("3.40")}
    assert table.ecb_on(day("2024-10-01")).rate == D("3.65")
    assert table.ecb_on(day("2024-11-01")).rate == D("3.40")
    assert rates_for(day("2024-12-31")).ecb == D("4.25")


@pytest.mark.parametrize("date, half", [("2026-09-01", "2026-H2"), ("2019-05-01", "2019-H1")])
def test_a_half_year_outside_the_table_has_no_figure_of_another(date, half):
    # before: 2026-H2 took the figures of 2026-H1, and a 2019 document those of 2024-H1
    r = rates_for(day(date))
    assert not r.covered and r.half == r.wanted == half
    assert (r.legal_consumer, r.legal_other, r.ecb, r.default_penalty_rate,
            r.penalty_floor, r.public_penalty_rate) == (None,) * 6


def test_the_ecb_rate_is_known_only_up_to_the_day_the_list_was_checked():
    # the list is checked up to 5 February 2026: 1 January 2026 is known, 1 July is not
    table = shipped_table()
    assert table.ecb_known_until == day("2026-02-05")
    assert table.ecb_on(day("2026-01-01")).rate == D("2.15")
    assert table.ecb_on(day("2026-07-01")) is None
    assert rates_for(day("2026-09-01")).missing == ("legal", "ecb")


def test_the_missing_half_years_are_listed_up_to_a_date():
    table = shipped_table()
    assert [(g.half, g.parts) for g in table.missing(day("2026-12-07"))] == \
        [("2026-H2", ("legal", "ecb"))]
    assert table.missing(day("2026-06-30")) == ()
    assert [g.half for g in table.missing(day("2027-01-01"))] == ["2026-H2", "2027-H1"]


def test_floors_of_2024_are_15_21_and_14_76_percent():
    assert rates_for(day("2024-03-01")).penalty_floor == D("15.21")
    assert rates_for(day("2024-09-01")).penalty_floor == D("14.76")


# --- the agreed rate against the floor of the document's half-year ---------------------

def test_a_15_percent_rate_in_march_2024_is_below_the_floor(tmp_path):
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2024-03-01"),
                       payment=PAYMENT.replace("legal_default", "15"))
    d = only(diagnostics(tmp_path, text), "legal.penalty-rate-floor")
    assert d.severity == "error" and "15,21" in d.message and "1st half 2024" in d.message


def test_a_10_percent_rate_passes_in_2026_but_not_in_2024(tmp_path):
    rate_10 = PAYMENT.replace("legal_default", "10")
    assert not of(diagnostics(tmp_path, client_yaml(payment=rate_10)),
                  "legal.penalty-rate-floor")
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2024-09-01"), payment=rate_10)
    assert "14,76" in only(diagnostics(tmp_path, text), "legal.penalty-rate-floor").message


# --- legal_default printed as the rule, with an indicative value ------------------------

@pytest.mark.parametrize("lang, expected", [
    ("fr", "au taux annuel égal au taux de refinancement de la BCE en vigueur au 1er janvier "
           "ou au 1er juillet, majoré de 10 points, soit 14,50\u00a0% au 1er janvier 2024"),
    ("en", "at an annual rate equal to the European Central Bank main refinancing rate in "
           "force on 1 January or 1 July, plus 10 percentage points, that is 14.50% on "
           "1 January 2024"),
])
def test_legal_default_is_printed_as_the_rule_with_an_indicative_value(tmp_path, lang,
                                                                       expected):
    document = DOCUMENT.replace("2026-03-02", "2024-03-01") + f"  language: {lang}\n"
    path = tmp_path / "c.yaml"
    path.write_text(client_yaml(document=document, clauses="clauses:\n  - late_payment\n"),
                    encoding="utf-8")
    text = flat(docx_text(render_document(prepare(path))))
    assert expected in text


@pytest.mark.parametrize("amount, agreed", [(40, False), (100, True)])
def test_an_indemnity_above_40_euros_is_an_agreed_sum(tmp_path, amount, agreed):
    payment = PAYMENT.replace("recovery_indemnity: 40", f"recovery_indemnity: {amount}")
    path = tmp_path / "c.yaml"
    path.write_text(client_yaml(payment=payment, clauses="clauses:\n  - late_payment\n"),
                    encoding="utf-8")
    text = flat(docx_text(render_document(prepare(path))))
    assert ("convenue entre les parties à 100,00\u00a0€, au-delà de l'indemnité minimale "
            "de 40,00\u00a0€ fixée par l'article D441-5" in text) is agreed
    assert ("frais de recouvrement de 40,00\u00a0€ (C. com. art. L441-10 et D441-5)"
            in text) is not agreed


# --- the uncovered half-year, and --rates FILE -------------------------------------------

def test_an_uncovered_half_year_warns_with_how_to_add_it(tmp_path):
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2026-09-01"))
    d = only(diagnostics(tmp_path, text), "legal.rates-table")
    assert d.severity == "warning"
    assert "2nd half 2026 (2026-H2)" in d.message and "--rates FILE" in d.message
    assert "1st half 2026" not in d.message      # no other half-year's rates are used


def test_an_uncovered_half_year_is_an_error_with_strict(tmp_path):
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2026-09-01"))
    d = only(diagnostics(tmp_path, text, Options(strict=True)), "legal.rates-table")
    assert d.severity == "error"


def test_a_rates_file_adds_a_half_year_and_silences_the_warning(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(H2_2026, encoding="utf-8")
    table = load_rates([extra])
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2026-09-01"),
                       payment=PAYMENT.replace("legal_default", "7.6"))
    diags = diagnostics(tmp_path, text, Options(rates=table))
    assert not of(diags, "legal.rates-table")
    # 7.6 % passes the 1st-half floor (7.86 %)? No: but it passes 3 × 2.50 = 7.50 %
    assert not of(diags, "legal.penalty-rate-floor")
    assert table.for_date(day("2026-09-01")).penalty_floor == D("7.50")


def test_a_rates_file_never_changes_the_shipped_table(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(H2_2026.replace("2026-H2", "2026-H1"), encoding="utf-8")
    assert load_rates([extra]).for_half("2026-H1").legal_other == D("2.50")
    assert rates_for(day("2026-03-01")).legal_other == D("2.62")
    assert shipped_table().overlays == ()


def test_a_rates_file_overrides_an_ecb_rate_of_the_same_day(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("ecb_refinancing:\n  - {since: 2025-06-11, rate: 2.00, source: test}\n",
                     encoding="utf-8")
    table = load_rates([extra])
    assert table.for_half("2025-H2").ecb == D("2.00") and len(table.ecb) == len(
        shipped_table().ecb)


def test_every_problem_of_a_rates_file_is_located(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""\
        legal_interest:
          - {half: 2026-S2, consumer: 6.5, other: 2.5, source: x}
          - {half: 2027-H1, consumer: "6,5", other: 2.5, source: x}
          - {half: 2027-H2, consumer: 6.5, other: 2.5}
        ecb:
          - {since: 2026-06-10, rate: 2.4, source: x}
        """), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_rates([bad])
    found = {(d.line, d.col, d.code) for d in caught.value.diagnostics}
    assert (2, 12, "legal_interest[0].half") in found
    assert (3, 31, "legal_interest[1].consumer") in found
    assert (4, 5, "legal_interest[2].source") in found
    assert (5, 1, "ecb") in found
    assert all(d.file == str(bad) for d in caught.value.diagnostics)


def test_a_half_year_given_twice_in_one_file_is_an_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    row = H2_2026.splitlines()[1]
    bad.write_text(f"legal_interest:\n{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_rates([bad])
    [d] = caught.value.diagnostics
    assert d.line == 3 and "given twice" in d.message


# --- the commands -----------------------------------------------------------------------

def test_check_takes_rates_file(tmp_path):
    (tmp_path / "extra.yaml").write_text(H2_2026, encoding="utf-8")
    doc = tmp_path / "c.yaml"
    doc.write_text(client_yaml(document=DOCUMENT.replace("2026-03-02", "2026-09-01")),
                   encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(main, ["check", "--strict", str(doc)])
    assert plain.exit_code == 1 and "legal.rates-table" in plain.output
    overlaid = runner.invoke(main, ["check", "--strict", "--rates",
                                    str(tmp_path / "extra.yaml"), str(doc)])
    assert overlaid.exit_code == 0, overlaid.output


def test_a_bad_rates_file_stops_the_command_with_located_errors(tmp_path):
    (tmp_path / "bad.yaml").write_text("legal_interest: 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--rates", str(tmp_path / "bad.yaml"),
                                       str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1 and "bad.yaml:1:17: error:" in result.output
    assert "Traceback" not in result.output


def test_rates_command_lists_every_half_year_with_its_source(tmp_path):
    (tmp_path / "extra.yaml").write_text(H2_2026, encoding="utf-8")
    result = CliRunner().invoke(main, ["rates", "--rates", str(tmp_path / "extra.yaml")],
                                env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for text in ("2024-H1", "15,21\u00a0%", "14,50\u00a0%", "Arrêté du 21 décembre 2023",
                 "4,50\u00a0%", "since 2023-09-20", "2026-H2", "Arrêté de test"):
        assert text in result.output


def test_rates_command_fits_80_columns_with_each_figure_whole():
    # before: seven columns folded "Arrêté du 21 décembre 2023" and the figures letter by
    # letter in an 80-column terminal
    result = CliRunner().invoke(main, ["rates", "--on", "2026-06-30"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    row = next(line for line in lines if line.lstrip().startswith("2024-H1") and "%" in line)
    assert row.split() == ["2024-H1", "8,01", "%", "5,07", "%", "4,50", "%", "14,50", "%",
                           "12,50", "%", "15,21", "%"]


def test_rates_missing_says_what_to_add_and_where_it_is_published():
    result = CliRunner().invoke(main, ["rates", "--missing", "--on", "2026-12-07"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2026-H2 (2nd half 2026)" in result.output
    assert "arrêté of June 2026" in result.output and "legifrance.gouv.fr" in result.output
    assert "in force on 1 July 2026" in result.output and "ecb.europa.eu" in result.output
    assert "--rates FILE" in result.output
    covered = CliRunner().invoke(main, ["rates", "--missing", "--on", "2026-06-30"])
    assert "covers every half-year up to 2026-06-30" in covered.output
