"""``python -m contratgen``: the same command line as ``contratgen``."""
from .cli import main

main(prog_name="contratgen")
