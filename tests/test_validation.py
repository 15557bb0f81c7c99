"""Each mistake in client.yaml gives file:line:col, a message and the field, all at once."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.pipeline import prepare
from contratgen.cli import main
from contratgen.diagnostics import UserError

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text()


def errors_of(path):
    with pytest.raises(UserError) as info:
        prepare(path)
    return info.value.diagnostics


def only(diags, code):
    found = [d for d in diags if d.code == code]
    assert found, f"no [{code}] in {[str(d) for d in diags]}"
    return found[0]


def test_the_minimal_fixture_is_valid(write):
    assert prepare(write("c.yaml", MINIMAL)).computed.total_ttc == 120


def test_unknown_key_is_located_at_the_key(write):
    path = write("c.yaml", MINIMAL.replace("  place: Paris\n", "  place: Paris\n  colour: red\n"))
    d = only(errors_of(path), "document.colour")
    assert (d.line, d.col) == (6, 3) and "unknown key 'colour'" in d.message
    assert str(d).startswith(f"{path}:6:3: error: ")


@pytest.mark.parametrize("key", ["d[ocument", "colour[0]", "function-before[x]"])
def test_an_unknown_key_with_brackets_is_named_at_its_place(write, key):
    # pydantic names validators and union branches with brackets too: only the parts that
    # are in the data make the location (a fuzzed file once crashed here)
    path = write("c.yaml", MINIMAL.replace("  place: Paris\n", f"  place: Paris\n  {key}: 1\n"))
    d = only(errors_of(path), f"document.{key}")
    assert (d.line, d.col) == (6, 3) and f"unknown key '{key}'" in d.message


def test_money_written_as_a_french_string_is_refused(write):
    path = write("c.yaml", MINIMAL.replace("unit_price: 100", 'unit_price: "1 200,50"'))
    d = only(errors_of(path), "items[0].unit_price")
    assert (d.line, d.col) == (21, 56)
    assert "1200.50" in d.message and "'1 200,50'" in d.message


def test_wrong_type_is_located(write):
    path = write("c.yaml", MINIMAL.replace("  trader: true\n  address: \"3", "  trader: maybe\n  address: \"3"))
    d = only(errors_of(path), "client.trader")
    assert (d.line, d.col) == (17, 11)


def test_missing_required_field_is_located_at_its_parent(write):
    path = write("c.yaml", MINIMAL.replace("  place: Paris\n", ""))
    d = only(errors_of(path), "document.place")
    assert d.line == 2 and "missing required field 'place'" in d.message


def test_bad_date(write):
    path = write("c.yaml", MINIMAL.replace("date: 2026-03-02", "date: 2026-02-30"))
    d = errors_of(path)[0]
    assert (d.line, d.col, d.code) == (4, 9, "yaml.date")


def test_a_date_that_is_not_a_date(write):
    path = write("c.yaml", MINIMAL.replace("date: 2026-03-02", "date: next monday"))
    d = only(errors_of(path), "document.date")
    assert (d.line, d.col) == (4, 9)


def test_unknown_clause_id_is_located_at_the_clause(write):
    path = write("c.yaml", MINIMAL + "clauses:\n  - billing\n  - retention_of_tittle\n")
    d = only(errors_of(path), "clauses.unknown")
    assert (d.line, d.col) == (28, 5) and "retention_of_tittle" in d.message


def test_unknown_clause_param_is_located_at_the_param(write):
    path = write("c.yaml", MINIMAL + "clauses:\n  - {id: penalty, params: {amout: 5}}\n")
    d = only(errors_of(path), "clauses.params")
    assert d.line == 27 and "no param 'amout'" in d.message


def test_duplicate_keys_are_refused(write):
    path = write("c.yaml", MINIMAL.replace("  place: Paris\n", "  place: Paris\n  place: Lyon\n"))
    d = errors_of(path)[0]
    assert (d.line, d.col, d.code) == (6, 3, "yaml.duplicate-key")


def test_yaml_syntax_error_is_located(write):
    path = write("c.yaml", MINIMAL.replace("  place: Paris\n", "  place: [Paris\n"))
    d = errors_of(path)[0]
    assert d.code == "yaml.syntax" and d.line >= 5


def test_all_errors_of_a_file_are_reported_at_once(write):
    text = (MINIMAL.replace("unit_price: 100", 'unit_price: "100"')
            .replace("  place: Paris\n", "  place: Paris\n  colour: red\n")
            .replace("  trader: true\n  address: \"3", "  trader: 3.5\n  address: \"3"))
    codes = {d.code for d in errors_of(write("c.yaml", text))}
    assert {"document.colour", "items[0].unit_price", "client.trader"} <= codes


def test_schedule_not_summing_to_100_is_located(write):
    path = write("c.yaml", MINIMAL + "  schedule:\n    - {label: a, percent: 30, due: signature}\n"
                 "    - {label: b, percent: 60, due: final_delivery}\n")
    d = only(errors_of(path), "legal.schedule-total")
    assert d.line == 27 and "90 %" in d.message


def test_control_characters_are_refused(write):
    path = write("c.yaml", MINIMAL.replace("name: Boulangerie Martin", 'name: "Boulangerie\\x0bMartin"'))
    d = only(errors_of(path), "client.name")
    assert "control character" in d.message


def test_cli_prints_diagnostics_and_exits_1_without_traceback(write, tmp_path):
    path = write("c.yaml", MINIMAL.replace("unit_price: 100", 'unit_price: "4 500,00"'))
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"),
                                       "--format", "docx"])
    assert result.exit_code == 1
    assert f"{path}:21:56: error:" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_missing_file_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "no such file" in result.output


def test_cli_usage_error_exits_2():
    result = CliRunner().invoke(main, ["build", "--format", "odt", "x.yaml"])
    assert result.exit_code == 2


def test_a_quoted_plain_number_says_to_remove_the_quotes(write):
    path = write("c.yaml", MINIMAL.replace("unit_price: 100", 'unit_price: "1200.50"'))
    d = only(errors_of(path), "items[0].unit_price")
    assert "remove the quotes" in d.message


def test_validity_given_twice_is_an_error(write):
    text = MINIMAL.replace("type: contract", "type: quote").replace(
        "  place: Paris\n", "  place: Paris\n  valid_until: 2026-04-01\n  validity_days: 30\n")
    d = only(errors_of(write("c.yaml", text)), "document")
    assert "not both" in d.message
