"""The collection policy of ``contratgen collect``: which letter, how many days from the due
date, by which channel, with which e-mail text. The default is
``contratgen/data/collection_policy.yaml``; ``--policy FILE`` gives another of the same
shape (JSON Schema: ``contratgen schema policy``).

A policy is checked when it is read: levels known and in the order of the ladder, days
increasing, a formal notice after the due date (C. civ. 1344: a debt that is due), every
placeholder of a text known. Problems are located (``file:line:col``), all at once.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, Optional

from pydantic import Field, ValidationError, model_validator

from ..diagnostics import Diagnostic, UserError
from ..load.fields import Model, Text
from ..load.model import errors_to_diagnostics
from ..load.source import Source, load_bytes, load_file

LADDER = ("courtesy", "reminder", "second-reminder", "formal-notice")
PLACEHOLDERS = ("today", "invoice", "invoice_date", "due", "amount", "outstanding",
                "interest", "indemnity", "claimable", "days_late", "deadline", "contract",
                "provider", "client")
CHANNELS = ("email", "registered-post", "lre")
DEFAULT = "data/collection_policy.yaml"   # the default policy, in the package


class Texts(Model):
    """A text in each language of the documents."""
    fr: Text
    en: Text


class Step(Model):
    """One rung of the ladder."""
    level: Literal["courtesy", "reminder", "second-reminder", "formal-notice"]
    days: int = Field(ge=-60, le=365, description="days from the due date (-3: three before)")
    channel: Literal["email", "registered-post", "lre"] = "email"
    email: Optional[bool] = Field(
        None, description="e-mail the letter (default: true, except a formal notice sent "
                          "by registered post or LRE)")
    deadline_days: int = Field(8, ge=1, le=365, description="the time given to pay")
    subject: Texts
    body: Texts

    @property
    def emailed(self) -> bool:
        if self.email is not None:
            return self.email
        return self.channel == "email"

    @model_validator(mode="after")
    def _sound(self) -> "Step":
        if self.level == "formal-notice" and self.days <= 0:
            raise ValueError("a formal notice is for a debt that is due: days must be "
                             "after the due date (C. civ. 1344)")
        if self.channel == "email" and self.email is False:
            raise ValueError("channel email with email: false sends nothing")
        return self


class PolicyFile(Model):
    """A collection policy: the steps of the ladder, in order."""
    steps: list[Step] = Field(min_length=1, max_length=4)

    @model_validator(mode="after")
    def _ordered(self) -> "PolicyFile":
        ranks = [LADDER.index(s.level) for s in self.steps]
        if ranks != sorted(set(ranks)):
            raise ValueError("the steps follow the ladder's order (courtesy, reminder, "
                             "second-reminder, formal-notice), each at most once")
        days = [s.days for s in self.steps]
        if days != sorted(set(days)):
            raise ValueError("each step comes more days after the due date than the one "
                             "before it")
        return self


@dataclass(frozen=True)
class Policy:
    """A policy as read: its steps and the file it came from."""
    file: str
    steps: tuple[Step, ...]

    def step(self, level: str) -> Optional[Step]:
        return next((s for s in self.steps if s.level == level), None)


def _placeholders(source: Source, model: PolicyFile) -> list[Diagnostic]:
    found = []
    for i, step in enumerate(model.steps):
        for part in ("subject", "body"):
            for lang in ("fr", "en"):
                text = getattr(getattr(step, part), lang)
                try:
                    names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
                except ValueError as exc:
                    found.append(source.diagnostic(("steps", i, part, lang), f"{exc} (a "
                                 "literal brace is written {{ or }})", "policy.text"))
                    continue
                for name in names:
                    if name not in PLACEHOLDERS:
                        found.append(source.diagnostic(
                            ("steps", i, part, lang), f"unknown placeholder {{{name}}} "
                            f"(known: {', '.join(PLACEHOLDERS)})", "policy.text"))
    return found


def parse_policy(source: Source) -> Policy:
    """A policy from a loaded YAML file; raises :class:`UserError` with every problem."""
    if not isinstance(source.data, dict):
        raise UserError([source.diagnostic((), "a policy is a mapping with 'steps'",
                                           "policy")])
    try:
        model = PolicyFile.model_validate(source.data)
    except ValidationError as exc:
        raise UserError(errors_to_diagnostics(exc, source)) from None
    problems = _placeholders(source, model)
    if problems:
        raise UserError(problems)
    return Policy(source.file, tuple(model.steps))


def load_policy(path: Optional[Path] = None) -> Policy:
    """The policy at ``path``, or the default one."""
    if path is not None:
        return parse_policy(load_file(Path(path)))
    raw = resources.files("contratgen").joinpath(DEFAULT).read_bytes()
    return parse_policy(load_bytes(raw, f"contratgen/{DEFAULT}"))


def policy_template() -> str:
    """The default policy's text, to start a policy file from (``contratgen init policy``)."""
    text = resources.files("contratgen").joinpath(DEFAULT).read_text("utf-8")
    first, _, rest = text.partition("\n")
    return ("# A collection policy: contratgen collect --policy FILE (its JSON Schema:\n"
            "# contratgen schema policy > policy.schema.json)\n" + rest)


def render_text(template: str, values: dict[str, str]) -> str:
    """A policy text with its placeholders filled (checked when the policy was read)."""
    return template.format_map(values)
