"""Ingest: sources file -> decoded, normalised, de-duplicated articles.

``sources/`` reads each kind of feed, ``decode`` turns bytes into text, ``profiles/`` and
``normalize`` split a page into title, dateline and body, ``pagenoise`` holds page noise (a site's template learned per feed),
``neardup`` drops copies, ``state`` remembers what each source already gave.
"""
