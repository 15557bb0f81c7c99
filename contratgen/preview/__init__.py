"""``contratgen preview``: a live local page of one document (docs/PREVIEW.md)."""
from .rebuild import Page, Rebuilder, Snapshot, Summary, pdf_pages
from .server import HOST, PreviewSession

__all__ = ["HOST", "Page", "PreviewSession", "Rebuilder", "Snapshot", "Summary", "pdf_pages"]
