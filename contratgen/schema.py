"""JSON Schemas (draft 2020-12) generated from the models the loader itself uses.

pydantic describes what its validators accept in Python; an editor needs what a YAML file
may say. So the generated schema is adjusted here, in one walk: numbers are numbers only
(``"1 200,50"`` is flagged as the loader flags it), pydantic's constraint names (``ge``,
``gt``, ``le``, ``lt``) become JSON Schema's, and the short forms the loader expands (a
plain clause id, a library folder as a string) are allowed where they are.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from .load.fields import MAX_AMOUNT
from .library.spec import ClauseSpec
from .load.model import ClientFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}
# Fields whose loader accepts a short form (BeforeValidator): the form, and the full one.
_SHORT_FORMS = {"ClauseRef": {"type": "string", "description": "a clause id"},
                "LibrarySpec": {"type": "string", "description": "a library folder"}}


def json_schema(kind: str) -> dict:
    from .collection.policy import PolicyFile   # `contratgen collect --policy FILE`
    model = {"client": ClientFile, "clause": ClauseSpec, "policy": PolicyFile}[kind]
    schema = _editor_schema(model.model_json_schema(mode="validation"))
    title = {"client": "contratgen client.yaml", "clause": "contratgen clause file",
             "policy": "contratgen collection policy"}[kind]
    if kind == "client":
        schema["allOf"] = [_NEEDS_BY_TYPE]
    return {"$schema": DRAFT, "$id": f"https://contratgen.example/schemas/{kind}.schema.json",
            **schema, "title": title}


# What ClientFile's type check asks: lines for a quote or a contract, a debt and a plan
# for an instalment agreement.
_NEEDS_BY_TYPE = {
    "if": {"properties": {"document": {"properties": {
        "type": {"const": "installment_agreement"}}}}},
    "then": {"required": ["debt", "installments"]},
    "else": {"required": ["items"], "properties": {"items": {"minItems": 1}}},
}


def _editor_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_editor_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    node = {key: _editor_schema(value) for key, value in node.items()}
    if _is_decimal(node.get("anyOf")):
        node.update(node.pop("anyOf")[0])   # the number branch (pydantic < 2.9 puts the
        node["type"] = "number"             # bounds there, later ones beside it)
        if "max_digits" in node:   # Money: the loader's limit, as a bound an editor knows
            node["maximum"] = min(node.get("maximum", MAX_AMOUNT), MAX_AMOUNT)
    node.pop("max_digits", None)
    for ours, theirs in _BOUNDS.items():
        if ours in node:
            node[theirs] = node.pop(ours)
    for key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        if isinstance(node.get(key), Decimal):
            node[key] = _plain(node[key])
    if node.get("type") == "number" and isinstance(node.get("default"), str):
        node["default"] = _plain(Decimal(node["default"]))
    ref = node.get("$ref", "").rsplit("/", 1)[-1]
    if ref in _SHORT_FORMS and len(node) == 1:
        return {"anyOf": [_SHORT_FORMS[ref], node]}
    return node


def _is_decimal(any_of: Any) -> bool:
    """How pydantic writes a Decimal: a number, or a string of digits."""
    return (isinstance(any_of, list) and len(any_of) == 2
            and any_of[0].get("type") == "number" and any_of[1].get("type") == "string")


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
