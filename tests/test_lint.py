"""`contratgen lint`: every way a lawyer can break a clause file gives its own located error."""
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.library.loader import SHIPPED
from contratgen.clause_lint import lint_library


@pytest.fixture
def library(tmp_path):
    target = tmp_path / "lib"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def edit(path: Path, old: str, new: str):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def lint(library):
    diagnostics, _ = lint_library([library])
    return [d for d in diagnostics if d.is_error]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_the_shipped_library_passes():
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.output


def test_yaml_syntax_error(library):
    edit(library / "penalty.yaml", "version:", "version: [")
    (d,) = lint(library)
    assert d.code == "yaml.syntax" and d.file.endswith("penalty.yaml")


def test_unknown_key(library):
    edit(library / "penalty.yaml", "version:", "verison: 1\nversion:")
    (d,) = lint(library)
    assert d.code == "clause.verison" and "unknown key" in d.message
    assert d.line == line_of(library / "penalty.yaml", "verison")


def test_misspelt_variable_points_into_the_text_block(library):
    path = library / "retention_of_title.yaml"
    edit(path, "{{ provider.name }}", "{{ provider.nmae }}")
    errors = lint(library)
    assert errors and all(d.code == "clause.text" for d in errors)
    d = errors[0]
    assert "nmae" in d.message
    assert d.line == line_of(path, "provider.nmae")
    assert path.read_text().splitlines()[d.line - 1][d.col - 1:].startswith("nmae")


def test_template_injection_is_refused(library):
    path = library / "billing.yaml"
    text = path.read_text()
    marker = "  fr: |\n"
    path.write_text(text.replace(marker, marker + "    {{ ''.__class__.__mro__ }}\n", 1))
    errors = lint(library)
    assert [d.code for d in errors] == ["clause.unsafe", "clause.unsafe"]
    assert errors[0].line == line_of(path, "__class__")
    assert "injection" in errors[0].message


def test_duplicate_id(library):
    shutil.copy(library / "penalty.yaml", library / "zz_penalty_copy.yaml")
    codes = {d.code for d in lint(library)}
    assert "clause.duplicate-id" in codes and "clause.id" in codes


def test_id_differs_from_file_name(library):
    edit(library / "penalty.yaml", "id: penalty", "id: penalties")
    (d,) = [d for d in lint(library) if d.code == "clause.id"]
    assert d.line == line_of(library / "penalty.yaml", "id: penalties")


def test_dangling_requires(library):
    path = library / "penalty.yaml"
    text = path.read_text()
    import re
    path.write_text(re.sub(r"(?m)^requires:.*$", "requires: [late_paymnt]", text))
    (d,) = lint(library)
    assert d.code == "clause.requires" and "late_paymnt" in d.message
    assert d.line == line_of(path, "requires:")


def test_dangling_conflicts(library):
    import re
    path = library / "penalty.yaml"
    path.write_text(re.sub(r"(?m)^conflicts:.*$", "conflicts: [nothing_here]", path.read_text()))
    (d,) = lint(library)
    assert d.code == "clause.conflicts"


def test_unclosed_block_is_a_syntax_error_at_its_line(library):
    path = library / "penalty.yaml"
    marker = "  en: |\n"
    path.write_text(path.read_text().replace(marker, marker + "    {% if client.kind %}\n", 1))
    errors = lint(library)
    assert errors and errors[0].code == "clause.text" and "syntax" in errors[0].message


def test_wrong_param_default_type(library):
    path = library / "resolutory.yaml"
    import re
    text = re.sub(r"(notice_days:\n(?:\s+.*\n)*?\s+default:) *\d+", r"\1 fifteen", path.read_text(),
                  count=1)
    path.write_text(text)
    (d,) = lint(library)
    assert d.code == "clause.params" and "fifteen" in d.message
    assert d.line == line_of(path, "fifteen")


def test_unknown_category(library):
    edit(library / "penalty.yaml", "category: penalty", "category: penalties")
    (d,) = lint(library)
    assert d.code == "clause.category"


def test_missing_english_text(library):
    path = library / "penalty.yaml"
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if l.startswith("  en: |"))
    path.write_text("".join(lines[:start]))
    (d,) = lint(library)
    assert d.code == "clause.text" and "en" in d.message


def test_version_must_be_positive(library):
    import re
    path = library / "penalty.yaml"
    path.write_text(re.sub(r"(?m)^version: \d+", "version: 0", path.read_text()))
    (d,) = lint(library)
    assert d.code == "clause.version"


def test_lint_cli_exits_1_with_located_errors(library):
    edit(library / "retention_of_title.yaml", "{{ provider.name }}", "{{ provider.nmae }}")
    result = CliRunner().invoke(main, ["lint", str(library)])
    assert result.exit_code == 1
    assert "retention_of_title.yaml:" in result.output and "[clause.text]" in result.output
    assert "Traceback" not in result.output


def test_clauses_lists_and_shows():
    runner = CliRunner()
    listing = runner.invoke(main, ["clauses"])
    assert listing.exit_code == 0
    for cid in ("billing", "late_payment", "penalty", "resolutory", "retention_of_title",
                "jurisdiction"):
        assert cid in listing.output
    shown = runner.invoke(main, ["clauses", "retention_of_title"])
    assert shown.exit_code == 0 and "complet paiement" in shown.output
    assert "conspicuous: yes" in shown.output
    assert runner.invoke(main, ["clauses", "nope"]).exit_code == 1


def test_a_misspelt_variable_in_an_annex_text_is_located_there(library):
    path = library / "withdrawal.yaml"
    text = path.read_text()
    head, sep, annex = text.partition("\nannex:")
    path.write_text(head + sep + annex.replace("{{ provider.address }}", "{{ provider.adress }}", 1))
    (d,) = [d for d in lint(library) if d.code == "clause.text"]
    assert "annex.text" in d.message and "adress" in d.message
    assert d.line == line_of(path, "provider.adress")


# --- every error at once, in every branch ------------------------------------------------

def test_three_misspelt_variables_in_three_clauses_give_three_located_errors(library):
    # one in a non-default choice branch (3 arbitrators), one in a branch only an escrow
    # takes, one on the default path
    arbitration, escrow, notices = (library / f"{n}.yaml" for n in
                                    ("arbitration", "escrow", "notices"))
    edit(arbitration, "l'arbitre manquant est désigné par {{ appointing }}",
         "l'arbitre manquant est désigné par {{ apointing }}")
    edit(escrow, "(payment.escrow.holder if", "(payment.escrow.hodler if")
    edit(notices, "que le {{ doc }} exige", "que le {{ dco }} exige")
    errors = lint(library)
    assert [(Path(d.file).name, d.code) for d in errors] == [
        ("arbitration.yaml", "clause.text"), ("escrow.yaml", "clause.text"),
        ("notices.yaml", "clause.text")]
    for d, path, name in zip(errors, (arbitration, escrow, notices),
                             ("apointing", "hodler", "dco")):
        assert name in d.message and d.line == line_of(path, name)
        assert path.read_text().splitlines()[d.line - 1][d.col - 1:].startswith(name)
    assert "arbitrators=3" in errors[0].message and "escrow" in errors[1].message


def test_two_misspelt_variables_on_one_path_are_both_reported(library):
    path = library / "notices.yaml"
    edit(path, "que le {{ doc }} exige", "que le {{ dco }} exige")
    edit(path, "indiquées en tête du présent document", "indiquées en tête du {{ provider.nmae }}")
    errors = lint(library)
    assert sorted(d.message.split("undefined variable: ")[1] for d in errors) == [
        "'dco' is undefined", "'dict object' has no attribute 'nmae'"]


@pytest.mark.parametrize("clause_id, old, new, param", [
    ("ip_assignment", "prix forfaitaire de {{ price|money }}", "prix forfaitaire de {{ prix|money }}",
     "price="),
    ("ip_assignment", "{% else %}à titre non exclusif{% endif %}",
     "{% else %}{{ non_exclusif }}{% endif %}", "exclusive=False"),
    ("hardship", "Chacune des parties, agissant", "{{ chacune }} des parties, agissant", "mode"),
    ("liability", "{% if reciprocal %} Cette limitation", "{% if reciprocal %} {{ cette }}",
     "reciprocal"),
    ("insurance", "souscrite auprès de l'assureur {{ who }}, sous", "souscrite auprès de {{ whom }}, sous",
     "insurance decennale"),
])
def test_a_typo_in_a_branch_the_defaults_do_not_take_is_found(library, clause_id, old, new,
                                                                param):
    path = library / f"{clause_id}.yaml"
    edit(path, old, new)
    (d,) = lint(library)
    assert d.code == "clause.text" and param in d.message
    assert d.line == line_of(path, new.split("{{ ")[1].split(" }}")[0])


@pytest.mark.parametrize("old, new", [
    ("La force majeure ne dispense pas", "La force majeure **ne dispense pas"),
    ("La force majeure ne dispense pas", "La force majeure *ne dispense pas"),
])
def test_unbalanced_markup_is_refused_at_the_asterisk(library, old, new):
    path = library / "force_majeure.yaml"
    edit(path, old, new)
    (d,) = lint(library)
    assert d.code == "clause.markup" and "unbalanced" in d.message
    assert d.line == line_of(path, new)
    assert path.read_text().splitlines()[d.line - 1][d.col - 1:].startswith("*ne" if
                                                                            new.count("*") == 1
                                                                            else "**ne")


def test_an_escaped_asterisk_and_bold_across_a_tag_are_balanced(library):
    edit(library / "force_majeure.yaml", "La force majeure ne dispense pas",
         "La \\* force **majeure {{ doc }}** ne dispense pas")
    assert not lint(library)
