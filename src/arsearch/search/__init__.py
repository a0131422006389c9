"""Ranked search over one snapshot of an index: ranking, filters and facets (``ranking``),
did-you-mean and autocomplete (``suggest``), snippets from the original text (``highlight``).

Layer: features. May import ``store`` and every layer below it; never ``related``, the ``Index``
facade or the edge (cli, web, cluster).
"""
