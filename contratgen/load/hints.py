"""Messages that say what the writer most likely meant, for two slips YAML lets through.

- A French decimal comma inside a flow mapping: ``{description: Logo, unit_price: 350,50}``
  is read as ``unit_price: 350`` and a key ``50`` with no value. The unknown key is then
  explained at its place: "write 350.50, or quote the text". The same comma in a text
  (``{description: Logo, grand format}``) asks for quotes.
- ``oui``/``non`` (or ``vrai``, ``yes``…) where a boolean is expected: YAML's booleans
  are ``true`` and ``false``.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

from .source import Source, written_text

_DIGITS = re.compile(r"^[0-9]+$")


def _previous_key(mapping: dict, key: Any) -> Optional[Any]:
    keys = list(mapping)
    at = keys.index(key)
    return keys[at - 1] if at > 0 else None


def comma_hint(source: Source, parent: tuple, mapping: Any, key: Any) -> Optional[str]:
    """Why ``key`` of ``mapping`` (at ``parent``) is probably the tail of the previous
    value cut by a comma; None when it does not look like that."""
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] is not None:
        return None
    before = _previous_key(mapping, key)
    if before is None:
        return None
    here = source.key_positions.get(parent + (key,))
    there = source.key_positions.get(parent + (before,))
    if here is None or there is None or here[0] != there[0]:
        return None     # one key a line: a block mapping, not a comma in { }
    value = mapping[before]
    text = str(key)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) \
            and _DIGITS.match(text):
        number = written_text(value) or str(value)
        return (f"inside {{ }} a comma separates fields, so '{before}: {number},{text}' "
                f"reads as '{before}: {number}' and a key '{text}': write {number}.{text}, "
                "or quote the text")
    if isinstance(value, str):
        return (f"inside {{ }} a comma separates fields, so '{text}' is read as a key after "
                f"'{before}: {value}': quote the text ({before}: \"{value}, {text}\")")
    return None


def boolean_hint(value: Any) -> str:
    shown = written_text(value) or str(value)
    return (f"'{shown}' is not a boolean: write true or false (YAML's booleans; "
            "'oui' and 'non' are text)")
