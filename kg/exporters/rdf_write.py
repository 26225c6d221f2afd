"""Deterministic serialisation: sorted N-Triples lines in, every syntax out through pyoxigraph.

pyoxigraph writes Turtle about 14x faster than rdflib's writer and writes triples in the
order given, so sorting the lines first makes every syntax byte-identical across builds.
rdf:type sorts first within its subject (see rdf_terms.RDF_TYPE): Turtle then opens with
`a`, and the RDF/XML writer makes it a typed element, `<skos:Concept rdf:about=…>`
directly under rdf:RDF, the shape TemaTres's XPath reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import RdfFormat, parse, serialize

from kg.exporters.rdf_terms import RDF_TYPE, RDF_TYPE_IRI

FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "rdf": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}


def sorted_document(lines: Iterable[str]) -> bytes:
    """Each line once, sorted: an N-Triples document."""
    text = "".join(sorted(set(lines)))
    return text.replace(RDF_TYPE, f"<{RDF_TYPE_IRI}>").encode("utf-8")


def write_all(document: bytes, extensions: Iterable[str], prefixes: dict[str, str]) -> dict[str, bytes]:
    """`document` from sorted_document, in each syntax of `extensions` (keys of FORMATS).

    The document is parsed once for all syntaxes: turning pyoxigraph's quads into triples
    was a third of the export time when each syntax parsed it again.
    """
    triples = [quad.triple for quad in parse(document, format=RdfFormat.N_TRIPLES)]
    return {extension: write(triples, extension, prefixes) for extension in extensions}


def write(triples: list, extension: str, prefixes: dict[str, str]) -> bytes:
    """Parsed triples of a sorted document in one syntax; `extension` one of FORMATS."""
    content = serialize(triples, format=FORMATS[extension], prefixes=prefixes)
    if extension == "ttl":
        return _sorted_prefix_lines(content)
    if extension == "rdf":
        return _sorted_namespace_attributes(content)
    if extension == "jsonld":
        # pyoxigraph writes one line. A break before each object keeps a diff of two builds
        # readable; `},{"@id"` cannot occur inside a JSON string, whose quotes are escaped.
        return content.replace(b'},{"@id"', b'},\n{"@id"') + b"\n"
    return content


# pyoxigraph declares prefixes in an order of its own; put them in ours so the bytes never
# depend on a library's internal map.
def _sorted_prefix_lines(content: bytes) -> bytes:
    lines = content.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    return b"\n".join(sorted(lines[:count]) + lines[count:])


_ROOT = re.compile(rb"<rdf:RDF( [^>]*)>")


def _sorted_namespace_attributes(content: bytes) -> bytes:
    match = _ROOT.search(content)
    if match is None:
        return content
    attributes = sorted(re.findall(rb' (xmlns(?::[^=]*)?="[^"]*")', match.group(1)))
    root = b"<rdf:RDF " + b" ".join(attributes) + b">"
    return content[:match.start()] + root + content[match.end():]
