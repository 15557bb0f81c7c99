"""``contratgen batch --verify DIR``: re-hash a folder's outputs against its manifest."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import click

from ..diagnostics import UserError, has_errors
from .errors import print_diagnostics


def verify_folders(folders: Iterable[str]) -> int:
    """Print what does not match each folder's manifest; 0 when all match, else 1."""
    from ..batch import verify
    failed = False
    for folder in folders:
        try:
            diags, checked = verify(Path(folder))
        except UserError as exc:
            print_diagnostics(exc.diagnostics)
            failed = True
            continue
        print_diagnostics(diags)
        wrong = sum(d.is_error for d in diags)
        click.echo(f"verify: {checked - wrong} of {checked} outputs match the manifest "
                   f"in {folder}", err=True)
        failed |= has_errors(diags)
    return 1 if failed else 0
