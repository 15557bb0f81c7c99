"""What the code expects of a DOCX template, checked: slots, names, labels, styles, anchors.

A letterhead is a Word file anyone edits; a lost ``{{p articles }}`` paragraph would build a
contract with no clauses and exit 0. So every build lints the template it uses (once per
template file, cached with it), and ``contratgen lint --templates DIR`` lints a folder.
Positions are the part and the paragraph: ``letterhead.docx:word/document.xml:12:0`` is
the 12th paragraph of the body.
"""
from __future__ import annotations

import re
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path
from typing import Callable

from jinja2 import meta, nodes
from lxml import etree

from .. import cache
from .context_kinds import context_names
from .i18n import kind_labels
from ..diagnostics import ERROR, WARNING, Diagnostic, UserError
from .docx import PreparedTemplate, parse_template_source, prepare_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The slots the renderer fills with ready-made paragraphs: each must be a paragraph alone.
SLOTS = {"articles": "the clause articles", "clause_annexes": "the clause annex pages",
         "object": "the quote's object"}
LETTER_SLOTS = {"body": "the letter's body"}   # a letter: the clause text, no articles
REQUIRED_SLOTS = {("contract", "articles"), ("installment_agreement", "articles"),
                  ("letter", "body")}
STYLES = ("Heading1", "Heading2", "ListBullet")   # what the object, articles and annexes use
# the clause text's style: without it, the text takes the letterhead's Normal (a warning)
ADVISED_STYLES = {"ArticleText": "Article Text"}
ANCHOR_LABEL = "agreed"                  # "Bon pour accord": one per signature block
# Word bookmarks where the PDF's signature fields go (named as the fields; pdf/signature_places)
SIGNATURE_BOOKMARKS = ("provider_signature", "client_signature")
_SPACES = re.compile(r"\s+")


def _context_of(kind: str) -> tuple[frozenset[str], Callable[[str], dict]]:
    """The names and the labels a template for ``kind`` may use (the kinds' records in
    render/context_kinds.py, their label files in render/i18n.py)."""
    return context_names(kind), lambda lang: kind_labels(kind, lang)


def lint_template(template: PreparedTemplate, kind: str) -> list[Diagnostic]:
    """Every problem of a template for documents of ``kind`` (contract, quote, invoice…)."""
    where = str(template.path)
    known, words = _context_of(kind)
    found: list[Diagnostic] = []
    names: set[str] = set()
    label_keys: set[str] = set()
    for part, source in template.sources.items():
        tree = parse_template_source(source)
        names |= meta.find_undeclared_variables(tree)
        label_keys |= {n.attr for n in tree.find_all(nodes.Getattr)
                       if isinstance(n.node, nodes.Name) and n.node.name == "labels"}
    for name in sorted(names - known):
        found.append(Diagnostic(where, 0, 0, ERROR, f"unknown variable '{name}': the "
                                "template context has " + ", ".join(sorted(known)),
                                "template.variable"))
    for lang in ("fr", "en"):
        for key in sorted(label_keys - set(words(lang))):
            found.append(Diagnostic(where, 0, 0, ERROR, f"label '{key}' does not exist in "
                                    f"'{lang}' (see docs/TEMPLATES.md)", "template.label"))
    found += _slots(template, kind)
    found += _styles(template)
    if ANCHOR_LABEL not in label_keys and kind not in ("invoice", "letter"):   # PDF fails
        found.append(Diagnostic(where, 0, 0, WARNING, "no signature block: '{{ labels.agreed }}' "
                                "(\"Bon pour accord\") marks where each signature field goes",
                                "template.signature"))
    if kind not in ("invoice", "letter"):
        found += _bookmarks(template)
    return found


def _bookmarks(template: PreparedTemplate) -> list[Diagnostic]:
    """A signed document's template carries a bookmark per signature field; without it
    the DOCX builds, and a PDF build refuses the template (the field has no place)."""
    root = _part(template, "word/document.xml")
    names = set() if root is None else {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    return [Diagnostic(f"{template.path}:word/document.xml", 0, 0, WARNING,
                       f"no bookmark '{name}': a PDF build refuses this template (its "
                       "signature field would have no place); add the bookmark in the empty "
                       "paragraph where the signature goes (Insert > Bookmark, see "
                       "docs/TEMPLATES.md)", "template.bookmark")
            for name in SIGNATURE_BOOKMARKS if name not in names]


def _part(template: PreparedTemplate, part: str):
    """The parsed XML of one part of the template (no entities, no network), or None."""
    data = dict(template.entries).get(part)
    if data is None:
        return None
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _paragraphs(template: PreparedTemplate, part: str) -> list[str]:
    root = _part(template, part)
    if root is None:
        return []
    return [_SPACES.sub(" ", "".join(t.text or "" for t in p.iter(f"{W}t"))).strip()
            for p in root.iter(f"{W}p")]


def _slots(template: PreparedTemplate, kind: str) -> list[Diagnostic]:
    found = []
    slots = LETTER_SLOTS if kind == "letter" else SLOTS
    for slot, what in slots.items():
        if kind == "invoice" or (slot == "object" and kind != "quote"):
            continue   # an invoice has no clauses; a contract prints its object as Article 1
        tag = re.compile(r"\{\{p\s*" + slot + r"\s*\}\}")
        places = [(part, number, text) for part in template.sources
                  for number, text in enumerate(_paragraphs(template, part), 1)
                  if tag.search(text)]
        if not places:   # build makes it an error when the document has what goes there
            severity = ERROR if (kind, slot) in REQUIRED_SLOTS else WARNING
            found.append(Diagnostic(str(template.path), 0, 0, severity,
                                    f"{what} slot '{{{{p {slot} }}}}' is missing: put it "
                                    "alone in a paragraph of word/document.xml",
                                    "template.slot"))
        for part, number, text in places:
            if tag.sub("", text).strip() or len(places) > 1:
                problem = ("appears more than once" if len(places) > 1 else
                           f"must be alone in its paragraph, not in '{text[:80]}'")
                found.append(Diagnostic(f"{template.path}:{part}", number, 0, ERROR,
                                        f"{what} slot '{{{{p {slot} }}}}' {problem}",
                                        "template.slot"))
    return found


def _styles(template: PreparedTemplate) -> list[Diagnostic]:
    root = _part(template, "word/styles.xml")
    ids = set() if root is None else {s.get(f"{W}styleId") for s in root.iter(f"{W}style")}
    return [Diagnostic(f"{template.path}:word/styles.xml", 0, 0, ERROR,
                       f"style '{style}' is missing: the clause articles use it (add a "
                       "paragraph style with this name in Word)", "template.style")
            for style in STYLES if style not in ids] + [
        Diagnostic(f"{template.path}:word/styles.xml", 0, 0, WARNING,
                   f"style '{style}' is missing: the clause text takes the look of Normal "
                   f"(add a paragraph style named \"{name}\" in Word to set it apart)",
                   "template.style")
        for style, name in ADVISED_STYLES.items() if style not in ids]


_VERDICTS = "lint"   # the cache namespace (contratgen/cache.py)


def _verdict_key(template: PreparedTemplate, kind: str) -> str:
    """Everything :func:`lint_template`'s verdict depends on: the template's parts (raw
    and as Jinja source) and path, the kind, the names and labels the context offers,
    the linting code and the versions of Jinja and lxml."""
    import jinja2
    known, words = _context_of(kind)
    parts: list[str | bytes] = [
        _VERDICTS, cache.code_digest(__name__, "contratgen.render.docx",
                                     "contratgen.library.sandbox", "contratgen.diagnostics"),
        jinja2.__version__, etree.__version__, kind, str(template.path),
        "\n".join(sorted(known)), "\n".join(sorted(words("fr"))),
        "\n".join(sorted(words("en")))]
    for name, data in template.entries:
        parts += [name, data]
    for name, source in template.sources.items():
        parts += [name, source]
    return cache.key(*parts)


@lru_cache(maxsize=32)
def _cached(template: PreparedTemplate, kind: str) -> tuple[Diagnostic, ...]:
    entry = _verdict_key(template, kind)
    stored = cache.load_verdict(_VERDICTS, entry)
    try:
        return tuple(Diagnostic(*fields) for fields in stored)
    except (TypeError, ValueError):   # not cached (None), or not diagnostics: lint it
        pass
    found = tuple(lint_template(template, kind))
    cache.store_verdict(_VERDICTS, entry, [astuple(d) for d in found])
    return found


def template_problems(template: PreparedTemplate, kind: str) -> tuple[Diagnostic, ...]:
    """:func:`lint_template`, once per prepared template and document kind (and kept on
    disk by the template's content: a single build does not lint the same file again)."""
    return _cached(template, kind)


def kind_of(path: Path) -> str:
    """The document kind a template file is for, from its name (``quote.docx`` …)."""
    stem = path.stem.lower()
    return next((k for k in ("quote", "installment_agreement", "invoice", "letter")
                 if k in stem),
                "contract")


def lint_folder(folder: Path) -> tuple[list[Diagnostic], int]:
    """Every problem of every ``*.docx`` template in ``folder``, and how many there are."""
    found: list[Diagnostic] = []
    paths = sorted(folder.glob("*.docx"))
    for path in paths:
        try:
            found += lint_template(prepare_template(path), kind_of(path))
        except UserError as exc:
            found += exc.diagnostics
    return found, len(paths)
