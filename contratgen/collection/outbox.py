"""The plan carried out: each letter due written (DOCX, PDF) through the pipeline of
``remind``, and with ``send`` e-mailed and recorded under ``invoicing.sent``.

One letter at a time: written, sent, recorded (``edit.append_entry``: atomic, comments
kept, checked) before the next is sent, so a crash or a second run never sends a step
twice. Before each send the client file is read again: a step another run recorded in
between is not sent. Everything a send needs (each e-mail address) is checked before the
first message goes. Tells a ``report`` callable as it goes; the CLI prints.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..diagnostics import Diagnostic, UserError
from ..document import Options
from ..edit import append_entry
from ..load.model import parse_client
from ..load.source import load_file
from .ladder import Action, Plan, sent_levels
from .letter_doc import letter_files
from .letters import Letter, letter_figures, prepare_letter
from .mail import Mail, Mailer, build_message, message_id
from .policy import render_text
from ..domain import formatting as fmt


@dataclass(frozen=True)
class Done:
    """One step carried out."""
    action: Action
    written: tuple[Path, ...]
    emailed: bool = False
    recorded: bool = False
    message_id: Optional[str] = None
    skipped: Optional[str] = None        # why nothing was sent after all
    diagnostics: tuple[Diagnostic, ...] = ()


def preflight(plan: Plan, send: bool) -> list[Diagnostic]:
    """Every problem that would stop a send halfway: an e-mail step for a client without an
    e-mail, a provider without one to send from. Located, all at once."""
    if not send:
        return []
    found, seen = [], set()
    for action in plan.due:
        if not action.emailed:
            continue
        source = load_file(action.path, action.file)
        client = parse_client(source)
        if not client.client.email and (action.file, "client") not in seen:
            seen.add((action.file, "client"))
            found.append(source.diagnostic(("client",), f"invoice {action.number}: the "
                         f"{action.level} goes by e-mail and client.email is not set",
                         "collect.email"))
        if not client.provider.email and (action.file, "provider") not in seen:
            seen.add((action.file, "provider"))
            found.append(source.diagnostic(("provider",), "provider.email is not set: the "
                         "e-mails are sent from it", "collect.email"))
    return found


def mail_values(letter: Letter) -> dict[str, str]:
    """The placeholders of the policy's texts, in the letter's language."""
    lang = letter.prepared.lang
    money = {k: fmt.money(v, lang) for k, v in letter_figures(letter).items()}
    day = lambda d: fmt.date(d, lang)  # noqa: E731
    client = letter.prepared.client
    return {"today": day(letter.on), "invoice": letter.number,
            "invoice_date": day(letter.row.invoice.date), "due": day(letter.row.due),
            "days_late": str(letter.row.standing.days_late), "deadline": day(letter.deadline),
            "contract": client.document.number, "provider": client.provider.name,
            "client": client.client.name, **money}


def mail_of(letter: Letter, action: Action, files: dict[str, bytes]) -> Mail:
    client, lang, step = letter.prepared.client, letter.prepared.lang, action.step
    values = mail_values(letter)
    ext = "pdf" if "pdf" in files else "docx"
    sender = client.provider.email
    return Mail(client.provider.name, sender, client.client.name, client.client.email,
                render_text(getattr(step.subject, lang), values),
                render_text(getattr(step.body, lang), values), letter.on,
                message_id(client.provider.name, client.document.number, letter.number,
                           step.level, sender),
                f"{letter.stem}.{ext}", files[ext], lang)


def prepared_letters(plan: Plan, formats: Sequence[str], options: Options,
                     converter=None) -> list[tuple[Action, Letter, dict[str, bytes]]]:
    """Every letter of the plan, rendered; :class:`UserError` with the problems of all of
    them at once (nothing is written or sent then)."""
    ready, problems = [], []
    for action in plan.due:
        try:
            letter = prepare_letter(action.path, action.number, action.level, plan.on,
                                    options, action.step.deadline_days,
                                    "lre" if action.channel == "lre" else "registered-post")
            ready.append((action, letter, letter_files(letter, formats, converter, options)))
        except UserError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise UserError(problems)
    return ready


def carry_out(plan: Plan, out_dir: Path, formats: Sequence[str], options: Options,
              converter=None, mailer: Optional[Mailer] = None,
              report: Callable[[Done], None] = lambda done: None) -> list[Done]:
    """Write every letter of the plan; with a ``mailer``, send and record each. Raises
    :class:`UserError` before anything is written or sent when a letter or a send cannot
    be made, and :class:`~contratgen.diagnostics.ExternalError` when the server fails (the
    steps before it are sent and recorded)."""
    from ..output import safe_name, write_files
    problems = preflight(plan, mailer is not None)
    if problems:
        raise UserError(problems)
    done = []
    for action, letter, files in prepared_letters(plan, formats, options, converter):
        if mailer is not None and _recorded_since(action, plan.on):
            done.append(Done(action, (), skipped="recorded by another run"))
            report(done[-1])
            continue
        written = tuple(write_files({Path(out_dir) / f"{safe_name(letter.stem)}.{ext}": data
                                     for ext, data in files.items()}))
        if mailer is None:
            done.append(Done(action, written, diagnostics=letter.diagnostics))
            report(done[-1])
            continue
        ident = None
        if action.emailed:
            mail = mail_of(letter, action, files)
            mailer.send(build_message(mail))
            ident = mail.message_id
        append_entry(action.path, ("invoicing", "sent"),
                     {"invoice": action.number, "level": action.level,
                      "date": plan.on, "channel": action.channel})
        done.append(Done(action, written, action.emailed, True, ident,
                         diagnostics=letter.diagnostics))
        report(done[-1])
    return done


def _recorded_since(action: Action, on: datetime.date) -> bool:
    """The step (or a later one) is in the file now, written since the plan was made."""
    from .policy import LADDER
    client = parse_client(load_file(action.path, action.file))
    later = set(LADDER[LADDER.index(action.level):])
    return bool(sent_levels(client, action.number, on) & later)
