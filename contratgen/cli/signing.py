"""``contratgen sign`` and ``contratgen accept``: a PAdES signature in a field of a
contratgen PDF, and the client's signature recorded as the acceptance of the deal.

The PKCS#12 passphrase comes from CONTRATGEN_P12_PASSWORD or a prompt, never from an
argument (it would show in the shell history and the process list).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import print_diagnostics

PASSPHRASE_ENV = "CONTRATGEN_P12_PASSWORD"


def _passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value.encode("utf-8") or None
    if not sys.stdin.isatty():
        raise click.UsageError(f"the PKCS#12 passphrase: set {PASSPHRASE_ENV} (or run in a "
                               "terminal to be asked)")
    return click.prompt("PKCS#12 passphrase", hide_input=True, default="",
                        show_default=False).encode("utf-8") or None


def _trusted(paths) -> tuple[bytes, ...]:
    return tuple(Path(p).read_bytes() for p in paths)


trust_option = click.option(
    "--trust", "trust", multiple=True, type=click.Path(exists=True, dir_okay=False),
    help="A PEM file of certificates trusted besides the system's (repeatable).")


@click.command("sign")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False))
@click.option("--p12", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The signer's certificate and key (PKCS#12: .p12 / .pfx).")
@click.option("--field", default="provider_signature", show_default=True,
              help="The signature field: provider_signature or client_signature.")
@click.option("--tsa", "tsa_url", metavar="URL",
              help="An RFC 3161 time-stamp authority: a PAdES B-T signature.")
@click.option("--long-term", is_flag=True,
              help="Embed the validation data (certificates, revocation): PAdES B-LT.")
@click.option("--reason", default=None,
              help="The reason stated in the signature (client: \"Bon pour accord\").")
@click.option("--location", default=None, help="Where the signer signs (e.g. Lyon).")
@trust_option
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="The signed PDF.")
def sign(pdf, p12, field, tsa_url, long_term, reason, location, trust, out):
    """Sign PDF in FIELD with the certificate of P12 (PAdES), writing OUT."""
    from ..output import write_atomic
    from ..signing.seal import Request, load_signer, sign_pdf
    from ..signing.trust import read_pdf
    signer = load_signer(read_pdf(p12, "PKCS#12 file"), _passphrase(), p12)
    if reason is None:
        reason = "Bon pour accord" if field == "client_signature" else None
    request = Request(field=field, reason=reason, location=location, tsa_url=tsa_url,
                      long_term=long_term, trust=_trusted(trust))
    signed = sign_pdf(read_pdf(pdf), signer, request, name=pdf)
    write_atomic(Path(out), signed)
    click.echo(f"signed {field} of {pdf} → {out}")


@click.command("accept")
@click.argument("signed", type=click.Path(exists=True, dir_okay=False))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--place", default=None, help="Where the client signed (asked when omitted).")
@trust_option
def accept(signed, file, place, trust):
    """Check the client's signature of SIGNED, the document FILE builds, and record
    document.accepted (date of the signature in Europe/Paris, place) in FILE."""
    from ..signing.accept import accept as record
    if not place:
        if not sys.stdin.isatty():
            raise click.UsageError("where did the client sign? give --place")
        place = click.prompt("Place of the client's signature")
    done = record(Path(signed), Path(file), place, _trusted(trust))
    print_diagnostics(done.warnings)
    click.echo(f"accepted on {done.date} at {done.place} by {done.signature.signer}: "
               f"document.accepted recorded in {file}")
