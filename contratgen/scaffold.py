"""``contratgen init``: a commented client.yaml that ``check`` accepts as it is."""
from __future__ import annotations

import datetime
from importlib import resources

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .resources import shipped


def scaffold(kind: str, consumer: bool, today: datetime.date, file_name: str) -> str:
    """The text of a new client.yaml for a ``kind`` ("quote" or "contract") document."""
    source = resources.files("contratgen").joinpath("data/init/client.yaml.j2").read_text("utf-8")
    env = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    prefix = {"quote": "DV", "contract": "CT"}[kind]
    return env.from_string(source).render(
        kind=kind, consumer=consumer, today=today.isoformat(), file_name=file_name,
        number=f"{prefix}-{today.year}-0001",
        schema_url=shipped("schemas") / "client.schema.json")
