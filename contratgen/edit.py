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
from dataclasses import dataclass
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
    yaml.representer.add_representer(Decimal, _decimal)
    return yaml


def _decimal(representer, value: Decimal):
    text = f"{value:f}"
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


def _flow(entry: Mapping[str, Any]) -> CommentedMap:
    """A ledger entry written on one line, as the samples write them."""
    node = CommentedMap(entry)
    node.fa.set_flow_style()
    return node


def _child(parent: CommentedMap, key: str, kind: type) -> Any:
    if parent.get(key) is None:
        parent[key] = kind()
    return parent[key]


@dataclass(frozen=True)
class Edit:
    """A checked edit of a client file, not yet written: ``client`` is the file as it
    will read; ``write()`` replaces the file atomically."""
    path: Path
    text: str
    client: ClientFile

    def write(self) -> ClientFile:
        write_atomic(self.path, self.text.encode("utf-8"))
        return self.client


def _edit(path: Path, change: Callable[[CommentedMap], None]) -> Edit:
    """Apply ``change`` to the file's tree and check the result (nothing written)."""
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
    client = parse_client(load_bytes(new_text.encode("utf-8"), str(path)))   # UserError
    return Edit(path, new_text, client)


def append_entry(path: Path, keys: Sequence[str], entry: Mapping[str, Any]) -> ClientFile:
    """Append ``entry`` to the list at ``keys`` (e.g. ``("invoicing", "payments")``),
    creating the mappings and the list when absent, and write the file; returns the
    file as validated."""
    return planned_append(path, keys, entry).write()


def planned_append(path: Path, keys: Sequence[str], entry: Mapping[str, Any]) -> Edit:
    """The checked edit of :func:`append_entry`, not yet written."""
    def change(tree: CommentedMap) -> None:
        node = tree
        for key in keys[:-1]:
            node = _child(node, key, CommentedMap)
        _child(node, keys[-1], CommentedSeq).append(_flow(entry))
    return _edit(path, change)


def set_entry(path: Path, keys: Sequence[str], value: Mapping[str, Any]) -> ClientFile:
    """Set the mapping at ``keys`` (e.g. ``("document", "accepted")``) to ``value`` and
    write the file."""
    def change(tree: CommentedMap) -> None:
        node = tree
        for key in keys[:-1]:
            node = _child(node, key, CommentedMap)
        node[keys[-1]] = _flow(value)
    return _edit(path, change).write()
