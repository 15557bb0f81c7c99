"""Client files as an editor checks them: the YAML language server's reading (dates stay
strings) and the JSON Schema validator, from the shipped schema files or generated.
Shared by test_schema.py and test_init.py."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from contratgen.schema import json_schema

ROOT = Path(__file__).resolve().parent.parent.parent


class EditorLoader(yaml.SafeLoader):
    """YAML as the YAML language server reads it: dates stay strings."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def validator(kind: str, shipped: bool):
    schema = (json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text())
              if shipped else json_schema(kind))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)
