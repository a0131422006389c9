"""Data derived from an index's articles: the topic model of related articles (``topics``), the
spelling variants of names (``variants``) and a commit's vocabulary (``vocabulary``).

Layer: derived, above the engine seam. May import ``engine``, ``query``, ``analysis``, ``records``
and ``errors``; never the store, which caches these per commit and file version.
"""
