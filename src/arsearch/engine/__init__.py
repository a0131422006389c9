"""Adapters from arsearch's analysis, index and query model to a search engine."""
