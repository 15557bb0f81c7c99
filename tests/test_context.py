import pytest

from contratgen.domain.parties import display_name, is_sole_trader


@pytest.mark.parametrize("name,form,expected", [
    ("Dupont & Fils", "SARL", "Dupont & Fils SARL"),
    ("Dupont SARL", "SARL", "Dupont SARL"),
    ("Dupont S.A.R.L.", "SARL", "Dupont S.A.R.L."),
    ("Martin (EI)", "EI", "Martin (EI)"),
    ("Luc Martin", "micro-entrepreneur", "Luc Martin EI"),
    ("Jean Petit", "entrepreneur individuel", "Jean Petit EI"),
    ("SASKIA", "SAS", "SASKIA SAS"),
    ("Boulangerie Martin", None, "Boulangerie Martin"),
])
def test_display_name_shows_the_legal_form_once(name, form, expected):
    assert display_name(name, form) == expected


@pytest.mark.parametrize("form", ["EI", "E.I.", "entrepreneur individuel", "Micro-entrepreneur",
                                  "auto-entrepreneur", "EIRL"])
def test_sole_trader_forms(form):
    assert is_sole_trader(form)


@pytest.mark.parametrize("form", ["SARL", "SAS", None, "EURL"])
def test_companies_are_not_sole_traders(form):
    assert not is_sole_trader(form)


from contratgen.domain.terms import eu_country
from contratgen.domain.parties import printed_form  # noqa: E402


@pytest.mark.parametrize("vat, country", [
    ("FR44732829320", None), ("DE136695976", "de"), ("EL094259216", "gr"),
    ("BE 0403.170.701", "be"), ("XI123456789", None), ("CHE-123.456.789", None), (None, None)])
def test_a_vat_number_of_another_eu_state_locates_the_party(vat, country):
    assert eu_country(vat) == country


@pytest.mark.parametrize("form, printed", [
    ("micro-entreprise", "EI"), ("Auto-entrepreneur", "EI"), ("EI", "EI"), ("SARL", "SARL"),
    ("entrepreneur individuel", "entrepreneur individuel"), (None, None)])
def test_a_tax_regime_is_never_printed_as_a_legal_form(form, printed):
    assert printed_form(form) == printed
