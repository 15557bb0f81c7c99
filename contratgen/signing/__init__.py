"""Signed documents: a PAdES signature in a field of a contratgen PDF (``sign``), the
signatures of a PDF checked (``verify``), and the client's signature recorded as the
acceptance of the deal (``accept``). pyHanko does the cryptography."""
