"""Clause selection at build time: documents, parties, requires, conflicts, params, layering."""

import pytest
from click.testing import CliRunner

from contratgen.pipeline import prepare, render_document
from contratgen.cli import main
from contratgen.diagnostics import UserError
from contratgen.library.loader import SHIPPED
from conftest import MINIMAL_PATH, docx_text

MINIMAL = MINIMAL_PATH.read_text()


def errors(path):
    with pytest.raises(UserError) as info:
        prepare(path)
    return info.value.diagnostics


def test_a_consumer_only_clause_in_a_b2b_contract_is_located(write, tmp_path):
    # the shipped library has no consumer-only clause since withdrawal also serves a
    # micro-business off premises (C. conso. L221-3): a firm's own one
    firm = tmp_path / "firm"
    firm.mkdir()
    (firm / "cooling_off.yaml").write_text(
        "id: cooling_off\nversion: 1\ncategory: other\ntitle: {fr: T, en: T}\n"
        "documents: [contract]\nparties: [consumer]\ntext: {fr: Texte., en: Text.}\n")
    path = write("c.yaml", MINIMAL + "library: firm\nclauses:\n  - billing\n"
                                     "  - cooling_off\n")
    (d,) = [d for d in errors(path) if d.code == "clauses.parties"]
    assert (d.line, d.col) == (29, 5) and "consumer" in d.message


def test_a_clause_listed_twice(write):
    path = write("c.yaml", MINIMAL + "clauses: [billing, billing]\n")
    assert any(d.code == "clauses.duplicate" for d in errors(path))


def test_a_required_param_missing(write):
    path = write("c.yaml", MINIMAL + "clauses: [jurisdiction]\n")
    (d,) = [d for d in errors(path) if d.code == "clauses.params"]
    assert "court" in d.message and d.line == 26


def test_a_param_of_the_wrong_type(write):
    path = write("c.yaml", MINIMAL + "clauses:\n  - {id: resolutory, params: {notice_days: quinze}}\n")
    (d,) = [d for d in errors(path) if d.code == "clauses.params"]
    assert "whole number" in d.message and d.line == 27


def firm_library(tmp_path, text_fr="Texte du cabinet : **{{ client.name }}**."):
    lib = tmp_path / "firm"
    lib.mkdir()
    source = (SHIPPED / "penalty.yaml").read_text()
    head, _, _ = source.partition("\ntext:")
    (lib / "penalty.yaml").write_text(
        head + f"\ntext:\n  fr: |\n    {text_fr}\n  en: |\n    Firm text.\n")
    return lib


def test_a_firm_library_overrides_a_shipped_clause_via_the_library_key(write, tmp_path):
    firm_library(tmp_path)
    path = write("c.yaml", MINIMAL + "library: firm\nclauses: [billing, penalty]\n")
    text = docx_text(render_document(prepare(path)))
    assert "Texte du cabinet : Boulangerie Martin." in text
    assert "Article 1 – " in text  # billing still comes from the shipped library


def test_a_firm_library_alone_lacks_the_shipped_clauses(write, tmp_path):
    firm_library(tmp_path)
    path = write("c.yaml", MINIMAL + "library: {path: firm, layer: false}\nclauses: [billing]\n")
    assert any(d.code == "clauses.unknown" for d in errors(path))


def test_the_library_option_layers_over_the_shipped_library(write, tmp_path):
    lib = firm_library(tmp_path)
    path = write("c.yaml", MINIMAL + "clauses: [penalty]\n")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"),
                                       "--format", "docx", "--library", str(lib)])
    assert result.exit_code == 0, result.output
    assert "Texte du cabinet" in docx_text((tmp_path / "out" / "T-1.docx").read_bytes())


def test_a_firm_clause_with_a_misspelt_variable_fails_the_build_at_its_line(write, tmp_path):
    firm_library(tmp_path, "Texte : {{ client.nmae }}.")
    path = write("c.yaml", MINIMAL + "library: firm\nclauses: [penalty]\n")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"),
                                       "--format", "docx"])
    assert result.exit_code == 1
    assert "penalty.yaml:" in result.output and "nmae" in result.output
    assert not (tmp_path / "out").exists()


def test_a_library_path_outside_the_input_folder_is_refused(write, tmp_path):
    path = write("sub/c.yaml", MINIMAL + "library: ../firm\nclauses: [penalty]\n")
    firm_library(tmp_path)
    (d,) = errors(path)
    assert d.code == "path.outside" and d.line == 26


def test_a_negative_clause_param_is_refused(write):
    path = write("c.yaml", MINIMAL + "clauses:\n  - {id: penalty, params: {amount: -5}}\n")
    (d,) = [d for d in errors(path) if d.code == "clauses.params"]
    assert "at least 0" in d.message and d.line == 27


def test_a_notice_of_zero_days_is_refused(write):
    path = write("c.yaml", MINIMAL + "clauses:\n  - {id: resolutory, params: {notice_days: 0}}\n")
    (d,) = [d for d in errors(path) if d.code == "clauses.params"]
    assert "at least 1" in d.message


def test_a_misspelt_name_under_a_filter_is_named(write, tmp_path):
    firm_library(tmp_path, "Montant : {{ amout|money }}.")
    path = write("c.yaml", MINIMAL + "library: firm\nclauses: [penalty]\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "'amout' is undefined" in result.output


def test_a_param_marked_required_must_be_written_even_with_a_default(write, tmp_path):
    lib = tmp_path / "firm"
    lib.mkdir()
    source = (SHIPPED / "confidentiality.yaml").read_text()
    (lib / "confidentiality.yaml").write_text(
        source.replace("    default: 5\n", "    default: 5\n    required: true\n", 1))
    path = write("c.yaml", MINIMAL + "library: firm\nclauses: [billing, confidentiality]\n")
    (d,) = [d for d in errors(path) if d.code == "clauses.params"]
    assert "'years'" in d.message and "required" in d.message
    assert d.line == MINIMAL.count("\n") + 2      # the "confidentiality" entry
    given = write("d.yaml", MINIMAL + "library: firm\nclauses:\n  - billing\n"
                            "  - {id: confidentiality, params: {years: 3}}\n")
    assert "pendant 3 ans après sa cessation" in docx_text(render_document(prepare(given)))


def test_a_batch_lists_each_library_folder_once_a_build_every_time(tmp_path):
    """Within held_listings (a batch), a library is the one listed at its first use; a
    build outside it sees every edit."""
    from contratgen.library.loader import held_listings, load_library
    lib = tmp_path / "lib"
    lib.mkdir()
    clause = ("id: {id}\nversion: 1\ncategory: other\ntitle: {{fr: T, en: T}}\n"
              "documents: [contract]\nparties: [business]\ntext: {{fr: Texte., en: Text.}}\n")
    (lib / "a.yaml").write_text(clause.format(id="a"))
    with held_listings():
        assert set(load_library([lib])[0].clauses) == {"a"}
        (lib / "b.yaml").write_text(clause.format(id="b"))
        assert set(load_library([lib])[0].clauses) == {"a"}   # as the batch found it
    assert set(load_library([lib])[0].clauses) == {"a", "b"}
