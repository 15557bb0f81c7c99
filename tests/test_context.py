import pytest

from contratgen.context import display_name, is_sole_trader


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
