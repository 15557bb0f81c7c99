"""Client files for the rule tests: a small valid B2B contract one block per section, the
consumer variants, and how to read a document's diagnostics through the real pipeline.
Shared by test_rules.py, test_consumer_rules.py and test_rates.py."""
from __future__ import annotations

import textwrap
from pathlib import Path

from contratgen.diagnostics import UserError
from contratgen.pipeline import Options, prepare

# --- a small valid B2B contract, one block per section ---------------------------------

DOCUMENT = """\
document:
  type: contract
  number: T-1
  date: 2026-03-02
  place: Paris
"""
PROVIDER = """\
provider:
  name: Atelier Dupont
  legal_form: SARL
  capital: 15000
  siren: "732829320"
  registry: RCS Paris
  trader: true
  address: 12 rue des Lilas, 75011 Paris
  signatory: {name: Jeanne Dupont, title: Gérante}
"""
CLIENT = """\
client:
  kind: business
  name: Boulangerie Martin
  legal_form: SAS
  siren: "552100554"
  trader: true
  address: 3 place du Marché, 69002 Lyon
  signatory: {name: Paul Martin, title: Président}
"""
CONSUMER = """\
client:
  kind: consumer
  name: Sophie Moreau
  address: 22 rue des Écoles, 44100 Nantes
"""
ITEMS = """\
items:
  - {description: Conception, quantity: 1, unit_price: 1000, vat_rate: 20}
"""
PAYMENT = """\
payment:
  terms_days: 30
  late_penalty_rate: legal_default
  recovery_indemnity: 40
  early_payment_discount: null
"""
CONSUMER_PAYMENT = """\
payment:
  terms_days: 0
  late_penalty_rate: legal_default
"""
CLAUSES = """\
clauses:
  - billing
"""


def client_yaml(document=DOCUMENT, provider=PROVIDER, client=CLIENT, items=ITEMS,
                payment=PAYMENT, clauses=CLAUSES, extra="") -> str:
    return "".join(textwrap.dedent(block) for block in
                   (document, provider, client, items, payment, clauses, extra))


# what a consumer is told before signing (legal.consumer-information, legal.mediator)
CONSUMER_PROVIDER = PROVIDER + """\
  phone: "+33 1 40 00 00 00"
  email: contact@dupont.example
  mediator: {name: CM2C, url: "https://www.cm2c.net"}
"""
PERFORMANCE = "  performance: {start: 2026-04-01, end: 2026-04-15}\n"


def consumer_yaml(context="on_premises", payment=CONSUMER_PAYMENT, document=DOCUMENT,
                  performance=PERFORMANCE, provider=CONSUMER_PROVIDER, **kw) -> str:
    document = document + f"  context: {context}\n" + performance
    return client_yaml(document=document, client=CONSUMER, payment=payment,
                       provider=provider, **kw)


def quote_doc(extra_lines: str) -> str:
    return DOCUMENT.replace("type: contract", "type: quote") + extra_lines


def diagnostics(tmp_path: Path, text: str, options: Options = Options()) -> list:
    """Every diagnostic of a document: the errors that stopped it, or its warnings."""
    path = tmp_path / "client.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        return list(prepare(path, options).diagnostics)
    except UserError as exc:
        return list(exc.diagnostics)


def of(diags: list, code: str) -> list:
    return [d for d in diags if d.code == code]


def position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of ``needle`` (plus ``offset`` characters) in ``text``."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def only(diags: list, code: str):
    found = of(diags, code)
    assert len(found) == 1, f"expected one [{code}], got: {[str(d) for d in diags]}"
    return found[0]


def at(d, text: str, needle: str, offset: int = 0) -> bool:
    return (d.line, d.col) == position(text, needle, offset)


# --- a clause library of the firm's own, layered over the shipped one -----------------

def own_clause(lib: Path, clause_id: str, category: str, params: str = "{}",
               conspicuous: bool = False, parties: str = "[business, consumer]") -> None:
    lib.mkdir(exist_ok=True)
    (lib / f"{clause_id}.yaml").write_text(textwrap.dedent(f"""\
        id: {clause_id}
        version: 1
        category: {category}
        title: {{fr: Titre, en: Title}}
        documents: [contract, quote]
        parties: {parties}
        conspicuous: {str(conspicuous).lower()}
        params: {params}
        text: {{fr: Texte., en: Text.}}
        """), encoding="utf-8")


LIBRARY = "library: lib\n"
