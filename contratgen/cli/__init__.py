"""The command line: click commands only, the one place that prints.

``contratgen.cli:main`` is the console entry point."""
from .app import main

__all__ = ["main"]
