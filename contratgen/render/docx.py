"""DOCX rendering: docxtpl's tag syntax, reproducible zips.

docxtpl re-reads the template package and recompiles its Jinja on every render. Here a
template is prepared once per process (:func:`prepare_template`): its zip entries are
kept in memory and each XML part holding tags is cleaned by docxtpl's ``patch_xml`` and
compiled once in the sandbox (Jinja's bytecode cache keeps the compiled code between
processes: contratgen/cache.py). Rendering a document is then one Jinja render per part,
the full parse of each rendered part, and one zip write, with timestamps from
``document.date`` so the bytes are reproducible.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import jinja2
from markupsafe import Markup

from ..diagnostics import Diagnostic, ERROR, UserError
from ..library.markup import LINE_BREAK, Block
from ..load.fields import FORBIDDEN as _FORBIDDEN
from ..resources import shipped
from ..library.sandbox import BoundedSandbox, LimitExceeded, bounded
from .. import cache
from .columns import fit_columns
from .template_guard import TemplateRefused, check_rendered, read_package
from . import wml
# the package and its properties, re-exported: callers name them render.DocProperties …
from .package import MAX_PROPERTY, DocProperties, language_tag, package, \
    provenance_properties, provenance_text, read_properties, split_property  # noqa: F401

SHIPPED_TEMPLATES = shipped("templates")
_RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG_BODY = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)


_NEWLINES = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_TEXT_ELEMENT = re.compile(r"(<w:t(?:\s[^>]*)?>)([^<]*\ue001[^<]*)(</w:t>)")


def _newlines_marked(value: Any) -> Any:
    """A value's newlines as LINE_BREAK, made ``<w:br/>`` once the part is rendered."""
    if isinstance(value, str) and not isinstance(value, Markup):
        # every newline _NEWLINES knows is unprintable: a printable text has none
        return value if value.isprintable() else _NEWLINES.sub(LINE_BREAK, value)
    return value


def _line_breaks(xml: str) -> str:
    """LINE_BREAK inside a ``<w:t>`` → a Word line break in the same run; anywhere else
    (an attribute, a field code) a space: customer text never becomes structure."""
    def split(match: re.Match) -> str:
        start, text, end = match.groups()
        return (end + "<w:br/>" + '<w:t xml:space="preserve">').join(
            start + part if i == 0 else part for i, part in enumerate(
                text.split(LINE_BREAK))) + end
    return _TEXT_ELEMENT.sub(split, xml).replace(LINE_BREAK, " ")


_DICT_ATTRIBUTES = frozenset(dir(dict))


class TemplateEnvironment(BoundedSandbox):
    def __init__(self):
        super().__init__(autoescape=True, finalize=_newlines_marked)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``provider.name`` on the context's plain dicts: the item, as Jinja's own
        ``getattr`` answers once ``getattr(dict, name)`` has failed (no safety check
        applies to an item), without raising and catching that AttributeError first."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_ENV = TemplateEnvironment()


@dataclass(frozen=True, eq=False)   # one per template file and version: compared by identity
class PreparedTemplate:
    path: Path
    entries: tuple[tuple[str, bytes], ...]                 # the package, in zip order
    compiled: Mapping[str, jinja2.Template]                # part name → compiled Jinja
    sources: Mapping[str, str]                             # part name → the Jinja source


def parse_template_source(source: str) -> jinja2.nodes.Template:
    """The Jinja syntax tree of a prepared part (for the template linter)."""
    return _ENV.parse(source)


def _template_error(path: Path, message: str, code: str = "template") -> UserError:
    return UserError([Diagnostic(str(path), 0, 0, ERROR, message, code)])


_LOADER = cache.ContentLoader()   # the parts' Jinja sources, for Jinja's bytecode cache


def _salt() -> str:
    """What a part's compiled code depends on besides its source."""
    return repr((type(_ENV).__qualname__, _ENV.code_generator_class.__name__,
                 bool(_ENV.autoescape), sorted(_ENV.filters), sorted(_ENV.tests),
                 cache.code_digest("contratgen.library.sandbox")))


@lru_cache(maxsize=16)
def _prepare_cached(path: str, mtime: int, size: int) -> PreparedTemplate:
    source = Path(path)
    try:
        entries = read_package(source)
    except TemplateRefused as exc:
        raise _template_error(source, str(exc), exc.code) from None
    parts = [(name, data) for name, data in entries if _RENDERED_PART.match(name)
             and (b"{{" in data or b"{%" in data)]
    _ENV.loader = _LOADER
    _ENV.bytecode_cache = cache.bytecode_cache("templates")
    compiled, sources = {}, {}
    for name, data in parts:
        xml = _patched(source, data.decode("utf-8"))   # UTF-8: checked by read_package
        sources[name] = xml
        try:
            compiled[name] = _ENV.get_template(_LOADER.name(xml, name, _salt()))
        except jinja2.TemplateSyntaxError as exc:
            raise _template_error(source, f"template syntax error in {name}: {exc.message}") \
                from None
        except (SyntaxError, RecursionError, MemoryError):  # Python's limits on nesting
            raise _template_error(source, f"{name}: the template's tags are nested too "
                                          "deeply", "template.too-deep") from None
    return PreparedTemplate(source, entries, compiled, sources)


def _patched(path: Path, xml: str) -> str:
    """A part's XML as Jinja source: docxtpl's ``patch_xml`` (tags split over runs
    joined, ``{%p %}`` …), entities inside tags and docxtpl's literal escapes resolved."""
    from docxtpl import DocxTemplate   # a template is prepared once a process
    xml = DocxTemplate(path).patch_xml(xml)   # reads nothing until asked to render
    # docxtpl unescapes &lt; &gt; inside tags, not what LibreOffice writes when it
    # saves a template: {{ a == &apos;b&apos; }} must read {{ a == 'b' }}
    xml = _TAG_BODY.sub(lambda m: m.group(0).replace("&apos;", "'").replace(
        "&quot;", '"').replace("&amp;", "&"), xml)
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl: {%p %} works per paragraph
    # docxtpl's escapes for a literal "{{" in a template, resolved here in the source,
    # so that a client's name containing "{_{" is printed as written
    for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        xml = xml.replace(escaped, "{{ '" + literal + "' }}")
    return xml


def prepare_template(path: Path) -> PreparedTemplate:
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise _template_error(path, "template not found") from None
    return _prepare_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


# --- the clause articles as Word paragraphs ------------------------------------------

# The paragraph styles of the clause texts: their alignment and spacing are the
# letterhead's (the shipped ones justify the text and keep a heading with what follows).
ARTICLE_HEADING, ARTICLE_TEXT, LIST_ITEM = "Heading2", "ArticleText", "ListBullet"


def _runs(block: Block) -> list:
    return [wml.run(r.text, r.bold, r.italic) for r in block.runs]


@lru_cache(maxsize=1024)   # a Block is a frozen value: its XML, made once a process
def _paragraph(block: Block) -> str:
    return wml.to_xml([wml.paragraph(LIST_ITEM if block.kind == "item" else ARTICLE_TEXT,
                                     _runs(block))])


@dataclass(frozen=True, slots=True)
class Article:
    number: int
    title: str
    blocks: tuple[Block, ...]
    conspicuous: bool


def articles_xml(articles: Sequence[Article], heading: str = "Article") -> Markup:
    """Ready-made ``<w:p>`` elements for ``{{p articles }}``."""
    parts = []
    for article in articles:
        title = f"{heading} {article.number} – {article.title}"
        parts.append(wml.to_xml([wml.paragraph(ARTICLE_HEADING, [wml.run(title)])]))
        parts.extend(_paragraph(b) for b in article.blocks)
    return Markup("".join(parts))


def section_xml(title: str, blocks: Sequence[Block]) -> Markup:
    """A ``Heading1`` title and its paragraphs, for ``{{p object }}``; nothing without
    paragraphs."""
    if not blocks:
        return Markup("")
    heading = wml.to_xml([wml.paragraph("Heading1", [wml.run(title)])])
    return Markup(heading + "".join(map(_paragraph, blocks)))


def paragraphs_xml(blocks: Sequence[Block]) -> Markup:
    """Plain paragraphs, no heading: the body of a letter (``{{p body }}``)."""
    return Markup("".join(map(_paragraph, blocks)))


def annex_pages_xml(annexes: Sequence[Article], heading: str = "Annexe") -> Markup:
    """Each annex on a page of its own, for ``{{p clause_annexes }}`` after the signatures."""
    parts = []
    for annex in annexes:
        title = wml.run(f"{heading} {annex.number} – {annex.title}")
        parts.append(wml.to_xml([wml.paragraph("Heading1", [title], page_break_before=True)]))
        parts.extend(_paragraph(b) for b in annex.blocks)
    return Markup("".join(parts))


@dataclass(frozen=True, slots=True)
class Notice:
    """A mandatory text printed from data (contratgen/data/mentions.yaml), in a paragraph
    style of the template (``Notice``, ``NoticeBox``, ``FairNotice``, ``Statement``)."""
    style: str
    blocks: tuple[Block, ...]


def notices_xml(notices: Sequence[Notice]) -> Markup:
    """Ready-made ``<w:p>`` elements for ``{{p head_notice }}``, ``{{p mentions }}`` and
    ``{{p client_statements }}``; the box, size and borders come from the style."""
    parts = []
    for notice in notices:
        for block in notice.blocks:
            dash = [wml.run("– ")] if block.kind == "item" else []
            parts.append(wml.paragraph(notice.style, dash + _runs(block)))
    return Markup(wml.to_xml(parts))


_SLOT = re.compile(r"\{\{p\s+([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def template_slots(path: Path) -> frozenset[str] | None:
    """The names of the ``{{p name }}`` paragraphs of a template's body (None: unreadable;
    rendering reports why)."""
    try:
        template = prepare_template(path)
    except UserError:
        return None
    body = dict(template.entries).get("word/document.xml", b"").decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", "", body)  # a tag split over runs still reads whole
    return frozenset(_SLOT.findall(text))


# --- rendering and packaging ------------------------------------------------------------

MAX_PART_OUTPUT = 32 * 1024 * 1024   # characters one rendered part may have


def _render_part(compiled: jinja2.Template, context: Mapping[str, Any]) -> list[str]:
    out, size = [], 0
    for chunk in compiled.generate(context):
        size += len(chunk)
        if size > MAX_PART_OUTPUT:
            raise LimitExceeded(f"the part renders to more than {MAX_PART_OUTPUT} characters")
        out.append(chunk)
    return out


# ASCII a part may hold (FORBIDDEN refuses the other ASCII controls)
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _forbidden(xml: str, data: bytes | None) -> re.Match | None:
    """``_FORBIDDEN.search(xml)``, from ``data`` (``xml`` in UTF-8; None: it holds a lone
    surrogate). ASCII bytes never occur inside a multi-byte sequence, so deleting the
    allowed ASCII bytes leaves every other character whole and in order: the first
    forbidden one is the same, for a twentieth of the scan on a mostly-ASCII part."""
    if data is None:
        return _FORBIDDEN.search(xml)
    return _FORBIDDEN.search(data.translate(None, _PLAIN_ASCII).decode("utf-8"))


def render_docx(template: PreparedTemplate, context: Mapping[str, Any],
                properties: "DocProperties") -> bytes:
    rendered: dict[str, bytes] = {}
    key = (str(template.path), id(template.entries))
    for name, compiled in template.compiled.items():
        try:
            chunks = bounded(_render_part, compiled, context)
        except jinja2.UndefinedError as exc:
            raise _template_error(template.path, f"{name}: undefined variable: {exc.message}") \
                from None
        except jinja2.exceptions.SecurityError as exc:
            raise _template_error(template.path, f"{name}: refused by the sandbox: {exc}") \
                from None
        except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, MemoryError,
                RecursionError) as exc:
            raise _template_error(template.path, f"{name}: cannot render: {exc}") from None
        xml = "".join(chunks)
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # undo the split
        line_breaks = LINE_BREAK in xml
        if line_breaks:   # neither step adds, drops or reorders a forbidden character
            xml = _line_breaks(xml)
        try:
            data = xml.encode("utf-8")
        except UnicodeEncodeError:   # a lone surrogate, which _forbidden names
            data = None
        bad = _forbidden(xml, data)
        if bad:
            raise _template_error(template.path, f"{name}: the template produces a character "
                                                 f"XML cannot hold (U+{ord(bad.group()):04X})")
        try:
            check_rendered(name, data)
        except TemplateRefused as exc:
            raise _template_error(template.path, str(exc), exc.code) from None
        if name == "word/document.xml" and "<w:noWrap/>" in xml:   # numbers on one line
            data = fit_columns(xml, dict(template.entries).get("word/styles.xml")).encode()
        rendered[name] = data
    return package(template.entries, rendered, properties, key)
