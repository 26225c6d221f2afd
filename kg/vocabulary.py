"""The project's RDF vocabulary: namespaces and the terms of ontology/kg.ttl.

Code names our terms only through `kg_term` (or the KG namespace with a name listed here);
tests/test_vocabulary.py checks that these lists and ontology/kg.ttl declare exactly the
same terms, so a misspelt or undeclared term fails loudly.
"""

from __future__ import annotations

from pathlib import Path

# Plain strings, not rdflib Namespaces: every command imports this module, and rdflib costs
# a build 40 ms to import for nothing.
KG_NS = "https://w3id.org/kg/ontology#"

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

# Every term of our namespace, by kind; ontology/kg.ttl declares exactly these.
KG_CLASSES = ("Entry", "Evidence", "Source")
# Relations between concepts: sub-properties of skos:semanticRelation (never of skos:related,
# which would turn a metric-of link inside a hierarchy into an S27 clash under inference).
KG_CONCEPT_RELATIONS = ("mentionedIn", "metricOf", "synonymOf")
KG_OBJECT_PROPERTIES = ("defines", *KG_CONCEPT_RELATIONS)
KG_DATATYPE_PROPERTIES = ("confidence", "headword", "isMetric", "labelWord", "line", "method", "provisional",
                          "quote")
KG_TERMS = frozenset(KG_CLASSES + KG_OBJECT_PROPERTIES + KG_DATATYPE_PROPERTIES)

# Edge kind -> property local name in our namespace (broader is skos:broader).
EDGE_PROPERTY = {
    "metric_of": "metricOf",
    "mentioned_in": "mentionedIn",
    "synonym": "synonymOf",
}

PREFIXES = {
    "kg": KG_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "vann": "http://purl.org/vocab/vann/",
}


def kg_term(name: str) -> str:
    """The IRI of one of our terms; an unknown name is a programming error, caught at once."""
    if name not in KG_TERMS:
        raise KeyError(f"kg:{name} is not declared in ontology/kg.ttl (known: {', '.join(sorted(KG_TERMS))})")
    return KG_NS + name
