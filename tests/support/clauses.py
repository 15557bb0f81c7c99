"""A one-clause library file whose French text is the test's (hostile or probing)."""
from __future__ import annotations

CLAUSE = """\
id: {id}
version: 1
category: other
title: {{fr: Clause, en: Clause}}
documents: [contract, quote]
parties: [business, consumer]
text:
  fr: {text}
  en: Texte anglais.
"""
TEXT_LINE = 8   # the line of "fr:" in CLAUSE, where a one-line text is reported
TEXT_COL = 7    # the column of the text itself


def clause_yaml(text: str, clause_id: str = "evil") -> str:
    """The clause file; ``text`` is the French text as YAML (e.g. ``json.dumps(...)``)."""
    return CLAUSE.format(id=clause_id, text=text)
