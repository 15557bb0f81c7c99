"""The clause library: YAML files that lawyers edit, loaded, validated and rendered.

A clause's text is a Jinja template run in the sandbox with strict undefined
variables, so a misspelt name is an error that points into the YAML file, never a
blank in a signed contract.
"""
from __future__ import annotations

import datetime
import hashlib
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Sequence

import jinja2
from pydantic import Field, ValidationError, field_validator

from ..domain import formatting
from . import markup
from ..diagnostics import ERROR, Diagnostic, UserError
from ..load.fields import (FORBIDDEN as _FORBIDDEN, Model, Text, number_value as _number,
                           text_value as _text)
from ..load.model import errors_to_diagnostics
from .noting import NotingUndefined
from .sandbox import BoundedSandbox, budget
from ..load.source import Source, load_file, written_text
from ..resources import shipped

SHIPPED = shipped("clause_library")
LANGS = ("fr", "en")
MAX_OUTPUT = 100_000  # characters a clause may render to
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


@dataclass(frozen=True)
class Clause:
    spec: ClauseSpec
    source: Source = field(repr=False)
    raw: str = field(repr=False)          # the file's text, for locating template errors

    @property
    def id(self) -> str:
        return self.spec.id

    def text_hash(self, lang: str) -> str:
        return hashlib.sha256(self.spec.text[lang].encode("utf-8")).hexdigest()

    def locate(self, lang: str, template_line: int | None, needle: str | None = None,
               part: str = "text") -> tuple[int, int]:
        """File line/col of a line of the ``text.<lang>`` (or ``annex.text.<lang>``)
        template."""
        line, col = self.source.where(("text", lang) if part == "text"
                                      else ("annex", "text", lang))
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


@dataclass(frozen=True)
class Library:
    clauses: Mapping[str, Clause]
    dirs: tuple[Path, ...]

    def get(self, clause_id: str) -> Clause | None:
        return self.clauses.get(clause_id)


# --- loading --------------------------------------------------------------------

def load_clause(path: Path) -> tuple[Clause | None, list[Diagnostic]]:
    name = _display(path)
    try:
        source = load_file(path, name)
    except UserError as exc:
        return None, list(exc.diagnostics)
    if not isinstance(source.data, dict):
        return None, [source.diagnostic((), "a clause file is a mapping (id, version, "
                                        "category, title, text, ...)", "clause")]
    try:
        spec = ClauseSpec.model_validate(source.data)
    except ValidationError as exc:
        return None, [_as_clause_code(d) for d in errors_to_diagnostics(exc, source)]
    diagnostics = []
    if spec.id != path.stem:
        diagnostics.append(source.diagnostic(("id",), f"clause id '{spec.id}' must equal the "
                                             f"file name '{path.stem}'", "clause.id"))
    for pname, pspec in spec.params.items():
        if pspec.type == "choice" and not pspec.choices:
            diagnostics.append(source.diagnostic(("params", pname), f"param '{pname}' of type "
                                                 "choice needs 'choices'", "clause.params"))
        if pspec.default is not None:
            try:
                coerce_param(pspec, pspec.default)
            except ValueError as exc:
                diagnostics.append(source.diagnostic(("params", pname, "default"),
                                                     f"default of '{pname}': {exc}",
                                                     "clause.params"))
    return Clause(spec, source, path.read_text("utf-8")), diagnostics


def _as_clause_code(d: Diagnostic) -> Diagnostic:
    return Diagnostic(d.file, d.line, d.col, d.severity, d.message, "clause." + d.code)


def _display(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def clause_files(directory: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The ``*.yaml`` files of a library folder; a link leading outside the folder is
    refused before it is read (its content, even its key names, never reaches a
    diagnostic)."""
    base = Path(directory).resolve()
    paths, refused = [], []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            inside = path.resolve(strict=True).is_relative_to(base)
        except (OSError, RuntimeError):   # a dangling link, a loop
            refused.append(Diagnostic(_display(path), 0, 0, ERROR, "a link that leads "
                                      "nowhere (dangling or a loop)", "path.invalid"))
            continue
        if not inside:
            refused.append(Diagnostic(_display(path), 0, 0, ERROR, "a link to a file outside "
                                      "the clause library folder: refused (copy the file "
                                      "into the folder)", "path.outside"))
            continue
        paths.append(path)
    return paths, refused


def load_library(dirs: Sequence[Path]) -> tuple[Library, list[Diagnostic]]:
    """Load clause directories in order; a later directory overrides earlier ids."""
    key = tuple((str(Path(d).resolve()), _mtimes(Path(d))) for d in dirs)
    return _load_library_cached(key)


def _mtimes(directory: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                            for p in directory.glob("*.yaml")))
    except OSError:
        return ()


@lru_cache(maxsize=8)
def _load_library_cached(key) -> tuple[Library, list[Diagnostic]]:
    clauses: dict[str, Clause] = {}
    diagnostics: list[Diagnostic] = []
    dirs = tuple(Path(d) for d, _ in key)
    for directory in dirs:
        if not directory.is_dir():
            diagnostics.append(Diagnostic(str(directory), 0, 0, ERROR,
                                          "clause library folder not found", "library.missing"))
            continue
        paths, refused = clause_files(directory)
        diagnostics.extend(refused)
        for path in paths:
            clause, diags = load_clause(path)
            diagnostics.extend(diags)
            if clause is not None:
                clauses[clause.id] = clause
    return Library(clauses, dirs), diagnostics


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
        return _text(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            value = _number(value)   # 015 is fifteen days, not octal 13
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        return _bounded(spec, value)
    if kind in ("decimal", "percent"):
        value = _number(value)
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


# --- rendering ------------------------------------------------------------------

def _defined(value: Any) -> Any:
    """``{{ amout|money }}``: say that ``amout`` is undefined, not that it is no number."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


def _as_literal_text(value: Any) -> Any:
    return markup.literal(value) if isinstance(value, str) else value


class ClauseEnvironment(BoundedSandbox):
    """The sandbox clause texts run in: strict undefined, bounded work and output."""

    def __init__(self, lang: str):
        # what {{ … }} prints is data, never markup: "**Martin**" in a client's name is
        # printed with its asterisks (the lawyer's own text keeps its markup)
        super().__init__(autoescape=False, keep_trailing_newline=False,
                         finalize=_as_literal_text)
        self.lang = lang
        self.filters["money"] = lambda v: formatting.money(Decimal(_defined(v)), lang)
        self.filters["percent"] = lambda v: formatting.percent(Decimal(_defined(v)), lang)
        self.filters["date"] = lambda v: formatting.date(_defined(v), lang)
        self.filters["number"] = lambda v: formatting.number(_defined(v), lang)


_ENVS = {lang: ClauseEnvironment(lang) for lang in LANGS}
# lint's: an undefined name is noted and the render goes on (see noting.py)
_NOTING_ENVS = {lang: ClauseEnvironment(lang) for lang in LANGS}
for _env in _NOTING_ENVS.values():
    _env.undefined = NotingUndefined


class ClauseTextError(Exception):
    def __init__(self, message: str, line: int | None, needle: str | None = None):
        super().__init__(message)
        self.line, self.needle = line, needle


@lru_cache(maxsize=512)
def _compile(lang: str, text: str, filename: str, noting: bool = False) -> jinja2.Template:
    env = (_NOTING_ENVS if noting else _ENVS)[lang]
    try:
        code = env.compile(text, name=filename, filename=filename)
    except jinja2.TemplateSyntaxError as exc:
        raise ClauseTextError(f"template syntax: {exc.message}", exc.lineno) from None
    except (SyntaxError, RecursionError, MemoryError):  # Python's limits on nesting
        raise ClauseTextError("the text's tags are nested too deeply", None) from None
    return env.template_class.from_code(env, code, env.make_globals(None))


def _template_line(exc: BaseException, filename: str) -> int | None:
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def render_text(clause: Clause, lang: str, context: Mapping[str, Any],
                part: str = "text", noting: bool = False) -> str:
    """The clause text (or its annex text) for ``context``; raises
    :class:`ClauseTextError` with its line. ``noting`` (lint): undefined names are noted
    (:func:`contratgen.library.noting.noted`) instead of raised."""
    source = clause.spec.text[lang] if part == "text" else clause.spec.annex.text[lang]
    filename = f"<clause {clause.id} {part} {lang}>"
    template = _compile(lang, source, filename, noting)
    out: list[str] = []
    size = 0
    try:
        with budget():
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise ClauseTextError(f"the text renders to more than {MAX_OUTPUT} "
                                          "characters", None)
                out.append(chunk)
    except ClauseTextError:
        raise
    except jinja2.UndefinedError as exc:
        name = _undefined_name(exc.message or "")
        raise ClauseTextError(f"undefined variable: {exc.message}",
                              _template_line(exc, filename), name) from None
    except jinja2.exceptions.SecurityError as exc:
        raise ClauseTextError(f"refused by the sandbox: {exc}",
                              _template_line(exc, filename)) from None
    except MemoryError:
        raise ClauseTextError("the text needs too much memory", None) from None
    except (TypeError, ValueError, ArithmeticError, RecursionError,
            jinja2.TemplateError) as exc:
        raise ClauseTextError(f"cannot render: {exc}", _template_line(exc, filename)) from None
    text = "".join(out)
    bad = _FORBIDDEN.search(text)
    if bad:  # e.g. "{{ '\\ud800' }}": XML cannot hold it, Word would not open the file
        raise ClauseTextError(f"the text renders a forbidden character "
                              f"(U+{ord(bad.group()):04X})", None)
    return text


def _undefined_name(message: str) -> str | None:
    # "'dict object' has no attribute 'nmae'" or "'foo' is undefined"
    parts = message.split("'")
    if "has no attribute" in message and len(parts) >= 4:
        return parts[-2]
    if message.endswith("is undefined") and len(parts) >= 2:
        return parts[1]
    return None


def render_blocks(clause: Clause, lang: str, context: Mapping[str, Any],
                  params: Mapping[str, Any], part: str = "text",
                  noting: bool = False) -> tuple[markup.Block, ...]:
    """The clause's text (``part="text"``) or its annex page (``part="annex"``) as
    paragraphs of runs."""
    scope = dict(context)
    scope.update(params)
    scope["params"] = dict(params)
    text = render_text(clause, lang, scope, part, noting)
    return markup.parse(text, bold=clause.spec.conspicuous and part == "text")
