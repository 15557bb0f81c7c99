"""XML escaping for the parts contratgen writes, as :mod:`xml.sax.saxutils` does it.

``xml.sax.saxutils`` imports ``urllib.request`` (and with it http, email and ssl): a
tenth of a DOCX build's start-up, for three ``str.replace`` calls. Same output, byte for
byte (tests/test_speed_escape.py compares both).
"""
from __future__ import annotations

_ATTR_EXTRA = (("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;"))


def escape(data: str) -> str:
    """&, < and > as entities (text content)."""
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(data: str) -> str:
    """An attribute value, quoted: as ``saxutils.quoteattr`` (double quotes unless the
    value holds one and no apostrophe)."""
    data = escape(data)
    for char, entity in _ATTR_EXTRA:
        data = data.replace(char, entity)
    if '"' in data:
        if "'" in data:
            return '"' + data.replace('"', "&quot;") + '"'
        return "'" + data + "'"
    return '"' + data + '"'
