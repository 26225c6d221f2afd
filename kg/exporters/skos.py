"""The SKOS import profile: NAME.skos.ttl. First version; the SKOS issue deepens it."""

from __future__ import annotations

from kg.exporters import Exporter, register
from kg.exporters.rdf import full_graph
from kg.model import KnowledgeGraph


def render(kg: KnowledgeGraph) -> dict[str, bytes]:
    return {f"{kg.scheme.name}.skos.ttl": full_graph(kg).serialize(format="turtle").encode("utf-8")}


register(Exporter("skos", "the SKOS import profile (NAME.skos.ttl)", render))
