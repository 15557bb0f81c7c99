"""Structure checks for ``contratgen/``: stages import only from the stages before them,
no import cycle, no module over 400 lines, and only ``cli/`` prints (engine code returns
values).

    python tools/check_structure.py          # exit 0 when clean, 1 with the problems listed

The import graph is built with ``ast`` from every ``import``/``from … import`` in the
package, wherever it stands.

Rule for lazy imports: **every import is an edge** — module level, inside a function,
under ``if TYPE_CHECKING:``. Deferring an import hides a cycle from the interpreter, not
from the reader: a module that needs a record from a later stage (``rules.engine`` →
``build.Prepared``) still depends on that stage. Break the cycle by moving the shared
record or function into a module both can import (``document.py``, ``domain/…``).

What an edge points to: ``import a.b`` and ``from a import b`` (``b`` a module) point at
``a.b``; ``from a import name`` (``name`` not a module) points at ``a`` (its
``__init__``). Importing ``a.b`` also runs ``a/__init__.py``, but that implicit edge is not
counted: a package's ``__init__`` lists its stage, and keeping it free of eager imports of
its own submodules is what keeps the packages acyclic (see docs/ARCHITECTURE.md).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "contratgen"
MAX_LINES = 400

# Known offenders, to split: allowed to stay over MAX_LINES until they are (dotted
# module names). Add nothing here: a new module over the limit is a failure, not an entry.
OVERSIZE_MODULES: set[str] = set()   # none left: every module is under 400 lines


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (``pkg/__init__.py`` is ``pkg``)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        rel = path.relative_to(root)
        if "__pycache__" in rel.parts or path.is_symlink():
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    if node.level > 1:
        parts = parts[: len(parts) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def _owner(name: str, modules) -> str | None:
    """The longest prefix of ``name`` that is a module of the package."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules) -> list[tuple[str, int]]:
    """``(imported module, line)`` for every import of ``module`` into the package."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    is_package = path.name == "__init__.py"
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, is_package, node)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            owner = _owner(target, modules)
            if owner and owner != module:
                edges.append((owner, node.lineno))
    return edges


def import_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    """module → {imported module: first line importing it}."""
    modules = module_files(root)
    graph = {}
    for module, path in modules.items():
        graph[module] = {}
        for target, line in imports_of(module, path, modules):
            graph[module].setdefault(target, line)
    return graph


def cycles(graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def example_path(graph, component) -> list[str]:
    """One closed path through a cycle component, starting at its first module."""
    members, start = set(component), component[0]
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph[path[-1]]):
            if nxt == start and len(path) > 1:
                return path + [start]
            if nxt in members and nxt not in seen:
                seen.add(nxt)
                paths.append(path + [nxt])
    return component


def long_modules(root: Path = ROOT) -> dict[str, int]:
    """Modules over MAX_LINES lines, with their length."""
    lengths = {m: len(p.read_text("utf-8").splitlines()) for m, p in module_files(root).items()}
    return {m: n for m, n in lengths.items() if n > MAX_LINES}


# Modules that may call print(): the command line, and the scripts run as child processes
# whose standard output is their protocol.
PRINTERS = ("contratgen.cli", "contratgen.pdf.uno_worker")


def printing_calls(root: Path = ROOT) -> list[str]:
    """``file:line`` of every print() call outside the command line."""
    found = []
    for module, path in module_files(root).items():
        if any(module == m or module.startswith(m + ".") for m in PRINTERS):
            continue
        tree = ast.parse(path.read_text("utf-8"), str(path))
        found += [f"{path.relative_to(root)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id == "print"]
    return found


# The stages in their order (docs/ARCHITECTURE.md): a module imports only from its own
# stage or an earlier one. Module (or package) → stage; the longest prefix decides, and a
# module no other entry names is in "base" (so a new top-level module imports nothing
# later than the records until it is placed here).
STAGES = (
    ("base", ("contratgen", "contratgen.diagnostics", "contratgen.resources",
              "contratgen.private", "contratgen.cache", "contratgen.output",
              "contratgen.lifeline", "contratgen.leftovers")),
    ("load", ("contratgen.load", "contratgen.edit", "contratgen.date_guard")),
    ("domain", ("contratgen.domain",)),
    ("library", ("contratgen.library",)),
    ("document", ("contratgen.document",)),   # the records passed from prepare on
    ("legal", ("contratgen.legal",)),
    ("render", ("contratgen.render",)),
    ("pdf", ("contratgen.pdf",)),
    ("pipeline", ("contratgen.pipeline", "contratgen.assemble")),
    ("features", ("contratgen.invoicing", "contratgen.collection", "contratgen.dues",
                  "contratgen.dues_ics", "contratgen.redline", "contratgen.preview",
                  "contratgen.inspect", "contratgen.scaffold", "contratgen.schema",
                  "contratgen.serve", "contratgen.clause_lint", "contratgen.lifecycle",
                  "contratgen.signing", "contratgen.release")),
    ("batch", ("contratgen.batch",)),
    ("cli", ("contratgen.cli", "contratgen.__main__")),
)

# Backward imports still in the code, each with who straightens it. The list only
# shrinks: an entry no longer needed is reported, a backward import not listed fails.
ALLOWED_BACKWARD: dict[tuple[str, str], str] = {
    # the instalment agreement's maths move to domain/ (helper lawmoney)
    ("contratgen.legal.agreement", "contratgen.collection.agreement"): "lawmoney",
    ("contratgen.pipeline", "contratgen.collection.agreement"): "lawmoney",
    # prepare renders the clause texts and reads the template's slots once; rules read
    # those strings from Prepared instead of calling the renderer (helper lawrules)
    ("contratgen.legal.consumer", "contratgen.render.docx"): "lawrules",
    ("contratgen.legal.consumer", "contratgen.render.clauses"): "lawrules",
    ("contratgen.legal.payment", "contratgen.render.docx"): "lawrules",
    ("contratgen.legal.agreement", "contratgen.render.clauses"): "lawrules",
    # the invoice rules' checks belong to legal/, the invoice builder calls them (lawrules,
    # einv)
    ("contratgen.legal.invoices", "contratgen.invoicing.checks"): "lawrules",
}


def stage_rank(module: str) -> int | None:
    """The position of a module's stage in :data:`STAGES` (None: not in the package)."""
    best = None
    for rank, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and \
                    (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    return None if best is None else best[0]


def backward_imports(graph) -> list[tuple[str, str, int]]:
    """``(module, imported module, line)`` for every import of a later stage."""
    found = []
    for module, targets in sorted(graph.items()):
        for target, line in sorted(targets.items()):
            a, b = stage_rank(module), stage_rank(target)
            if a is not None and b is not None and b > a:
                found.append((module, target, line))
    return found


def problems(root: Path = ROOT) -> tuple[list[str], list[str]]:
    """(errors, notes): backward imports, cycles, modules not placed in a stage, new
    over-long modules; stale allow-list entries are notes."""
    graph, files = import_graph(root), module_files(root)
    errors, notes = [], []
    backward = backward_imports(graph)
    for module, target, line in backward:
        if (module, target) in ALLOWED_BACKWARD:
            continue
        errors.append(f"{files[module].relative_to(root)}:{line}: {module} imports {target}, "
                      f"a later stage ({STAGES[stage_rank(module)][0]} → "
                      f"{STAGES[stage_rank(target)][0]}): move what both need to the "
                      "earlier stage, or pass it in")
    for edge in sorted(set(ALLOWED_BACKWARD) - {(m, t) for m, t, _ in backward}):
        notes.append(f"{edge[0]} → {edge[1]} is no longer imported: remove it from "
                     "ALLOWED_BACKWARD")

    for component in cycles(graph):
        path = example_path(graph, component)
        steps = " → ".join(
            f"{a} ({files[a].relative_to(root)}:{graph[a][b]})" for a, b in zip(path, path[1:]))
        errors.append(f"import cycle among {', '.join(component)}: {steps} → {path[-1]}")
    long = long_modules(root)
    for module, count in sorted(long.items()):
        if module not in OVERSIZE_MODULES:
            errors.append(f"{files[module].relative_to(root)}: {count} lines "
                          f"(over {MAX_LINES}): split it by stage")
    for where in printing_calls(root):
        errors.append(f"{where}: print() outside cli/ (return the value; the command "
                      "prints it)")
    for module in sorted(OVERSIZE_MODULES - set(long)):
        notes.append(f"{module} is no longer over {MAX_LINES} lines (or gone): "
                     "remove it from OVERSIZE_MODULES")
    return errors, notes


def main() -> int:
    errors, notes = problems()
    for note in notes:
        print(f"note: {note}")
    for error in errors:
        print(f"error: {error}")
    if not errors:
        print("structure ok: no import cycle, no new module over "
              f"{MAX_LINES} lines ({len(OVERSIZE_MODULES)} known offenders to split)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
