"""YAML → plain data, keeping the line and column of every node.

PyYAML composes a node graph (libyaml's C parser when available, which keeps marks
too) once its event stream was checked for depth and size; we convert it ourselves so
that:
- every mapping key and value keeps its position (``Source.where(path)``);
- numbers are exact: a YAML float becomes a ``Decimal`` built from its source text;
- duplicate keys, tags we do not know and alias bombs are errors, not surprises.
"""
from __future__ import annotations

import datetime
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..diagnostics import ERROR, Diagnostic, UserError

try:  # libyaml keeps marks as well
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

# Limits against hostile files (documented in SECURITY.md).
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 64

Path_ = tuple  # a path into the data: ("items", 0, "unit_price")

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = (_TAG + kind for kind in ("str", "map", "seq", "merge"))
_timestamp = yaml.constructor.SafeConstructor()
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False,
             "off": False}   # YAML 1.1's, as PyYAML reads them
_PLAIN_INT = re.compile(r"^[-+]?[0-9]+$")        # digits as written: 0042 is forty-two


class WrittenInt(int):
    """An integer read from YAML, with the text it was written as: YAML 1.1 reads
    ``0042`` as octal 34 and ``1:30`` as 90, so a text field takes ``written`` instead."""

    written: str

    def __new__(cls, value: int, written: str | None = None):
        self = super().__new__(cls, value)
        self.written = str(value) if written is None else written
        return self

    def __reduce__(self):
        return (WrittenInt, (int(self), self.written))


class WrittenDecimal(Decimal):
    """A YAML float as an exact Decimal, with the text it was written as (``1e3``)."""

    written: str

    def __new__(cls, value, written: str | None = None):
        self = super().__new__(cls, value)
        self.written = str(value) if written is None else written
        return self

    def __reduce__(self):
        return (WrittenDecimal, (str(self), self.written))


def written_text(value: Any) -> str | None:
    """The text a YAML number was written as, or None when ``value`` is no YAML number."""
    return getattr(value, "written", None) if isinstance(value, (int, Decimal)) else None


def as_written_number(value: Any) -> Any:
    """A YAML integer as the digits written (``0042`` → 42); a ValueError for the forms
    YAML 1.1 reads in another base (``1:30``, ``0x1F``, ``0b101``), never a silent change."""
    written = written_text(value)
    if written is None or not isinstance(value, int):
        return value
    digits = written.replace("_", "")
    if _PLAIN_INT.match(digits):
        return int(digits)
    raise ValueError(f"'{written}' would be read as {int(value)} (YAML 1.1 reads it in "
                     f"another base): write the number plainly, or quote it if it is text")


@dataclass(frozen=True, slots=True)
class Source:
    """A YAML document as data, with the position of each node."""

    file: str
    data: Any
    positions: Mapping[Path_, tuple[int, int]] = field(repr=False)
    key_positions: Mapping[Path_, tuple[int, int]] = field(repr=False, default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def diagnostic(self, path: Path_, message: str, code: str, severity: str = ERROR,
                   *, key: bool = False) -> Diagnostic:
        line, col = self.where(path, key=key)
        return Diagnostic(self.file, line, col, severity, message, code)


def load_file(path: str | Path, display: str | None = None) -> Source:
    """Read and parse a YAML file; any problem is a located :class:`UserError`."""
    name = display or str(path)
    return load_bytes(read_file(path, name), name)


def read_file(path: str | Path, name: str) -> bytes:
    """The bytes of a client file (at most one byte over the limit); a located
    :class:`UserError` when it cannot be read."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise UserError([Diagnostic(name, 0, 0, ERROR, "not a regular file",
                                        "io.not-a-file")])
        with path.open("rb") as handle:  # st_size may lie (/proc, a growing file)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UserError([Diagnostic(name, 0, 0, ERROR, "no such file", "io.not-found")]) from None
    except IsADirectoryError:
        raise UserError([Diagnostic(name, 0, 0, ERROR, "is a directory, not a YAML file",
                                    "io.not-a-file")]) from None
    except OSError as exc:
        raise UserError([Diagnostic(name, 0, 0, ERROR, f"cannot read: {exc.strerror}",
                                    "io.unreadable")]) from None
    return raw


def load_bytes(raw: bytes, name: str) -> Source:
    if len(raw) > MAX_FILE_BYTES:
        raise UserError([Diagnostic(name, 1, 1, ERROR, f"file is larger than the limit of "
                                    f"{MAX_FILE_BYTES} bytes", "yaml.too-large")])
    return _Converter(name).source(_compose(_decode(raw, name), name))


def _too_deep(name: str, line: int, col: int) -> UserError:
    return UserError([Diagnostic(name, line, col, ERROR, f"YAML nested too deeply "
                                 f"(limit {MAX_DEPTH})", "yaml.too-deep")])


def _compose(text: str, name: str) -> yaml.Node:
    """The node graph of ``text``, its event stream checked (depth, size) first."""
    try:
        _check_shape(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:   # libyaml's own limit, met in its scanner first
            raise _too_deep(name, line, col) from None
        raise UserError([Diagnostic(name, line, col, ERROR, f"invalid YAML: {problem}",
                                    "yaml.syntax")]) from None
    except yaml.reader.ReaderError as exc:  # libyaml's: a position, not a mark
        # libyaml counts bytes of the UTF-8 text, not characters
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise UserError([Diagnostic(name, line, col, ERROR, f"invalid YAML: {exc.reason} "
                                    f"(character U+{exc.character:04X})" if isinstance(
                                        exc.character, int) else f"invalid YAML: {exc.reason}",
                                    "yaml.syntax")]) from None
    except yaml.YAMLError as exc:
        raise UserError([Diagnostic(name, 1, 1, ERROR, f"invalid YAML: {exc}",
                                    "yaml.syntax")]) from None
    except RecursionError:
        raise _too_deep(name, 1, 1) from None
    if node is None:
        raise UserError([Diagnostic(name, 1, 1, ERROR, "the file is empty", "yaml.empty")])
    return node


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_shape(text: str, name: str) -> None:
    """Refuse deep nesting before composing: libyaml's composer recurses on the C stack
    and crashes the process on a few thousand nested brackets; its parser does not."""
    depth = count = 0
    for event in yaml.parse(text, Loader=_Loader):
        count += 1
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _too_deep(name, mark.line + 1, mark.column + 1)
        elif isinstance(event, _CLOSE):
            depth -= 1
        if count > MAX_NODES:
            mark = event.start_mark
            raise UserError([Diagnostic(name, mark.line + 1, mark.column + 1, ERROR,
                                        f"too many YAML nodes (more than {MAX_NODES})",
                                        "yaml.too-large")])


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError([Diagnostic(name, 1, 1, ERROR, "binary data, not a YAML text file",
                                    "yaml.encoding")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise UserError([Diagnostic(name, line, col, ERROR,
                                    "the file is not valid UTF-8 (save it as UTF-8)",
                                    "yaml.encoding")]) from None


class _Converter:
    def __init__(self, name: str):
        self.name = name
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}
        self.count = 0

    def source(self, node: yaml.Node) -> Source:
        data = self.convert(node, (), 0)
        return Source(self.name, data, self.positions, self.key_positions)

    def fail(self, node: yaml.Node, message: str, code: str):
        raise UserError([Diagnostic(self.name, node.start_mark.line + 1,
                                    node.start_mark.column + 1, ERROR, message, code)])

    def convert(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, f"too many YAML nodes (more than {MAX_NODES}); aliases that "
                      "expand exponentially are refused", "yaml.too-large")
        if depth > MAX_DEPTH:
            self.fail(node, f"YAML nested too deeply (limit {MAX_DEPTH})", "yaml.too-deep")
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        kind = type(node)
        if kind is yaml.ScalarNode and node.tag == _STR:   # most nodes: a text
            return node.value
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self.fail(node, f"unsupported YAML tag {node.tag}", "yaml.tag")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    self.fail(key_node, "YAML merge keys (<<) are not supported", "yaml.merge")
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(key_node, "a mapping key must be a plain name", "yaml.key")
                key = key_node.value
                if key in result:
                    self.fail(key_node, f"duplicate key '{key}'", "yaml.duplicate-key")
                child = path + (key,)
                key_mark = key_node.start_mark
                self.key_positions[child] = (key_mark.line + 1, key_mark.column + 1)
                result[key] = self.convert(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.fail(node, f"unsupported YAML tag {node.tag}", "yaml.tag")
            return [self.convert(v, path + (i,), depth + 1) for i, v in enumerate(node.value)]
        try:
            return self.scalar(node)
        except (ValueError, TypeError, AttributeError, IndexError, OverflowError):
            # a tag on a value it cannot hold: !!int 1e3, !!timestamp foo, !!float x
            self.fail(node, f"'{node.value}' is not a valid {node.tag.rsplit(':', 1)[-1]}",
                      "yaml.tag")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _TAG + "str":
            return text
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":   # !!bool 1, !!bool maybe: refused, never false
            value = _BOOLEANS.get(text.lower())
            if value is None:
                self.fail(node, f"'{text}' is not a valid bool (true or false)", "yaml.tag")
            return value
        if tag == _TAG + "int":
            if len(text) > 30:
                self.fail(node, f"number too large ({len(text)} digits)", "yaml.number")
            return WrittenInt(_timestamp.construct_yaml_int(node), text)
        if tag == _TAG + "float":
            try:
                value = Decimal(text.replace("_", ""))
            except InvalidOperation:
                self.fail(node, f"'{text}' is not a finite number", "yaml.number")
            if not value.is_finite():
                self.fail(node, f"'{text}' is not a finite number", "yaml.number")
            return WrittenDecimal(value, text)
        if tag == _TAG + "timestamp":
            try:
                value = _timestamp.construct_yaml_timestamp(node)
            except ValueError:
                self.fail(node, f"'{text}' is not a valid date", "yaml.date")
            if isinstance(value, datetime.datetime):
                return value.date() if value.time() == datetime.time() else value
            return value
        self.fail(node, f"unsupported YAML tag {tag}", "yaml.tag")
