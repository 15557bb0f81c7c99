"""Annex PDFs checked, bounded and made inert before they are appended to a contract.

An annex comes with the client file, so it is untrusted. What we append must not make
the contract we produce for signature run JavaScript, launch a program, submit a form,
open a URL or carry a file. So an annex is:

- checked cheaply when the document is prepared (:func:`check_file`): a regular file,
  not larger than :data:`MAX_ANNEX_BYTES`, starting with ``%PDF-`` (five bytes read,
  never the whole file);
- parsed once per file per process (:func:`clean_annex`, cached by the file's identity,
  the cache bounded in bytes): its page tree walked without recursion, with a bound on
  pages and objects and a refusal of loops;
- rebuilt from its pages only (no catalog: no ``/OpenAction``, ``/Names`` JavaScript,
  embedded files, outlines or form), every object reachable from the pages stripped of
  actions (``/A``, ``/AA``, ``/Next``), ``/JS``, ``/URI``, embedded and associated files,
  RichMedia and XFA, and annotations that play media or carry files dropped.

Errors are :class:`AnnexRefused`, with a code; the caller locates them at the annex's
``annexes[i].path``.
"""
from __future__ import annotations

import io
import os
import re
import stat
import threading
from collections import OrderedDict
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_ANNEXES = 50                         # annexes listed in one client file
MAX_ANNEX_BYTES = 50 * 1024 * 1024       # one annex file
MAX_TOTAL_BYTES = 100 * 1024 * 1024      # every annex of a document, repeats included
MAX_PAGES = 1_000                        # pages of one annex
MAX_TOTAL_PAGES = 2_000                  # pages appended to one document
MAX_OBJECTS = 200_000                    # objects of one annex
_CACHE_BYTES = 128 * 1024 * 1024

_STRIPPED_KEYS = ("/AA", "/OpenAction", "/JS", "/JavaScript", "/URI", "/EmbeddedFiles",
                  "/EF", "/AF", "/RichMediaContent", "/RichMediaSettings", "/XFA",
                  "/Collection")
_ACTION_KEYS = ("/A", "/Next", "/PA")    # removed when they hold an action dictionary
_DROPPED_ANNOTS = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/FileAttachment", "/3D"}
# an action dictionary of these kinds is emptied wherever it is (even where no action goes)
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR",
                   "/GoToE", "/Rendition", "/Movie", "/Sound", "/RichMediaExecute",
                   "/ResetForm", "/Hide", "/Named", "/SetOCGState", "/GoTo3DView", "/Thread"}


class AnnexRefused(Exception):
    def __init__(self, message: str, code: str = "annexes.unreadable"):
        super().__init__(message)
        self.code = code


def _open_regular(path: Path):
    """(fd, stat) of a regular file, opened without blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise AnnexRefused("not found", "annexes.missing") from None
    except OSError as exc:
        raise AnnexRefused(f"cannot be opened: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise AnnexRefused("is not a regular file (a FIFO, a device or a folder)",
                           "io.not-a-file")
    if info.st_size > MAX_ANNEX_BYTES:
        os.close(fd)
        raise AnnexRefused(f"is larger than the limit of {MAX_ANNEX_BYTES} bytes "
                           f"({info.st_size} bytes)", "annexes.too-large")
    os.set_blocking(fd, True)
    return fd, info


def check_file(path: Path) -> os.stat_result:
    """A regular PDF file within the size limit; reads five bytes."""
    fd, info = _open_regular(Path(path))
    try:
        head = os.read(fd, 5)
    except OSError as exc:
        raise AnnexRefused(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if head != b"%PDF-":
        raise AnnexRefused("is not a PDF file", "annexes.not-pdf")
    return info


def _read(path: Path) -> tuple[bytes, tuple]:
    fd, info = _open_regular(path)
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_ANNEX_BYTES + 1)
    except OSError as exc:
        raise AnnexRefused(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_ANNEX_BYTES:
        raise AnnexRefused(f"is larger than the limit of {MAX_ANNEX_BYTES} bytes",
                           "annexes.too-large")
    return data, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


class _Cache:
    """Cleaned annexes by file identity, least recently used dropped past a byte bound."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self.items: OrderedDict[tuple, tuple[bytes, bool, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += len(value[0])
            while self.size > self.limit and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.size -= len(old[0])


_CACHE = _Cache(_CACHE_BYTES)


def _identity(path: Path) -> tuple:
    info = os.stat(path)
    return (os.path.realpath(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def clean_annex(path: Path) -> tuple[bytes, bool, int]:
    """(the annex rebuilt without active content, whether it declares PDF/A, its pages)."""
    path = Path(path)
    try:
        key = _identity(path)
    except OSError as exc:
        raise AnnexRefused(f"cannot be read: {exc.strerror}") from None
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    data, _ = _read(path)
    try:
        value = _clean(data)
    except AnnexRefused:
        raise
    except RecursionError:
        raise AnnexRefused("is not a readable PDF: its objects are nested too deeply or "
                           "refer to themselves") from None
    except MemoryError:
        raise AnnexRefused("is not a readable PDF: it needs too much memory",
                           "annexes.too-large") from None
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        # pypdf names objects with their address in memory: keep the message reproducible
        reason = re.sub(r"IndirectObject\((\d+), (\d+), \d+\)", r"\1 \2 R", str(exc))
        raise AnnexRefused(f"is not a readable PDF ({type(exc).__name__}: "
                           f"{reason[:200]})") from None
    _CACHE.put(key, value)
    return value


def _clean(data: bytes) -> tuple[bytes, bool, int]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    objects = sum(len(v) for v in reader.xref.values()) + len(reader.xref_objStm)
    if objects > MAX_OBJECTS:
        raise AnnexRefused(f"has {objects} objects (limit {MAX_OBJECTS})", "annexes.too-large")
    pages = _page_leaves(reader)
    pdfa = _declares_pdfa(reader)
    writer = PdfWriter()
    for page in pages:
        writer.add_page(page)
    _strip(writer)
    try:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    except TypeError:  # pypdf < 6 spells the options differently
        writer.compress_identical_objects(remove_identicals=False, remove_orphans=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), pdfa, len(pages)


def _page_leaves(reader: PdfReader) -> list:
    """The pages, walking the tree without recursion: a loop, a shared node or more
    than :data:`MAX_PAGES` leaves is refused (pypdf would recurse or multiply)."""
    root = reader.trailer["/Root"].get_object()
    node = root.get("/Pages")
    if node is None:
        raise AnnexRefused("is not a readable PDF (no page tree)")
    stack, seen, leaves = [node], set(), []
    while stack:
        ref = stack.pop()
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        if key in seen:
            raise AnnexRefused("is not a readable PDF: its page tree loops or shares a page")
        seen.add(key)
        obj = ref.get_object()
        if not isinstance(obj, DictionaryObject):
            raise AnnexRefused("is not a readable PDF: a page tree node is not a dictionary")
        kids = obj.get("/Kids")
        if obj.get("/Type") == "/Pages" or kids is not None:
            kids = kids.get_object() if kids is not None else []
            if not isinstance(kids, ArrayObject):
                raise AnnexRefused("is not a readable PDF: a page tree node has no kids list")
            if len(seen) + len(stack) + len(kids) > 4 * MAX_PAGES:
                raise AnnexRefused(f"has more than {MAX_PAGES} pages", "annexes.too-large")
            stack.extend(reversed(list(kids)))
        else:
            leaves.append(obj)
            if len(leaves) > MAX_PAGES:
                raise AnnexRefused(f"has more than {MAX_PAGES} pages", "annexes.too-large")
    if not leaves:
        raise AnnexRefused("is not a readable PDF (no page)")
    # pypdf's own view of the pages, now known to be a small tree
    pages = [reader.pages[i] for i in range(min(len(reader.pages), len(leaves)))]
    if not pages:
        raise AnnexRefused("is not a readable PDF (no page)")
    return pages


def _declares_pdfa(reader: PdfReader) -> bool:
    metadata = reader.trailer["/Root"].get_object().get("/Metadata")
    if metadata is None:
        return False
    try:
        xmp = metadata.get_object().get_data()[:1_000_000]
    except Exception:  # a damaged metadata stream is no claim
        return False
    return re.search(rb"pdfaid:part\s*(=\s*[\"']|>)\s*[123]", xmp) is not None


def _is_action(value) -> bool:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, ArrayObject):
        return any(_is_action(v) for v in value)
    return isinstance(value, DictionaryObject) and ("/S" in value or "/JS" in value)


def _strip(writer: PdfWriter) -> None:
    """Remove active content from every object of ``writer`` (iteratively)."""
    for obj in list(writer._objects):
        if obj is None:
            continue
        stack, seen = [obj], set()
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, DictionaryObject):
                _strip_dict(item)
                stack.extend(v for v in item.values() if not isinstance(v, IndirectObject))
            elif isinstance(item, ArrayObject):
                stack.extend(v for v in item if not isinstance(v, IndirectObject))


def _strip_dict(item: DictionaryObject) -> None:
    if item.get("/S") in _ACTIVE_ACTIONS or item.get("/Subtype") in _DROPPED_ANNOTS:
        item.clear()   # wherever it hides (a page's contents, another annotation's kid)
        return
    for key in _STRIPPED_KEYS:
        item.pop(NameObject(key), None)
    for key in _ACTION_KEYS:
        if key in item and _is_action(item[key]):
            del item[NameObject(key)]
    annots = item.get("/Annots")
    if annots is not None:
        annots = annots.get_object()
        if isinstance(annots, ArrayObject):
            kept = ArrayObject(a for a in annots if not _media(a))
            item[NameObject("/Annots")] = kept


def _media(annot) -> bool:
    """An annotation we drop: one that plays media or carries a file, or no annotation."""
    annot = annot.get_object() if isinstance(annot, IndirectObject) else annot
    return not isinstance(annot, DictionaryObject) or "/Subtype" not in annot \
        or annot.get("/Subtype") in _DROPPED_ANNOTS


def vet(paths, pdfa: bool) -> list[tuple[int, str, str]]:
    """(index, message, code) for each annex that cannot be appended as it is listed:
    unreadable, too large in total, or — for a PDF/A document — not PDF/A itself."""
    problems, total_bytes, total_pages = [], 0, 0
    for index, path in enumerate(paths):
        try:
            data, is_pdfa, pages = clean_annex(path)
        except AnnexRefused as exc:
            problems.append((index, str(exc), exc.code))
            continue
        total_bytes, total_pages = total_bytes + len(data), total_pages + pages
        if total_bytes > MAX_TOTAL_BYTES or total_pages > MAX_TOTAL_PAGES:
            problems.append((index, f"the annexes add up to more than {MAX_TOTAL_PAGES} pages "
                             f"or {MAX_TOTAL_BYTES} bytes", "annexes.too-large"))
            break
        if pdfa and not is_pdfa:
            problems.append((index, "is not a PDF/A file, and a --pdfa contract may only "
                             "append PDF/A annexes (convert it to PDF/A-2b first, or build "
                             "without --pdfa)", "annexes.not-pdfa"))
    return problems
