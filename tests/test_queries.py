"""The ready queries of ontology/queries/: each answers its question, checked against Python.

Every expected answer is computed here from the KnowledgeGraph itself (its concepts, entries
and edges), never written down, and compared with what the query returns from the exported
full graph. Three graphs: the bundled build, a three-glossary coffee fixture built by the
pipeline, and the hand-made astronomy sample (metrics, synonyms, a headword-less entry).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kg.exporters import render_all
from kg.exporters.rdf_terms import concept_iri, entry_iri
from kg.exporters.skos_labels import export_labels
from kg.manifest import plan_for_paths
from kg.model import BROADER, MENTIONED_IN, METRIC_OF, KnowledgeGraph
from kg.pipeline import build
from kg.sparql import Query, load_graph, run_query
from kg.vocabulary import EDGE_PROPERTY, KG_NS, PREFIXES
from tests.conftest import FIXTURES, ROOT
from tests.fixtures.rdf.samples import astronomy

QUERIES = ROOT / "ontology" / "queries"
COFFEE = FIXTURES / "sparql" / "coffee"
TERM_LINE = re.compile(r'VALUES \?term \{ ("[^"]*") \}')


@pytest.fixture(scope="module")
def graphs(bundled_kg, tmp_path_factory):
    """name -> (KnowledgeGraph, the loaded full graph it exports)."""
    folder = tmp_path_factory.mktemp("ready-queries")
    result = {}
    for name, kg in (("bundled", bundled_kg), ("coffee", build(plan_for_paths([COFFEE]))),
                     ("astronomy", astronomy())):
        path = folder / f"{name}.ttl"
        path.write_bytes(render_all(kg, ["rdf"])[f"{kg.scheme.name}.ttl"])
        result[name] = (kg, load_graph(path))
    return result


def ask(graph, name: str, term: str | None = None) -> list[tuple]:
    text = (QUERIES / name).read_text(encoding="utf-8")
    if term is not None:
        assert TERM_LINE.search(text), f"{name} has no VALUES ?term line to change"
        text = TERM_LINE.sub(lambda _: f"VALUES ?term {{ {json.dumps(term, ensure_ascii=False)} }}", text)
    answer = run_query(graph, Query(text, name))
    return [tuple(record.values()) for record in answer.records()]


def default_term(name: str) -> str:
    return json.loads(TERM_LINE.search((QUERIES / name).read_text(encoding="utf-8"))[1])


# -- the graph as Python sees it -----------------------------------------------------------------

class View:
    """What the queries look at, computed from the KnowledgeGraph: labels, IRIs, valid edges."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.labels = export_labels(kg)  # the labels the exports write (trimmed, clashes qualified)
        keys = {c.key for c in kg.concepts}
        # An edge from a concept to itself or to an unknown key is not exported.
        self.edges = [e for e in kg.edges if e.source != e.target and {e.source, e.target} <= keys]

    def iri(self, key: str) -> str:
        return concept_iri(self.kg.scheme, key)

    def pref(self, key: str) -> str:
        return self.labels[key].pref

    def all_labels(self, key: str) -> list[str]:
        return [self.labels[key].pref, *self.labels[key].alts]

    def named(self, term: str) -> list[str]:
        return sorted(c.key for c in self.kg.concepts
                      if term.lower() in (label.lower() for label in self.all_labels(c.key)))

    def targets(self, kind: str) -> dict[str, set[str]]:
        result: dict[str, set[str]] = defaultdict(set)
        for edge in self.edges:
            if edge.kind == kind:
                result[edge.source].add(edge.target)
        return result

    def sources_of(self, key: str) -> set[str]:
        return {self.kg.entry(e).source for e in self.kg.concept(key).entries}

    def descendants(self, key: str) -> set[str]:
        narrower: dict[str, set[str]] = defaultdict(set)
        for child, parents in self.targets(BROADER).items():
            for parent in parents:
                narrower[parent].add(child)
        seen: set[str] = set()
        stack = [key]
        while stack:
            for child in narrower[stack.pop()]:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen - {key}


def normalised(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text.lower()).strip(" ")


def expected_defined_by_many(view: View) -> list[tuple]:
    rows = [(view.iri(c.key), view.pref(c.key), len(view.sources_of(c.key))) for c in view.kg.concepts]
    return sorted((r for r in rows if r[2] >= 3), key=lambda r: (-r[2], r[1], r[0]))


def expected_metrics(view: View) -> list[tuple]:
    measures = view.targets(METRIC_OF)
    metrics = {c.key for c in view.kg.concepts if c.is_metric} | set(measures)
    rows = []
    for key in metrics:
        if not measures.get(key):
            rows.append((view.iri(key), view.pref(key), None, None))
        rows += [(view.iri(key), view.pref(key), view.iri(t), view.pref(t)) for t in measures.get(key, ())]
    return sorted(rows, key=lambda r: (r[1], r[0], r[3] or "", r[2] or ""))


def expected_kinds_of(view: View, term: str) -> list[tuple]:
    rows = [(view.iri(kind), view.pref(kind), view.iri(top), view.pref(top))
            for top in view.named(term) for kind in view.descendants(top)]
    return sorted(set(rows), key=lambda r: (r[3], r[2], r[1], r[0]))


def expected_most_mentioned(view: View) -> list[tuple]:
    rows = [(view.iri(k), view.pref(k), len(t)) for k, t in view.targets(MENTIONED_IN).items()]
    return sorted(rows, key=lambda r: (-r[2], r[1], r[0]))[:20]


def expected_disagreements(view: View) -> list[tuple]:
    rows = []
    for concept in view.kg.concepts:
        entries = [view.kg.entry(e) for e in concept.entries]
        sources, texts = {e.source for e in entries}, {normalised(e.text) for e in entries}
        if len(sources) >= 2 and len(texts) >= 2:
            rows.append((view.iri(concept.key), view.pref(concept.key), len(sources), len(texts)))
    return sorted(rows, key=lambda r: (-r[3], -r[2], r[1], r[0]))


def expected_definitions(view: View, term: str) -> list[tuple]:
    titles = {s.key: s.title for s in view.kg.sources}
    rows = []
    for key in view.named(term):
        for entry in (view.kg.entry(e) for e in view.kg.concept(key).entries):
            rows.append((view.iri(key), view.pref(key), titles[entry.source], entry.line, entry.headword,
                         entry.text, entry_iri(view.kg.scheme, entry.id)))
    return sorted(rows, key=lambda r: (r[1], r[0], r[2], r[3], r[6]))


def relation_iri(kind: str) -> str:
    return PREFIXES["skos"] + "broader" if kind == BROADER else KG_NS + EDGE_PROPERTY[kind]


def expected_why(view: View, term: str) -> Counter:
    named = set(view.named(term))
    titles = {s.key: s.title for s in view.kg.sources}
    rows = Counter()
    for edge in view.edges:
        if edge.source in named or edge.target in named:
            entry = view.kg._entries_by_id().get(edge.evidence.entry or "")
            rows[(view.pref(edge.source), relation_iri(edge.kind), view.pref(edge.target),
                  round(edge.confidence, 6), edge.evidence.method, edge.evidence.quote,
                  titles[entry.source] if entry else None, entry.line if entry else None)] += 1
    return rows


def expected_label_search(view: View, term: str) -> list[tuple]:
    rows = [(view.iri(c.key), view.pref(c.key), label) for c in view.kg.concepts
            for label in view.all_labels(c.key) if term.lower() in label.lower()]
    return sorted(rows, key=lambda r: (r[1], r[0], r[2]))


def expected_label_words(view: View, term: str) -> list[tuple]:
    rows = [(view.iri(c.key), view.pref(c.key)) for c in view.kg.concepts
            if term in {w for label in view.all_labels(c.key) for w in re.findall(r"[^\W_]+", label.casefold())}]
    return sorted(rows, key=lambda r: (r[1], r[0]))


# -- terms to ask about, chosen from each graph rather than written down -------------------------

def terms_for(view: View, name: str) -> list[str]:
    """The query's own default term, and labels the graph makes interesting for this query."""
    concepts = sorted(view.kg.concepts, key=lambda c: c.key)
    if name == "kinds-of.rq":
        richest = max(concepts, key=lambda c: len(view.descendants(c.key)))
        picks = [view.pref(richest.key)]
    elif name == "definitions-of.rq":
        most = max(concepts, key=lambda c: len(c.entries))
        with_alt = [c for c in concepts if view.labels[c.key].alts]
        picks = [view.pref(most.key)] + ([view.labels[with_alt[0].key].alts[0].upper()] if with_alt else [])
    elif name == "why-this-edge.rq":
        degree = Counter(k for e in view.edges for k in (e.source, e.target))
        picks = [view.pref(max(concepts, key=lambda c: (degree[c.key], c.key)).key)]
    elif name == "label-words.rq":  # the most common word among labels, and a short one
        words = Counter(w for c in concepts for w in re.findall(r"\w+", view.pref(c.key).casefold()))
        picks = sorted(words, key=lambda w: (-words[w], w))[:1] + sorted(w for w in words if len(w) <= 3)[:1]
    else:  # label-search.rq: the first word of the most common word among labels
        words = Counter(w.lower() for c in concepts for w in re.findall(r"[A-Za-z]{4,}", view.pref(c.key)))
        picks = [max(sorted(words), key=lambda w: words[w])[:5]] if words else []
    return [default_term(name), *picks]


GRAPHS = ("bundled", "coffee", "astronomy")


def numbers(rows: list[tuple], *positions: int) -> list[tuple]:
    return [tuple(int(v) if i in positions and v is not None else v for i, v in enumerate(r)) for r in rows]


@pytest.mark.parametrize("graph", GRAPHS)
def test_defined_by_many_glossaries(graphs, graph):
    kg, loaded = graphs[graph]
    assert numbers(ask(loaded, "defined-by-many-glossaries.rq"), 2) == expected_defined_by_many(View(kg))


@pytest.mark.parametrize("graph", GRAPHS)
def test_what_metrics_measure(graphs, graph):
    kg, loaded = graphs[graph]
    assert ask(loaded, "what-metrics-measure.rq") == expected_metrics(View(kg))


@pytest.mark.parametrize("graph", GRAPHS)
def test_kinds_of(graphs, graph):
    kg, loaded = graphs[graph]
    view = View(kg)
    for term in terms_for(view, "kinds-of.rq"):
        assert ask(loaded, "kinds-of.rq", term) == expected_kinds_of(view, term), term


@pytest.mark.parametrize("graph", GRAPHS)
def test_most_mentioned_terms(graphs, graph):
    kg, loaded = graphs[graph]
    assert numbers(ask(loaded, "most-mentioned-terms.rq"), 2) == expected_most_mentioned(View(kg))


@pytest.mark.parametrize("graph", GRAPHS)
def test_where_glossaries_disagree(graphs, graph):
    kg, loaded = graphs[graph]
    assert numbers(ask(loaded, "where-glossaries-disagree.rq"), 2, 3) == expected_disagreements(View(kg))


@pytest.mark.parametrize("graph", GRAPHS)
def test_definitions_of(graphs, graph):
    kg, loaded = graphs[graph]
    view = View(kg)
    for term in terms_for(view, "definitions-of.rq"):
        assert numbers(ask(loaded, "definitions-of.rq", term), 3) == expected_definitions(view, term), term


@pytest.mark.parametrize("graph", GRAPHS)
def test_why_this_edge(graphs, graph):
    kg, loaded = graphs[graph]
    view = View(kg)
    for term in terms_for(view, "why-this-edge.rq"):
        rows = ask(loaded, "why-this-edge.rq", term)
        found = Counter((s, p, o, round(float(c), 6), m, q, t, None if line is None else int(line))
                        for s, p, o, c, m, q, t, line, _evidence in rows)
        assert found == expected_why(view, term), term
        order = [(r[0], r[1], r[2], -float(r[3]), r[4]) for r in rows]
        assert order == sorted(order), "rows are not in the query's order"


@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("query, expected", [("label-search.rq", expected_label_search),
                                             ("label-words.rq", expected_label_words)])
def test_label_search(graphs, graph, query, expected):
    kg, loaded = graphs[graph]
    view = View(kg)
    for term in terms_for(view, query):
        assert ask(loaded, query, term) == expected(view, term), term


def test_label_words_find_what_label_search_finds_as_a_whole_word(graphs):
    kg, loaded = graphs["bundled"]
    found = {row[0] for row in ask(loaded, "label-words.rq", "score")}
    scanned = {row[0] for row in ask(loaded, "label-search.rq", "score")}
    assert found and found <= scanned


def test_the_fixtures_make_every_query_answer_something(graphs):
    """Guard against vacuous passes: across the test graphs, every query has some answer."""
    empty = []
    for name in sorted(p.name for p in QUERIES.glob("*.rq")):
        answered = False
        for graph in GRAPHS:
            kg, loaded = graphs[graph]
            view = View(kg)
            terms = terms_for(view, name) if TERM_LINE.search((QUERIES / name).read_text()) else [None]
            answered = answered or any(ask(loaded, name, term) for term in terms)
        if not answered:
            empty.append(name)
    assert empty == []


def test_every_ready_query_is_tested_documented_and_asks_a_question():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Ready queries", 1)[1].split("\n## ", 1)[0]
    tested = Path(__file__).read_text(encoding="utf-8")
    for path in sorted(QUERIES.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and "?" in first, f"{path.name}: first line must be its question"
        assert f"`{path.name}`" in section, f"{path.name} is not listed under Ready queries"
        assert f'"{path.name}"' in tested, f"{path.name} has no test"
