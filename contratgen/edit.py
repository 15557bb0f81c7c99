"""Editing a client.yaml in place: a payment recorded, a letter marked sent, an
acceptance written. The file keeps its comments, key order and layout (ruamel.yaml's
round trip), the new text is checked to still be a valid client file before it
replaces the old one, and the write is atomic (``output.write_atomic``): a crash
leaves the old file or the new one, never half of either.
"""
from __future__ import annotations

import io
from decimal import Decimal
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .diagnostics import UserError
from .load.model import ClientFile, parse_client
from .load.source import load_bytes
from .output import write_atomic


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    # an amount is written as the plain number it is (1442.22), never as text
    yaml.representer.add_representer(
        Decimal, lambda rep, value: rep.represent_scalar("tag:yaml.org,2002:float", f"{value:f}"))
    return yaml


def _flow(entry: Mapping[str, Any]) -> CommentedMap:
    """A ledger entry written on one line, as the samples write them."""
    node = CommentedMap(entry)
    node.fa.set_flow_style()
    return node


def _child(parent: CommentedMap, key: str, kind: type) -> Any:
    if parent.get(key) is None:
        parent[key] = kind()
    return parent[key]


def _edit(path: Path, change: Callable[[CommentedMap], None]) -> ClientFile:
    """Apply ``change`` to the file's tree, check the result, write it atomically."""
    text = path.read_text("utf-8")
    yaml = _yaml()
    tree = yaml.load(text)
    if not isinstance(tree, CommentedMap):
        raise UserError([load_bytes(text.encode("utf-8"), str(path)).diagnostic(
            (), "a client file is a mapping", "client")])
    change(tree)
    out = io.StringIO()
    yaml.dump(tree, out)
    new_text = out.getvalue()
    client = parse_client(load_bytes(new_text.encode("utf-8"), str(path)))   # UserError: nothing written
    write_atomic(path, new_text.encode("utf-8"))
    return client


def append_entry(path: Path, keys: Sequence[str], entry: Mapping[str, Any]) -> ClientFile:
    """Append ``entry`` to the list at ``keys`` (e.g. ``("invoicing", "payments")``),
    creating the mappings and the list when absent; returns the file as validated."""
    def change(tree: CommentedMap) -> None:
        node = tree
        for key in keys[:-1]:
            node = _child(node, key, CommentedMap)
        _child(node, keys[-1], CommentedSeq).append(_flow(entry))
    return _edit(path, change)


def set_entry(path: Path, keys: Sequence[str], value: Mapping[str, Any]) -> ClientFile:
    """Set the mapping at ``keys`` (e.g. ``("document", "accepted")``) to ``value``."""
    def change(tree: CommentedMap) -> None:
        node = tree
        for key in keys[:-1]:
            node = _child(node, key, CommentedMap)
        node[keys[-1]] = _flow(value)
    return _edit(path, change)
