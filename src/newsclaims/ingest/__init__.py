"""Ingest: sources file -> decoded, normalised, de-duplicated articles.

``sources/`` reads each kind of feed, ``decode`` turns bytes into text, ``profiles/`` and
``normalize`` split a page into title, dateline and body (``dates`` reads the dates in the text),
``pagenoise`` holds page noise (a site's template learned per feed),
``neardup`` drops copies, ``state`` remembers what each source already gave; ``stage`` runs them
all as the pipeline's ingest stage.
"""
