"""``contratgen preview FILE``: a live page of the document on
http://127.0.0.1:PORT/?token=… (the token, new for each run, is required on every request).

The command builds FILE, serves its pages, figures and diagnostics on the loopback
address only, to the holder of the printed URL, rebuilds on every save of FILE, of the clause library or of the template,
and stops cleanly on Ctrl-C or SIGTERM (server, watcher and LibreOffice worker closed,
temporary folders removed). Exit 0 when stopped; 3 when the port cannot be bound.
"""
from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from .options import document_options, options_from
from .errors import print_diagnostics

DEFAULT_PORT = 8765


def _report(name: str):
    def report(snapshot) -> None:
        print_diagnostics(snapshot.diagnostics)
        if snapshot.failure:
            click.echo(f"contratgen: {snapshot.failure}", err=True)
        state = "ok" if snapshot.ok else "failed (the page keeps the last good pages)"
        click.echo(f"{snapshot.built_at} {name}: {state}, {len(snapshot.pages)} "
                   f"page{'s' * (len(snapshot.pages) != 1)}", err=True)
    return report


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _converter():
    from ..pdf.workers import ConverterMissing
    from ..serve.client import converter_for_cli
    try:
        return converter_for_cli(workers=1), ""
    except ConverterMissing as exc:
        return None, f"pages not shown: {exc}"


@click.command("preview")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="The port on 127.0.0.1 (0: any free port).")
@document_options("A folder with quote.docx and contract.docx to use instead.")
def preview_command(file, port, library, templates, strict, allow_outside_paths):
    """Show FILE's pages, totals and diagnostics on a local page that follows your edits.

    The page is served on 127.0.0.1 only, to whoever has the URL it prints (its token is
    required on every request); stop with Ctrl-C."""
    from ..preview import PreviewSession
    options = options_from(library, templates, strict, allow_outside_paths)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    converter, missing = _converter()
    session = PreviewSession(Path(file), options, port, converter, _report(file), missing)
    try:
        try:
            url = session.start()
        except OSError as exc:
            from .errors import Unavailable
            raise Unavailable(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} "
                              "(try another --port)") from None
        click.echo(f"preview of {file} at {url} (Ctrl-C to stop)", err=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        # a second Ctrl-C while stopping must not leave LibreOffice running
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            session.stop()
        finally:
            signal.signal(signal.SIGINT, interrupt)
            signal.signal(signal.SIGTERM, previous)
    click.echo("preview stopped", err=True)
