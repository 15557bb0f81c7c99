"""Property-based and fuzz tests of the whole CLI on generated client.yaml files.

- every valid document builds: exit 0, a DOCX Word can open, the names printed;
- every invalid one gives exit 1, located diagnostics (``file:line:col: error: ... [code]``
  with a line inside the file) and writes nothing;
- no input at all, however broken, produces a traceback.

Hypothesis examples are few (each one is a real build) and deadlines are off.
"""
from __future__ import annotations

import copy
import io
import re
import shutil
import tempfile
import weakref
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from lxml import etree

from contratgen.cli import main

pytestmark = pytest.mark.slow

MINIMAL_TEXT = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")
MINIMAL = yaml.safe_load(MINIMAL_TEXT)

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)   # the same examples on every run: CI failures reproduce

DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|"
                        r"warning): (?P<message>.+) \[(?P<code>.+)\]$")


# --- running the CLI on one generated file ------------------------------------------

class Run:
    """One CLI run in a folder of its own, removed with the Run (hundreds per session:
    none is left behind)."""

    def __init__(self, text: bytes, command: str = "build"):
        self.dir = Path(tempfile.mkdtemp(prefix="contratgen-fuzz-"))
        weakref.finalize(self, shutil.rmtree, self.dir, True)
        self.path = self.dir / "client.yaml"
        self.path.write_bytes(text)
        self.out = self.dir / "out"
        args = [command, str(self.path)]
        if command == "build":
            args += ["-o", str(self.out), "--format", "docx"]
        self.result = CliRunner().invoke(main, args)
        self.code = self.result.exit_code
        self.output = self.result.output
        self.lines = text.count(b"\n") + 1

    def no_traceback(self) -> None:
        exc = self.result.exception
        assert exc is None or isinstance(exc, SystemExit), \
            f"{type(exc).__name__}: {exc}\n--- input:\n{self.path.read_bytes()[:3000]!r}"
        assert "Traceback" not in self.output, self.output

    def located_errors(self) -> list[re.Match]:
        """Exit 1 and at least one error at a real line:col of this file; nothing written."""
        self.no_traceback()
        assert self.code == 1, f"exit {self.code}:\n{self.output}\n--- input:\n" \
                               f"{self.path.read_text('utf-8', 'replace')[:3000]}"
        errors = [m for m in self.diagnostics() if m["severity"] == "error"]
        assert errors, f"no error in:\n{self.output}"
        mine = [m for m in errors if m["file"] == str(self.path)]
        assert mine, self.output
        for m in mine:
            assert 1 <= int(m["line"]) <= self.lines and int(m["col"]) >= 1, m.group(0)
        assert not self.out.exists() or not any(self.out.iterdir()), "something was written"
        return mine

    def diagnostics(self) -> list[re.Match]:
        """stderr, one diagnostic a line in the compiler format, nothing else."""
        lines = [line for line in self.result.stderr.splitlines() if line.strip()]
        matches = [DIAGNOSTIC.match(line) for line in lines]
        assert all(matches), f"not one diagnostic a line:\n{self.result.stderr}"
        return matches

    def docx(self) -> docx.document.Document:
        self.no_traceback()
        assert self.code == 0, self.output
        written = list(self.out.glob("*.docx"))
        assert len(written) == 1, written
        data = written[0].read_bytes()
        parser = etree.XMLParser(recover=False, resolve_entities=False)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name), parser)
        return docx.Document(io.BytesIO(data))


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


class _Dumper(yaml.SafeDumper):
    pass


# Money as plain YAML numbers with a decimal point, so they load as exact Decimals.
_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:float", f"{v:.2f}"))


def dump(data) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=1000).encode("utf-8")


# --- strategies: valid documents ----------------------------------------------------

# Printable text a contract may hold: letters of several scripts, punctuation, markup
# characters, emoji; no controls and no bidi overrides (those are refused, see below).
_ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs"),
    exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff")
safe_text = st.text(_ALPHABET, min_size=1, max_size=60).map(str.strip).filter(bool)
names = st.one_of(safe_text, st.sampled_from([
    "Dupont & Fils <SARL>", "L'Atelier \"Martin\"", "Café 🙂 & Co", "مخبز مارتن",
    "{{ provider.name }}", "**gras** *italique*", "a]]>b", "Ωmega — Ltd."]))
# at least 10.00: a tiny total split in tranches of 1 % gives a tranche of 0.00 € (half
# a unit at 0.01 with a discount, a whole document of 0.00 €), which is rightly refused
money = st.decimals(min_value=Decimal("10.00"), max_value=Decimal("99999.99"), places=2)
quantities = st.sampled_from([Decimal("1"), Decimal("2"), Decimal("0.5"), Decimal("3"),
                              Decimal("12.25"), Decimal("1000")])
# 0 % is a VAT regime, not a rate (legal.vat-mention): the franchise documents draw it
vat_rates = st.sampled_from([Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20")])


@st.composite
def items(draw):
    item = {"description": draw(names), "quantity": draw(quantities),
            "unit_price": draw(money), "vat_rate": draw(vat_rates)}
    if draw(st.booleans()):
        item["unit"] = draw(st.sampled_from(["jour", "heure", "pièce", "m²"]))
    if draw(st.booleans()):
        item["discount"] = draw(st.sampled_from([Decimal("5"), Decimal("10"),
                                                 Decimal("12.5")]))
    return item


@st.composite
def schedules(draw):
    count = draw(st.integers(0, 4))
    if count == 0:
        return None
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1,
                                max_size=count - 1, unique=True)))
    bounds = [0, *cuts, 100]
    events = ["signature", "order", "partial_delivery", "final_delivery"]
    return [{"label": draw(names), "percent": bounds[i + 1] - bounds[i],
             "due": draw(st.sampled_from(events))} for i in range(count)]


@st.composite
def valid_documents(draw) -> dict:
    data = copy.deepcopy(MINIMAL)
    data["document"]["number"] = draw(st.from_regex(r"[A-Z]{1,3}-20[0-9]{2}-[0-9]{1,4}",
                                                    fullmatch=True))
    data["document"]["language"] = draw(st.sampled_from(["fr", "en"]))
    data["document"]["place"] = draw(names)
    data["provider"]["name"] = draw(names)
    data["client"]["name"] = draw(names)
    data["client"]["address"] = draw(names)
    if draw(st.booleans()):
        data["client"]["signatory"] = {"name": draw(names), "title": draw(names)}
    data["items"] = draw(st.lists(items(), min_size=1, max_size=5))
    data["payment"]["terms_days"] = draw(st.integers(0, 60))
    schedule = draw(schedules())
    # a 1 % tranche of a total under 1 € rounds to 0.00, which the rules rightly refuse:
    # such a document is not valid, so small totals keep the single default tranche
    net = sum(i["quantity"] * i["unit_price"] * (1 - Decimal(i.get("discount", 0)) / 100)
              for i in data["items"])
    if schedule and net >= 100:
        data["payment"]["schedule"] = schedule
    if draw(st.booleans()):  # a micro-entrepreneur: no VAT at all (CGI 293 B)
        data["provider"]["vat"] = "franchise"
        for item in data["items"]:
            item["vat_rate"] = Decimal(0)
    return data


@settings(max_examples=30, **SETTINGS)
@given(valid_documents())
def test_every_valid_document_builds(data):
    run = Run(dump(data))
    printed = text_of(run.docx())
    for name in (data["provider"]["name"], data["client"]["name"]):
        assert " ".join(name.split()) in " ".join(printed.split()), name


# --- strategies: invalid documents --------------------------------------------------

REQUIRED = [("document",), ("document", "type"), ("document", "number"), ("document", "date"),
            ("document", "place"), ("provider",), ("provider", "name"), ("client",),
            ("client", "name"), ("items",), ("items", 0, "unit_price"),
            ("items", 0, "vat_rate"), ("items", 0, "description")]
WRONG_VALUES = [
    (("document", "type"), "contrat"), (("document", "date"), "2026-02-30"),
    (("document", "date"), 20260302), (("document", "language"), "de"),
    (("document", "copies"), 0), (("document", "number"), " "),
    (("document", "number"), ["T", 1]), (("provider", "name"), {"a": 1}),
    (("provider", "name"), True), (("client", "kind"), "company"),
    (("items",), []), (("items",), "Prestation"), (("items", 0, "unit_price"), "1 200,50"),
    (("items", 0, "unit_price"), Decimal("-1")), (("items", 0, "quantity"), 0),
    (("items", 0, "vat_rate"), Decimal("120")), (("items", 0, "discount"), Decimal("100.5")),
    (("payment", "terms_days"), 75), (("payment", "terms_days"), -1),
    (("payment", "methods"), ["bitcoin"]), (("payment", "methods"), []),
    (("payment", "late_penalty_rate"), "légal"), (("payment", "advance_kind"), "caution"),
    (("payment", "schedule"), [{"label": "A", "percent": 60, "due": "signature"},
                               {"label": "B", "percent": 30, "due": "final_delivery"}]),
    (("payment", "schedule"), [{"label": "A", "percent": 100, "amount": Decimal("1.00"),
                                "due": "signature"}]),
    (("payment", "schedule"), [{"label": "A", "percent": 100, "due": "tomorrow"}]),
    (("clauses",), ["no_such_clause"]), (("clauses",), [{"params": {}}]),
    (("annexes",), [{"path": "../../etc/passwd", "title": "x"}]),
    (("library",), "/etc"),
]
FORBIDDEN_CHARS = ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\u202e", "\u2066", "\ufffe"]
TEXT_FIELDS = [("document", "place"), ("document", "number"), ("provider", "name"),
               ("provider", "address"), ("client", "name"), ("client", "address"),
               ("items", 0, "description")]


def _set(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(data, path):
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


@st.composite
def invalid_documents(draw) -> dict:
    data = draw(valid_documents())
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["missing", "wrong", "unknown", "control"]))
        try:
            if kind == "missing":
                _delete(data, draw(st.sampled_from(REQUIRED)))
            elif kind == "wrong":
                path, value = draw(st.sampled_from(WRONG_VALUES))
                _set(data, path, copy.deepcopy(value))
            elif kind == "unknown":
                section = draw(st.sampled_from([(), ("document",), ("provider",),
                                                ("items", 0), ("payment",)]))
                node = data
                for key in section:
                    node = node[key]
                node[draw(st.sampled_from(["colour", "numero", "unitprice", "vat"]))] = 1
            else:
                path = draw(st.sampled_from(TEXT_FIELDS))
                char = draw(st.sampled_from(FORBIDDEN_CHARS))
                _set(data, path, "ab" + char + "cd")
        except (KeyError, IndexError, TypeError):
            assume(False)   # an earlier mutation removed the parent: not a useful example
    return data


@settings(max_examples=60, **SETTINGS)
@given(invalid_documents())
def test_every_invalid_document_is_refused_with_located_errors(data):
    run = Run(dump(data))
    for error in run.located_errors():
        assert error["message"].strip(), error.group(0)


# --- arbitrary input: never a traceback ---------------------------------------------

def _never_a_traceback(text: bytes) -> None:
    run = Run(text, command="check")
    run.no_traceback()
    assert run.code in (0, 1), run.output
    if run.code == 1:
        assert any(m["severity"] == "error" for m in run.diagnostics()), run.output


@settings(max_examples=100, **SETTINGS)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(raw):
    _never_a_traceback(raw)


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.decimals(allow_nan=False, allow_infinity=False, places=3,
                                     min_value=-10**6, max_value=10**6),
                         st.text(max_size=20), st.dates())
yaml_trees = st.recursive(yaml_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.sampled_from(["document", "provider", "client", "items", "payment",
                                     "clauses", "type", "name", "number", "date", "place",
                                     "unit_price", "vat_rate", "schedule", "x"]),
                    children, max_size=5)), max_leaves=25)


@settings(max_examples=60, **SETTINGS)
@given(yaml_trees)
def test_arbitrary_yaml_structures_never_crash(tree):
    _never_a_traceback(dump(tree))


@settings(max_examples=80, **SETTINGS)
@given(st.lists(st.tuples(st.integers(0, len(MINIMAL_TEXT.encode()) - 1),
                          st.sampled_from(["delete", "insert", "replace"]),
                          st.sampled_from([b":", b"-", b" ", b"\n", b"{", b"[", b"]", b"&a",
                                           b"*a", b"!!", b"'", b'"', b"#", b"\t", b"|",
                                           b"\x00", b"\xff", b"\xc3", b"0", b"9" * 30])),
                min_size=1, max_size=4))
def test_mutated_client_files_never_crash(edits):
    raw = bytearray(MINIMAL_TEXT.encode())
    for position, action, chunk in edits:
        position %= max(len(raw), 1)
        if action == "delete":
            del raw[position:position + len(chunk)]
        elif action == "insert":
            raw[position:position] = chunk
        else:
            raw[position:position + len(chunk)] = chunk
    run = Run(bytes(raw), command="build")
    run.no_traceback()
    if run.code == 0:
        run.docx()
    else:
        run.located_errors()


def test_a_run_leaves_no_temporary_folder_behind():
    run = Run(MINIMAL_TEXT.encode("utf-8"))
    folder = run.dir
    assert run.code == 0 and folder.is_dir()
    del run
    import gc
    gc.collect()
    assert not folder.exists()
