"""``contratgen serve``: keep LibreOffice warm between commands (docs/SERVE.md)."""
from __future__ import annotations

import time

import click

from .errors import Failed, Unavailable

STOP_WAIT = 300.0   # seconds --stop waits for the conversions in flight to end


@click.command("serve")
@click.option("--idle", default=900.0, show_default=True, type=click.FloatRange(min=0.1),
              metavar="SECONDS", help="Stop after this long without a request.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="LibreOffice workers per kind of PDF (plain, PDF/A).")
@click.option("--stop", "stop", is_flag=True, help="Stop the running server and exit.")
@click.option("--status", "status", is_flag=True, help="Describe the running server and exit.")
def serve_command(idle, workers, stop, status):
    """Keep LibreOffice workers warm for the builds that follow, on a Unix socket under
    $XDG_RUNTIME_DIR (else /tmp/contratgen-$UID); stops after --idle seconds without a
    request, on Ctrl-C, SIGTERM or --stop. Builds use it when it runs
    (CONTRATGEN_SERVE=off: never). Exit 0 if a server is running already."""
    from ..serve.place import runtime_place
    place = runtime_place()
    if stop and status:
        raise click.UsageError("--stop and --status exclude each other")
    if status:
        return _status(place)
    if stop:
        return _stop(place)
    _serve(place, idle, workers)


def _serve(place, idle, workers) -> None:
    from ..pdf.workers import ConverterMissing
    from ..serve.client import ping
    from ..serve.place import UnsafeFolder
    from ..serve.server import AlreadyRunning, Server
    server = Server(place, idle=idle, workers=workers, on_event=_event)
    try:
        server.start()
    except AlreadyRunning:
        answer = ping(place)
        pid = f" (pid {answer['pid']})" if answer else ""
        click.echo(f"contratgen serve: already running{pid} on {place.socket}", err=True)
        return
    except UnsafeFolder as exc:
        raise Unavailable(f"refusing to serve: {exc}") from None
    except ConverterMissing as exc:
        raise Unavailable(str(exc)) from None
    except OSError as exc:
        raise Unavailable(f"cannot listen on {place.socket}: {exc.strerror or exc}") from None
    _event(f"listening on {place.socket}, idle shutdown after {idle:g} s")
    reason = server.run()
    _event(f"stopped ({reason}) after {server.conversions} conversions")


def _event(message: str) -> None:
    import os
    click.echo(f"contratgen serve [{os.getpid()}] {time.strftime('%H:%M:%S')}: {message}",
               err=True)


def _ask(place, op: str) -> dict | None:
    """The server's answer to ``op``; None when none runs; Failed for a folder that
    cannot be trusted or a server that refuses."""
    from ..serve.client import Unavailable, request
    from ..serve.place import UnsafeFolder, check
    if place.folder.exists():
        try:
            check(place)
        except UnsafeFolder as exc:
            raise Unavailable(f"not asking the server: {exc}") from None
    try:
        answer, _ = request(place, {"op": op})
    except Unavailable:
        return None
    if not answer.get("ok"):
        raise Unavailable(f"the server refused: {answer.get('message', answer.get('error'))}")
    return answer


def _status(place) -> None:
    answer = _ask(place, "status")
    if answer is None:
        raise Failed(f"no server running on {place.socket}")
    pids = " ".join(map(str, answer.get("office_pids", []))) or "none running"
    click.echo(f"pid: {answer['pid']}\n"
               f"socket: {answer['socket']}\n"
               f"uptime: {answer['uptime']:g} s\n"
               f"conversions: {answer['conversions']} ({answer['failures']} failed)\n"
               f"requests in flight: {answer['in_flight']}\n"
               f"workers: {answer['workers']} per kind ({', '.join(answer['converters'])})\n"
               f"LibreOffice pids: {pids}{'' if answer['primed'] else ' (starting)'}\n"
               f"idle shutdown after: {answer['idle']:g} s")


def _stop(place) -> None:
    from ..serve.client import stopped
    answer = _ask(place, "stop")
    if answer is None:
        click.echo(f"no server running on {place.socket}")
        return
    pid = answer["pid"]
    deadline = time.monotonic() + STOP_WAIT
    while not stopped(place) and time.monotonic() < deadline:
        time.sleep(0.05)   # conversions in flight end, then LibreOffice, then the lock
    if not stopped(place):
        raise Unavailable(f"the server (pid {pid}) has not stopped after {STOP_WAIT:g} s")
    click.echo(f"stopped the server (pid {pid})")
