"""The SKOS import profile: NAME.skos.ttl, NAME.skos.nt, NAME.skos.rdf, NAME.skos.jsonld.

Plain SKOS as the taxonomy tools read it (see docs/skos-profile.md): tools infer nothing, so
every link is written both ways; one scheme with full metadata; every concept in the scheme
and reachable from a top concept; plain language-tagged definitions (provenance lives in
the full graph, NAME.ttl). The four files hold the same triples:

    .ttl     Skosmos, VocBench, PoolParty, SKOS Play
    .nt      iQvoc (N-Triples only)
    .rdf     TemaTres (RDF/XML, each concept a <skos:Concept rdf:about=…> under rdf:RDF)
    .jsonld  JSON-LD consumers
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from kg.exporters import Exporter, register
from kg.exporters.rdf_terms import (
    RDF_TYPE, concept_iri, date_time, dct, lang_text, ns, plain, scheme_iri, skos, source_iri,
)
from kg.exporters.rdf_write import sort_triples, write
from kg.exporters.skos_labels import Labels, export_labels, tidy
from kg.model import BROADER, METRIC_OF, SYNONYM, KnowledgeGraph
from kg.vocabulary import PREFIXES

# Edge kinds a plain-SKOS tool should still see as an association (skos:related). Mentioned-in
# is too weak: every term used in a definition would become "related".
RELATED_KINDS = (METRIC_OF, SYNONYM)
SKOS_EXTENSIONS = ("ttl", "nt", "rdf", "jsonld")


@dataclass(frozen=True)
class ConceptLinks:
    """The hierarchy and associations the SKOS profile writes, computed once per build."""

    broader: dict[str, tuple[str, ...]]  # concept -> its broader concepts
    narrower: dict[str, tuple[str, ...]]
    related: dict[str, tuple[str, ...]]  # symmetric
    top: tuple[str, ...]


def concept_links(kg: KnowledgeGraph) -> ConceptLinks:
    keys = {c.key for c in kg.concepts}
    broader: dict[str, set[str]] = defaultdict(set)
    narrower: dict[str, set[str]] = defaultdict(set)
    for edge in kg.edges:
        if edge.kind == BROADER and edge.source != edge.target and {edge.source, edge.target} <= keys:
            broader[edge.source].add(edge.target)
            narrower[edge.target].add(edge.source)
    ancestors = _ancestors(broader)
    related: dict[str, set[str]] = defaultdict(set)
    for edge in kg.edges:
        a, b = edge.source, edge.target
        if edge.kind not in RELATED_KINDS or a == b or not {a, b} <= keys:
            continue
        # S27: skos:related is disjoint with skos:broaderTransitive, through any chain.
        if b in ancestors.get(a, ()) or a in ancestors.get(b, ()):
            continue
        related[a].add(b)
        related[b].add(a)
    return ConceptLinks(
        broader={k: tuple(sorted(v)) for k, v in broader.items()},
        narrower={k: tuple(sorted(v)) for k, v in narrower.items()},
        related={k: tuple(sorted(v)) for k, v in related.items()},
        top=tuple(sorted(keys - set(broader))),
    )


def _ancestors(broader: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every concept's ancestors through broader chains (terminates on cycles too)."""
    result: dict[str, set[str]] = {}
    for start in broader:
        seen: set[str] = set()
        stack = list(broader[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(broader.get(node, ()))
        result[start] = seen
    return result


def scheme_triples(kg: KnowledgeGraph, top: tuple[str, ...]) -> list[Triple]:
    scheme = kg.scheme
    node = NamedNode(scheme_iri(scheme))
    lang = scheme.language
    triples = [
        Triple(node, RDF_TYPE, skos("ConceptScheme")),
        Triple(node, skos("prefLabel"), lang_text(tidy(scheme.title), lang)),
        Triple(node, dct("title"), lang_text(tidy(scheme.title), lang)),
        Triple(node, dct("description"), lang_text(scheme.description.strip(), lang)),
        Triple(node, dct("creator"), plain(scheme.creator)),
        Triple(node, dct("publisher"), plain(scheme.publisher)),
        Triple(node, dct("created"), date_time(scheme.created)),
        Triple(node, dct("modified"), date_time(scheme.modified)),
        Triple(node, dct("language"), plain(lang)),
        Triple(node, ns("owl", "versionInfo"), plain(scheme.version)),
        Triple(node, ns("vann", "preferredNamespaceUri"), plain(scheme.base_iri)),
    ]
    if scheme.license.startswith(("http://", "https://")):
        triples.append(Triple(node, dct("license"), NamedNode(scheme.license)))
    else:  # a licence named in words is still worth keeping, but not as an IRI
        triples.append(Triple(node, dct("rights"), lang_text(scheme.license, lang)))
    for source in kg.sources:
        triples.append(Triple(node, dct("source"), NamedNode(source_iri(scheme, source.key))))
    for key in top:
        concept = NamedNode(concept_iri(scheme, key))
        triples.append(Triple(node, skos("hasTopConcept"), concept))
        triples.append(Triple(concept, skos("topConceptOf"), node))
    return triples


def concept_triples(kg: KnowledgeGraph, labels: dict[str, Labels], links: ConceptLinks) -> list[Triple]:
    scheme = kg.scheme
    lang = scheme.language
    scheme_node = NamedNode(scheme_iri(scheme))
    entries = {e.id: e for e in kg.entries}
    languages = {s.key: s.language for s in kg.sources}
    nodes = {c.key: NamedNode(concept_iri(scheme, c.key)) for c in kg.concepts}
    in_scheme, pref_label, alt_label, definition = (
        skos("inScheme"), skos("prefLabel"), skos("altLabel"), skos("definition"))
    concept_class = skos("Concept")
    triples: list[Triple] = []
    for concept in kg.concepts:
        node = nodes[concept.key]
        triples += [Triple(node, RDF_TYPE, concept_class), Triple(node, in_scheme, scheme_node),
                    Triple(node, pref_label, lang_text(labels[concept.key].pref, lang))]
        triples += [Triple(node, alt_label, lang_text(alt, lang)) for alt in labels[concept.key].alts]
        definitions = {}
        for entry_id in concept.entries:
            entry = entries.get(entry_id)
            if entry is not None and entry.text.strip():
                definitions[entry.text.strip()] = languages.get(entry.source, lang)
        triples += [Triple(node, definition, lang_text(text, language))
                    for text, language in definitions.items()]
    for relation, table in (("broader", links.broader), ("narrower", links.narrower),
                            ("related", links.related)):
        predicate = skos(relation)
        triples += [Triple(nodes[a], predicate, nodes[b]) for a, targets in table.items() for b in targets]
    return triples


def skos_triples(kg: KnowledgeGraph) -> list[Triple]:
    links = concept_links(kg)
    return scheme_triples(kg, links.top) + concept_triples(kg, export_labels(kg), links)


def prefixes_for(kg: KnowledgeGraph) -> dict[str, str]:
    """Our prefixes, plus the empty prefix for the concept namespace (readable Turtle)."""
    return {"": kg.scheme.base_iri, **PREFIXES}


def render(kg: KnowledgeGraph) -> dict[str, bytes]:
    triples = sort_triples(skos_triples(kg))
    prefixes = prefixes_for(kg)
    return {f"{kg.scheme.name}.skos.{extension}": write(triples, extension, prefixes)
            for extension in SKOS_EXTENSIONS}


register(Exporter("skos", "the SKOS import profile (NAME.skos.ttl, .nt, .rdf, .jsonld)", render))
