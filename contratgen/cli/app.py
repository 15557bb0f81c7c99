"""The ``contratgen`` command line: options in, pipeline call, errors → exit codes.

0 all written (warnings allowed unless --strict); 1 an input invalid or non-compliant;
2 usage error; 3 a required external component (LibreOffice) missing or failed.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..diagnostics import ExternalError, UserError
from .errors import Failed, Unavailable, for_status, print_diagnostics
from .options import document_options, options_from, pdf_converter

FORMATS = click.Choice(["docx", "pdf", "both"])


def _os_error(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


common = document_options("A folder with quote.docx and contract.docx to use instead.")


# Commands whose module is imported only when they run (or --help lists them): a build
# does not pay for the code of remind, serve or preview. name → (module, attribute)
LAZY = {"dues": (".dues", "dues_command"), "invoice": (".invoice", "invoice"),
        "preview": (".preview", "preview_command"), "diff": (".diff", "diff"),
        "remind": (".remind", "remind"), "serve": (".serve", "serve_command"),
        "sign": (".signing", "sign"), "accept": (".signing", "accept"),
        "paid": (".lifecycle", "paid"), "status": (".lifecycle", "status"),
        "ereport": (".lifecycle", "ereport"),
        "collect": (".collect", "collect_command"),
        "receivables": (".receivables", "receivables_command"),
        "release": (".release", "release")}


class Contratgen(click.Group):
    """The one place where errors become exit codes, as click's ``Command.main`` does for
    its own: a user's mistake (``UserError``) prints its located diagnostics and exits 1;
    a missing or failed component (``ExternalError``) or an unwritable output exits 3.

    The commands of :data:`LAZY` are loaded when asked for (click's lazy group pattern)."""

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx, name):
        if name in LAZY and name not in self.commands:
            from importlib import import_module
            module, attribute = LAZY[name]
            self.add_command(getattr(import_module(module, __package__), attribute), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            print_diagnostics(exc.diagnostics)
            raise Failed(exit_code=exc.exit_code) from None
        except ExternalError as exc:
            raise Failed(str(exc), exc.exit_code) from None
        except OSError as exc:
            raise Unavailable(f"cannot write the output: {_os_error(exc)}") from None


@click.group(cls=Contratgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="contratgen")
def main():
    """Quotes and contracts from YAML: DOCX and PDF, exact amounts, checked against
    French law."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", default="out", show_default=True,
              type=click.Path(file_okay=False), help="Output folder.")
@click.option("--format", "fmt", type=FORMATS, default=None,
              help="docx, pdf or both (default: both when LibreOffice is available).")
@click.option("--pdfa", is_flag=True, help="PDF/A-2b output.")
@click.option("--anchors", type=click.Choice(["yousign", "docuseal"]), default=None,
              help="Invisible text anchors under the signature blocks for a signing service.")
@common
def build(files, out_dir, fmt, pdfa, anchors, library, templates, strict,
          allow_outside_paths):
    """Build each FILE into <number>.docx / .pdf in the output folder."""
    from ..pipeline import build as build_one
    options = options_from(library, templates, strict, allow_outside_paths)
    formats = resolve_formats(fmt)
    failed = 0
    written_by: dict[Path, str] = {}   # output → the input that wrote it in this run
    from ..output import remove_stale_temporaries
    remove_stale_temporaries(Path(out_dir))
    with pdf_converter(formats, pdfa) as converter:
        for name in files:
            try:
                written, warnings = build_one(Path(name), Path(out_dir), formats, options,
                                              converter=converter, pdfa=pdfa,
                                              taken=written_by, anchors=anchors)
            except UserError as exc:   # this input only: the others are still built
                print_diagnostics(exc.diagnostics)
                failed += 1
                continue
            print_diagnostics(warnings)
            for path in written:
                written_by[path] = name
                click.echo(f"wrote {path}")
    if failed:
        raise Failed()


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--rules", "list_rules", is_flag=True, help="List the legal rules and exit.")
@common
def check(files, list_rules, library, templates, strict, allow_outside_paths):
    """Validate FILEs and check them against French law; writes nothing."""
    if list_rules:
        from ..legal import list_rules as rules
        listed = list(rules())
        width = max(len(rule.id) for rule in listed) + 1
        for rule in listed:
            click.echo(f"{rule.id:{width}} {rule.severity:8} {rule.applies:28} {rule.source}")
        return
    if not files:
        raise click.UsageError("give at least one FILE (or --rules)")
    from ..pipeline import check as check_one
    options = options_from(library, templates, strict, allow_outside_paths)
    failed = 0
    for name in files:
        try:
            prepared = check_one(Path(name), options)
            print_diagnostics(prepared.diagnostics)
            click.echo(f"{name}: ok")
        except UserError as exc:
            print_diagnostics(exc.diagnostics)
            failed += 1
    if failed:
        raise Failed()


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--layer/--alone", default=False,
              help="Lint DIRECTORY layered over the shipped library (default: alone).")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True),
              help="Lint the DOCX templates of this folder instead of a clause library.")
def lint(directory, layer, templates_dir):
    """Validate a clause library (default: the shipped one), or templates."""
    if templates_dir:
        from ..render.template_lint import lint_folder
        diagnostics, count = lint_folder(Path(templates_dir))
        what = "templates"
    else:
        from ..clause_lint import lint_library
        from ..library.loader import SHIPPED
        dirs = [Path(directory)] if directory else [SHIPPED]
        if directory and layer:
            dirs = [SHIPPED, Path(directory)]
        diagnostics, count = lint_library(dirs)
        what = "clauses"
    print_diagnostics(diagnostics)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    click.echo(f"{count} {what}, {errors} error{'s' * (errors != 1)}, "
               f"{warnings} warning{'s' * (warnings != 1)}", err=True)
    if errors:
        raise Failed()


@main.command()
@click.argument("clause_id", required=False)
@click.option("--library", multiple=True, type=click.Path(file_okay=False))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
def clauses(clause_id, library, lang):
    """List the clause library, or show one clause with its text rendered."""
    from ..clause_lint import show_clause
    from ..library.lint import list_clauses
    from ..library.loader import SHIPPED, load_library
    lib, diagnostics = load_library([SHIPPED, *map(Path, library)])
    print_diagnostics(diagnostics)
    if any(d.is_error for d in diagnostics):
        raise Failed()
    if clause_id is None:
        click.echo(list_clauses(lib, lang))
        return
    clause = lib.get(clause_id)
    if clause is None:
        raise Failed(f"no clause '{clause_id}' (known: {', '.join(sorted(lib.clauses))})")
    click.echo(show_clause(clause, lang))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--trust", "trust", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A PEM file of certificates trusted besides the system's (repeatable).")
def inspect(file, as_json, trust):
    """Print the provenance embedded in a generated DOCX or PDF, and its signatures."""
    from ..inspect import inspect_file
    info = inspect_file(Path(file), tuple(Path(p).read_bytes() for p in trust))
    if as_json:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False, sort_keys=True))
        return
    from ..inspect import describe
    click.echo(describe(info))


@main.command()
@click.argument("kind", type=click.Choice(["quote", "contract", "policy"]), default="quote")
@click.option("--consumer", is_flag=True, help="A client who is a consumer (B2C).")
@click.option("-o", "--output", "target", type=click.Path(dir_okay=False),
              help="Write to this file (default: standard output).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def init(kind, consumer, target, force):
    """Write a commented client.yaml for a quote or a contract, ready to edit and build;
    or (policy) the default collection policy of `contratgen collect`, to change."""
    import datetime
    from ..output import write_atomic
    from ..scaffold import scaffold
    name = Path(target).name if target else "client.yaml"
    if kind == "policy":
        from ..collection.policy import policy_template
        text = policy_template()
    else:
        text = scaffold(kind, consumer, datetime.date.today(), name)
    if target is None:
        click.echo(text, nl=False)
        return
    if Path(target).exists() and not force:
        raise Failed(f"{target} exists; use --force to overwrite it")
    write_atomic(Path(target), text.encode("utf-8"))   # OSError: exit 3 (Contratgen.invoke)
    click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("kind", type=click.Choice(["client", "clause", "policy"]))
def schema(kind):
    """Print the JSON Schema (draft 2020-12) of client.yaml, of a clause file or of a
    collection policy (contratgen collect --policy)."""
    from ..schema import json_schema
    click.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", default="out", show_default=True,
              type=click.Path(file_okay=False))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: the number of cores).")
@click.option("--shard", default=None, metavar="K/N", help="Build the K-th of N stable shares.")
@click.option("--report", type=click.Path(dir_okay=False), help="Also write the manifest here.")
@click.option("--junit", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--format", "fmt", type=FORMATS, default=None)
@click.option("--pdfa", is_flag=True)
@click.option("--keep-going/--fail-fast", default=True, show_default=True)
@click.option("--changed-only", is_flag=True, help="Skip inputs whose outputs are up to date.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Run on a Dask distributed cluster.")
@click.option("--verify", is_flag=True, help="Re-hash the outputs in each folder given "
              "against its manifest.json; exit 1 on any mismatch.")
@click.option("--invoices", is_flag=True, help="Build the invoices of each input "
              "(invoicing.invoices, as `contratgen invoice`) instead of its document.")
@common
def batch(inputs, out_dir, jobs, shard, report, junit, fmt, pdfa, keep_going, changed_only,
          scheduler, verify, invoices, library, templates, strict, allow_outside_paths):
    """Build many documents (or, with --invoices, their invoices): files, folders
    (every *.yaml) or globs."""
    if verify:
        from .integrity import verify_folders
        if verify_folders(inputs):
            raise Failed()
        return
    from ..batch import BatchConfig, run_batch
    options = options_from(library, templates, strict, allow_outside_paths)
    config = BatchConfig(
        inputs=tuple(inputs), out_dir=Path(out_dir), jobs=jobs or os.cpu_count() or 1,
        shard=shard, report=Path(report) if report else None,
        junit=Path(junit) if junit else None, formats=resolve_formats(fmt), pdfa=pdfa,
        keep_going=keep_going, changed_only=changed_only, scheduler=scheduler,
        options=options)
    from .progress import ConsoleReporter
    try:
        if invoices:
            from ..batch.invoice_run import run_invoice_batch
            code = run_invoice_batch(config, ConsoleReporter())
        else:
            code = run_batch(config, reporter=ConsoleReporter())
    except ValueError as exc:   # a malformed --shard
        raise click.UsageError(str(exc)) from None
    if code:
        raise for_status(code)


from .rates import rates_command  # noqa: E402
main.add_command(rates_command)
from .options import resolve_formats

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
