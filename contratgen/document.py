"""The records passed between stages: the options of a run, a prepared document and
what it is made of.

Frozen values, built by :func:`contratgen.pipeline.prepare` and read by the legal rules,
the renderer, the PDF finalizer and the batch; nothing here computes or reads files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from . import __version__
from .diagnostics import Diagnostic
from .library.spec import Clause, Library
from .load.model import ClientFile
from .domain.money import Computed
from .domain.rates import Rates, RatesTable
from .load.source import Source


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line says about how to build (the same for every input of a run)."""

    library_dirs: tuple[Path, ...] = ()       # --library, layered over the shipped library
    templates_dir: Optional[Path] = None      # --templates
    strict: bool = False                      # warnings are errors
    allow_outside_paths: bool = False         # library/template/annexes outside the input's folder
    rates: Optional[RatesTable] = None        # --rates FILE overlaid on the shipped table


@dataclass(frozen=True, slots=True)
class SelectedClause:
    clause: Clause
    params: dict
    number: int
    index: int          # position in client.yaml's clauses list


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated, computed, checked document, ready to render."""

    path: Path
    source: Source
    input_sha256: str
    client: ClientFile
    computed: Computed
    rates: Rates
    library: Library
    clauses: tuple[SelectedClause, ...]
    template: Path
    annexes: tuple[Path, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())   # warnings that did not stop it

    @property
    def lang(self) -> str:
        return self.client.document.language

    def provenance(self) -> dict[str, Any]:
        return {
            "contratgen": __version__,
            "document": self.client.document.number,
            "type": self.client.document.type,
            "date": self.client.document.date.isoformat(),
            "language": self.lang,
            "input_sha256": self.input_sha256,
            "clauses": [{"id": s.clause.id, "version": s.clause.spec.version,
                         "sha256": s.clause.text_hash(self.lang)} for s in self.clauses],
        }
