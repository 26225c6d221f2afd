"""Order as evidence: a glossary that lost its headwords usually kept their alphabetical order.

When a source's headword-less definitions were written in the alphabetical order of the
headwords they lost, the concepts they define must be in that order too. So of the candidate
concepts proposed for each definition (by definition similarity), we look for the heaviest
chain that is in alphabetical order along the file: one candidate per definition, increasing
line, non-decreasing label. A definition whose candidate sits on that chain is attached even
below the plain similarity threshold, because its neighbours vouch for the position.

Only a source the chain mostly covers is treated as ordered: in a file in no particular order
the longest ordered chain through random candidates covers about 2·sqrt(n) of n definitions,
far below the share required here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    """A candidate: definition at `position` (its order in the file) might define `concept`."""

    position: int
    key: str  # the concept label's alphabetical sort key
    score: float
    concept: int
    entry: int


def sort_key(label: str) -> str:
    """How glossaries alphabetise: case, punctuation and spacing ignored."""
    return re.sub(r"[^0-9a-z]+", "", label.casefold())


class _PrefixMax:
    """Fenwick tree: the best chain weight (and its end) over keys up to a rank, in O(log n)."""

    def __init__(self, size: int):
        self.tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)

    def update(self, rank: int, value: tuple[float, int]) -> None:
        rank += 1
        while rank < len(self.tree):
            if value > self.tree[rank]:
                self.tree[rank] = value
            rank += rank & -rank

    def query(self, rank: int) -> tuple[float, int]:
        best, rank = (0.0, -1), rank + 1
        while rank > 0:
            best = max(best, self.tree[rank])
            rank -= rank & -rank
        return best


def heaviest_ordered_chain(points: list[Point]) -> list[Point]:
    """The heaviest set of points with strictly increasing position and non-decreasing key.

    A weighted longest-increasing-subsequence: O(P log P) for P points. Points of one position
    are scored before any of them is recorded, so a chain takes at most one per position.
    """
    if not points:
        return []
    ranks = {key: rank for rank, key in enumerate(sorted({p.key for p in points}))}
    ordered = sorted(points, key=lambda p: (p.position, p.key, -p.score, p.concept))
    tree = _PrefixMax(len(ranks))
    best: list[float] = []
    previous: list[int] = []
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end].position == ordered[start].position:
            end += 1
        for index in range(start, end):
            weight, before = tree.query(ranks[ordered[index].key])
            best.append(weight + ordered[index].score)
            previous.append(before)
        for index in range(start, end):
            tree.update(ranks[ordered[index].key], (best[index], index))
        start = end
    index = max(range(len(best)), key=lambda i: (best[i], -i))
    chain = []
    while index >= 0:
        chain.append(ordered[index])
        index = previous[index]
    return chain[::-1]


def ordered_attachments(points: list[Point], definitions: int, min_share: float,
                        min_chain: int) -> list[Point]:
    """The chain's points, if the chain shows the source is alphabetical; else nothing.

    `definitions` is how many headword-less definitions of the source have any candidate.
    """
    chain = heaviest_ordered_chain(points)
    if len(chain) < min_chain or len(chain) < min_share * definitions:
        return []
    return chain
