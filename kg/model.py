"""The plain data passed between pipeline stages.

Every stage is a function from these frozen dataclasses to others; none of them
holds a networkx or rdflib object, so a stage can be tested with values built by hand.

    read      Source            -> Document        (kg.readers.decode)
    extract   Document          -> Entry*, Finding* (kg.readers)
    concepts  Entry*            -> Concept*        (kg.concepts)
    edges     Concept*, Entry*  -> Edge*           (kg.edges)
    graph     everything        -> KnowledgeGraph  (kg.graph)
    export    KnowledgeGraph    -> files           (kg.exporters)
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Edge kinds, as named in the ontology (kg:metricOf, kg:mentionedIn, kg:synonymOf, skos:broader).
BROADER = "broader"
METRIC_OF = "metric_of"
MENTIONED_IN = "mentioned_in"
SYNONYM = "synonym"
EDGE_KINDS = (BROADER, METRIC_OF, MENTIONED_IN, SYNONYM)


@dataclass(frozen=True)
class Scheme:
    """The vocabulary being built: metadata of the one skos:ConceptScheme we export."""

    name: str  # file stem of the exports, e.g. "customer-service"
    title: str
    description: str
    base_iri: str  # namespace of every concept IRI; ends with "/" or "#"
    language: str = "en"
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    creator: str = "kg"
    publisher: str = "kg"
    version: str = "1"
    created: str = "2026-01-01T00:00:00Z"  # xsd:dateTime, never the clock
    modified: str = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class Source:
    """One glossary file and what is known of where it came from."""

    key: str  # stable slug naming the source, e.g. "groove-customer-service-glossary"
    path: str  # as shown to users: relative to the manifest's folder, else as given
    title: str
    publisher: str | None = None
    url: str | None = None
    language: str = "en"
    format: str | None = None  # reader name forced by the manifest or --format


@dataclass(frozen=True)
class Document:
    """A source's text, decoded; `lines[0]` is line 1."""

    source: Source
    text: str
    encoding: str
    raw: bytes = field(default=b"", repr=False)  # for binary formats such as DOCX

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class Entry:
    """One glossary entry: a headword and its definition, located in its source.

    `headword` is the heading as printed, minus list numbers, bullets and site-name
    suffixes; None where the source lost it. `definition` keeps every line of the
    definition joined by single spaces, as written. Where another entry's text was
    pasted into it, `clean_definition` holds the part that belongs to this entry.
    """

    source: str  # Source.key
    line: int  # 1-based line of the headword (of the definition when headless)
    headword: str | None
    definition: str
    clean_definition: str | None = None
    notes: tuple[tuple[str, str], ...] = ()  # extra columns or fields, kept as (name, value)
    ordinal: int = 0  # 1-based position in its source, set by the extract stage

    @property
    def id(self) -> str:
        """Unique within a build; two entries can share a line (minified HTML, say)."""
        return f"{self.source}-{self.ordinal}"

    @property
    def text(self) -> str:
        """The definition that belongs to this entry (pasted text removed)."""
        return self.clean_definition if self.clean_definition is not None else self.definition


@dataclass(frozen=True)
class Finding:
    """Something a user should know about the input or the result: a trap, a skipped file."""

    kind: str  # e.g. "duplicate-headword", "pasted-definition", "missing-definition", "skipped-file"
    message: str
    source: str | None = None  # Source.key or a path
    line: int | None = None

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.kind}: {self.message}" if where else f"{self.kind}: {self.message}"


@dataclass(frozen=True)
class MergeReason:
    """Why entries ended up in one concept: the rule, its score and the labels it compared."""

    rule: str
    score: float
    detail: str


@dataclass(frozen=True)
class Concept:
    """One meaning: every entry that defines it, with its labels.

    `key` is the IRI local name (a slug `[a-z][a-z0-9-]*`), stable across rebuilds.
    `alt_labels` never contains `pref_label`; `acronyms` are a subset of `alt_labels`.
    """

    key: str
    pref_label: str
    alt_labels: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()  # Entry.id of every entry defining this concept
    provisional: bool = False  # label derived from a headword-less definition: needs review
    is_metric: bool = False
    merge_reasons: tuple[MergeReason, ...] = ()
    reviewed: bool = False  # a curator confirmed it (a mark-reviewed decision, kg.decisions)

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.pref_label, *self.alt_labels)


@dataclass(frozen=True)
class Evidence:
    """Why an inferred edge exists: the rule, its confidence and the quoted text."""

    method: str  # rule name, e.g. "genus", "head", "metric-measures", "label-in-definition"
    confidence: float  # in [0, 1]
    quote: str  # the text that supports the edge, verbatim from a definition or label
    entry: str | None = None  # Entry.id the quote came from; None for label-only rules


@dataclass(frozen=True)
class Edge:
    """A directed link between two concepts, read as `source KIND target`.

    broader: source is narrower than target. metric_of: source measures target.
    mentioned_in: a label of source occurs in a definition of target.
    synonym: symmetric; source < target by key so each pair is stored once.
    """

    kind: str
    source: str  # Concept.key
    target: str  # Concept.key
    evidence: Evidence

    @property
    def confidence(self) -> float:
        return self.evidence.confidence


@dataclass(frozen=True)
class KnowledgeGraph:
    """Everything a build produced: what the exporters write."""

    scheme: Scheme
    sources: tuple[Source, ...]
    entries: tuple[Entry, ...]
    concepts: tuple[Concept, ...]
    edges: tuple[Edge, ...]
    findings: tuple[Finding, ...] = ()

    def concept(self, key: str) -> Concept:
        return self._concepts_by_key()[key]

    def entry(self, entry_id: str) -> Entry:
        return self._entries_by_id()[entry_id]

    def source(self, key: str) -> Source:
        return {s.key: s for s in self.sources}[key]

    def _concepts_by_key(self) -> dict[str, Concept]:
        cache = self.__dict__.get("_concept_index")
        if cache is None:
            cache = {c.key: c for c in self.concepts}
            object.__setattr__(self, "_concept_index", cache)
        return cache

    def _entries_by_id(self) -> dict[str, Entry]:
        cache = self.__dict__.get("_entry_index")
        if cache is None:
            cache = {e.id: e for e in self.entries}
            object.__setattr__(self, "_entry_index", cache)
        return cache
