"""Records: the ``Article`` model, streaming readers of input files, atomic file writes.

Layer: base. May import ``arsearch.errors`` only.
"""
