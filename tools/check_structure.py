"""Structure checks for ``contratgen/``: no import cycle, no module over 400 lines, and
only ``cli/`` prints (engine code returns values).

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

# Known offenders, to split (issue 11): allowed to stay over MAX_LINES until they are.
# Dotted module names; tools/restructure.py keeps them in step when modules move.
# Add nothing here: a new module over the limit is a failure, not an entry.
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


def stage_of(module: str) -> str:
    """The stage package of a module (``contratgen.render.docx`` → ``contratgen.render``)."""
    return ".".join(module.split(".")[:2])


def stage_cycles(graph) -> list[tuple[list[str], list[str]]]:
    """Cycles between stage packages (modules acyclic, packages not): with their edges."""
    stages: dict[str, dict[str, int]] = {}
    edges: dict[tuple[str, str], str] = {}
    for module, targets in graph.items():
        stages.setdefault(stage_of(module), {})
        for target in targets:
            a, b = stage_of(module), stage_of(target)
            if a != b:
                stages[a][b] = 1
                edges.setdefault((a, b), f"{module} → {target}")
    return [(c, [edges[(a, b)] for a in c for b in c if (a, b) in edges])
            for c in cycles(stages)]


def problems(root: Path = ROOT) -> tuple[list[str], list[str]]:
    """(errors, notes): cycles and new over-long modules; stale allow-list entries and
    cycles between stage packages (to straighten, not yet a failure)."""
    graph, files = import_graph(root), module_files(root)
    errors, notes = [], []
    for component, edges in stage_cycles(graph):
        notes.append(f"stages import each other: {', '.join(component)} "
                     f"({'; '.join(edges)})")
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
