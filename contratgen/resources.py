"""Where the shipped resources are: found through ``importlib.resources`` only.

``clause_library/``, ``templates/`` and ``schemas/`` sit at the top of the repository, where
lawyers and designers find them; the package reaches them through links of the same names
inside ``contratgen/``, which the wheel turns into real folders. So a source checkout, an
editable install and a wheel in a fresh venv all find them the same way.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped(name: str) -> Path:
    """The shipped resource folder or file ``name`` (``clause_library``, ``templates``,
    ``schemas``, ``data/rates.yaml``) as a real path."""
    return Path(str(resources.files("contratgen").joinpath(name))).resolve()
