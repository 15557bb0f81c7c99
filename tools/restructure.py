"""Lay ``contratgen/`` out by stage (docs/ARCHITECTURE.md), and rewrite every reference.

    python tools/restructure.py            # on a clean work tree: move, rewrite, stage
    python tools/restructure.py --dry-run  # print what it would do, touch nothing

1. moves modules with ``git mv`` as the tables below say (a module they do not name stays
   where it is);
2. creates the stage packages' ``__init__.py`` (and ``cli/__main__.py``);
3. rewrites every reference to a moved module or record in ``contratgen/``, ``tests/``,
   ``benchmarks/`` and ``tools/``: ``import`` and ``from … import`` statements (relative
   or absolute, at any depth, found with ``ast`` at their exact position), dotted
   ``contratgen.x.y`` expressions, and module names in strings where Python reads them as
   modules (``monkeypatch.setattr("contratgen.x.NAME")``, ``mock.patch``,
   ``import_module``, ``set_forkserver_preload``, after ``"-m"``, ``python -c`` code,
   ``*_MODULES`` tables, docstrings). Other strings naming an old module are listed, not
   changed (a JUnit ``classname`` is output, not an import);
4. stages the result (``git add``) and prints what it moved and rewrote.

A reference is rewritten only when it no longer resolves in the new tree and its new
form does: so the script is idempotent (a second run changes nothing), it copes with a
package a branch already split (``batch/``), and it can be run again after merging a
branch written against the old layout. Edit only the tables when a module appears.
"""
from __future__ import annotations

import argparse
import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "contratgen"
SCOPE = ("contratgen", "tests", "benchmarks", "tools")
WIDTH = 100  # longest line the rewritten imports may have
ME = "tools/restructure.py"

# ---- the tables: the only part to edit ----------------------------------------------------
# old module (dotted, under contratgen) → new module. "x.*" moves a whole folder (its
# __init__ too); "cli_*" every top-level cli_<name>.py to cli/<name>.py. An exact entry wins
# over a pattern. A module not listed stays where it is (its imports are still rewritten).
MOVES = {
    # load: YAML with positions, the typed client model
    "source": "load.source",
    "model": "load.model",
    "fields": "load.fields",
    "ledger": "load.ledger",
    "salvage": "load.salvage",  # consumer: every problem of a file at once
    # domain: pure functions on Decimals
    "money": "domain.money",
    "rules.rates": "domain.rates",
    "interest": "domain.interest",
    "signing": "domain.signing",  # consumer: dates that run from the signature
    # money, percents and dates in French or English: read by rules and clause texts too
    "formatting": "domain.formatting",
    # library: clauses, their sandboxed text rendering, lint
    "library": "library.loader",
    "sandbox": "library.sandbox",
    "sandbox_filters": "library.sandbox_filters",  # hostile
    "budget": "library.budget",  # hostile
    "noting": "library.noting",  # clauses
    "lint": "library.lint",
    "markup": "library.markup",  # the markup of clause texts (render reads its Blocks)
    "changelog": "library.changelog",  # redline
    # legal: the rule engine and the rules (rules/consumer.py … follow the folder)
    "rules.*": "legal.*",
    # render: template context, formatting, markup, DOCX, template checks
    "context": "render.context",
    "i18n": "render.i18n",
    "render": "render.docx",
    "template_lint": "render.template_lint",
    "template_guard": "render.template_guard",  # hostile
    "front": "render.front",  # clauses
    "mentions": "render.mentions",  # consumer
    # pdf: LibreOffice workers, finalize, PDF/A, annexes
    "pdf": "pdf.workers",
    "finalize": "pdf.finalize",
    "pdfa": "pdf.pdfa",  # integrity
    "annex_guard": "pdf.annex_guard",  # hostile
    "office_profile": "pdf.office_profile",  # hostile
    "uno_worker": "pdf.uno_worker",  # integrity
    # batch (integrity splits it into batch/ itself: then nothing moves)
    "batch": "batch.run",
    # cli: click commands only
    "cli": "cli.app",
    "cli_*": "cli.*",
}
# Left at the top on purpose: build.py and dues.py (the pipelines of build/check/batch and
# of dues; dues_ics.py renders the latter's records), schema.py (JSON schemas of both the
# client file and the clause files: load and library), document.py (records between stages), diagnostics.py, resources.py (finds
# the shipped folders from the package root), inspect.py, scaffold.py, output.py (atomic
# writes, safe names), leftovers.py and lifeline.py (processes: used by output, pdf and
# batch alike). Feature packages stay packages: invoicing/, redline/, preview/.

# Records that moved out of a module: (old module, name) → the module that defines it now.
# Imports of them follow (the old module may keep a re-export; nothing imports it there).
# An entry whose new home does not define the name (not merged yet) is skipped.
SYMBOLS = {
    ("build", "Prepared"): "document",
    ("build", "SelectedClause"): "document",
    ("cli", "Failed"): "cli_errors",
    # integrity: writing moved to output.py; build re-exports (invoicing.checks → build
    # → legal → legal.invoices → invoicing.checks was a cycle through that re-export)
    ("build", "safe_name"): "output",
    ("build", "name_key"): "output",
    ("build", "write_atomic"): "output",
    ("build", "remove_stale_temporaries"): "output",
    # integrity split batch/: the dues command still imported these from the package
    ("batch", "display_path"): "batch.inputs",
    ("batch", "expand_inputs"): "batch.inputs",
    # split (issue 11): library/loader.py → spec / loader / texts; pdf/finalize.py →
    # metadata / signature_fields / annexes / reproducible (the new homes, under contratgen)
    **{("library", name): "library.spec" for name in (
        "Clause", "Library", "ClauseSpec", "ParamSpec", "ClauseAnnex", "ClauseChange",
        "Bilingual", "coerce_param", "LANGS", "MAX_BOUND")},
    **{("library", name): "library.texts" for name in (
        "render_text", "render_blocks", "ClauseTextError", "ClauseEnvironment", "MAX_OUTPUT")},
    **{("finalize", name): "pdf.metadata" for name in (
        "PdfMeta", "PROVENANCE_KEY", "XMP_NAMESPACE", "PRODUCER")},
    **{("finalize", name): "pdf.signature_fields" for name in (
        "SignatureSlot", "AnchorNotFound", "NO_SIGNATURES", "FIELD_HEIGHT")},
    ("finalize", "Annex"): "pdf.annexes",
    ("finalize", "AnnexUnreadable"): "pdf.annexes",
    ("finalize", "write_reproducibly"): "pdf.reproducible",
}

# Definitions that move out of a module into a new one (old module names): the rules learn
# a party's printed name from a pure function instead of the renderer (legal → render).
# Names not found are skipped (already moved, or not on this branch); SYMBOLS follows.
DEFINITIONS = {
    "domain.parties": ("context", ("SOLE_TRADER_FORMS", "normalised_form", "is_sole_trader",
                                   "_REGIMES", "printed_form", "display_name"),
                       "Parties: legal forms and the name a document prints for a party "
                       "(décret 2022-725).\n\nPure functions on the client model, read by "
                       "the renderer and by the legal rules alike."),
    # legal.consumer renders a clause's text: from render, not from the pipeline (the
    # cycle build → legal → legal.consumer → build)
    "render.clauses": ("build", ("document_context", "_clause_blocks", "clause_text",
                                 "clause_articles"),
                       "A selected clause's text and articles as the document prints them."),
    # cli_invoice imported it from cli, which imports cli_invoice to register it
    "cli.options": ("cli", ("resolve_formats",),
                    "Options shared by the commands: which formats a build writes."),
}

# The stage packages: their __init__ says what the stage is, and imports nothing.
PACKAGES = {
    "load": "Load: YAML with positions, the typed client model, the ledger.",
    "domain": "Domain: money, rates, late interest: pure functions on Decimals.",
    "library": "Clause library: clause spec and loader, sandboxed text rendering, lint.",
    "legal": None,  # rules/__init__.py moves here with its docstring and functions
    "render": "Render: template context, formatting, markup, DOCX rendering, template checks.",
    "pdf": "PDF: LibreOffice workers, finalize (metadata, signature fields, annexes), PDF/A.",
    "batch": "Batch: inputs and shards, executors, manifest, JUnit.",
    "cli": "The command line: click commands only, the one place that prints.",
}
EXTRA_FILES = {
    "cli/__init__.py": '"""{doc}\n\n``contratgen.cli:main`` is the console entry point."""\n'
                       "from .app import main\n\n__all__ = [\"main\"]\n",
    "cli/__main__.py": '"""``python -m contratgen.cli``: the same command line as ``contratgen``."""\n'
                       "import sys\n\nfrom .app import main\n\nsys.exit(main())\n",
}
# Calls whose string arguments name modules; *_MODULES names tables of module names.
MODULE_CALLS = {"setattr", "delattr", "patch", "import_module", "set_forkserver_preload",
                "run_module", "find_spec", "getLogger"}
# ---- end of the tables ----------------------------------------------------------------


def new_rel(old: str) -> str:
    """The new dotted name (under contratgen) of the old module ``old``."""
    if old in MOVES:
        return MOVES[old]
    best = None
    for key, value in MOVES.items():
        if key.endswith(".*"):
            base = key[:-2]
            if old == base or old.startswith(base + "."):
                if best is None or len(base) > len(best[0]):
                    best = (base, value[:-2] + old[len(base):])
        elif key.endswith("*") and "." not in old:
            if old.startswith(key[:-1]) and len(old) > len(key) - 1:
                best = best or (key, value[:-1] + old[len(key) - 1:])
    return best[1] if best else old


def plan_moves(files: list[str]) -> list[tuple[str, str]]:
    """(source, destination) paths to ``git mv``, from the tracked files."""
    moves = []
    for rel in files:
        if not rel.startswith(PACKAGE + "/"):
            continue
        parts = rel.split("/")[1:]
        if rel.endswith(".py"):
            mod = parts[:-1] + ([] if parts[-1] == "__init__.py" else [parts[-1][:-3]])
            old = ".".join(mod)
            folder = parts[-1] == "__init__.py" or len(parts) > 1
            # an exact entry moves a module file; a pattern "x.*" moves a folder's files
            exact = old in MOVES and parts[-1] != "__init__.py"
            pattern = any(k.endswith(".*") and (old + ".").startswith(k[:-1])
                          for k in MOVES) and folder
            flat = any(k.endswith("*") and not k.endswith(".*") and len(parts) == 1
                       and old.startswith(k[:-1]) for k in MOVES)
            if not (exact or pattern or flat):
                continue
            new = new_rel(old).split(".")
            is_init = parts[-1] == "__init__.py"
            dest = "/".join([PACKAGE] + new + (["__init__.py"] if is_init else []))
            dest = dest if is_init else dest + ".py"
        else:  # data inside a moved folder travels with it
            folder_old = ".".join(parts[:-1])
            if not any(k.endswith(".*") and (folder_old + ".").startswith(k[:-1])
                       for k in MOVES):
                continue
            dest = "/".join([PACKAGE] + new_rel(folder_old).split(".") + [parts[-1]])
        if dest != rel:
            moves.append((rel, dest))
    return moves


# ---- the new tree, virtually --------------------------------------------------------------

@dataclass
class Tree:
    """The package after the moves: module → source text, and what each module binds."""
    texts: dict[str, str]                  # new repo-relative path → text
    old_name: dict[str, str]               # new path → dotted name its imports were written at
    _bound: dict[str, set | None] = field(default_factory=dict)

    def module_path(self, dotted: str) -> str | None:
        base = dotted.replace(".", "/")
        for candidate in (base + ".py", base + "/__init__.py"):
            if candidate in self.texts:
                return candidate
        return None

    def is_package(self, dotted: str) -> bool:
        return (dotted.replace(".", "/") + "/__init__.py") in self.texts

    def bound(self, path: str) -> set | None:
        """Names bound at the top of a module (None: a star import, anything goes)."""
        if path not in self._bound:
            self._bound[path] = top_level_names(self.texts[path])
        return self._bound[path]

    def facade_less(self, dotted: str) -> bool:
        """A package whose __init__ binds no public name: only a folder of modules."""
        path = dotted.replace(".", "/") + "/__init__.py"
        names = self.bound(path) if path in self.texts else set()
        return names is not None and not {n for n in names if not n.startswith("_")}

    def resolves(self, dotted: str) -> bool:
        """``contratgen.a.b.NAME`` names an existing module, or a name bound in one."""
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            path = self.module_path(".".join(parts[:i]))
            if path is None:
                continue
            if i == len(parts):
                return True
            head = parts[i]
            names = self.bound(path)
            return names is None or head in names or \
                self.module_path(".".join(parts[: i + 1])) is not None
        return False


def top_level_names(text: str) -> set | None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    names: set = set()

    def collect(body):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name == "*":
                        raise LookupError
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.If, ast.Try)):
                collect(node.body)
                collect(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    collect(handler.body)
                collect(getattr(node, "finalbody", []))
    try:
        collect(tree.body)
    except LookupError:
        return None
    return names


def collisions() -> set[str]:
    """Old module names that are now the name of a package (render.py → render/)."""
    return {k for k, v in MOVES.items() if "*" not in k and v.startswith(k + ".")}


class Resolver:
    """Old dotted references → new ones, against the new tree."""

    def __init__(self, tree: Tree):
        self.tree = tree
        self.unresolved: list[str] = []

    def _mapped(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for i in range(len(parts), 1, -1):
            old = ".".join(parts[1:i])
            new = new_rel(old)
            if new != old:
                candidate = ".".join([PACKAGE, new] + parts[i:])
                if self.tree.resolves(candidate):
                    return candidate
        return None

    def symbol(self, dotted: str) -> str | None:
        module, _, name = dotted.rpartition(".")
        for (old_mod, sym), home in SYMBOLS.items():
            if sym != name:
                continue
            sources = {f"{PACKAGE}.{old_mod}", f"{PACKAGE}.{new_rel(old_mod)}"}
            if module in sources:
                target = f"{PACKAGE}.{new_rel(home)}.{name}"
                if target != dotted and self.tree.resolves(target):
                    return target
        return None

    def bare_collision(self, dotted: str) -> bool:
        rel = dotted[len(PACKAGE) + 1:]
        return rel in collisions() and self.tree.facade_less(dotted)

    def new(self, dotted: str, module_only: bool = False, quiet: bool = False,
            bare: bool = True) -> str | None:
        """The new form of ``dotted`` (a module, or module.NAME), or None to leave it."""
        if dotted != PACKAGE and not dotted.startswith(PACKAGE + "."):
            return None
        moved = self.symbol(dotted)
        if moved:
            return moved
        stays = self.tree.resolves(dotted)
        if stays and not ((bare and self.bare_collision(dotted)) or (
                module_only and self.tree.module_path(dotted) is None)):
            return None
        found = self._mapped(dotted)
        if found is None and not stays and not quiet:
            self.unresolved.append(dotted)
        return found


# ---- rewriting one file -------------------------------------------------------------------

def offsets(text: str):
    """(line, byte col) of ast → character offset in ``text``."""
    starts, pos = [], 0
    lines = text.splitlines(keepends=True)
    for line in lines:
        starts.append(pos)
        pos += len(line)

    def at(line: int, col: int) -> int:
        raw = lines[line - 1].encode("utf-8")[:col]
        return starts[line - 1] + len(raw.decode("utf-8", "replace"))
    return at


def relative(file_module: str, is_pkg: bool, target: str) -> str:
    """``target`` as a relative module from the file ``file_module`` (``..render``)."""
    here = file_module.split(".") if is_pkg else file_module.split(".")[:-1]
    there = target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def from_statement(module: str, names: list[str], indent: int, width: int = WIDTH) -> str:
    head = f"from {module} import "
    line = head + ", ".join(names)
    if len(line) + indent <= width:
        return line
    pad, out, current = " " * (indent + len(head) + 1), [], ""
    for n in names:
        piece = (current + ", " if current else "") + n
        if current and indent + len(head) + 1 + len(piece) > width - 1:
            out.append(current + ",")
            current = n
        else:
            current = piece
    out.append(current)
    return head + "(" + ("\n" + pad).join(out) + ")"


@dataclass
class FileRewrite:
    path: str
    edits: list = field(default_factory=list)   # (start, end, new text, what)
    notes: list = field(default_factory=list)


class Rewriter:
    def __init__(self, tree: Tree, resolver: Resolver):
        self.tree, self.r = tree, resolver

    def file(self, path: str) -> FileRewrite:
        result = self._file(path)
        kept, last_end = [], -1
        for edit in sorted(result.edits, key=lambda e: (e[0], -e[1])):
            if edit[0] >= last_end:
                kept.append(edit)
                last_end = edit[1]
        result.edits = kept
        return result

    def _file(self, path: str) -> FileRewrite:
        text = self.tree.texts[path]
        result = FileRewrite(path)
        try:
            module = ast.parse(text)
        except SyntaxError as exc:
            result.notes.append(f"not parsed ({exc.msg}): left as it is")
            return result
        at = offsets(text)
        new_mod = self._module_name(path)
        old_mod = self.tree.old_name.get(path, new_mod)
        is_pkg = path.endswith("__init__.py")
        docstrings = {id(n.body[0].value) for n in ast.walk(module)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                        ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)
                      and isinstance(n.body[0].value.value, str)}
        if old_mod != new_mod and any(isinstance(n, ast.Name) and n.id == "__file__"
                                      for n in ast.walk(module)):
            depth = new_mod.count(".") - old_mod.count(".")
            result.notes.append(f"WARNING uses __file__ and moved {depth} folder(s) deeper: "
                                "a path built from it (Path(__file__).parent…) must follow, "
                                "or use resources.shipped()")
        module_strings = self._module_strings(module)
        inner_attrs = {id(n.value) for n in ast.walk(module) if isinstance(n, ast.Attribute)}
        in_fstrings = {id(c) for n in ast.walk(module) if isinstance(n, ast.JoinedStr)
                       for c in ast.walk(n)}
        self.notes = result.notes
        for node in ast.walk(module):
            span = None
            if isinstance(node, ast.ImportFrom):
                span = self._import_from(node, text, at, old_mod, new_mod, is_pkg)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    new = self.r.new(alias.name, module_only=True)
                    if new:
                        start, end = at(alias.lineno, alias.col_offset), \
                            at(alias.end_lineno, alias.end_col_offset)
                        repl = new + (f" as {alias.asname}" if alias.asname else "")
                        result.edits.append((start, end, repl, f"import {alias.name} → {new}"))
            elif isinstance(node, ast.Attribute) and id(node) not in inner_attrs:
                dotted = dotted_name(node)
                if dotted and dotted.startswith(PACKAGE + "."):
                    new = self.r.new(dotted)
                    if new:
                        span = (at(node.lineno, node.col_offset),
                                at(node.end_lineno, node.end_col_offset), new,
                                f"{dotted} → {new}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in in_fstrings:
                span = self._string(node, text, at, id(node) in module_strings,
                                    id(node) in docstrings, result)
            if span:
                result.edits.append(span)
        return result

    def _module_name(self, path: str) -> str:
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def _import_from(self, node, text, at, old_mod, new_mod, is_pkg):
        if node.level:
            if not old_mod.startswith(PACKAGE):
                return None
            here = old_mod.split(".") if is_pkg else old_mod.split(".")[:-1]
            base = ".".join(here[: len(here) - node.level + 1] +
                            ([node.module] if node.module else []))
        else:
            base = node.module or ""
        if base != PACKAGE and not base.startswith(PACKAGE + "."):
            return None
        groups: dict[str, list[str]] = {}
        changed = False
        for alias in node.names:
            full = f"{base}.{alias.name}"
            new = None if alias.name == "*" else self.r.new(full)
            if new is None and not self.tree.resolves(full) and alias.name != "*":
                # the name is unknown here: perhaps the base module itself moved
                new_base = self.r.new(base, module_only=True)
                new = f"{new_base}.{alias.name}" if new_base else None
            if new:
                changed = True
                new_base, _, new_name = new.rpartition(".")
            else:
                new_base, new_name = base, alias.name
            local = alias.asname or alias.name
            groups.setdefault(new_base, []).append(
                new_name if new_name == local else f"{new_name} as {local}")
        relative_form = bool(node.level)
        if relative_form and old_mod != new_mod:
            changed = True  # the file moved: its relative imports are recomputed
        if not changed:
            return None

        def spelled(target):
            return relative(new_mod, is_pkg, target) if relative_form else target
        start, end = at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)
        original = text[start:end]
        if len(groups) == 1:
            (target, names), = groups.items()
            old_names = [a.name if not a.asname else f"{a.name} as {a.asname}"
                         for a in node.names]
            if names == old_names:  # only the module changes: keep the layout
                head = import_head(original)
                if head is None:
                    return None
                repl = f"from {spelled(target)} import" + original[head:]
                if repl == original:
                    return None
                if max(len(x) for x in repl.splitlines()) + node.col_offset <= WIDTH or \
                        any(t.type == tokenize.COMMENT for t in segment_tokens(original)):
                    return start, end, repl, f"{describe(node)} → {spelled(target)}"
        if any(tok.type == tokenize.COMMENT for tok in segment_tokens(original)):
            self.notes.append(f"line {node.lineno}: {describe(node)} has a comment inside "
                              "and must be split: rewrite it by hand")
            return None
        repl = ("\n" + " " * node.col_offset).join(
            from_statement(spelled(t), n, node.col_offset) for t, n in groups.items())
        return None if repl == original else (start, end, repl,
                                               f"{describe(node)} → " + "; ".join(
                                                   spelled(t) for t in groups))

    def _module_strings(self, module) -> set[int]:
        ids = set()
        for node in ast.walk(module):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in MODULE_CALLS:
                    for arg in list(node.args) + [k.value for k in node.keywords]:
                        ids.update(id(c) for c in ast.walk(arg) if isinstance(c, ast.Constant))
            elif isinstance(node, (ast.List, ast.Tuple)):
                for prev, item in zip(node.elts, node.elts[1:]):
                    if isinstance(prev, ast.Constant) and prev.value == "-m":
                        ids.add(id(item))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id.endswith("_MODULES") for t in targets):
                    ids.update(id(c) for c in ast.walk(node.value)
                               if isinstance(c, ast.Constant))
        return ids

    def _string(self, node, text, at, module_context, docstring, result):
        start, end = at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)
        raw = text[start:end]
        value = node.value
        if module_context and DOTTED_WHOLE.fullmatch(value):
            after_m = self.tree.module_path(value) and \
                self.tree.module_path(value + ".__main__")
            new = None if after_m else self.r.new(value)
            if new and raw.count(value) == 1:
                return start, end, raw.replace(value, new), f"string {value!r} → {new!r}"
            return None
        if CODE.search(value) or docstring:
            # in prose "contratgen.render" may mean the package: only dead names change
            repl = DOTTED.sub(lambda m: self.r.new(m.group(0), quiet=True, bare=not docstring)
                              or m.group(0), raw)
            if repl != raw:
                return start, end, repl, "module names in " + \
                    ("a docstring" if docstring else "code in a string")
            return None
        for m in DOTTED.finditer(value):
            if self.r.new(m.group(0), quiet=True):
                result.notes.append(f"line {node.lineno}: string mentions {m.group(0)!r} "
                                    "(not a module reference here?): left as it is")
        return None


DOTTED = re.compile(r"\bcontratgen(?:\.[A-Za-z_]\w*)+")
DOTTED_WHOLE = re.compile(r"contratgen(?:\.[A-Za-z_]\w*)*")
CODE = re.compile(r"\b(?:from\s+contratgen[.\s]|import\s+contratgen\b)")


def dotted_name(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id] + parts[::-1])
    return None


def segment_tokens(segment: str):
    try:
        return list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, IndentationError):
        return []


def import_head(segment: str) -> int | None:
    """Where, in ``from x import …``, the text after the ``import`` keyword starts."""
    lines = segment.splitlines(keepends=True)
    for tok in segment_tokens(segment):
        if tok.type == tokenize.NAME and tok.string == "import":
            line, col = tok.end
            return sum(len(x) for x in lines[: line - 1]) + col
    return None


def describe(node: ast.ImportFrom) -> str:
    return "from " + "." * node.level + (node.module or "") + " import " + \
        ", ".join(a.name for a in node.names)


# ---- git and the whole run ----------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


def build_tree(root: Path, files: list[str], moves: list[tuple[str, str]]) -> Tree:
    where = dict(moves)
    texts, old_name = {}, {}
    for rel in files:
        if not rel.endswith(".py") or not rel.split("/")[0] in SCOPE:
            continue
        path = root / rel
        if path.is_symlink() or not path.is_file():
            continue
        dest = where.get(rel, rel)
        texts[dest] = path.read_text("utf-8")
        parts = rel[:-3].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        old_name[dest] = ".".join(parts)
    for package, doc in PACKAGES.items():
        init = f"{PACKAGE}/{package}/__init__.py"
        if doc and init not in texts and any(p.startswith(f"{PACKAGE}/{package}/")
                                             for p in texts):
            extra = EXTRA_FILES.get(f"{package}/__init__.py")
            texts[init] = extra.format(doc=doc) if extra else f'"""{doc}"""\n'
        for name, content in EXTRA_FILES.items():
            target = f"{PACKAGE}/{name}"
            if name.startswith(package + "/") and not name.endswith("__init__.py") \
                    and target not in texts and init in texts:
                texts[target] = content
    return Tree(texts, old_name)


def move_definitions(tree: Tree) -> list[str]:
    """Move the DEFINITIONS into their new modules, in the virtual tree; say what moved."""
    done = []
    for target, (source, names, doc) in DEFINITIONS.items():
        src = tree.module_path(f"{PACKAGE}.{new_rel(source)}")
        dest = f"{PACKAGE}/{target.replace('.', '/')}.py"
        if src is None:
            continue
        text = tree.texts[src]
        module = ast.parse(text)
        moving = [n for n in module.body if set(defined(n)) & set(names)
                  and not isinstance(n, (ast.Import, ast.ImportFrom))]
        if not moving:
            continue
        if dest in tree.texts:
            done.append(f"cannot move {', '.join(names)} to {dest}: it exists already")
            continue
        moved = {name for n in moving for name in defined(n)}
        lines = text.splitlines(keepends=True)
        spans = [(first_line(n, lines), n.end_lineno) for n in moving]
        needed = set().union(*(used(n) for n in moving)) - moved
        imports, problem = copied_imports(module, needed, tree.old_name[src])
        local = {name for n in module.body if n not in moving for name in defined(n)
                 if not isinstance(n, (ast.Import, ast.ImportFrom))}
        if needed & local:
            done.append(f"cannot move {', '.join(sorted(moved))} out of {src}: they use "
                        f"{', '.join(sorted(needed & local))}, which stays")
            continue
        if problem:
            done.append(problem)
            continue
        body = "".join("".join(lines[a - 1:b]) + "\n\n" for a, b in spans).rstrip() + "\n"
        tree.texts[dest] = (f'"""{doc}\n"""\nfrom __future__ import annotations\n\n'
                            + "".join(i + "\n" for i in imports) + "\n\n" + body)
        # written where the source was: the moved code's relative imports resolve there
        tree.old_name[dest] = tree.old_name[src]
        keep = [line for i, line in enumerate(lines, 1)
                if not any(a <= i <= b for a, b in spans)]
        rest = re.sub(r"\n{4,}", "\n\n\n", "".join(keep))
        rest = drop_unused_imports(rest, needed)
        still = sorted(moved & set().union(*(used(n) for n in ast.parse(rest).body)))
        if still:
            here = tree.old_name[src]
            spelled = relative(here, src.endswith("__init__.py"), f"{PACKAGE}.{target}")
            rest = insert_import(rest, f"from {spelled} import {', '.join(still)}")
        tree.texts[src] = rest
        tree._bound.clear()
        for name in moved:
            SYMBOLS[(source, name)] = target
        done.append(f"define   {dest}: {', '.join(n for n in names if n in moved)} "
                    f"(from {src})")
    return done


def defined(node) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in node.names]
    return []


def used(node) -> set[str]:
    """Free names a definition reads (its own locals, parameters and nested defs left out)."""
    loads, local = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            (loads if isinstance(n.ctx, ast.Load) else local).add(n.id)
        elif isinstance(n, ast.arg):
            local.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not node:
            local.add(n.name)
    return loads - local


def first_line(node, lines) -> int:
    """The first line of a definition: its decorators and the comments just above it."""
    line = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    while line > 1 and lines[line - 2].lstrip().startswith("#"):
        line -= 1
    return line


def copied_imports(module, needed: set, old_module: str) -> tuple[list[str], str | None]:
    """The source's top-level imports of ``needed`` names, spelt as there."""
    out = []
    for node in module.body:
        if isinstance(node, ast.Import):
            out += [f"import {a.name}" + (f" as {a.asname}" if a.asname else "")
                    for a in node.names if (a.asname or a.name.split(".")[0]) in needed]
        elif isinstance(node, ast.ImportFrom):
            names = [a for a in node.names if (a.asname or a.name) in needed]
            if not names or node.module == "__future__":
                continue
            # as written in the source: the new module is read from the source's old place
            base = "." * node.level + (node.module or "")
            out.append(f"from {base} import " + ", ".join(
                a.name + (f" as {a.asname}" if a.asname else "") for a in names))
    return out, None


def drop_unused_imports(text: str, names: set) -> str:
    """Remove top-level one-name imports of ``names`` that nothing in ``text`` reads now."""
    module = ast.parse(text)
    reads = set().union(*(used(n) for n in module.body)) | {
        n.value.id for n in ast.walk(module)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    lines = text.splitlines(keepends=True)
    for node in reversed(module.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and len(node.names) == 1:
            alias = node.names[0]
            name = alias.asname or alias.name.split(".")[0]
            if name in names and name not in reads:
                del lines[node.lineno - 1:node.end_lineno]
    return "".join(lines)


def insert_import(text: str, statement: str) -> str:
    """``statement`` after the last top-level import of ``text``."""
    module = ast.parse(text)
    last = max((n.end_lineno for n in module.body if isinstance(n, (ast.Import, ast.ImportFrom))),
               default=0)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:last]) + statement + "\n" + "".join(lines[last:])


def check_tables() -> list[str]:
    problems = []
    targets = [v for k, v in MOVES.items() if "*" not in k]
    for value in set(targets):
        if targets.count(value) > 1:
            problems.append(f"two modules move to {value}")
    for key, value in MOVES.items():
        if "*" not in key and value in MOVES:
            problems.append(f"{key} moves to {value}, itself an old name that moves")
    return problems


def run(root: Path, dry_run: bool) -> int:
    problems = check_tables()
    if problems:
        for p in problems:
            print(f"restructure: table error: {p}", file=sys.stderr)
        return 2
    if git(root, "status", "--porcelain") and not dry_run:
        print("restructure: the work tree is not clean; commit or stash first", file=sys.stderr)
        return 2
    files = [f for f in git(root, "ls-files").splitlines()]
    moves = plan_moves(files)
    clashes = [d for _, d in moves if d in files or [d2 for _, d2 in moves].count(d) > 1]
    if clashes:
        print(f"restructure: destinations already exist: {', '.join(clashes)}", file=sys.stderr)
        return 2
    tree = build_tree(root, files, moves)
    definitions = move_definitions(tree)
    resolver = Resolver(tree)
    rewriter = Rewriter(tree, resolver)
    created = [p for p in tree.texts if not (root / p).exists() and p not in dict(moves).values()]
    rewrites = [rewriter.file(p) for p in sorted(tree.texts) if p != ME]

    for src, dest in moves:
        print(f"move     {src} → {dest}")
    for path in created:
        print(f"create   {path}")
    for line in definitions:
        print(line if line.startswith("define") else f"warning  {line}")
    total = 0
    for rw in rewrites:
        for _, _, _, what in sorted(rw.edits):
            print(f"rewrite  {rw.path}: {what}")
            total += 1
        for note in rw.notes:
            print(f"note     {rw.path}: {note}")
    for dotted in sorted(set(resolver.unresolved)):
        print(f"warning  {dotted}: does not resolve, and the tables give it no new home")
    report_other_files(root, files, resolver)
    print(f"restructure: {len(moves)} moved, {len(created)} created, {total} references "
          f"rewritten{' (dry run: nothing changed)' if dry_run else ''}")
    if dry_run:
        return 0
    for src, dest in moves:
        (root / dest).parent.mkdir(parents=True, exist_ok=True)
        git(root, "mv", src, dest)
    for path in created:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(tree.texts[path], "utf-8")
    for rw in rewrites:
        if rw.edits or tree.texts[rw.path] != read_or_none(root / rw.path):
            text = tree.texts[rw.path]
            for start, end, repl, _ in sorted(rw.edits, reverse=True):
                text = text[:start] + repl + text[end:]
            (root / rw.path).write_text(text, "utf-8")
    remove_empty_folders(root / PACKAGE)
    git(root, "add", "-A", "--", *[s for s in SCOPE if (root / s).exists()])
    return 0


def read_or_none(path: Path) -> str | None:
    return path.read_text("utf-8") if path.is_file() else None


def report_other_files(root: Path, files: list[str], resolver: Resolver) -> None:
    """Mentions of old module names outside Python: listed for a hand edit."""
    for rel in files:
        if rel.endswith((".py", ".docx", ".pdf", ".xslt")) or (root / rel).is_symlink():
            continue
        if not (rel.endswith((".md", ".toml", ".cfg", ".ini", ".sh", ".txt", ".yml"))
                or rel in ("Makefile",) or rel.startswith(".ci/")):
            continue
        try:
            lines = (root / rel).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            for m in DOTTED.finditer(line):
                new = resolver.new(m.group(0), quiet=True)
                if new:
                    print(f"mention  {rel}:{number}: {m.group(0)} is now {new} (edit by hand)")
    resolver.unresolved.clear()


def remove_empty_folders(top: Path) -> None:
    """Folders the moves emptied (a stale __pycache__ would make them namespace packages)."""
    for dirpath, _, _ in os.walk(top, topdown=False):
        folder = Path(dirpath)
        if folder.name == "__pycache__" or folder == top:
            continue
        left = [p for p in folder.iterdir() if p.name != "__pycache__"]
        if not left:
            for cache in folder.glob("__pycache__"):
                for f in cache.iterdir():
                    f.unlink()
                cache.rmdir()
            folder.rmdir()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    return run(args.root, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
