"""``contratgen diff``: what changed between two versions of a document, as a DOCX with
Word tracked changes and a text summary.

    contratgen diff OLD NEW [-o FILE.docx]         two client.yaml, two DOCX, or one of each
    contratgen diff FILE --library OLD_DIR --library-new NEW_DIR [-o FILE.docx]
    contratgen diff --library OLD_DIR --library-new NEW_DIR INPUT... [-o DIR]
                                                   which documents a library change touches
"""
from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import UserError
from .errors import Failed, print_diagnostics


def _libraries(dirs) -> tuple[Path, ...]:
    return tuple(Path(d) for d in dirs)


@click.command("diff")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default=None,
              help="The DOCX to write (default: <number>-diff.docx here); with "
                   "--library-new and several inputs or a folder, a folder for the DOCX "
                   "of each document that changes (default: none written).")
@click.option("--library", multiple=True, type=click.Path(file_okay=False),
              help="A clause library folder layered over the shipped one: for both sides, "
                   "or for OLD when --library-new is given.")
@click.option("--library-new", multiple=True, type=click.Path(file_okay=False),
              help="The library folder for NEW: each input is built under --library (OLD) "
                   "and under --library-new (NEW).")
@click.option("--templates", type=click.Path(file_okay=False),
              help="A folder with quote.docx and contract.docx to use instead.")
@click.option("--allow-outside-paths", is_flag=True,
              help="Allow library/template/annex paths outside the input's folder.")
@click.option("--fail-on-change", is_flag=True,
              help="Exit 1 when a document changes (for CI, like git diff --exit-code).")
def diff(inputs, output, library, library_new, templates, allow_outside_paths, fail_on_change):
    """What changed between two versions of a document: a DOCX with Word tracked
    changes (author contratgen, NEW's date), and a summary on stdout.

    \b
    contratgen diff OLD NEW [-o FILE.docx]   two client.yaml, two DOCX, or one of each
    contratgen diff FILE --library OLD_DIR --library-new NEW_DIR [-o FILE.docx]
    contratgen diff --library OLD_DIR --library-new NEW_DIR INPUT... [-o DIR]
        (folders or files: which documents the library change touches)
    """
    from ..document import Options
    base = Options(library_dirs=_libraries(library),
                   templates_dir=Path(templates) if templates else None,
                   allow_outside_paths=allow_outside_paths)
    if library_new:
        new = Options(library_dirs=_libraries(library_new), templates_dir=base.templates_dir,
                      allow_outside_paths=allow_outside_paths)
        if len(inputs) == 1 and not Path(inputs[0]).is_dir():
            changed = _one(inputs[0], inputs[0], base, new, output)
        else:
            changed = _many(inputs, base, new, output)
    elif len(inputs) == 2:
        changed = _one(inputs[0], inputs[1], base, base, output)
    else:
        raise click.UsageError("give OLD and NEW, or inputs with --library OLD_DIR "
                               "--library-new NEW_DIR")
    if changed and fail_on_change:
        raise Failed()


def _one(old_name: str, new_name: str, old_options, new_options, output) -> bool:
    from ..output import write_atomic
    from ..redline.documents import diff, load_version, summary
    old = load_version(Path(old_name), old_options)   # errors: exit codes in cli/app.py
    new = load_version(Path(new_name), new_options)
    result = diff(old, new)
    target = Path(output) if output else Path(result.output_name)
    write_atomic(target, result.redline.docx)
    click.echo(summary(result))
    click.echo(f"wrote {target}")
    return result.changed


def _many(inputs, old_options, new_options, output) -> bool:
    from ..batch.inputs import expand_inputs
    from ..output import write_atomic
    from ..redline.documents import diff, is_docx, load_version, touched
    try:
        names = expand_inputs(inputs)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    docx = [n for n in names if is_docx(Path(n))]
    if docx:
        raise click.UsageError(f"{docx[0]}: a DOCX cannot be rebuilt under another library; "
                               "give client.yaml files or folders")
    changed = failed = 0
    for name in names:
        try:
            result = diff(load_version(Path(name), old_options),
                          load_version(Path(name), new_options))
        except UserError as exc:
            print_diagnostics(exc.diagnostics)
            failed += 1
            continue
        click.echo(touched(result))
        if result.changed:
            changed += 1
            if output:
                write_atomic(Path(output) / result.output_name, result.redline.docx)
    click.echo(f"{changed} of {len(names)} document{'s' * (len(names) != 1)} changed by "
               "the library change" + (f", {failed} could not be built" if failed else ""))
    if failed:
        raise Failed()
    return changed > 0
