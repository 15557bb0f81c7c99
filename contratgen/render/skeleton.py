"""The well-formedness check of a rendered part, once per shape instead of once per document.

A template tag can cut a Word element in two, so every rendered part must still be
well-formed XML (:func:`~contratgen.render.template_guard.check_rendered`, a full lxml
parse: a twelfth of a document's time). Documents of one batch differ in their *text*,
rarely in their structure; this module parses the structure once and, for the next
document of the same shape, compares strings instead.

The **skeleton** of a rendered part is the part with

1. every printed value — a chunk the template yields that is a Markup made only of
   characters other than ``< > & " '`` and of the references ``escape()`` writes
   (``&amp; &lt; &gt; &#34; &#39;``) — rewritten by :func:`_text`: each run of characters
   other than ``-``, ``]`` and ``?`` becomes the single character :data:`FILL`;
2. every fragment built by contratgen itself (:func:`fragment`: the articles, notices …,
   balanced sequences of ``w:`` elements, their texts escaped) replaced by the empty
   element :data:`STAND_IN`.

**Claim**: if the skeleton is well-formed and none of its ``xmlns…``/``xml:…`` attribute
values holds :data:`FILL`, the part is well-formed (and lxml accepts it). Why:

- FILL (U+E0FF, private use) is an XML character but no name character and no white
  space: in a well-formed skeleton it can only stand in character data, an attribute
  value, a comment, a CDATA section or a processing instruction's data. (In a name, a
  reference, the XML declaration or between attributes the skeleton is refused, and
  the part is then checked in full — the old check decides, nothing is lost.)
- In those places the only characters that matter are ``<``, ``&`` and the quotes
  (none is in a value: escape() wrote them as references, which are valid in all five
  places) and the sequences ``--``, ``]]>``, ``?>``, made only of ``- ] ? >``: ``>`` is
  not in a value, and ``-``, ``]``, ``?`` are kept in place by :func:`_text`, with the
  characters around them. So each run the part has where the skeleton has FILL reads
  as ordinary text exactly where FILL did.
- lxml's own checks on attribute values (namespace URIs, ``xml:id``) are the one
  exception: a skeleton with FILL in such a value is checked in full.
- A contratgen fragment is balanced and well-formed by construction (constant tags, its
  texts escaped, every character checked by the caller), and uses only the prefixes
  ``w:`` and ``xml:``: it is well-formed wherever an element with prefix ``w:`` is. The
  skeleton is parsed into a tree and every stand-in must be found there as an element
  with a parent (not in a comment, a CDATA section, a processing instruction; not the
  root); a part whose own text holds the stand-in's name is checked in full.
- lxml's size limits (10 MB for one text) cannot be reached by a part under
  :data:`MAX_SKELETON_PART` characters; a larger part is checked in full, as is a part
  with a DOCTYPE or a line break still to turn into ``<w:br/>``.

A skeleton that passed is kept (a few per part), so the next document of the same shape
costs one string comparison. tests/test_speed_rendered_check.py holds hostile values.
"""
from __future__ import annotations

import re
import threading
from typing import Iterable

from markupsafe import Markup

from .template_guard import TemplateRefused, check_rendered, parse_rendered

FILL = "\ue0ff"
MAX_SKELETON_PART = 1_000_000     # characters: far under lxml's 10 MB limit on one text
_KEPT_PER_PART = 8
_STAND_IN_NAME = "contratgen-fragment"
STAND_IN = f"<w:{_STAND_IN_NAME}/>"

# a printed value as escape() writes it: no markup character outside its references
_VALUE = re.compile(r"(?:[^<>&\"']|&(?:amp|lt|gt|#34|#39);)*")
_RUN = re.compile(r"[^\-\]?]+")
# an xmlns or xml: attribute whose value holds FILL: lxml checks those values itself
_CHECKED_VALUE = re.compile("\\sxml(?:ns)?(?::[^\\s=/>]*)?\\s*=\\s*(?:\"[^\"<]*" + FILL
                            + "|'[^'<]*" + FILL + ")")

_FRAGMENTS: dict[str, None] = {}   # texts built by fragment(), newest last
_MAX_FRAGMENTS = 16       # a document makes at most five; its render follows at once
_PASSED: dict[tuple, list[str]] = {}   # (template key, part) → skeletons that parsed
_lock = threading.Lock()


def fragment(xml: str) -> Markup:
    """Markup for a balanced run of ``w:`` paragraphs built by contratgen (see the claim
    above: only code that guarantees it may call this)."""
    if xml:
        with _lock:
            _FRAGMENTS.pop(xml, None)
            _FRAGMENTS[xml] = None
            while len(_FRAGMENTS) > _MAX_FRAGMENTS:
                del _FRAGMENTS[next(iter(_FRAGMENTS))]
    return Markup(xml)


def _text(value: str) -> str:
    return _RUN.sub(FILL, value)


def _piece(chunk: Markup) -> str:
    if _VALUE.fullmatch(chunk):    # a printed value
        return _text(chunk)
    if chunk in _FRAGMENTS:        # a fragment of contratgen's
        return STAND_IN
    return chunk                   # |safe, a macro's output…: kept as is


_PIECES: dict[str, str] = {}       # short Markup chunk → its piece (a pure function of it)


def skeleton(chunks: Iterable[str]) -> str:
    """The skeleton of a part rendered as ``chunks`` (what Jinja yielded, in order); the
    template's own text (plain ``str`` chunks) is kept as is."""
    pieces = _PIECES
    out = []
    for chunk in chunks:
        if type(chunk) is Markup:
            piece = pieces.get(chunk)
            if piece is None:
                piece = _piece(chunk)
                if len(chunk) < 200:
                    if len(pieces) > 2048:
                        pieces.clear()
                    pieces[chunk] = piece
            chunk = piece
        out.append(chunk)
    return "".join(out)


def _undo_split(xml: str) -> str:
    return xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


def check_part(name: str, chunks: list[str], xml: str, data: bytes, line_breaks: bool,
               key: tuple = ()) -> None:
    """Raise :class:`TemplateRefused` unless the rendered part ``xml`` (``data`` in UTF-8,
    after the paragraph split was undone and ``line_breaks`` made) is well-formed XML, as
    :func:`check_rendered` says. ``chunks`` are what the template yielded for it."""
    if line_breaks or len(xml) > MAX_SKELETON_PART or "<!DOCTYPE" in xml or \
            _STAND_IN_NAME in xml:
        check_rendered(name, data)
        return
    shape = skeleton(chunks)
    passed = _PASSED.get((key, name), ())
    if shape in passed:
        return
    if not _proves(name, shape):   # the skeleton proves nothing: the part itself decides
        check_rendered(name, data)
        return
    with _lock:
        kept = _PASSED.setdefault((key, name), [])
        kept.append(shape)
        del kept[:-_KEPT_PER_PART]
        if len(_PASSED) > 64:
            _PASSED.clear()
            _PASSED[(key, name)] = kept


def _proves(name: str, shape: str) -> bool:
    """Whether a skeleton is well-formed, each stand-in an element inside another, and
    no value lxml checks itself (namespace URIs, ``xml:id``) holds FILL."""
    if _CHECKED_VALUE.search(shape):
        return False
    try:
        root = parse_rendered(name, _undo_split(shape).encode("utf-8"))
    except TemplateRefused:
        return False
    found = [el for el in root.iter(f"{{*}}{_STAND_IN_NAME}") if el.getparent() is not None]
    return len(found) == shape.count(STAND_IN)
