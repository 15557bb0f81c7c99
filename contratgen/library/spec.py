"""The clause spec: what a clause_library/<id>.yaml file holds (pydantic models), the
loaded :class:`Clause` and :class:`Library`, and the values a clause param accepts."""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
import hashlib
from functools import lru_cache
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Mapping, Optional

from pydantic import Field, field_validator

from ..diagnostics import StrEnum
from ..load.fields import Model, Text, number_value, text_value
from ..load.source import Source, written_text

LANGS = ("fr", "en")
MAX_BOUND = Decimal(10) ** 12  # the largest min or max of a number param

ParamType = Literal["string", "integer", "decimal", "percent", "date", "bool", "choice"]
Category = Literal["billing", "late_payment", "penalty", "resolutory", "retention_of_title",
                   "jurisdiction", "arbitration", "deposit", "escrow", "early_payment",
                   "withdrawal", "intellectual_property", "liability", "force_majeure",
                   "hardship", "confidentiality", "data_protection", "subcontracting",
                   "assignment", "governing_law", "notices", "entire_agreement", "insurance",
                   "collection", "other"]


class Bilingual(Model):
    fr: Text
    en: Text


class ParamSpec(Model):
    type: ParamType
    default: Any = None
    required: bool = Field(False, description="client.yaml must give a value, even when "
                                              "there is a default (checked at build)")
    description: Optional[Bilingual] = None
    choices: Optional[list[Any]] = None
    min: Optional[Decimal] = Field(None, description="smallest value of a number (default 0)")
    max: Optional[Decimal] = Field(None, description="largest value of a number")

    @field_validator("min", "max")
    @classmethod
    def _plain_bound(cls, value):
        # 1e-999999 would print a million zeros in every message that names the bound
        if value is not None and (not value.is_finite() or abs(value) > MAX_BOUND or (
                value != 0 and value.as_tuple().exponent < -6)):
            raise ValueError(f"a bound is a number up to {MAX_BOUND:,} with at most six "
                             "decimals")
        return value


class ClauseAnnex(Model):
    """A page a clause brings after the signatures (e.g. the withdrawal form)."""

    title: Bilingual
    text: dict[Literal["fr", "en"], str] = Field(
        description="Jinja text with the clause's markup; renders empty → no annex page")

    @field_validator("text")
    @classmethod
    def _both_languages(cls, value):
        missing = [lang for lang in LANGS if lang not in value]
        if missing:
            raise ValueError(f"the annex text is missing in: {', '.join(missing)}")
        return value


class ClauseChange(Model):
    """One entry of a clause's change log, written by the lawyer who bumps the version."""

    version: int = Field(ge=1, description="the version this change produced")
    date: datetime.date = Field(description="when the change was made (ISO date)")
    reason: Text = Field(description="why the text changed, for the next reader")


class ClauseSpec(Model):
    """A clause_library/<id>.yaml file (JSON Schema: ``contratgen schema clause``)."""

    id: Text = Field(description="equals the file name")
    version: int = Field(ge=1, description="bumped by the lawyer at every change of text")
    category: Category
    title: Bilingual
    legal_basis: list[Text] = Field(default_factory=list)
    documents: list[Literal["contract", "quote", "installment_agreement", "letter"]] = Field(
        min_length=1, description="letter: the body of a collection letter (contratgen remind)")
    parties: list[Literal["business", "consumer"]] = Field(min_length=1)
    conspicuous: bool = Field(False, description="must be printed very visibly (bold)")
    requires: list[Text] = Field(default_factory=list)
    conflicts: list[Text] = Field(default_factory=list)
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    text: dict[Literal["fr", "en"], str]
    annex: Optional[ClauseAnnex] = None
    changes: list[ClauseChange] = Field(
        default_factory=list,
        description="the change log: each version's date and reason (lint requires an "
                    "entry for the current version when it is above 1)")

    @field_validator("text")
    @classmethod
    def _both_languages(cls, value):
        missing = [lang for lang in LANGS if not (value.get(lang) or "").strip()]
        if missing:
            raise ValueError(f"the text is missing in: {', '.join(missing)}")
        return value



class Part(StrEnum):
    """The two texts a clause may have: its article, and the page it brings as an annex."""

    TEXT = "text"      # the article (``text.<lang>``)
    ANNEX = "annex"    # its annex page (``annex.text.<lang>``), after the signatures

    def where(self, lang: str) -> tuple[str, ...]:
        """The path of this text in the clause file."""
        return ("text", lang) if self is Part.TEXT else ("annex", "text", lang)

@dataclass(frozen=True, slots=True)
class Clause:
    spec: ClauseSpec
    source: Source = field(repr=False)
    raw: str = field(repr=False)          # the file's text, for locating template errors

    @property
    def id(self) -> str:
        return self.spec.id

    def text_of(self, part: Part, lang: str) -> str:
        """The source of the article (or of its annex page) in ``lang``."""
        return self.spec.text[lang] if part == Part.TEXT else self.spec.annex.text[lang]

    def text_hash(self, lang: str) -> str:
        return text_sha256(self.spec.text[lang])

    def locate(self, lang: str, template_line: int | None, needle: str | None = None,
               part: Part = Part.TEXT) -> tuple[int, int]:
        """File line/col of a line of the ``text.<lang>`` (or ``annex.text.<lang>``)
        template."""
        line, col = self.source.where(Part(part).where(lang))
        if not template_line:
            return line, col
        lines = self.raw.splitlines()
        start_line = line - 1  # index of the line holding the node start
        block = start_line < len(lines) and lines[start_line][col - 1:col].strip() in ("|", ">")
        file_line = line + template_line if block else line + template_line - 1
        if 0 < file_line <= len(lines):
            text = lines[file_line - 1]
            pos = text.find(needle) if needle else -1
            col = pos + 1 if pos >= 0 else len(text) - len(text.lstrip()) + 1
        return file_line, col


@dataclass(frozen=True, slots=True)
class Library:
    clauses: Mapping[str, Clause]
    dirs: tuple[Path, ...]

    def get(self, clause_id: str) -> Clause | None:
        return self.clauses.get(clause_id)



# --- params ---------------------------------------------------------------------

def _bounded(spec: ParamSpec, value):
    """Numbers in a signed text are never negative unless the clause says so."""
    low = Decimal(0) if spec.min is None else spec.min
    if value < low:
        raise ValueError(f"must be at least {low:f}, got {value}")
    if spec.max is not None and value > spec.max:
        raise ValueError(f"must be at most {spec.max:f}, got {value}")
    return value


def coerce_param(spec: ParamSpec, value: Any) -> Any:
    """Check a param value against its declared type; raises ValueError with a reason."""
    kind = spec.type
    if kind == "string":
        if written_text(value) is not None and not isinstance(value, bool):
            value = written_text(value)   # court: 0042 is the text 0042, never 34
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {value!r}")
        return text_value(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            value = number_value(value)   # 015 is fifteen days, not octal 13
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        return _bounded(spec, value)
    if kind in ("decimal", "percent"):
        value = number_value(value)
        if not isinstance(value, (int, Decimal)):
            raise ValueError(f"expected a number, got {value!r}")
        value = Decimal(value)
        if kind == "percent" and not 0 <= value <= 100:
            raise ValueError(f"a percent is between 0 and 100, got {value}")
        return _bounded(spec, value)
    if kind == "date":
        if not isinstance(value, datetime.date):
            raise ValueError(f"expected a date like 2026-11-22, got {value!r}")
        return value
    if kind == "choice":
        if value not in (spec.choices or []):
            raise ValueError(f"expected one of {', '.join(map(str, spec.choices or []))}, "
                             f"got {value!r}")
        return value
    raise ValueError(f"unknown param type {kind}")  # pragma: no cover - schema forbids it


@lru_cache(maxsize=4096)   # provenance names every clause text of every document
def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
