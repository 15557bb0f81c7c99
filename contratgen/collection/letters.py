"""The letters of ``contratgen remind``: a reminder, a second reminder, a formal notice
(mise en demeure) for one invoice of a contract or quote, on a date.

prepare the deal as ``build`` does → its dues on the date (:func:`contratgen.dues.dues_of`,
the figures of ``dues --json``) → checks (unknown, paid, not yet due) → the letter's
context → its body, a clause of the library (``documents: [letter]``).
Returns values; the CLI prints.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from ..domain import formatting as fmt
from ..pipeline import Options, prepare
from ..document import Prepared
from ..render.context import build_context
from ..diagnostics import ERROR, WARNING, Diagnostic, UserError
from ..dues import DocumentDues, TrancheDue, dues_of
from . import collection_labels

LEVELS = ("courtesy", "reminder", "second-reminder", "formal-notice", "injunction",
          "small-claims")
AFTER_NOTICE = ("injunction", "small-claims")   # the requests that follow a formal notice
SMALL_CLAIMS_LIMIT = Decimal("5000.00")         # principal and interest (CPCE L125-1, R125-1)
DEFAULT_DEADLINE_DAYS = 8


def clause_id(level: str) -> str:
    """The clause of the library that holds the body of a letter of ``level``."""
    return level.replace("-", "_")


@dataclass(frozen=True)
class Letter:
    """One letter, ready to render."""
    prepared: Prepared          # the contract or quote it is about
    level: str
    on: datetime.date
    row: TrancheDue             # the invoice's standing on ``on`` (as ``dues`` computes it)
    dues: DocumentDues
    deadline: datetime.date
    diagnostics: tuple[Diagnostic, ...]
    channel: str = "registered-post"    # a formal notice: by LRAR, or "lre"

    @property
    def number(self) -> str:
        return self.row.invoice.number

    @property
    def stem(self) -> str:
        return f"{self.number}-{self.level}"


def _invoice_where(prepared: Prepared) -> tuple:
    return ("invoicing", "invoices") if prepared.client.invoicing else ("document",)


def _find_row(prepared: Prepared, dues: DocumentDues, number: str) -> TrancheDue:
    rows = [r for r in dues.rows if r.invoice is not None and r.invoice.number == number]
    if rows:
        return rows[0]
    known = ", ".join(r.invoice.number for r in dues.rows if r.invoice) or "none"
    raise UserError([prepared.source.diagnostic(
        _invoice_where(prepared), f"no invoice {number} in invoicing.invoices (known: "
        f"{known})", "remind.invoice")])


def _checks(prepared: Prepared, row: TrancheDue, level: str,
            on: datetime.date) -> list[Diagnostic]:
    """Refuse a letter for a paid invoice, and a formal notice before the due date; say
    when a notice was already sent."""
    client, source = prepared.client, prepared.source
    index = client.invoicing.invoices.index(row.invoice)
    where = ("invoicing", "invoices", index, "number")
    s, number, found = row.standing, row.invoice.number, []
    if s.outstanding <= 0:
        found.append(source.diagnostic(where, f"invoice {number} is fully paid on "
                                       f"{on.isoformat()}: there is nothing to claim",
                                       "remind.paid"))
    elif s.days_late <= 0 and level != "courtesy":
        severity = ERROR if level in ("formal-notice", *AFTER_NOTICE) else WARNING
        found.append(source.diagnostic(where, f"invoice {number} is not yet due on "
                                       f"{on.isoformat()} (due {s.due.isoformat()}): "
                                       + ("a formal notice needs a debt that is due (C. civ. "
                                          "1344)" if severity == ERROR else
                                          "a reminder before the due date"),
                                       "remind.not-due", severity))
    if level in AFTER_NOTICE:
        return found + _after_notice(prepared, row, level, on, where)
    sent = [n for n in row.notices if n < on]   # one dated ``on`` is this letter
    if sent:
        found.append(source.diagnostic(where, f"a formal notice for invoice {number} was "
                                       f"already sent on {sent[-1].isoformat()}",
                                       "remind.notice-sent", WARNING))
    return found


def notices_sent(prepared: Prepared, number: str, on: datetime.date) -> list[datetime.date]:
    """The formal notices sent for invoice ``number`` up to ``on``: ``invoicing.notices``
    and the formal notices of ``invoicing.sent``, in date order."""
    ledger = prepared.client.invoicing
    if ledger is None:
        return []
    days = [n.date for n in ledger.notices if n.invoice == number and n.date <= on]
    days += [s.date for s in ledger.sent if s.invoice == number and s.date <= on
             and s.level == "formal-notice"]
    return sorted(set(days))


def _after_notice(prepared: Prepared, row: TrancheDue, level: str, on: datetime.date,
                  where: tuple) -> list[Diagnostic]:
    """An injonction de payer or a small-claims request comes after a formal notice (the
    amicable attempt, CPC 750-1); the small-claims procedure is for 5 000 € or less in
    principal and interest (CPCE L125-1, R125-1)."""
    source, number, s, found = prepared.source, row.invoice.number, row.standing, []
    notices = notices_sent(prepared, number, on)
    if not notices:
        found.append(source.diagnostic(where, f"no formal notice was sent for invoice "
                     f"{number} (invoicing.notices, or invoicing.sent with level "
                     f"formal-notice): the {level} request follows one (CPC 750-1)",
                     "remind.no-formal-notice"))
    elif (on - notices[-1]).days < DEFAULT_DEADLINE_DAYS:
        found.append(source.diagnostic(where, f"the formal notice of "
                     f"{notices[-1].isoformat()} gave {DEFAULT_DEADLINE_DAYS} days to pay: "
                     "they have not run out", "remind.notice-deadline", WARNING))
    if level == "small-claims" and s.outstanding + s.interest > SMALL_CLAIMS_LIMIT:
        found.append(source.diagnostic(where, f"invoice {number}: "
                     f"{s.outstanding + s.interest:.2f} in principal and interest exceeds "
                     f"the {SMALL_CLAIMS_LIMIT:.2f} of the small-claims procedure (CPCE "
                     "L125-1, R125-1): use --level injunction", "remind.small-claims-limit"))
    return found


def prepare_letter(path: Path, number: str, level: str, on: datetime.date,
                   options: Options = Options(),
                   deadline_days: int = DEFAULT_DEADLINE_DAYS,
                   channel: str = "registered-post") -> Letter:
    """The letter of ``level`` for invoice ``number`` of the deal at ``path`` on ``on``;
    raises :class:`UserError` with every located problem."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    prepared = prepare(Path(path), options)
    if prepared.client.document.type == "installment_agreement":
        raise UserError([prepared.source.diagnostic(("document", "type"), "remind writes "
                        "letters for the invoices of a contract or a quote",
                        "remind.type")])
    dues = dues_of(Path(path), on, options.rates, prepared.source.file)
    row = _find_row(prepared, dues, number)
    found = _checks(prepared, row, level, on)
    if options.strict:
        found = [Diagnostic(d.file, d.line, d.col, ERROR, d.message + " (--strict)", d.code)
                 if d.severity == WARNING else d for d in found]
    if any(d.severity == ERROR for d in found):
        raise UserError(found)
    deadline = on + datetime.timedelta(days=deadline_days)
    return Letter(prepared, level, on, row, dues, deadline,
                  prepared.diagnostics + dues.diagnostics + tuple(found), channel)


# --- the context ---------------------------------------------------------------------------

def _resolutory(prepared: Prepared) -> Optional[dict[str, Any]]:
    """The contract's resolutory clause, named with its article number (C. civ. 1225)."""
    for selected in prepared.clauses:
        if selected.clause.spec.category == "resolutory":
            return {"number": selected.number,
                    "title": getattr(selected.clause.spec.title, prepared.lang),
                    "notice_days": selected.params.get("notice_days")}
    return None


def letter_figures(letter: Letter) -> dict[str, Decimal]:
    """The amounts the letter states, exactly those of ``dues --json`` for the invoice."""
    s = letter.row.standing
    return {"amount": s.amount, "paid": s.paid, "outstanding": s.outstanding,
            "interest": s.interest, "indemnity": s.indemnity, "claimable": s.claimable}


def letter_context(letter: Letter) -> dict[str, Any]:
    """What the letter template and the body clause see: the deal's context with
    ``letter`` (level, dates, the invoice, the amounts, the deadline…) and the labels."""
    prepared, lang = letter.prepared, letter.prepared.lang
    clauses = [{"number": s.number, "id": s.clause.id, "version": s.clause.spec.version,
                "title": getattr(s.clause.spec.title, lang), "conspicuous": False,
                "hash": ""} for s in prepared.clauses]
    context = build_context(prepared.client, prepared.computed, prepared.rates, clauses)
    words = collection_labels(lang)
    if letter.channel == "lre":   # registered e-mail (C. postes et comm. électr. L100)
        words = {**words, "letter_registered": words["letter_registered_lre"]}
    if letter.level in AFTER_NOTICE:   # a request: the creditor asks, about the debtor
        words = {**words, "letter_creditor": words["request_creditor"],
                 "letter_debtor": words["request_debtor"]}
    context["labels"] = words
    row, s = letter.row, letter.row.standing
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    date = lambda d: fmt.date(d, lang) if d else None  # noqa: E731
    amounts = {name: money(value) for name, value in letter_figures(letter).items()}
    sent = [n for n in row.notices if n < letter.on]
    context["letter"] = {
        "level": letter.level, "is_reminder": letter.level == "reminder",
        "is_second_reminder": letter.level == "second-reminder",
        "is_formal_notice": letter.level == "formal-notice",
        "title": words[f"title_{clause_id(letter.level)}"],
        "date": date(letter.on), "date_value": letter.on,
        "place": prepared.client.document.place,
        "business": letter.dues.business,
        "invoice": {"number": row.invoice.number, "date": date(row.invoice.date),
                    "due": date(row.due), "tranche": row.tranche.label,
                    "days_late": s.days_late, "interest_from": date(s.interest_from),
                    **amounts},
        "has_interest": s.interest > 0, "has_indemnity": s.indemnity > 0,
        "has_paid": s.paid > 0,
        "deadline_days": (letter.deadline - letter.on).days,
        "deadline": date(letter.deadline),
        "resolutory": _resolutory(prepared),
        "previous_notice": date(sent[-1]) if sent else None,
        "contract": prepared.client.document.number,
        "contract_date": date(prepared.client.document.date),
        "contract_is_quote": prepared.client.document.type == "quote",
        **_request_context(letter, words, date),
    }
    return context


def _request_context(letter: Letter, words: dict, date) -> dict[str, Any]:
    """What the courtesy reminder and the two requests after a formal notice add: the
    reminders sent before the notice (dates and channels), the last formal notice, whether
    both parties are traders (the commercial court hears the injonction de payer, CPC
    1406)."""
    client = letter.prepared.client
    ledger, number = client.invoicing, letter.number
    reminders = [{"title": words[f"title_{clause_id(s.level)}"], "date": date(s.date),
                "channel": words[f"channel_{s.channel.replace('-', '_')}"]}
               for s in (ledger.sent if ledger else ()) if s.invoice == number
               and s.date <= letter.on and s.level != "formal-notice"]
    notices = notices_sent(letter.prepared, number, letter.on)
    return {"is_courtesy": letter.level == "courtesy",
            "is_injunction": letter.level == "injunction",
            "is_small_claims": letter.level == "small-claims",
            "is_request": letter.level in AFTER_NOTICE,
            "reminders": reminders,
            "notice_date": date(notices[-1]) if notices else None,
            "commercial": bool(client.provider.trader and client.client.kind == "business"
                               and client.client.trader)}
