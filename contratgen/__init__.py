"""contratgen: quotes and contracts from YAML, exact and checked against French law."""

__version__ = "0.2.0"
