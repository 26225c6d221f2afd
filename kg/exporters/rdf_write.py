"""Deterministic serialisation of triples: sorted, de-duplicated, written by pyoxigraph.

pyoxigraph writes Turtle and N-Triples about 14x faster than rdflib (1M triples: see the
README's Output files section), and it writes triples in the order given, so sorting them
first makes every format byte-identical across builds. Within a subject rdf:type comes
first: Turtle then opens with `a`, and the RDF/XML writer makes it a typed element
(`<skos:Concept rdf:about=…>` directly under rdf:RDF), the shape TemaTres's XPath reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from pyoxigraph import RdfFormat, Triple, serialize

from kg.exporters.rdf_terms import RDF_TYPE

FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "rdf": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}


def sort_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Each triple once, by subject, then rdf:type first, then predicate and object."""
    type_iri = RDF_TYPE.value
    keyed = {(t.subject.value, t.predicate.value != type_iri, t.predicate.value, str(t.object)): t
             for t in triples}
    return [keyed[key] for key in sorted(keyed)]


def write(triples: list[Triple], extension: str, prefixes: dict[str, str]) -> bytes:
    """`triples` already sorted (sort_triples); `extension` is one of FORMATS."""
    content = serialize(triples, format=FORMATS[extension], prefixes=prefixes)
    if extension == "ttl":
        content = _sorted_prefix_lines(content)
    elif extension == "rdf":
        content = _sorted_namespace_attributes(content)
    elif extension == "jsonld":
        # pyoxigraph writes one line; one node per line keeps a diff of two builds readable.
        nodes = json.loads(content)
        lines = ",\n".join(json.dumps(node, ensure_ascii=False, separators=(",", ":")) for node in nodes)
        content = f"[\n{lines}\n]\n".encode("utf-8")
    return content


# pyoxigraph writes the prefix declarations in an order of its own; put them in ours so the
# bytes never depend on a library's internal map.
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
