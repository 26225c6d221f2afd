"""The project's RDF vocabulary: namespaces and the terms of ontology/kg.ttl.

Code uses only the names below; a test checks each against ontology/kg.ttl so a misspelt
or undeclared term fails loudly.
"""

from __future__ import annotations

from rdflib import Namespace

KG_NS = "https://w3id.org/kg/ontology#"
KG = Namespace(KG_NS)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VANN = Namespace("http://purl.org/vocab/vann/")

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
}
