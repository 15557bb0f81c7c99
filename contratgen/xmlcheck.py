"""XML checked against official artefacts before it is written: an XSD (lxml) and a
schematron compiled to XSLT 2.0 (saxonche, the only maintained XSLT 2.0 processor for
Python). Each artefact is compiled once per process; nothing compiled is kept on disk.

The artefacts are package data under ``data/validation/`` (their README says where each
comes from, its licence and version, and how to update it).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree

from .resources import shipped

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
CODE = re.compile(r"^\[([A-Z0-9.\-_/]+)\]")   # "[G1.68] La catégorie…": the rule's code


@dataclass(frozen=True)
class Failure:
    """One failed assertion or schema error: the rule id, its flag and its text."""
    rule: str
    flag: str        # fatal | warning | schema
    text: str
    location: str = ""


@functools.cache
def _schema(resource: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shipped(resource))))


@functools.cache
def _stylesheet(resource: str):
    from saxonche import PySaxonProcessor   # a JVM-free native library, loaded on first use
    processor = PySaxonProcessor(license=False)
    compiled = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(shipped(resource)))
    return processor, compiled


def schema_failures(xml: bytes, resource: str) -> list[Failure]:
    """The XSD's errors for ``xml`` (``resource``: the main XSD under the package)."""
    schema = _schema(resource)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    if schema.validate(etree.fromstring(xml, parser)):
        return []
    return [Failure("XSD", "schema", e.message, f"line {e.line}") for e in schema.error_log]


def schematron_failures(xml: bytes, resource: str, flags=("fatal",)) -> list[Failure]:
    """The failed assertions of a compiled schematron whose flag is in ``flags``."""
    processor, compiled = _stylesheet(resource)
    report = compiled.transform_to_string(
        xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    if not report or "schematron-output" not in report:
        raise RuntimeError(f"the schematron {resource} did not run")
    svrl = etree.fromstring(report.encode("utf-8"))
    found = []
    for failed in svrl.iterfind(".//svrl:failed-assert", SVRL):
        if (failed.get("flag") or "fatal") not in flags:
            continue
        text = " ".join((failed.findtext("svrl:text", namespaces=SVRL) or "").split())
        code = failed.get("id") or (CODE.match(text).group(1) if CODE.match(text) else "")
        found.append(Failure(code, failed.get("flag") or "fatal", text,
                             failed.get("location") or ""))
    return found
