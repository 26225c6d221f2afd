"""Does an RDF file import cleanly into taxonomy tools? The checks behind `kg validate`.

Three verdicts, each over the triples exactly as written (tools infer nothing):

1. the SKOS profile (docs/skos-profile.md), checked here in plain Python over the triples:
   S13, S14, S27 through any broader chain and any sub-property of skos:related, hierarchy
   cycles, missing inverse links, orphan concepts, overlapping labels, language tags, top
   concepts, the scheme, IRIs and slugs;
2. our SHACL shapes (ontology/shapes.ttl) with pySHACL, inference "rdfs", ontology/kg.ttl;
3. Skosify: it must return the same graph and log no warning.

pySHACL and Skosify work on rdflib graphs and take minutes on a million triples, so above
`max_library_triples` (kg/config.py) only the profile checks run (the report says so).

    report = validate_file(Path("exports/customer-service.skos.ttl"))
    print(report.to_text())
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import pyoxigraph

from kg.config import DEFAULT
from kg.errors import InputError
from kg.gc_pauses import without_gc_pauses
from kg.vocabulary import ONTOLOGY_FILE, PREFIXES, SHAPES_FILE

# rdflib (with pySHACL and Skosify) is needed only for the library checks of small files;
# importing it costs every build a third of a second, so the functions that use it import it.
if TYPE_CHECKING:
    import rdflib

SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
SUB_PROPERTY_OF = PREFIXES["rdfs"] + "subPropertyOf"
LABEL_PROPERTIES = ("prefLabel", "altLabel", "hiddenLabel")
TEXT_PROPERTIES = (*LABEL_PROPERTIES, "definition", "scopeNote", "note", "example", "editorialNote",
                   "historyNote", "changeNote")
FORMATS = {".ttl": "ttl", ".nt": "nt", ".rdf": "rdf", ".xml": "rdf", ".owl": "rdf", ".jsonld": "jsonld",
           ".json": "jsonld"}
_PYOXIGRAPH_FORMATS = {"ttl": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
                       "rdf": pyoxigraph.RdfFormat.RDF_XML, "jsonld": pyoxigraph.RdfFormat.JSON_LD}
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")
DEFAULT_MAX_LIBRARY_TRIPLES = DEFAULT.validation.validate_library_triples
MAX_SHOWN = 20  # problems listed per check in the text report

# (check name, what it guards) in report order
CHECKS = (
    ("S14", "at most one prefLabel per language"),
    ("S13", "prefLabel, altLabel and hiddenLabel of a concept differ"),
    ("S27", "skos:related never joins concepts a broader chain joins"),
    ("cycles", "no cycle in the broader hierarchy"),
    ("inverses", "every link written both ways"),
    ("orphans", "every concept in the scheme and reachable from a top concept"),
    ("top-concepts", "top concepts written both ways, none with a broader concept"),
    ("labels", "every concept labelled; no two concepts share a prefLabel"),
    ("languages", "every label and note language-tagged with a valid tag"),
    ("scheme", "one concept scheme, labelled and titled, never a concept"),
    ("iris", "http(s) IRIs under one namespace with [a-z][a-z0-9-]* slugs"),
    ("redundancy", "no broader link that a longer chain already implies"),
    ("provenance", "every entry, source and evidence node complete; evidence for stated links only"),
    ("shacl", "our SHACL shapes (ontology/shapes.ttl, inference rdfs)"),
    ("skosify", "Skosify returns the same graph and logs no warning"),
)


@dataclass(frozen=True)
class Problem:
    check: str
    message: str
    severity: str = "violation"  # or "warning"


@dataclass(frozen=True)
class Report:
    file: str
    triples: int
    concepts: int
    problems: tuple[Problem, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (check, why)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict:
        skipped = dict(self.skipped)
        return {
            "file": self.file, "triples": self.triples, "concepts": self.concepts, "valid": self.ok,
            "checks": [{"name": name, "title": title, "skipped": skipped.get(name),
                        "violations": [p.message for p in self.violations if p.check == name],
                        "warnings": [p.message for p in self.warnings if p.check == name]}
                       for name, title in CHECKS],
        }

    def to_text(self) -> str:
        lines = [f"{self.file}: {self.triples} triples, {self.concepts} concepts"]
        skipped = dict(self.skipped)
        for name, title in CHECKS:
            found = [p for p in self.problems if p.check == name]
            bad = [p for p in found if p.severity == "violation"]
            status = "skip" if name in skipped else "FAIL" if bad else "warn" if found else "ok"
            lines.append(f"  {status:<4}  {name:<12} {title}"
                         + (f" ({skipped[name]})" if name in skipped else ""))
            for problem in found[:MAX_SHOWN]:
                lines.append(f"          {problem.severity}: {problem.message}")
            if len(found) > MAX_SHOWN:
                lines.append(f"          … and {len(found) - MAX_SHOWN} more")
        verdict = "valid" if self.ok else f"INVALID: {len(self.violations)} violations"
        lines.append(f"  {verdict}, {len(self.warnings)} warnings")
        return "\n".join(lines)


class _Blank(str):
    """A blank node's label: a string like an IRI's (the checks follow both alike), told apart only
    where a message writes the term. Labels never contain ':' and IRIs always do, so none is equal."""

    __slots__ = ()


def _value(term) -> str:
    """What pyoxigraph's `.value` gives: the IRI or label for a node, the lexical form for a literal."""
    return term if isinstance(term, str) else term.value


def _term_text(term) -> str:
    """The term as pyoxigraph writes it (`<iri>`, `_:label`, `"text"@en`)."""
    if isinstance(term, _Blank):
        return f"_:{term}"
    return f"<{term}>" if isinstance(term, str) else str(term)


def _object(term):
    """An object term as the index keeps it: IRIs and blank nodes as strings, the rest as parsed."""
    kind = type(term)
    if kind is pyoxigraph.NamedNode:
        return term.value
    if kind is pyoxigraph.BlankNode:
        return _Blank(term.value)
    return term


class _Index:
    """The triples grouped by property, then subject, objects in file order: every check reads a
    few properties, each over all subjects. Plain strings, not pyoxigraph terms: reading `.value`
    makes a new string each time, and a million live terms cost the collector more than the checks."""

    def __init__(self) -> None:
        self.by_property: dict[str, dict[str, list]] = {}
        self.valued: set[str] = set()  # the properties with an object that is no IRI or blank node
        self.count = 0
        self._members: dict[str, set[str]] | None = None
        self._values: dict[tuple[str, str], set[str]] = {}

    def subjects(self, predicate: str) -> dict[str, list]:
        return self.by_property.get(predicate, {})

    def objects(self, subject: str, predicate: str) -> list:
        return self.by_property.get(predicate, {}).get(subject, [])

    def values(self, subject: str, predicate: str) -> set[str]:
        """The objects' values as a set, made once: a hub's thousand narrower links are
        looked up once per child, which a scan of the list would make quadratic."""
        key = (subject, predicate)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = {_value(o) for o in self.objects(subject, predicate)}
        return found

    def has_value(self, subject: str, predicate: str, value: str) -> bool:
        """`value in self.values(subject, predicate)`, without making a set for a short list."""
        objects = self.objects(subject, predicate)
        if len(objects) > 8:
            return value in self.values(subject, predicate)
        return value in objects or any(not isinstance(o, str) and _value(o) == value for o in objects)

    def members(self, class_iri: str) -> set[str]:
        if self._members is None:
            self._members = defaultdict(set)
            for subject, types in self.subjects(RDF_TYPE).items():
                for value in types:
                    self._members[value if type(value) is str else _value(value)].add(subject)
        return self._members.get(class_iri, set())

    def typed(self, value: str, class_iri: str) -> bool:
        return value in self.members(class_iri)

    def subjects_of_type(self, class_iri: str) -> list[str]:
        return sorted(self.members(class_iri))


# ---------------------------------------------------------------- loading

def format_of(path: Path) -> str:
    extension = FORMATS.get(path.suffix.lower())
    if extension is None:
        raise InputError(f"cannot tell the RDF syntax of '{path.suffix}' files", path=str(path),
                         hint=f"use one of {', '.join(sorted(FORMATS))}")
    return extension


def parse_triples(content: bytes, syntax: str, name: str) -> list[pyoxigraph.Triple]:
    try:
        return [q.triple for q in pyoxigraph.parse(content, format=_PYOXIGRAPH_FORMATS[syntax])]
    except (SyntaxError, ValueError) as error:
        raise _syntax_error(error, syntax, name) from None


def _syntax_error(error: SyntaxError | ValueError, syntax: str, name: str) -> InputError:
    return InputError(f"not valid {syntax}: {error}".splitlines()[0], path=name, line=getattr(error, "lineno", None),
                      hint="check the file is complete and in the syntax its extension says")


def to_rdflib(triples: Iterable[pyoxigraph.Triple]) -> rdflib.Graph:
    import rdflib
    from rdflib import URIRef

    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_rdflib_term(triple.subject), URIRef(triple.predicate.value), _rdflib_term(triple.object)))
    return graph


def _rdflib_term(term):
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdfLiteral

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def _index(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad]) -> _Index:
    """The triples (or the parser's quads, graph names aside) as an `_Index`.

    Each IRI is kept as one string object however often it occurs: the checks look concepts
    up in dictionaries a million times, and a key that is the very object stored needs no
    comparison of characters."""
    index = _Index()
    by_property, valued = index.by_property, index.valued
    named, blank = pyoxigraph.NamedNode, pyoxigraph.BlankNode
    same: dict[str, str] = {}
    subject = ""
    count = 0
    for triple in triples:
        predicate = triple.predicate.value
        obj = triple.object
        kind = type(obj)
        if kind is named:
            obj = obj.value
            obj = same.setdefault(obj, obj)
        elif kind is blank:
            obj = _Blank(obj.value)
        else:
            valued.add(predicate)
        subjects = by_property.get(predicate)
        if subjects is None:
            subjects = by_property[predicate] = {}
        value = triple.subject.value
        if value != subject:  # a subject's triples come together in Turtle
            subject = same.setdefault(value, value)
        objects = subjects.get(subject)
        if objects is None:
            subjects[subject] = [obj]
        else:
            objects.append(obj)
        count += 1
    index.count = count
    return index


def _parse_index(content: bytes, syntax: str, name: str) -> _Index:
    """`_index(parse_triples(...))` without the list of triples: the parser's terms are read once
    and dropped, which at a million triples saves more than a second."""
    try:
        return _index(pyoxigraph.parse(content, format=_PYOXIGRAPH_FORMATS[syntax]))
    except (SyntaxError, ValueError) as error:
        raise _syntax_error(error, syntax, name) from None


# ---------------------------------------------------------------- the profile checks

def _super_properties(index: _Index, ontology: Iterable[pyoxigraph.Triple]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for triple in ontology:
        if triple.predicate.value == SUB_PROPERTY_OF:
            parents[triple.subject.value].add(triple.object.value)
    for subject, objects in index.subjects(SUB_PROPERTY_OF).items():
        parents[subject].update(_value(obj) for obj in objects)
    return parents


def _sub_properties(parents: dict[str, set[str]], root: str) -> set[str]:
    """`root` and every property declared, through any chain, a sub-property of it."""
    result, changed = {root}, True
    while changed:
        changed = False
        for prop, supers in parents.items():
            if prop not in result and supers & result:
                result.add(prop)
                changed = True
    return result


def _links(index: _Index, concepts: set[str], properties: set[str]) -> dict[str, set[str]]:
    """Each concept's IRI and blank node objects through any of `properties`."""
    links: dict[str, set[str]] = defaultdict(set)
    for prop in properties:
        for subject, objects in index.subjects(prop).items():
            if subject in concepts:
                nodes = [obj for obj in objects if isinstance(obj, str)]
                if nodes:
                    links[subject].update(nodes)
    return links


def _parents(index: _Index, concepts: set[str], up: set[str], down: set[str]) -> dict[str, set[str]]:
    """Each concept's broader concepts, whichever end states the link: a concept's `up` objects
    and the concepts whose `down` objects it is (IRIs and blank nodes only)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for prop in up:
        for child, objects in index.subjects(prop).items():
            if child in concepts:
                if prop not in index.valued:
                    parents[child].update(objects)
                    continue
                for obj in objects:
                    if isinstance(obj, str):
                        parents[child].add(obj)
    for prop in down:
        for parent, objects in index.subjects(prop).items():
            if parent in concepts:
                for child in objects:
                    if isinstance(child, str):
                        parents[child].add(parent)
    return parents


def _reach(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


def _acyclic(parents: dict[str, set[str]]) -> bool:
    """Kahn's peeling, children first: linear and unsorted, where Tarjan's search sorts every
    node's parents to report its cycles in a stable order (run only when there is one)."""
    waiting = Counter(chain.from_iterable(parents.values()))  # each node's children not yet peeled
    ready = [node for node in parents if node not in waiting]
    peeled = 0
    while ready:
        node = ready.pop()
        peeled += 1
        for parent in parents.get(node, ()):
            waiting[parent] -= 1
            if not waiting[parent]:
                ready.append(parent)
    return peeled == len(waiting.keys() | parents.keys())


def _cycles(parents: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of size > 1 (or self-loops), by Tarjan, iteratively."""
    if _acyclic(parents):
        return []
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(parents):
        if root in index_of:
            continue
        work = [(root, iter(sorted(parents.get(root, ()))))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(parents.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index_of[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in parents.get(node, ()):
                    found.append(sorted(component))
    return found


class _Ancestors:
    """Every node a broader chain leads to from a node, made when first asked for: S27 asks for
    the related concepts' and the redundancy check for the parents of concepts with several.
    Without cycles a node's are its parents' with its parents (each set made once); with
    cycles, a walk per node."""

    _NONE: frozenset[str] = frozenset()

    def __init__(self, parents: dict[str, set[str]], acyclic: bool) -> None:
        self.parents = parents
        self.acyclic = acyclic
        self.known: dict[str, set[str] | frozenset[str]] = {}

    def __call__(self, node: str) -> set[str] | frozenset[str]:
        found = self.known.get(node)
        if found is None:
            if self.acyclic:
                self._fill(node)
                found = self.known[node]
            else:
                found = self.known[node] = _reach(self.parents.get(node, ()), self.parents)
        return found

    def _fill(self, node: str) -> None:
        known, parents = self.known, self.parents
        stack = [node]
        while stack:
            current = stack[-1]
            if current in known:
                stack.pop()
                continue
            direct = parents.get(current)
            if not direct:
                known[current] = self._NONE
                stack.pop()
                continue
            missing = [parent for parent in direct if parent not in known]
            if missing:
                stack.extend(missing)
                continue
            closure = set(direct)
            for parent in direct:
                closure |= known[parent]
            known[current] = closure
            stack.pop()


def profile_problems(triples: list[pyoxigraph.Triple], ontology: list[pyoxigraph.Triple] = ()) -> list[Problem]:
    return _profile_problems(_index(triples), ontology)


def _profile_problems(index: _Index, ontology: Iterable[pyoxigraph.Triple] = ()) -> list[Problem]:
    problems: list[Problem] = []
    concepts = index.members(SKOS + "Concept")
    ordered = sorted(concepts)
    schemes = index.subjects_of_type(SKOS + "ConceptScheme")
    problems += _label_problems(index, ordered)
    problems += _language_problems(index, concepts | set(schemes))
    problems += _scheme_problems(index, concepts, schemes)
    problems += _iri_problems(index, concepts, ordered, schemes)
    problems += _provenance_problems(index, concepts)

    supers = _super_properties(index, ontology)
    parents = _parents(index, concepts,
                       _sub_properties(supers, SKOS + "broader") | _sub_properties(supers, SKOS + "broaderTransitive"),
                       _sub_properties(supers, SKOS + "narrower") | _sub_properties(supers, SKOS + "narrowerTransitive"))

    cycles = _cycles(parents)
    for component in cycles:
        problems.append(Problem("cycles", "broader cycle through " + " → ".join(component)))

    related = _links(index, concepts, _sub_properties(supers, SKOS + "related"))
    ancestors = _Ancestors(parents, acyclic=not cycles)
    for a in sorted(related):
        for b in sorted(related[a]):
            if b in ancestors(a) or a in ancestors(b):
                problems.append(Problem("S27", f"<{a}> is related to <{b}>, which a broader chain also joins"))

    problems += _inverse_problems(index, concepts, schemes)
    problems += _reachability_problems(index, concepts, schemes, parents)
    if not cycles:
        # a concept with one parent has no other chain to it
        implied = []
        for child, direct in parents.items():
            if len(direct) > 1:
                for parent in direct:
                    for other in direct:
                        if other != parent and parent in ancestors(other):
                            implied.append((child, parent))
                            break
        for child, parent in sorted(implied):
            problems.append(Problem("redundancy", f"<{child}> broader <{parent}> is implied by "
                                    "a longer chain", "warning"))
    return problems


def _provenance_problems(index: _Index, concepts: set[str]) -> list[Problem]:
    """The full graph's own nodes, as ontology/shapes.ttl states them, fast enough for every build."""
    rdf, dct, kg = PREFIXES["rdf"], PREFIXES["dct"], PREFIXES["kg"]
    problems = []

    def one(subject: str, prop: str, what: str) -> list:
        values = index.objects(subject, prop)
        if len(values) != 1:
            problems.append(Problem("provenance", f"<{subject}> has {len(values)} {what}, not one"))
        return values

    def typed(value, class_iri: str) -> bool:
        return _value(value) in index.members(class_iri)

    sources = index.subjects_of_type(kg + "Source")
    for source in sources:
        if not index.objects(source, dct + "title"):
            problems.append(Problem("provenance", f"<{source}> (a source) has no dct:title"))
    for entry in index.subjects_of_type(kg + "Entry"):
        for value in one(entry, rdf + "value", "rdf:value (the definition)"):
            if not isinstance(value, pyoxigraph.Literal) or not value.language:
                problems.append(Problem("provenance", f"<{entry}>: its definition is not language-tagged"))
        for source in one(entry, dct + "source", "dct:source"):
            if not typed(source, kg + "Source"):
                problems.append(Problem("provenance", f"<{entry}>: its source <{_value(source)}> is not a kg:Source"))
        for line in one(entry, kg + "line", "kg:line"):
            if not (isinstance(line, pyoxigraph.Literal) and line.value.isdigit() and int(line.value) >= 1):
                problems.append(Problem("provenance", f"<{entry}>: kg:line {_term_text(line)} is not a line number"))
        if len(index.objects(entry, kg + "headword")) > 1:
            problems.append(Problem("provenance", f"<{entry}> has several kg:headword"))
        defined = index.objects(entry, kg + "defines")
        if not defined:
            problems.append(Problem("provenance", f"<{entry}> defines no concept", "warning"))
        for concept in defined:
            if _value(concept) not in concepts:
                problems.append(Problem("provenance", f"<{entry}> defines <{_value(concept)}>, not a concept"))
    relations = {PREFIXES["skos"] + "broader"} | {kg + name for name in ("metricOf", "mentionedIn", "synonymOf")}
    for evidence in index.subjects_of_type(kg + "Evidence"):
        subjects = one(evidence, rdf + "subject", "rdf:subject")
        predicates = one(evidence, rdf + "predicate", "rdf:predicate")
        objects = one(evidence, rdf + "object", "rdf:object")
        for end in subjects + objects:
            if _value(end) not in concepts:
                problems.append(Problem("provenance", f"<{evidence}> links <{_value(end)}>, not a concept"))
        for predicate in predicates:
            if _value(predicate) not in relations:
                problems.append(Problem("provenance", f"<{evidence}>: <{_value(predicate)}> is not an inferred relation"))
        if len(subjects) == len(predicates) == len(objects) == 1:
            s, p, o = _value(subjects[0]), _value(predicates[0]), objects[0]
            if o not in index.objects(s, p):
                problems.append(Problem("provenance", f"<{evidence}> explains <{s}> <{p}> <{_value(o)}>, "
                                        "which the graph does not state"))
        for confidence in one(evidence, kg + "confidence", "kg:confidence"):
            try:
                ok = 0 <= float(_value(confidence)) <= 1
            except (AttributeError, ValueError):
                ok = False
            if not ok:
                problems.append(Problem("provenance", f"<{evidence}>: confidence {_term_text(confidence)} "
                                        "is not in [0, 1]"))
        one(evidence, kg + "method", "kg:method")
        one(evidence, kg + "quote", "kg:quote")
        for entry in index.objects(evidence, PREFIXES["prov"] + "wasDerivedFrom"):
            if not typed(entry, kg + "Entry"):
                problems.append(Problem("provenance", f"<{evidence}> is derived from <{_value(entry)}>, not a kg:Entry"))
    return problems


def _literals(index: _Index, subject: str, prop: str) -> list[pyoxigraph.Literal]:
    return [o for o in index.objects(subject, SKOS + prop) if isinstance(o, pyoxigraph.Literal)]


def _label_problems(index: _Index, concepts: list[str]) -> list[Problem]:
    """Over `concepts` in order: the first of several sharing a label names it in the message."""
    problems = []
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    preferred, alternative = index.subjects(SKOS + "prefLabel"), index.subjects(SKOS + "altLabel")
    hidden = index.subjects(SKOS + "hiddenLabel")
    for concept in concepts:
        prefs = preferred.get(concept)
        if prefs and len(prefs) == 1 and isinstance(prefs[0], pyoxigraph.Literal) and concept not in hidden:
            # the common case: one prefLabel and no altLabel repeating it, so nothing to report
            label = prefs[0]
            value, language = label.value, label.language
            alts = alternative.get(concept)
            if alts is None or not any(isinstance(alt, pyoxigraph.Literal) and alt.value == value
                                       and alt.language == language for alt in alts):
                owners[(language or "", " ".join(value.split()).casefold())].append(concept)
                continue
        prefs = _literals(index, concept, "prefLabel")
        if not prefs:
            problems.append(Problem("labels", f"<{concept}> has no prefLabel"))
        per_language: dict[str, list[str]] = defaultdict(list)
        for label in prefs:
            per_language[label.language or ""].append(label.value)
            owners[(label.language or "", " ".join(label.value.split()).casefold())].append(concept)
        for language, values in sorted(per_language.items()):
            if len(values) > 1:
                problems.append(Problem("S14", f"<{concept}> has {len(values)} prefLabels in "
                                        f"'{language or 'no language'}': {sorted(values)}"))
        seen: dict[tuple[str, str], str] = {}
        for prop in LABEL_PROPERTIES:
            for label in _literals(index, concept, prop):
                key = (label.value, label.language or "")
                if key in seen and seen[key] != prop:
                    problems.append(Problem("S13", f"<{concept}> has \"{label.value}\" as both "
                                            f"{seen[key]} and {prop}"))
                seen.setdefault(key, prop)
    for language, normalised in sorted(key for key, sharing in owners.items() if len(sharing) > 1):
        concepts_sharing = owners[(language, normalised)]
        shown = ", ".join(f"<{c}>" for c in sorted(concepts_sharing))
        label = _literals(index, concepts_sharing[0], "prefLabel")[0].value
        problems.append(Problem("labels", f"{shown} share the prefLabel \"{label}\""
                                + (f"@{language}" if language else "")))
    return problems


def _language_problems(index: _Index, subjects: set[str]) -> list[Problem]:
    # one pass over the literals finds the few subjects to report, then each is read in full
    suspects = set()
    valid: set[str] = set()  # the tags seen so far that match
    for prop in TEXT_PROPERTIES:
        for subject, objects in index.subjects(SKOS + prop).items():
            for literal in objects:
                if isinstance(literal, pyoxigraph.Literal):
                    language = literal.language
                    if language in valid:
                        continue
                    if language and _LANGUAGE_TAG.match(language):
                        valid.add(language)
                        continue
                    suspects.add(subject)
                elif prop == "definition":
                    suspects.add(subject)
    problems = []
    for subject in sorted(suspects & subjects):
        for prop in TEXT_PROPERTIES:
            for literal in index.objects(subject, SKOS + prop):
                if not isinstance(literal, pyoxigraph.Literal):
                    if prop == "definition":
                        problems.append(Problem("languages", f"<{subject}> has a skos:definition that is "
                                                "not a plain literal (TemaTres and SkoHub need one)"))
                    continue
                if not literal.language:
                    problems.append(Problem("languages", f"<{subject}> skos:{prop} \"{literal.value}\" "
                                            "has no language tag"))
                elif not _LANGUAGE_TAG.match(literal.language):
                    problems.append(Problem("languages", f"<{subject}> skos:{prop} has an invalid "
                                            f"language tag '{literal.language}'"))
    return problems


def _scheme_problems(index: _Index, concepts: set[str], schemes: list[str]) -> list[Problem]:
    problems = []
    if not schemes:
        return [Problem("scheme", "no skos:ConceptScheme")] if concepts else []
    if len(schemes) > 1:
        problems.append(Problem("scheme", f"{len(schemes)} concept schemes; Skosmos and VocBench "
                                "expect one per vocabulary: " + ", ".join(f"<{s}>" for s in schemes)))
    for scheme in schemes:
        if scheme in concepts:
            problems.append(Problem("scheme", f"<{scheme}> is both a scheme and a concept (S9)"))
        if not _literals(index, scheme, "prefLabel"):
            problems.append(Problem("scheme", f"<{scheme}> has no skos:prefLabel"))
        if not index.objects(scheme, PREFIXES["dct"] + "title"):
            problems.append(Problem("scheme", f"<{scheme}> has no dct:title"))
    return problems


def _namespace(index: _Index, concepts: set[str], schemes: list[str]) -> str | None:
    for scheme in schemes:
        for value in index.objects(scheme, PREFIXES["vann"] + "preferredNamespaceUri"):
            return _value(value)
    heads = defaultdict(int)
    for concept in concepts:
        cut = max(concept.rfind("/"), concept.rfind("#"))
        heads[concept[:cut + 1]] += 1
    return max(sorted(heads), key=lambda h: heads[h]) if heads else None


def _iri_problems(index: _Index, concepts: set[str], ordered: list[str], schemes: list[str]) -> list[Problem]:
    problems = []
    namespace = _namespace(index, concepts, schemes)
    # A slug under a namespace that is itself a safe IRI passes every test below: one match
    # instead of three for nearly every concept.
    fine = (re.compile(re.escape(namespace) + r"[a-z][a-z0-9-]*$")
            if namespace and _SAFE_IRI.match(namespace + "a") else None)
    for concept in ordered:
        if fine is not None and fine.match(concept):
            continue
        if not _SAFE_IRI.match(concept):
            problems.append(Problem("iris", f"<{concept}> is not an http(s) IRI safe in every syntax"))
            continue
        if namespace and not concept.startswith(namespace):
            problems.append(Problem("iris", f"<{concept}> is outside the namespace <{namespace}>"))
            continue
        local = concept[len(namespace):] if namespace else concept
        if local[:1].isdigit():
            problems.append(Problem("iris", f"<{concept}>: a local name starting with a digit breaks iQvoc"))
        elif not _SLUG.match(local):
            problems.append(Problem("iris", f"<{concept}>: local name '{local}' is not a slug "
                                    "[a-z][a-z0-9-]*", "warning"))
    return problems


def _pairs(subjects: dict[str, list], reverse: bool = False) -> set[tuple[str, str]]:
    """(subject, object value), or (object value, subject), for every triple of one property."""
    if reverse:
        return {(obj if type(obj) is str else _value(obj), subject)
                for subject, objects in subjects.items() for obj in objects}
    return {(subject, obj if type(obj) is str else _value(obj)) for subject, objects in subjects.items() for obj in objects}


_INVERSES = (("broader", "narrower"), ("narrower", "broader"), ("related", "related"))


def _inverse_problems(index: _Index, concepts: set[str], schemes: list[str]) -> list[Problem]:
    # one pass over the links finds the few concepts to report, then each is read in full
    broader, narrower = index.subjects(SKOS + "broader"), index.subjects(SKOS + "narrower")
    related = index.subjects(SKOS + "related")
    # (child, parent) stated by the child but not the parent, or by the parent only; likewise related
    unanswered = (_pairs(broader) ^ _pairs(narrower, reverse=True)) | (_pairs(related) ^ _pairs(related, reverse=True))
    suspects = {end for pair in unanswered if pair[0] in concepts and pair[1] in concepts for end in pair}
    for concept, tops_of in index.subjects(SKOS + "topConceptOf").items():
        if concept in concepts and not all(index.has_value(_value(scheme), SKOS + "hasTopConcept", concept)
                                           for scheme in tops_of):
            suspects.add(concept)
    problems = []
    for concept in sorted(suspects):
        for prop, inverse in _INVERSES:
            for obj in index.objects(concept, SKOS + prop):
                if _value(obj) in concepts and concept not in index.values(_value(obj), SKOS + inverse):
                    problems.append(Problem("inverses", f"<{concept}> skos:{prop} <{_value(obj)}> "
                                            f"but not the other way (skos:{inverse})"))
        for scheme in index.objects(concept, SKOS + "topConceptOf"):
            if concept not in index.values(_value(scheme), SKOS + "hasTopConcept"):
                problems.append(Problem("top-concepts", f"<{concept}> skos:topConceptOf <{_value(scheme)}> "
                                        "without skos:hasTopConcept (PoolParty reads only that)"))
    for scheme in schemes:
        for top in index.objects(scheme, SKOS + "hasTopConcept"):
            if scheme not in index.values(_value(top), SKOS + "topConceptOf"):
                problems.append(Problem("top-concepts", f"<{scheme}> skos:hasTopConcept <{_value(top)}> "
                                        "without skos:topConceptOf (Skosmos reads only that)"))
    return problems


def _reachability_problems(index: _Index, concepts: set[str], schemes: list[str],
                           parents: dict[str, set[str]]) -> list[Problem]:
    problems = []
    tops: set[str] = set()
    top_of = index.subjects(SKOS + "topConceptOf")
    for scheme in schemes:
        scheme_tops = {_value(o) for o in index.objects(scheme, SKOS + "hasTopConcept")}
        scheme_tops |= {c for c in top_of if c in concepts and index.has_value(c, SKOS + "topConceptOf", scheme)}
        if concepts and not scheme_tops:
            problems.append(Problem("top-concepts", f"<{scheme}> has no top concept"))
        tops |= scheme_tops
    for top in sorted(tops & concepts):
        if parents.get(top):
            problems.append(Problem("top-concepts", f"top concept <{top}> has a broader concept "
                                    f"<{sorted(parents[top])[0]}>"))
    # tools walk down skos:narrower only, and only from concepts
    narrower = index.subjects(SKOS + "narrower")
    reachable: set[str] = set()
    stack: list = list(tops)
    while stack:
        node = stack.pop()
        if type(node) is not str:
            node = _value(node)
        if node not in reachable:
            reachable.add(node)
            if node in concepts:
                stack.extend(narrower.get(node, ()))
    scheme_set = set(schemes)
    in_scheme = index.subjects(SKOS + "inScheme")
    placed = {concept for concept, objects in in_scheme.items() if objects[0] in scheme_set}
    for concept in sorted((concepts - reachable) | (concepts - placed)):
        objects = in_scheme.get(concept, ())
        if not any(_value(o) in scheme_set for o in objects):
            problems.append(Problem("orphans", f"<{concept}> is not skos:inScheme the scheme"))
        if concept not in reachable:
            problems.append(Problem("orphans", f"<{concept}> cannot be reached from a top concept "
                                    "through skos:narrower"))
    return problems


# ---------------------------------------------------------------- the libraries

def shacl_problems(graph: rdflib.Graph) -> list[Problem]:
    import rdflib
    from pyshacl import validate as shacl_validate  # slow to import: only when used
    from rdflib import URIRef

    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    _, results, _ = shacl_validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                                   allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    problems = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        severity = "warning" if results.value(result, sh.resultSeverity) != sh.Violation else "violation"
        where = f"<{focus}>" + (f" {graph.namespace_manager.normalizeUri(path)}" if isinstance(path, URIRef) else "")
        problems.append(Problem("shacl", f"{where}: {message}", severity))
    return sorted(problems, key=lambda p: p.message)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def skosify_problems(graph: rdflib.Graph) -> list[Problem]:
    """Skosify logs through the root logger; a warning there is a problem it had to fix or flag."""
    import skosify
    from rdflib import BNode
    from rdflib.compare import isomorphic

    capture = _Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(min(level or logging.WARNING, logging.WARNING))
    try:
        # Given a Graph (never a path: on a file it cannot parse, Skosify calls sys.exit).
        result = skosify.skosify(graph)
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
    problems = [Problem("skosify", message) for message in sorted(set(capture.messages))]
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        missing, extra = set(graph) - set(result), set(result) - set(graph)
        same = not missing and not extra
    else:
        same = isomorphic(graph, result)
        missing = extra = set()
    if not same:
        detail = "; ".join(f"{label} {s.n3()} {p.n3()} {o.n3()}" for label, triples in
                           (("added", extra), ("removed", missing)) for s, p, o in sorted(triples)[:5])
        problems.append(Problem("skosify", f"Skosify changed the graph ({len(extra)} triples added, "
                                f"{len(missing)} removed){': ' + detail if detail else ''}"))
    return problems


# ---------------------------------------------------------------- entry points

LIBRARY_CHECKS = ("shacl", "skosify")


def validate_triples(triples: list[pyoxigraph.Triple], name: str,
                     max_library_triples: int = DEFAULT_MAX_LIBRARY_TRIPLES,
                     libraries: tuple[str, ...] = LIBRARY_CHECKS) -> Report:
    return _validate(lambda: _index(triples), name, max_library_triples, libraries, lambda: triples)


def validate_bytes(content: bytes, name: str, max_library_triples: int = DEFAULT_MAX_LIBRARY_TRIPLES,
                   libraries: tuple[str, ...] = LIBRARY_CHECKS) -> Report:
    syntax = format_of(Path(name))
    # the libraries need the terms, and run only on small files: parsing those twice costs nothing
    return _validate(lambda: _parse_index(content, syntax, name), name, max_library_triples, libraries,
                     lambda: parse_triples(content, syntax, name))


def _validate(index_of: Callable[[], _Index], name: str, max_library_triples: int, libraries: tuple[str, ...],
              triples: Callable[[], list[pyoxigraph.Triple]]) -> Report:
    # The index is a million strings and lists, none of them garbage: freed before the collector
    # runs again, it is never scanned.
    with without_gc_pauses():
        index = index_of()
        ontology = parse_triples(ONTOLOGY_FILE.read_bytes(), "ttl", str(ONTOLOGY_FILE))
        problems = _profile_problems(index, ontology)
        count = index.count
        concepts = sum(1 for types in index.subjects(RDF_TYPE).values() for value in types
                       if _value(value) == SKOS + "Concept")
        del index
    skipped: list[tuple[str, str]] = [(check, "not run on this file") for check in LIBRARY_CHECKS
                                      if check not in libraries]
    if libraries and count > max_library_triples:
        why = f"{count} triples > {max_library_triples}; the profile checks cover the same ground"
        skipped += [(check, why) for check in libraries]
    elif libraries:
        graph = to_rdflib(triples())
        if "shacl" in libraries:
            problems += shacl_problems(graph)
        if "skosify" in libraries:
            problems += skosify_problems(graph)
    return Report(file=name, triples=count, concepts=concepts, problems=tuple(problems),
                  skipped=tuple(skipped))


def validate_exports(files: Mapping[str, bytes],
                     max_library_triples: int = DEFAULT.validation.build_library_triples,
                     max_full_graph_bytes: int = DEFAULT.validation.build_full_graph_bytes) -> list[Report]:
    """`check_written` over every Turtle file of `files` (name -> bytes), as `kg build` runs it."""
    turtle = sorted(name for name in files if name.endswith(".ttl"))
    profiles = {name for name in turtle if name.endswith(".skos.ttl")} or set(turtle)
    return [_checked(name, len(files[name]), lambda name=name: files[name], name in profiles,
                     max_library_triples, max_full_graph_bytes) for name in turtle]


def check_written(path: Path, profile: bool,
                  max_library_triples: int = DEFAULT.validation.build_library_triples,
                  max_full_graph_bytes: int = DEFAULT.validation.build_full_graph_bytes) -> Report:
    """What `kg build` checks of a Turtle file it wrote.

    The other syntaxes hold the same triples as their Turtle twin (the tests prove it). The
    SKOS profile (`profile`), what tools import, gets every check. On the full graph pySHACL
    takes ten times longer than the whole build (its evidence and entry nodes), so there the
    profile and provenance checks stand in for it, and only up to `max_full_graph_bytes`;
    `kg validate NAME.ttl` runs everything on any size.
    """
    return _checked(path.name, path.stat().st_size, path.read_bytes, profile, max_library_triples,
                    max_full_graph_bytes)


def _checked(name: str, size: int, content, profile: bool, max_library_triples: int,
             max_full_graph_bytes: int) -> Report:
    if not profile and size > max_full_graph_bytes:
        why = f"{size // 1_000_000} MB > {max_full_graph_bytes // 1_000_000} MB in a build"
        return Report(file=name, triples=0, concepts=0, problems=(),
                      skipped=tuple((check, why) for check in ("profile", *LIBRARY_CHECKS)))
    return validate_bytes(content(), name, max_library_triples, LIBRARY_CHECKS if profile else ())


def validate_file(path: Path, max_library_triples: int = DEFAULT_MAX_LIBRARY_TRIPLES) -> Report:
    format_of(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=str(path),
                         hint="give an RDF file written by kg build or another tool") from None
    return validate_bytes(content, str(path), max_library_triples)


def build_summary(reports: list[Report]) -> str:
    """One line for `kg build`: what was checked and the verdict."""
    if not reports:
        return "Validated nothing: no Turtle export was written"
    parts = []
    for report in reports:
        skipped = dict(report.skipped)
        if "profile" in skipped:
            parts.append(f"{Path(report.file).name} (not re-read: {skipped['profile']}; "
                         f"`kg validate {Path(report.file).name}` checks it)")
            continue
        ran = ["profile checks"] + [label for check, label in (("shacl", "SHACL"), ("skosify", "Skosify"))
                                  if check not in skipped]
        parts.append(f"{Path(report.file).name} ({', '.join(ran)})")
    violations = sum(len(r.violations) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    verdict = f"{violations} violations" if violations else "no violations"
    large = [Path(r.file).name for r in reports if any(" triples > " in why for _, why in r.skipped)]
    note = (f" (too large for pySHACL and Skosify in a build: `kg validate {', '.join(large)}` runs them)"
            if large else "")
    return f"Validated {'; '.join(parts)}: {verdict}, {warnings} warnings{note}"


def reports_json(reports: list[Report]) -> str:
    return json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False)
