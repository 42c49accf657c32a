"""The ``newsclaims`` command line: ``main`` (run, status, query, eval, ...), ``sources``, ``report``."""
