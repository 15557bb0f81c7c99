"""contratgen's XML escaping is xml.sax.saxutils', byte for byte, without its imports."""
from __future__ import annotations

import subprocess
import sys
from xml.sax import saxutils

from hypothesis import given, settings, strategies as st

from contratgen.render.package import split_property
from contratgen.render.xml_escape import escape, quoteattr

TRICKY = st.text(alphabet=st.sampled_from(list("&<>\"'\n\r\t aé€😀;#")))


@settings(max_examples=500)
@given(st.one_of(TRICKY, st.text()))
def test_escape_and_quoteattr_are_saxutils(value):
    assert escape(value) == saxutils.escape(value)
    assert quoteattr(value) == saxutils.quoteattr(value)


def _split_by_units(value, limit):   # the definition: cut at each UTF-16 unit budget
    parts, current, units = [], "", 0
    for char in value:
        size = len(char.encode("utf-16-le")) // 2
        if units + size > limit:
            parts.append(current)
            current, units = "", 0
        current += char
        units += size
    return parts + [current] if current or not parts else parts


@settings(max_examples=300)
@given(st.text(max_size=700), st.integers(min_value=2, max_value=300))
def test_split_property_cuts_at_utf16_units(value, limit):
    assert split_property(value, limit) == _split_by_units(value, limit)


def test_a_docx_build_imports_neither_the_pdf_stage_nor_urllib_request(tmp_path):
    """(ssl still comes with python-stdnum's ``stdnum.util``, and urllib.parse with it.)"""
    code = ("import sys; from contratgen.cli import main\n"
            "try:\n main(['build', 'samples/contract-b2b.yaml', '--format', 'docx', '-o', "
            f"{str(tmp_path)!r}])\nexcept SystemExit: pass\n"
            "bad = sorted(m for m in sys.modules if m in ('urllib.request', 'http.client', "
            "'xml.sax.saxutils') or m.split('.')[0] == 'pypdf' or "
            "m.startswith('contratgen.pdf'))\nprint(bad)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr
    assert list(tmp_path.glob("*.docx"))
