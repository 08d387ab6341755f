"""List envelopes and paging now live in core/paging.py; this name stays while routes of api/dossiers
still import them from here."""

from core.paging import Page, Paging

__all__ = ["Page", "Paging"]
