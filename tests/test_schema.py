"""The JSON Schemas editors use: every documented form valid, the loader's refusals flagged.

Checked with an independent validator (jsonschema), on the YAML as an editor reads it
(YAML 1.2: a date is a string).
"""
import json

import pytest
import yaml
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.library.loader import SHIPPED
from contratgen.schema import json_schema
from conftest import MINIMAL_PATH, ROOT, SAMPLES
from support.schema import EditorLoader, validator


SAMPLE_FILES = sorted(SAMPLES.rglob("*.yaml"))
CLAUSE_FILES = sorted(SHIPPED.glob("*.yaml"))


def problems(kind: str, text: str, shipped: bool = False) -> list[tuple]:
    """(where, what) of each problem: the path into the data, and the keyword it breaks."""
    data = yaml.load(text, Loader=EditorLoader)
    found = []
    for error in validator(kind, shipped).iter_errors(data):
        deepest = min(error.context, key=lambda e: -len(e.absolute_path), default=error)
        found.append((tuple(error.absolute_path), deepest.validator))
    return found


@pytest.mark.parametrize("shipped", [False, True], ids=["generated", "shipped"])
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_is_valid(path, shipped):
    assert problems("client", path.read_text(), shipped) == []


@pytest.mark.parametrize("shipped", [False, True], ids=["generated", "shipped"])
@pytest.mark.parametrize("path", CLAUSE_FILES, ids=lambda p: p.name)
def test_every_shipped_clause_is_valid(path, shipped):
    assert problems("clause", path.read_text(), shipped) == []


WRONG = [
    ("negative quantity", "quantity: 1", "quantity: -2", (("items", 0, "quantity"), "exclusiveMinimum")),
    ("discount of 150 %", "vat_rate: 20}", "vat_rate: 20, discount: 150}",
     (("items", 0, "discount"), "maximum")),
    ("money as text", "unit_price: 100", "unit_price: '1 200,50'",
     (("items", 0, "unit_price"), "type")),
    ("unknown key", "place: Paris", "place: Paris\n  colour: blue",
     (("document",), "additionalProperties")),
    ("no lines", None, None, ((), "required")),
]


@pytest.mark.parametrize("shipped", [False, True], ids=["generated", "shipped"])
@pytest.mark.parametrize("what, old, new, expected", WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_file_is_flagged(what, old, new, expected, shipped):
    text = MINIMAL_PATH.read_text()
    if old is None:
        data = yaml.load(text, Loader=EditorLoader)
        del data["items"]
        text = yaml.safe_dump(data)
    else:
        assert old in text
        text = text.replace(old, new, 1)
    assert problems("client", text, shipped) == [expected]


def test_the_short_and_long_clause_forms_are_both_valid():
    text = MINIMAL_PATH.read_text() + "clauses:\n  - billing\n  - {id: penalty, params: {amount: 50}}\n"
    assert problems("client", text) == []


def test_limits_are_written_in_json_schema_keywords():
    text = json.dumps(json_schema("client"))
    for pydantic_word in ('"ge"', '"gt"', '"le"', '"lt"', '"max_digits"'):
        assert pydantic_word not in text


def test_schema_command_prints_the_client_schema():
    result = CliRunner().invoke(main, ["schema", "client"])
    schema = json.loads(result.output)
    assert {"document", "provider", "client"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("path", [*SAMPLE_FILES, *CLAUSE_FILES], ids=lambda p: p.name)
def test_modelines_point_at_a_shipped_schema(path):
    first = path.read_text().splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), path
    target = (path.parent / first[len(prefix):]).resolve()
    assert target.is_file() and target.parent == (ROOT / "schemas").resolve(), target
