"""newsclaims: raw news text from many outlets into a queryable warehouse of who said what."""

__version__ = "0.1.0"
