"""Every threshold and rule switch in one place.

Defaults are the values measured on the bundled glossaries *and* the fixture glossaries
of other domains in tests/fixtures; the measurements are in the README's Quality section.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MergeConfig:
    # rapidfuzz token_sort_ratio (0-100) above which two labels are merge candidates
    label_candidate_score: float = 90.0
    # a fuzzy label match merges only when every differing word is a spelling variant of its
    # counterpart (rapidfuzz ratio 0-100): "centre"/"center" 83, "inbound"/"outbound" 67
    word_variant_score: float = 80.0
    # definition similarity (TF-IDF cosine, 0-1) a fuzzy label match must also reach to merge
    definition_agreement: float = 0.25
    # two headings with the same acronym merge when their expansions are this close
    # (token_set_ratio 0-100) or their definitions reach definition_agreement
    acronym_label_score: float = 80.0
    # a headword-less entry joins the concept whose definitions match it best above this (0-1,
    # TF-IDF cosine against the centroid of the concept's definitions), and by at least the
    # margin over the runner-up. Measured on the 68 hand-judged headless entries of the bundled
    # gold (47 with a counterpart elsewhere, 21 without; tests/gold/concepts-bundled.json), as
    # (attached right, attached wrong) at margin 0.10: 0.30 (20, 6), 0.40 (17, 4), 0.45 (10, 3),
    # 0.50 (6, 1), 0.55 (6, 0), 0.60 (5, 0). Wrong attachments cost more than provisional
    # concepts a curator can still name, so we take the lowest score with none wrong.
    headless_attach_score: float = 0.55
    headless_attach_margin: float = 0.10
    # a word shared by more concepts than this is not used to find a headless entry's
    # candidates (it says little, and its long list would make the step quadratic)
    headless_max_postings: int = 500
    # labels that could be spelling variants (as many words, one end word shared) are blocked
    # together and compared all-pairs with rapidfuzz; a larger block is split by its first
    # letters so the cost stays near-linear
    max_block_size: int = 2000
    # two concepts whose labels are this close (0-100) but stay apart become synonym candidates
    synonym_candidate_score: float = 85.0
    # and their definitions at least this similar (TF-IDF cosine, 0-1)
    synonym_definition_agreement: float = 0.30
    # a word in at least this share of the preferred labels ("customer" in a customer-service
    # vocabulary) adds little meaning: "Customer Retention" and "Retention" may be synonyms
    synonym_light_modifier_share: float = 0.05
    # definition agreement such a pair needs (bundled: Retention/Customer Retention 0.25,
    # Escalation/Escalation Management 0.24, Churn/Churn Rate 0.09)
    synonym_modifier_definition_agreement: float = 0.25
    # confidence of a synonym a definition states ("also known as X") for a concept kept apart
    synonym_also_called_confidence: float = 0.9


@dataclass(frozen=True)
class EdgeConfig:
    enabled: tuple[str, ...] = ("broader", "metric_of", "mentioned_in", "synonym")
    min_confidence: float = 0.5  # edges below this are dropped
    max_broader: int = 3  # broader concepts kept per concept, by confidence
    # Rules that share no parsed genera or label tables with the others, run in a forked child
    # by a build with more than one job (kg build --jobs) and at least this many concepts:
    # below it, starting the child and taking its edges back cost more than the rules.
    parallel_rules: tuple[str, ...] = ("mentioned_in", "synonym")
    parallel_min_concepts: int = 2_000
    # kg build reads files in a worker, and forks that child, only for glossaries of this much
    # text (about 5,000 terms): below it the work takes less time than starting a process.
    worker_input_bytes: int = 1_000_000
    # Methods each rule may use (kg/edges/broader.py, metric_of.py); drop one to switch it off.
    broader_methods: tuple[str, ...] = ("genus", "genus-modifier", "genus-activity", "head", "such-as",
                                        "metric-class")
    metric_of_methods: tuple[str, ...] = ("metric-measures", "metric-label", "metric-nominal")
    # Confidence per method: how often, on the fixture and bundled glossaries, such a link held.
    genus_confidence: float = 0.9  # the genus phrase is a concept's label
    genus_activity_confidence: float = 0.7  # "the process of analysing data" -> Data Analysis
    genus_stripped_confidence: float = 0.8  # …once its leading modifiers are dropped
    genus_light_confidence: float = 0.65  # "an approach to X": X, through a light noun
    genus_modifier_confidence: float = 0.6  # "a quality assurance philosophy": Quality Assurance
    such_as_confidence: float = 0.7  # "channels such as live chat": Live Chat -> Channels
    such_as_term_confidence: float = 0.65  # "AI technologies that…, such as chatbots" -> the term
    head_confirmed_confidence: float = 0.85  # "Urgent Ticket" -> Ticket, the definition agrees
    head_unconfirmed_confidence: float = 0.6  # …the definition neither agrees nor disagrees
    metric_class_confidence: float = 0.75  # a metric -> the glossary's "Metric" concept
    metric_object_confidence: float = 0.85  # "measures customer loyalty" -> Loyalty
    metric_clause_confidence: float = 0.75  # a concept named later in the measured clause
    metric_head_confidence: float = 0.55  # only the measured noun's head matches one concept
    metric_label_confidence: float = 0.8  # "Churn Rate" -> Churn
    metric_label_tail_confidence: float = 0.7  # "Average Reply Time" -> Reply
    # "a failure to retain customers", "measures how well it retains customers" -> Customer
    # Retention: the object and the verb's nominal make a label (kg/edges/nominal.py)
    metric_nominal_confidence: float = 0.7
    metric_nominal_bare_confidence: float = 0.6  # …the nominal alone: "retain staff" -> Retention
    mention_confidence: float = 0.9  # a label of several words, or an acronym, in a definition
    mention_one_word_confidence: float = 0.7  # a one-word label: more often another sense


@dataclass(frozen=True)
class ReaderConfig:
    # a text line longer than this is not a glossary line (minified HTML, a data dump): refused
    max_line_chars: int = 100_000
    # With a worker (kg build on large input), files are read in two processes once there is
    # this much to read: under it, reading (about 6 MB/s) takes less than starting the worker.
    parallel_bytes: int = 4_000_000


@dataclass(frozen=True)
class ExplorerConfig:
    # networkx's spring layout is quadratic (and needs scipy from 500 nodes): the most connected
    # concepts up to this many get it (~0.2 s); the rest are placed around them in linear time
    force_layout_max_nodes: int = 300
    layout_seed: int = 7
    layout_spacing: float = 120.0  # canvas pixels between neighbouring concepts
    # above this many concepts the page opens on an overview of the most connected ones and
    # adds the rest on demand (search, links); vis-network draws 5,000 fixed nodes in ~0.8 s
    full_view_max_concepts: int = 4000
    overview_concepts: int = 1500


@dataclass(frozen=True)
class ReviewConfig:
    # `kg review` queues inferred edges below this confidence (0-1) for a curator's decision
    below: float = 0.7


@dataclass(frozen=True)
class ValidationConfig:
    # pySHACL (inference rdfs) and Skosify run on an export up to this many triples; above it
    # only kg's own profile checks do (0.1 s at 6,000 concepts). The libraries cost about
    # 0.5 s plus 0.15 ms a triple: 1.4 s on the 6,400-triple profile of 1,000 concepts, 4.5 s
    # at 3,000 concepts and 9.6 s at 6,000 (41,000 triples), when the whole build of 10,000
    # concepts, which skips them, took 2.8 s. The bundled profile has 1,700 triples.
    build_library_triples: int = 10_000  # `kg build` checking what it wrote
    validate_library_triples: int = 300_000  # `kg validate` (its --max-library-triples)
    # `kg build` re-reads its full graph (NAME.ttl) for the profile checks only up to this size:
    # the SKOS profile (what tools import) is always checked, but re-parsing a full graph of
    # 10,000 concepts (19 MB, its evidence and entry nodes) took 2.5 s, most of the build's budget.
    # `kg validate NAME.ttl` checks any size.
    build_full_graph_bytes: int = 4_000_000


@dataclass(frozen=True)
class ExportConfig:
    # N-Triples files at least this big are converted to the other syntaxes in worker
    # processes (kg.exporters.rdf_write.Conversions). Spawning the workers costs about 0.3 s,
    # more than converting a small file: a 10,000-concept full graph is about 60 MB.
    parallel_bytes: int = 8_000_000
    # Worker processes for those conversions and the checks of what was written. 1 (none) for
    # library callers: a spawned worker re-imports the caller's main script, which must then
    # be guarded by `if __name__ == "__main__":`. `kg build` uses the machine's cores (--jobs).
    workers: int = 1
    # With workers, a graph this big starts them when the export starts, before its first
    # file is written (about 5,000 concepts export more than parallel_bytes).
    start_workers_concepts: int = 5_000


@dataclass(frozen=True)
class Config:
    merge: MergeConfig = field(default_factory=MergeConfig)
    edges: EdgeConfig = field(default_factory=EdgeConfig)
    explorer: ExplorerConfig = field(default_factory=ExplorerConfig)
    readers: ReaderConfig = field(default_factory=ReaderConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    export: ExportConfig = field(default_factory=ExportConfig)


DEFAULT = Config()
