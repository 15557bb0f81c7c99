"""PDF: LibreOffice workers, finalize (metadata, signature fields, annexes), PDF/A."""
