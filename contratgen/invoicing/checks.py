"""What must hold of ``invoicing.invoices`` before any invoice is made: located diagnostics.

Errors: a tranche that does not exist, a tranche invoiced twice, a number used twice (in
the file or in the batch), a final invoice before every advance, a VAT rate the
document's VAT regime forbids. Warning: an invoice dated before the one it follows.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..output import safe_name
from ..diagnostics import WARNING, Diagnostic
from ..load.model import ClientFile
from ..domain.money import Computed
from ..load.source import Source

CODE_TRANCHE = "invoice.tranche"
CODE_TWICE = "invoice.tranche-invoiced"
CODE_NUMBER = "invoice.number-duplicate"
CODE_ORDER = "invoice.date-order"
CODE_ADVANCES = "invoice.advances-missing"
CODE_VAT = "invoice.vat-regime"
CODE_NONE = "invoice.none"


def _at(source: Source, index: int, key: str, message: str, code: str,
        severity: str = "error") -> Diagnostic:
    return source.diagnostic(("invoicing", "invoices", index, key), message, code, severity)


def check_present(client: ClientFile, source: Source) -> list[Diagnostic]:
    """``contratgen invoice`` needs at least one invoice in the ledger."""
    if client.invoicing and client.invoicing.invoices:
        return []
    where = ("invoicing",) if client.invoicing else ()
    return [source.diagnostic(where, "no invoice to build: list them under "
                              "invoicing.invoices ({tranche, number, date})", CODE_NONE)]


def check_entries(client: ClientFile, computed: Computed, source: Source) -> list[Diagnostic]:
    """Every problem of the ledger's invoices, each at its YAML node (run by the rule
    legal.invoice-mentions, so ``check`` and ``build`` report them too)."""
    entries = client.invoicing.invoices if client.invoicing else []
    if not entries:
        return []
    count = len(computed.tranches)
    found: list[Diagnostic] = []
    seen_tranche: dict[int, int] = {}
    seen_number: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry.tranche is None:   # a situation: legal.progress-invoices checks it
            pass
        elif entry.tranche > count:
            found.append(_at(source, i, "tranche", f"tranche {entry.tranche} does not exist: "
                             f"the schedule has {count} tranche{'s' * (count > 1)}",
                             CODE_TRANCHE))
        elif entry.tranche in seen_tranche:
            first = entries[seen_tranche[entry.tranche]].number
            found.append(_at(source, i, "tranche", f"tranche {entry.tranche} is already "
                             f"invoiced by {first}", CODE_TWICE))
        else:
            seen_tranche[entry.tranche] = i
        key = safe_name(entry.number)
        if key in seen_number:
            found.append(_at(source, i, "number", _twice(entry.number,
                                                         entries[seen_number[key]].number),
                             CODE_NUMBER))
        seen_number.setdefault(key, i)
        if i and entry.date < entries[i - 1].date:
            found.append(_at(source, i, "date", f"invoice {entry.number} is dated "
                             f"{entry.date.isoformat()}, before {entries[i - 1].number} "
                             f"({entries[i - 1].date.isoformat()}) that precedes it in the "
                             "sequence", CODE_ORDER, WARNING))
    found.extend(_final_after_advances(entries, count, source))
    found.extend(_vat_rates(client, source))
    from .credit import check_credit_notes
    found.extend(check_credit_notes(client, source))
    return found


def _twice(number: str, other: str) -> str:
    if number == other:
        return f"invoice number {number} is used twice: an invoice number is unique"
    return (f"invoice numbers {other} and {number} would both be written to "
            f"{safe_name(number)}.pdf: make them differ in letters or digits")


def _final_after_advances(entries, count: int, source: Source) -> Iterable[Diagnostic]:
    for i, entry in enumerate(entries):
        if entry.tranche != count:
            continue
        before = {e.tranche for e in entries[:i]}
        missing = [str(t) for t in range(1, count) if t not in before]
        if missing:
            yield _at(source, i, "tranche", f"the final invoice {entry.number} deducts every "
                      f"advance: tranche{'s' * (len(missing) > 1)} {', '.join(missing)} must "
                      "be invoiced before it", CODE_ADVANCES)


def _vat_rates(client: ClientFile, source: Source) -> Iterable[Diagnostic]:
    """Franchise, reverse charge and exemption invoice no VAT: every rate must be 0;
    a standard invoice has no line without VAT (it would need a reason)."""
    regime = "franchise" if client.provider.vat == "franchise" else \
        (client.vat.regime if client.vat else None)
    for i, item in enumerate(client.items):
        if regime and item.vat_rate != 0:
            yield source.diagnostic(("items", i, "vat_rate"), f"a {regime.replace('_', ' ')} "
                                    f"invoice carries no VAT: the rate must be 0, not "
                                    f"{item.vat_rate.normalize():f}", CODE_VAT)
        elif regime is None and item.vat_rate == 0:
            yield source.diagnostic(("items", i, "vat_rate"), "a line at 0 % VAT needs its "
                                    "reason: set vat: {regime: exempt, ground: ...} or "
                                    "provider.vat: franchise", CODE_VAT)


def check_batch_numbers(numbers: Mapping[str, str], client: ClientFile,
                        source: Source) -> list[Diagnostic]:
    """An invoice number already built from another file of the same run (``numbers``:
    the output name of each invoice built, see :func:`contratgen.output.safe_name`)."""
    found = []
    for i, entry in enumerate(client.invoicing.invoices if client.invoicing else []):
        other = numbers.get(safe_name(entry.number))
        if other is not None:
            found.append(_at(source, i, "number", f"invoice number {entry.number} is also an "
                             f"invoice of {other}: numbers are unique across a batch",
                             CODE_NUMBER))
    return found
