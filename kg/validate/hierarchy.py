"""The broader hierarchy as the profile checks walk it: sub-properties, parents, cycles, ancestors."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import chain

import pyoxigraph

from kg.validate.triples import Index, value_of
from kg.vocabulary import PREFIXES

SUB_PROPERTY_OF = PREFIXES["rdfs"] + "subPropertyOf"


def super_properties(index: Index, ontology: Iterable[pyoxigraph.Triple]) -> dict[str, set[str]]:
    """Each property's declared super-properties, in the ontology and in the file itself."""
    parents: dict[str, set[str]] = defaultdict(set)
    for triple in ontology:
        if triple.predicate.value == SUB_PROPERTY_OF:
            parents[triple.subject.value].add(triple.object.value)
    for subject, objects in index.subjects(SUB_PROPERTY_OF).items():
        parents[subject].update(value_of(obj) for obj in objects)
    return parents


def sub_properties(parents: dict[str, set[str]], root: str) -> set[str]:
    """`root` and every property declared, through any chain, a sub-property of it."""
    result, changed = {root}, True
    while changed:
        changed = False
        for prop, supers in parents.items():
            if prop not in result and supers & result:
                result.add(prop)
                changed = True
    return result


def links(index: Index, concepts: set[str], properties: set[str]) -> dict[str, set[str]]:
    """Each concept's IRI and blank node objects through any of `properties`."""
    found: dict[str, set[str]] = defaultdict(set)
    for prop in properties:
        for subject, objects in index.subjects(prop).items():
            if subject in concepts:
                nodes = [obj for obj in objects if isinstance(obj, str)]
                if nodes:
                    found[subject].update(nodes)
    return found


def parents_of(index: Index, concepts: set[str], up: set[str], down: set[str]) -> dict[str, set[str]]:
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


def reach(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


def acyclic(parents: dict[str, set[str]]) -> bool:
    """No cycle in `parents`? Peeling off childless nodes (Kahn) is linear and sorts nothing;
    Tarjan's search in `cycles` sorts every node's parents to name each cycle in a stable
    order, so it runs only when there is one."""
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


def cycles(parents: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of size > 1 (or self-loops), by Tarjan, iteratively."""
    if acyclic(parents):
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


class Ancestors:
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
                found = self.known[node] = reach(self.parents.get(node, ()), self.parents)
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
