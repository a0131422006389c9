"""An open index directory: its settings, engine, snapshots, writer and lock (``directory``), the
import with its analysis workers (``pipeline``, ``processes``) and the background refits of
its derived models (``refits``).

Layer: store. May import ``derived``, ``engine``, ``query``, ``analysis``, ``records``, ``errors``
and ``version``; never the features above it (search, related) nor the ``Index`` facade.
"""
