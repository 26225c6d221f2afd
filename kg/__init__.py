"""kg: build one trustworthy, explorable, queryable vocabulary from a pile of glossaries."""

__version__ = "0.1.0"
