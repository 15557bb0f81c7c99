"""JSON Schemas (draft 2020-12) generated from the models the loader itself uses."""
from __future__ import annotations

from .library import ClauseSpec
from .model import ClientFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict:
    model = {"client": ClientFile, "clause": ClauseSpec}[kind]
    schema = model.model_json_schema(mode="validation")
    title = {"client": "contratgen client.yaml", "clause": "contratgen clause file"}[kind]
    return {"$schema": DRAFT, "$id": f"https://contratgen.example/schemas/{kind}.schema.json",
            **schema, "title": title}
