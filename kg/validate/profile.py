"""The SKOS profile (docs/skos-profile.md) checked in plain Python over the triples as written.

Each check makes one pass over the properties it reads to find the few subjects it has to
report, then reads each of those in full: a million triples cost a few seconds, and the
messages and their order stay those of a check that read every concept in order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph

from kg.validate import hierarchy
from kg.validate.report import Problem
from kg.validate.triples import SKOS, Index, index_triples, term_text, value_of
from kg.vocabulary import PREFIXES

LABEL_PROPERTIES = ("prefLabel", "altLabel", "hiddenLabel")
TEXT_PROPERTIES = (*LABEL_PROPERTIES, "definition", "scopeNote", "note", "example", "editorialNote",
                   "historyNote", "changeNote")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


def profile_problems(triples: list[pyoxigraph.Triple], ontology: list[pyoxigraph.Triple] = ()) -> list[Problem]:
    """`index_problems` over a list of triples."""
    return index_problems(index_triples(triples), ontology)


def index_problems(index: Index, ontology: Iterable[pyoxigraph.Triple] = ()) -> list[Problem]:
    """Every profile check on `index`, in report order; `ontology` declares sub-properties."""
    problems: list[Problem] = []
    concepts = index.members(SKOS + "Concept")
    ordered = sorted(concepts)
    schemes = index.subjects_of_type(SKOS + "ConceptScheme")
    problems += _label_problems(index, ordered)
    problems += _language_problems(index, concepts | set(schemes))
    problems += _scheme_problems(index, concepts, schemes)
    problems += _iri_problems(index, concepts, ordered, schemes)
    problems += _provenance_problems(index, concepts)

    supers = hierarchy.super_properties(index, ontology)

    def sub_properties(*roots: str) -> set[str]:
        return set().union(*(hierarchy.sub_properties(supers, SKOS + root) for root in roots))

    parents = hierarchy.parents_of(index, concepts, sub_properties("broader", "broaderTransitive"),
                                   sub_properties("narrower", "narrowerTransitive"))
    cycles = hierarchy.cycles(parents)
    for component in cycles:
        problems.append(Problem("cycles", "broader cycle through " + " → ".join(component)))

    related = hierarchy.links(index, concepts, sub_properties("related"))
    ancestors = hierarchy.Ancestors(parents, acyclic=not cycles)
    for a in sorted(related):
        for b in sorted(related[a]):
            if b in ancestors(a) or a in ancestors(b):
                problems.append(Problem("S27", f"<{a}> is related to <{b}>, which a broader chain also joins"))

    problems += _inverse_problems(index, concepts, schemes)
    problems += _reachability_problems(index, concepts, schemes, parents)
    if not cycles:
        problems += _redundancy_problems(parents, ancestors)
    return problems


def _redundancy_problems(parents: dict[str, set[str]], ancestors: hierarchy.Ancestors) -> list[Problem]:
    implied = []
    for child, direct in parents.items():
        if len(direct) > 1:  # with one parent there is no other chain to it
            for parent in direct:
                for other in direct:
                    if other != parent and parent in ancestors(other):
                        implied.append((child, parent))
                        break
    return [Problem("redundancy", f"<{child}> broader <{parent}> is implied by a longer chain", "warning")
            for child, parent in sorted(implied)]


def _provenance_problems(index: Index, concepts: set[str]) -> list[Problem]:
    """The full graph's own nodes, as ontology/shapes.ttl states them, fast enough for every build."""
    rdf, dct, kg = PREFIXES["rdf"], PREFIXES["dct"], PREFIXES["kg"]
    problems = []

    def one(subject: str, prop: str, what: str) -> list:
        values = index.objects(subject, prop)
        if len(values) != 1:
            problems.append(Problem("provenance", f"<{subject}> has {len(values)} {what}, not one"))
        return values

    def typed(value, class_iri: str) -> bool:
        return value_of(value) in index.members(class_iri)

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
                problems.append(Problem("provenance", f"<{entry}>: its source <{value_of(source)}> is not a kg:Source"))
        for line in one(entry, kg + "line", "kg:line"):
            if not (isinstance(line, pyoxigraph.Literal) and line.value.isdigit() and int(line.value) >= 1):
                problems.append(Problem("provenance", f"<{entry}>: kg:line {term_text(line)} is not a line number"))
        if len(index.objects(entry, kg + "headword")) > 1:
            problems.append(Problem("provenance", f"<{entry}> has several kg:headword"))
        defined = index.objects(entry, kg + "defines")
        if not defined:
            problems.append(Problem("provenance", f"<{entry}> defines no concept", "warning"))
        for concept in defined:
            if value_of(concept) not in concepts:
                problems.append(Problem("provenance", f"<{entry}> defines <{value_of(concept)}>, not a concept"))
    relations = {PREFIXES["skos"] + "broader"} | {kg + name for name in ("metricOf", "mentionedIn", "synonymOf")}
    for evidence in index.subjects_of_type(kg + "Evidence"):
        subjects = one(evidence, rdf + "subject", "rdf:subject")
        predicates = one(evidence, rdf + "predicate", "rdf:predicate")
        objects = one(evidence, rdf + "object", "rdf:object")
        for end in subjects + objects:
            if value_of(end) not in concepts:
                problems.append(Problem("provenance", f"<{evidence}> links <{value_of(end)}>, not a concept"))
        for predicate in predicates:
            if value_of(predicate) not in relations:
                problems.append(Problem("provenance", f"<{evidence}>: <{value_of(predicate)}> is not an "
                                        "inferred relation"))
        if len(subjects) == len(predicates) == len(objects) == 1:
            s, p, o = value_of(subjects[0]), value_of(predicates[0]), objects[0]
            if o not in index.objects(s, p):
                problems.append(Problem("provenance", f"<{evidence}> explains <{s}> <{p}> <{value_of(o)}>, "
                                        "which the graph does not state"))
        for confidence in one(evidence, kg + "confidence", "kg:confidence"):
            try:
                ok = 0 <= float(value_of(confidence)) <= 1
            except (AttributeError, ValueError):
                ok = False
            if not ok:
                problems.append(Problem("provenance", f"<{evidence}>: confidence {term_text(confidence)} "
                                        "is not in [0, 1]"))
        one(evidence, kg + "method", "kg:method")
        one(evidence, kg + "quote", "kg:quote")
        for entry in index.objects(evidence, PREFIXES["prov"] + "wasDerivedFrom"):
            if not typed(entry, kg + "Entry"):
                problems.append(Problem("provenance", f"<{evidence}> is derived from <{value_of(entry)}>, "
                                        "not a kg:Entry"))
    return problems


def _literals(index: Index, subject: str, prop: str) -> list[pyoxigraph.Literal]:
    return [o for o in index.objects(subject, SKOS + prop) if isinstance(o, pyoxigraph.Literal)]


def _label_problems(index: Index, concepts: list[str]) -> list[Problem]:
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


def _language_problems(index: Index, subjects: set[str]) -> list[Problem]:
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


def _scheme_problems(index: Index, concepts: set[str], schemes: list[str]) -> list[Problem]:
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


def _namespace(index: Index, concepts: set[str], schemes: list[str]) -> str | None:
    for scheme in schemes:
        for value in index.objects(scheme, PREFIXES["vann"] + "preferredNamespaceUri"):
            return value_of(value)
    heads = defaultdict(int)
    for concept in concepts:
        cut = max(concept.rfind("/"), concept.rfind("#"))
        heads[concept[:cut + 1]] += 1
    return max(sorted(heads), key=lambda h: heads[h]) if heads else None


def _iri_problems(index: Index, concepts: set[str], ordered: list[str], schemes: list[str]) -> list[Problem]:
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
        return {(obj if type(obj) is str else value_of(obj), subject)
                for subject, objects in subjects.items() for obj in objects}
    return {(subject, obj if type(obj) is str else value_of(obj))
            for subject, objects in subjects.items() for obj in objects}


_INVERSES = (("broader", "narrower"), ("narrower", "broader"), ("related", "related"))


def _inverse_problems(index: Index, concepts: set[str], schemes: list[str]) -> list[Problem]:
    # one pass over the links finds the few concepts to report, then each is read in full
    broader, narrower = index.subjects(SKOS + "broader"), index.subjects(SKOS + "narrower")
    related = index.subjects(SKOS + "related")
    # (child, parent) stated by the child but not the parent, or by the parent only; likewise related
    unanswered = (_pairs(broader) ^ _pairs(narrower, reverse=True)) | (_pairs(related) ^ _pairs(related, reverse=True))
    suspects = {end for pair in unanswered if pair[0] in concepts and pair[1] in concepts for end in pair}
    for concept, tops_of in index.subjects(SKOS + "topConceptOf").items():
        if concept in concepts and not all(index.has_value(value_of(scheme), SKOS + "hasTopConcept", concept)
                                           for scheme in tops_of):
            suspects.add(concept)
    problems = []
    for concept in sorted(suspects):
        for prop, inverse in _INVERSES:
            for obj in index.objects(concept, SKOS + prop):
                if value_of(obj) in concepts and concept not in index.values(value_of(obj), SKOS + inverse):
                    problems.append(Problem("inverses", f"<{concept}> skos:{prop} <{value_of(obj)}> "
                                            f"but not the other way (skos:{inverse})"))
        for scheme in index.objects(concept, SKOS + "topConceptOf"):
            if concept not in index.values(value_of(scheme), SKOS + "hasTopConcept"):
                problems.append(Problem("top-concepts", f"<{concept}> skos:topConceptOf <{value_of(scheme)}> "
                                        "without skos:hasTopConcept (PoolParty reads only that)"))
    for scheme in schemes:
        for top in index.objects(scheme, SKOS + "hasTopConcept"):
            if scheme not in index.values(value_of(top), SKOS + "topConceptOf"):
                problems.append(Problem("top-concepts", f"<{scheme}> skos:hasTopConcept <{value_of(top)}> "
                                        "without skos:topConceptOf (Skosmos reads only that)"))
    return problems


def _reachability_problems(index: Index, concepts: set[str], schemes: list[str],
                           parents: dict[str, set[str]]) -> list[Problem]:
    problems = []
    tops: set[str] = set()
    top_of = index.subjects(SKOS + "topConceptOf")
    for scheme in schemes:
        scheme_tops = {value_of(o) for o in index.objects(scheme, SKOS + "hasTopConcept")}
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
            node = value_of(node)
        if node not in reachable:
            reachable.add(node)
            if node in concepts:
                stack.extend(narrower.get(node, ()))
    scheme_set = set(schemes)
    in_scheme = index.subjects(SKOS + "inScheme")
    placed = {concept for concept, objects in in_scheme.items() if objects[0] in scheme_set}
    for concept in sorted((concepts - reachable) | (concepts - placed)):
        objects = in_scheme.get(concept, ())
        if not any(value_of(o) in scheme_set for o in objects):
            problems.append(Problem("orphans", f"<{concept}> is not skos:inScheme the scheme"))
        if concept not in reachable:
            problems.append(Problem("orphans", f"<{concept}> cannot be reached from a top concept "
                                    "through skos:narrower"))
    return problems
