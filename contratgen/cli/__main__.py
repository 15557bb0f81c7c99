"""``python -m contratgen.cli``: the same command line as ``contratgen``."""
import sys

from .app import main

sys.exit(main())
