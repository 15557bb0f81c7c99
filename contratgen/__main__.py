"""``python -m contratgen``: the same command line as ``contratgen``."""
from .cli import run

run()
