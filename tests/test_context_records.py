"""The template context is built from records that also write docs/TEMPLATES.md: the
committed page is the generated one, every name a shipped template uses is documented, and
every context a document kind really builds has exactly the documented fields and types.
"""
import dataclasses
import datetime
from pathlib import Path
from typing import Any, Mapping, get_args, get_origin, get_type_hints

import pytest
from jinja2 import nodes

from conftest import FIXTURES, ROOT, SAMPLES
from contratgen.pipeline import Options, prepare
from contratgen.render import context_doc, template_lint
from contratgen.render.clauses import document_context
from contratgen.render.context import CONTEXT_NAMES, build_context
from contratgen.render.context_kinds import KIND_RECORDS, Agreement, Invoice, Letter, \
    context_names
from contratgen.render.context_records import Context, Slots, names_of
from contratgen.render.docx import SHIPPED_TEMPLATES, parse_template_source, \
    prepare_template

DOC = ROOT / "docs" / "TEMPLATES.md"
INPUTS = sorted(SAMPLES.glob("*.yaml")) + sorted((SAMPLES / "batch").glob("*.yaml"))


def test_the_committed_templates_md_is_the_generated_one():
    text = DOC.read_text("utf-8")
    assert context_doc.rewritten(text) == text, \
        "docs/TEMPLATES.md is stale: run python -m contratgen.render.context_doc"


def test_the_generator_rewrites_only_between_the_markers(tmp_path):
    page = tmp_path / "T.md"
    page.write_text(f"before\n{context_doc.BEGIN}\nOBSOLETE TEXT\n{context_doc.END}\nafter\n", "utf-8")
    assert context_doc.main([str(page), "--check"]) == 1
    assert context_doc.main([str(page)]) == 0
    text = page.read_text("utf-8")
    assert text.startswith("before\n") and text.endswith("\nafter\n") and "OBSOLETE" not in text
    assert "| `document.number` | text |" in text
    assert "### each of `invoice.taxes`, `invoice.vat_invoiced`, `invoice.vat_remaining`" \
        in text
    assert context_doc.main([str(page), "--check"]) == 0


def test_the_names_templates_may_use_come_from_the_records():
    assert CONTEXT_NAMES == set(names_of(Context)) | set(names_of(Slots))
    assert "articles" in CONTEXT_NAMES and "invoice" not in CONTEXT_NAMES
    assert context_names("invoice") == CONTEXT_NAMES | {"invoice"}
    assert context_names("letter") == CONTEXT_NAMES | {"letter", "body"}


@pytest.mark.parametrize("kind", ["contract", "quote", "invoice", "letter",
                                  "installment_agreement"])
def test_the_template_linter_accepts_the_documented_names(kind):
    # the linter's per-kind names are the records' (template_lint keeps its own list)
    assert template_lint._context_of(kind)[0] == context_names(kind)


# --- every attribute a shipped template reads is documented ------------------------------

def _chain(node) -> list[str] | None:
    parts = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    return [node.name, *reversed(parts)] if isinstance(node, nodes.Name) else None


def _used(node, scope: dict[str, str], found: set[str]) -> None:
    """Dotted paths read by ``node``, loop variables replaced by ``list[]``."""
    if isinstance(node, nodes.For):
        _used(node.iter, scope, found)
        iterated = _chain(node.iter)
        inner = dict(scope)
        if iterated and isinstance(node.target, nodes.Name):
            head = scope.get(iterated[0], iterated[0])
            inner[node.target.name] = ".".join([head, *iterated[1:]]) + "[]"
        for child in node.body + node.else_:
            _used(child, inner, found)
        return
    if isinstance(node, nodes.Getattr):
        chain = _chain(node)
        if chain and chain[0] not in ("loop", "labels"):
            found.add(".".join([scope.get(chain[0], chain[0]), *chain[1:]]))
            return
    for child in node.iter_child_nodes():
        _used(child, scope, found)


@pytest.mark.parametrize("path", sorted(Path(SHIPPED_TEMPLATES).glob("*.docx")),
                         ids=lambda p: p.name)
def test_every_name_a_shipped_template_reads_is_documented(path):
    kind = template_lint.kind_of(path)
    found: set[str] = set()
    for source in prepare_template(path).sources.values():
        _used(parse_template_source(source), {}, found)
    assert found, "the walk found nothing: it cannot fail"
    assert found - context_doc.documented_paths(kind) == set()


# --- the contexts really built have the records' fields and types ------------------------

def _conforms(value: Any, hint: Any, where: str) -> None:
    args = get_args(hint)
    if get_origin(hint) is not tuple and type(None) in args:   # Optional[X]
        if value is None:
            return
        hint = next(a for a in args if a is not type(None))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        assert isinstance(value, dict), where
        hints = get_type_hints(hint)
        assert set(value) == set(hints), f"{where}: {set(value) ^ set(hints)}"
        for name, inner in hints.items():
            _conforms(value[name], inner, f"{where}.{name}")
    elif get_origin(hint) is tuple:
        assert isinstance(value, list), where
        for element in value:
            _conforms(element, args[0], f"{where}[]")
    elif get_origin(hint) is not None and issubclass(get_origin(hint), Mapping):
        assert isinstance(value, Mapping), where
    else:
        assert isinstance(value, hint), f"{where}: {value!r} is not {hint}"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_a_document_context_is_what_the_records_document(path):
    prepared = prepare(path)
    context = document_context(prepared)
    _conforms(context, Context, "context")
    assert list(context) == list(names_of(Context))
    if prepared.client.document.type == "installment_agreement":
        from contratgen.collection.agreement import agreement_context
        _conforms(agreement_context(prepared.client), Agreement, "agreement")


def test_the_context_lists_are_lists_and_the_clauses_their_rows():
    prepared = prepare(SAMPLES / "contract-b2b.yaml")
    context = document_context(prepared)
    assert type(context["schedule"]) is list and type(context["payment"]["methods"]) is list
    assert [c["id"] for c in context["clauses"]] == [s.clause.id for s in prepared.clauses]
    with pytest.raises(TypeError):   # a clause row with a name the records do not document
        build_context(prepared.client, prepared.computed, prepared.rates, [{"x": 1}])


def test_an_invoice_context_is_what_the_records_document():
    from contratgen.invoicing.document import invoice_context
    from contratgen.invoicing.pipeline import prepare_invoices
    for path in (SAMPLES / "contract-b2b-invoiced.yaml",
                 FIXTURES / "invoicing" / "franchise.yaml"):
        deal = prepare_invoices(path)
        for invoice in deal.invoices:
            _conforms(invoice_context(deal.prepared, invoice)["invoice"], Invoice, "invoice")


@pytest.mark.parametrize("level", ["reminder", "second-reminder", "formal-notice"])
def test_a_letter_context_is_what_the_records_document(level):
    from contratgen.collection.letters import letter_context, prepare_letter
    from contratgen.collection.samples import sample_letter
    letter = prepare_letter(SAMPLES / "contract-b2b-late.yaml", "FA-2026-0131", level,
                            datetime.date(2026, 6, 30), Options())
    _conforms(letter_context(letter)["letter"], Letter, "letter")
    for full in (True, False):   # what `contratgen lint` renders letter clauses against
        _conforms(sample_letter("fr", True, full), Letter, "sample letter")


def test_every_kind_the_linter_knows_has_its_records():
    assert set(KIND_RECORDS) == {"invoice", "letter", "installment_agreement"}


