"""The concepts stage: entries to concepts, one per meaning.

Entries from different glossaries that name the same thing become one concept:

1. candidates come from blocks, never from all pairs: the same match key ("Cross-Selling",
   "cross selling"), the same acronym, the initials of an expansion ("TCP" for "Transmission
   Control Protocol"), a label a definition gives ("also known as …"), and rapidfuzz's cdist
   over labels that share their first or last word;
2. each candidate is decided on label evidence and definition similarity (TF-IDF cosine)
   together, strongest rule first, thresholds from `MergeConfig`;
3. a union never puts two entries of one source with different headwords into one concept:
   a glossary that defines "Call Center" and "Contact Center" separately means two things;
4. headword-less entries join the concept their definition matches best, above a measured
   threshold and margin, one per source; the rest become provisional concepts.

Keys stay "": kg.identifiers mints them after this stage.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from itertools import chain
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

import numpy as np
from rapidfuzz import fuzz, process

from kg.config import DEFAULT, Config, MergeConfig
from kg.gc_pauses import without_gc_pauses
from kg.labels import (DefinitionLabel, HeadingLabels, WordFinder, acronym_expansions,
                       analyse_heading, clean, compact_key, definition_labels, genus_head,
                       genus_phrase, match_key, may_state_labels, readable_label,
                       singular)
from kg.model import Concept, Entry, MergeReason
from kg.workers import POOL_FAILURES, submit

# --- definition similarity ------------------------------------------------------------------

_STOPWORDS = frozenset("""
a an the of to for and or in on at by with from as is are was were be been being it its this
that these those which who whom whose what when where how why their there they them your you
our we us his her he she can could may might will would should shall do does did has have had
not no any all each every some such than then so if into onto over under about after before
also more most other own same very just only both either neither one two per via while
""".split())
# Words cut to their first letters: "satisfied"/"satisfaction" and "resolve"/"resolution"
# meet without a stemmer dependency (truncation stemming works well for English retrieval).
_STEM_LENGTH = 6


_WORD = re.compile(r"[a-z0-9]+")


def definition_tokens(text: str) -> list[str]:
    return [w[:_STEM_LENGTH] for w in _WORD.findall(text.lower())
            if len(w) > 1 and w not in _STOPWORDS]


_LONG_WORD = re.compile(r"[a-z0-9]{2,}")  # the words definition_tokens keeps, found directly


def _distinct_tokens(text: str) -> set[str]:
    """set(definition_tokens(text)), each word stemmed once however often it occurs."""
    return {w[:_STEM_LENGTH] for w in set(_LONG_WORD.findall(text.lower())) if w not in _STOPWORDS}


# Document frequencies come from at most this many definitions, evenly spaced: IDF estimated
# on 20,000 definitions is as good as on all, and a 100,000-entry build skips most tokenising.
_IDF_SAMPLE = 20_000


def idf_sample(texts: list[str]) -> list[str]:
    """The definitions document frequencies are counted in: at most _IDF_SAMPLE, evenly spaced."""
    return texts[::max(1, math.ceil(len(texts) / _IDF_SAMPLE))]


def document_frequencies(texts: list[str]) -> Counter[str]:
    """In how many of `texts` each definition token occurs (a job a worker can do)."""
    return Counter(chain.from_iterable(_distinct_tokens(text) for text in texts))


class DefinitionSimilarity:
    """TF-IDF cosine between entries' definitions; vectors are made when first asked for."""

    def __init__(self, entries: list[Entry]):
        sampled = idf_sample([e.text for e in entries])
        self._start({e.id: e.text for e in entries}, document_frequencies(sampled), len(sampled))

    @classmethod
    def of_texts(cls, texts: dict[str, str], document_frequency: Counter[str],
                 counted: int) -> DefinitionSimilarity:
        """Entry.id -> definition, with the `document_frequencies` of `counted` definitions
        (their `idf_sample`) counted already, by a worker say."""
        similarity = cls.__new__(cls)
        similarity._start(texts, document_frequency, counted)
        return similarity

    def _start(self, texts: dict[str, str], document_frequency: Counter[str], counted: int) -> None:
        self._texts = texts
        total = max(counted, 1)
        self.idf = {t: math.log((1 + total) / (1 + n)) + 1 for t, n in document_frequency.items()}
        self.unseen_idf = math.log(1 + total) + 1
        self.document_frequency = document_frequency
        self.total = total
        self._vectors: dict[str, dict[str, float]] = {}

    def vector(self, entry_id: str) -> dict[str, float]:
        vector = self._vectors.get(entry_id)
        if vector is None:
            counts = Counter(definition_tokens(self._texts.get(entry_id, "")))
            weights = {t: (1 + math.log(n)) * self.idf.get(t, self.unseen_idf)
                       for t, n in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            vector = {t: w / norm for t, w in weights.items()}
            self._vectors[entry_id] = vector
        return vector

    def entries(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(w * vb.get(t, 0.0) for t, w in va.items())

    def groups(self, a: list[str], b: list[str]) -> float:
        """The best agreement between any definition of one group and any of the other."""
        return max((self.entries(x, y) for x in a for y in b), default=0.0)

    def centroid(self, ids: list[str]) -> dict[str, float]:
        """The normalised sum of several definitions: what they say in common weighs most."""
        total: Counter[str] = Counter()
        for entry_id in ids:
            for token, weight in self.vector(entry_id).items():
                total[token] += weight
        norm = math.sqrt(sum(w * w for w in total.values())) or 1.0
        return {t: w / norm for t, w in total.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


# --- what each entry says about its labels -------------------------------------------------

class _Labelled:
    """One entry and what it says about its labels, each worked out once: every candidate
    rule and the concept that ends up holding the entry read them, some many times."""

    __slots__ = ("index", "entry", "id", "text", "heading", "said", "full_forms", "acronyms",
                 "keys")

    def __init__(self, index: int, entry: Entry, text: str):
        self.index = index  # position in the input: the order concepts list their entries in
        self.entry = entry
        self.id = entry.id  # a property, formatted on each use
        self.text = text  # entry.text
        heading = analyse_heading(entry.headword) if entry.headword else None
        self.heading: HeadingLabels | None = heading
        self.said: list[DefinitionLabel] = []  # see read_definition
        self.full_forms: tuple[str, ...] = heading.full_forms if heading else ()
        own = heading.acronyms if heading else ()
        self.acronyms: tuple[str, ...] = tuple(dict.fromkeys(own)) if len(own) > 1 else own
        # compact keys of the full forms; most headings have one
        forms = self.full_forms
        self.keys: tuple[str, ...] = ((compact_key(forms[0]),) if len(forms) == 1
                                      else tuple(dict.fromkeys(map(compact_key, forms))))

    def read_definition(self) -> None:
        """The labels the definition gives its own headword, and the acronyms among them."""
        if self.heading is None:
            return
        self.said = definition_labels(self.text, self.heading.full_forms)
        said_acronyms = [d.label for d in self.said if d.is_acronym]
        if said_acronyms:
            self.acronyms = tuple(dict.fromkeys((*self.acronyms, *said_acronyms)))

    @property
    def name(self) -> str:
        return self.entry.headword or readable_label(self.text)


# --- unions under the one-source constraint ---------------------------------------------------

@dataclass
class _Cluster:
    members: list[int]
    # source key -> casefolded headwords of its entries here (None for a headless entry)
    headwords: dict[str, set[str | None]]
    reasons: list[MergeReason] = field(default_factory=list)


class _Clusters:
    """Union-find over entries that refuses unions joining two headwords of one source.

    Member lists and per-source headwords exist only for roots that took part in a union;
    a lone entry is described by itself, so a 100,000-entry build allocates little.
    """

    def __init__(self, items: list[_Labelled]):
        self.items = items
        self.parent = list(range(len(items)))
        self.merged: dict[int, _Cluster] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _cluster(self, root: int) -> _Cluster:
        cluster = self.merged.get(root)
        if cluster is None:
            entry = self.items[root].entry
            cluster = _Cluster([root], {entry.source: {_headword_key(entry)}})
        return cluster

    def compatible(self, a: int, b: int) -> bool:
        ca, cb = self._cluster(self.find(a)), self._cluster(self.find(b))
        for source, words in ca.headwords.items():
            other = cb.headwords.get(source)
            if other is None:
                continue
            # the same headword twice in one source is one concept written twice; anything
            # else from one source (two headwords, a headless definition) is two concepts
            if None in words or None in other or words != other or len(words) != 1:
                return False
        return True

    def union(self, a: int, b: int, reason: MergeReason) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self.compatible(ra, rb):
            return False
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        ck, cg = self._cluster(keep), self._cluster(gone)
        self.merged.pop(gone, None)
        ck.members.extend(cg.members)
        for source, words in cg.headwords.items():
            ck.headwords.setdefault(source, set()).update(words)
        ck.reasons.extend(cg.reasons)
        ck.reasons.append(reason)
        self.merged[keep] = ck
        return True

    def clusters(self) -> list[tuple[list[int], list[MergeReason]]]:
        """Every concept's members and merge reasons, in the order of its first entry."""
        lone: list[MergeReason] = []
        return [(self.merged[i].members, self.merged[i].reasons) if i in self.merged else ([i], lone)
                for i in range(len(self.items)) if self.parent[i] == i]


def _headword_key(entry: Entry) -> str | None:
    return clean(entry.headword).casefold() if entry.headword else None


# --- candidates -------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class _Candidate:
    priority: int  # rule strength: lower is decided first
    negative_score: float
    a: int
    b: int
    rule: str
    detail: str

    @property
    def score(self) -> float:
        return -self.negative_score


def _blocks_by(items: list[_Labelled], keys_of) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        keys = keys_of(item)
        if not keys:
            continue
        for key in keys if len(keys) == 1 else dict.fromkeys(keys):
            if key:
                blocks[key].append(i)
    return blocks


def _same_label_candidates(items: list[_Labelled]) -> list[_Candidate]:
    candidates = []
    blocks = _blocks_by(items, lambda it: it.keys)
    for key, members in blocks.items():
        # a star around the block's first entry is enough: same-label unions are transitive,
        # and an entry the constraint turns away from the first is tried against the rest
        for position, b in enumerate(members[1:], 1):
            for a in members[:position][:8]:
                candidates.append(_Candidate(0, -1.0, a, b, "same-label",
                                             f"{items[a].name!r} = {items[b].name!r}"))
    return candidates


def _acronym_candidates(items: list[_Labelled], similarity: DefinitionSimilarity,
                        config: MergeConfig) -> list[_Candidate]:
    """Headings with one acronym whose expansions agree ("Customer Satisfaction (CSAT)" and
    "CSAT (Customer Satisfaction Score)"), and bare acronym headings ("CSAT") with them."""
    candidates = []
    blocks = _blocks_by(items, lambda it: [a.casefold() for a in it.acronyms])
    for acronym, members in sorted(blocks.items()):
        expanded = [i for i in members if items[i].full_forms and _spells(items[i])]
        bare = [i for i in members if not items[i].full_forms]
        if len(expanded) > 1:
            keys = [match_key(items[i].full_forms[0]) for i in expanded]
            matrix = process.cdist(keys, keys, scorer=fuzz.token_set_ratio,
                                   score_cutoff=config.acronym_label_score)
            for x, y in zip(*matrix.nonzero()):
                if x < y:
                    a, b = expanded[x], expanded[y]
                    candidates.append(_Candidate(1, -float(matrix[x, y]) / 100, a, b, "acronym",
                                                 f"{items[a].name!r} and {items[b].name!r} both "
                                                 f"abbreviate as {acronym.upper()}"))
        # a bare acronym joins the expansion its definition agrees with most
        for b in bare:
            for a in sorted(expanded, key=lambda a: -similarity.entries(items[a].id,
                                                                        items[b].id))[:3]:
                score = similarity.entries(items[a].id, items[b].id)
                candidates.append(_Candidate(2, -score, a, b, "acronym-expansion",
                                             f"{items[b].name!r} abbreviates {items[a].name!r}"))
        for position, b in enumerate(bare[1:], 1):
            candidates.append(_Candidate(0, -1.0, bare[0], b, "same-label",
                                         f"{items[bare[0]].name!r} = {items[b].name!r}"))
    return candidates


def _spells(item: _Labelled) -> bool:
    """The acronym really abbreviates the heading's expansion, or the definition says so."""
    return bool(item.heading and item.heading.verified) or any(d.is_acronym for d in item.said)


def _initials(label: str) -> str:
    words = [w for w in re.split(r"[\s\-/]+", label) if w and w.lower() not in _CONNECTIVE_WORDS]
    return "".join(w[0] for w in words).casefold() if len(words) >= 2 else ""


_CONNECTIVE_WORDS = {"of", "the", "and", "for", "to", "in", "on", "a", "an", "&"}


def _expansion_candidates(items: list[_Labelled], similarity: DefinitionSimilarity,
                          config: MergeConfig) -> list[_Candidate]:
    """A bare acronym heading ("TCP") and an expansion whose initials spell it, or which some
    definition spells out ("… Transmission Control Protocol (TCP) …")."""
    bare: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.heading and item.heading.acronym_only:
            bare[item.heading.acronyms[0].casefold()].append(i)
    if not bare:
        return []
    spelled: dict[str, set[str]] = defaultdict(set)  # acronym -> compact keys of expansions
    for item in items:
        for acronym, long in acronym_expansions(item.text):
            if acronym.casefold() in bare:
                spelled[acronym.casefold()].add(compact_key(long))
    candidates = []
    for i, item in enumerate(items):
        for form in item.full_forms:
            initials = _initials(form)
            explicit = compact_key(form) in spelled.get(initials, ())
            for b in bare.get(initials, ()):
                agreement = similarity.entries(item.id, items[b].id)
                if explicit or agreement >= config.definition_agreement:
                    detail = (f"{items[b].name!r} is spelt out as {form!r} in a definition"
                              if explicit else f"{items[b].name!r} are the initials of {form!r}")
                    candidates.append(_Candidate(2, -max(agreement, 0.9 if explicit else 0), i, b,
                                                 "acronym-expansion", detail))
    return candidates


def _said_candidates(items: list[_Labelled], similarity: DefinitionSimilarity,
                     config: MergeConfig) -> list[_Candidate]:
    """"…, also known as a service desk" joins the entry headed "Service Desk"."""
    if not any(not said.is_acronym for item in items for said in item.said):
        return []
    by_key = _blocks_by(items, lambda it: it.keys)
    candidates = []
    for a, item in enumerate(items):
        for said in item.said:
            if said.is_acronym:
                continue
            for b in by_key.get(compact_key(said.label), ()):
                agreement = similarity.entries(item.id, items[b].id)
                if b != a and agreement >= config.definition_agreement:
                    candidates.append(_Candidate(3, -agreement, a, b, "also-called",
                                                 f"{item.name!r}: {said.quote!r}"))
    return candidates


def _fuzzy_candidates(items: list[_Labelled], similarity: DefinitionSimilarity,
                      config: MergeConfig) -> list[_Candidate]:
    """Spelling variants: labels rapidfuzz finds close within a block (see `variant_blocks`)."""
    forms = [(i, match_key(item.full_forms[0])) for i, item in enumerate(items) if item.full_forms]
    candidates = []
    for x, y, label_score in close_pairs([key for _, key in forms], config.label_candidate_score,
                                         config.max_block_size):
        (a, key_a), (b, key_b) = forms[x], forms[y]
        if not spelling_variants(key_a, key_b, config.word_variant_score):
            continue
        if _different_acronyms(items[a], items[b]):
            continue
        agreement = similarity.entries(items[a].id, items[b].id)
        if agreement >= config.definition_agreement:
            score = label_score / 100
            candidates.append(_Candidate(4, -score, a, b, "fuzzy-label",
                                         f"{items[a].name!r} ~ {items[b].name!r} (label "
                                         f"{score:.2f}, definitions {agreement:.2f})"))
    return candidates


def close_pairs(keys: list[str], cutoff: float, max_block_size: int) -> list[tuple[int, int, float]]:
    """Index pairs of different keys whose token_sort_ratio reaches `cutoff`, sorted.

    token_sort_ratio is `ratio` over the words sorted: they are sorted here once per key, not
    once per pair (a quarter of the time at 100,000 keys), and every block goes to one cdist.
    """
    in_order = [" ".join(sorted(key.split())) for key in keys]
    found: dict[tuple[int, int], float] = {}
    for block in variant_blocks(keys, max_block_size):
        if len(block) <= _PAIR_BY_PAIR:
            for x, a in enumerate(block):
                for b in block[x + 1:]:
                    if keys[a] != keys[b]:
                        score = fuzz.ratio(in_order[a], in_order[b], score_cutoff=cutoff)
                        if score:
                            found[(a, b)] = score
            continue
        block_keys = [in_order[k] for k in block]
        matrix = process.cdist(block_keys, block_keys, scorer=fuzz.ratio, score_cutoff=cutoff,
                               dtype=np.float64 if len(block) <= _DOUBLE_BLOCK else np.float32)
        for x, y in zip(*np.triu(matrix, 1).nonzero()):
            a, b = block[x], block[y]
            if keys[a] != keys[b]:
                found[(a, b)] = float(matrix[x, y])
    return [(a, b, score) for (a, b), score in sorted(found.items())]


# Blocks up to this size were scored pair by pair (double precision), larger ones by cdist
# (single): each keeps its precision, so that equal scores order merges as they always did.
_DOUBLE_BLOCK = 24
_PAIR_BY_PAIR = 10  # measured: a cdist call wins from about ten keys up


def variant_blocks(keys: list[str], max_block_size: int) -> list[list[int]]:
    """Keys that could be spelling variants of each other, grouped without comparing all pairs.

    Variants have as many words and keep one end word while the other end varies in its
    ending ("customer centre" / "customer center"), so a key is filed under (word count,
    first word, start of the last word) and (word count, last word, start of the first word);
    a one-word key under its first three letters. A block still larger than `max_block_size`
    is split by the first six letters of its keys, a part still larger by two letters more,
    and so on: no block outgrows the cap, so the pairs compared stay linear in the keys.
    """
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        words = key.split()
        if not words:
            continue
        if len(words) == 1:
            blocks[(1, words[0][:3])].append(index)
            continue
        blocks[(len(words), "first", words[0], words[-1][:2])].append(index)
        blocks[(len(words), "last", words[-1], words[0][:2])].append(index)
    result = []
    for block_key, members in sorted(blocks.items()):
        if len(members) < 2:
            continue
        if len(members) <= max_block_size:
            result.append(members)
            continue
        result.extend(_split_by_prefix(members, keys, max_block_size, 6))
    return result


def _split_by_prefix(members: list[int], keys: list[str], max_block_size: int,
                     length: int) -> list[list[int]]:
    split: dict[str, list[int]] = defaultdict(list)
    for index in members:
        split[keys[index][:length]].append(index)
    parts = []
    for prefix, part in sorted(split.items()):
        if len(part) <= max_block_size:
            if len(part) > 1:
                parts.append(part)
        elif any(len(keys[index]) > length for index in part):
            parts.extend(_split_by_prefix(part, keys, max_block_size, length + 2))
        # else every key of the part is `prefix` itself: the same key, no variants to find
    return parts


def spelling_variants(a: str, b: str, word_variant_score: float) -> bool:
    """Same number of words, and each differing word a spelling variant of its partner.

    "customer centre" ~ "customer center"; "inbound call center" is not "outbound call center",
    nor "tier 1 support" "tier 2 support".
    """
    wa, wb = sorted(a.split()), sorted(b.split())
    if len(wa) != len(wb):
        return False
    only_a = [w for w in wa if w not in wb]
    only_b = [w for w in wb if w not in wa]
    if len(only_a) != len(only_b):
        return False
    for x, y in zip(only_a, only_b):
        if x.isdigit() or y.isdigit() or fuzz.ratio(x, y) < word_variant_score:
            return False
    return True


def _different_acronyms(a: _Labelled, b: _Labelled) -> bool:
    ours, theirs = {x.casefold() for x in a.acronyms}, {x.casefold() for x in b.acronyms}
    return bool(ours and theirs and not ours & theirs)


# --- headword-less entries ------------------------------------------------------------------

def _headless_scores(headless: list[int], clusters: dict[int, list[int]], items: list[_Labelled],
                     similarity: DefinitionSimilarity,
                     max_postings: int) -> dict[int, list[tuple[float, int]]]:
    """For each headless entry, the concepts sharing a distinctive word with it, best first.

    A concept is scored by the cosine between the headless definition and the centroid of its
    definitions (on the bundled gold this ranks the right concept first more often than the
    best single definition: 31 against 29 of 47). Candidates come from an inverted index over
    words shared by at most 500 concepts, so a large build never compares every headless
    entry with every concept.
    """
    # a word shared by many concepts says little about which one a definition belongs to, and
    # its long posting list would make this step quadratic; the cap is fixed, not a share,
    # so the cost per headless entry stays bounded as the build grows
    common = max_postings
    centroids = {root: similarity.centroid([items[m].id for m in members])
                 for root, members in clusters.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for root in sorted(centroids):
        for token, weight in centroids[root].items():
            postings[token].append((root, weight))
    scores: dict[int, list[tuple[float, int]]] = {}
    for h in headless:
        vector = similarity.vector(items[h].id)
        partial: dict[int, float] = defaultdict(float)
        for token, weight in vector.items():
            posted = postings.get(token, ())
            if len(posted) <= common:
                for root, centroid_weight in posted:
                    partial[root] += weight * centroid_weight
        shortlist = sorted(partial, key=lambda root: (-partial[root], root))[:_SHORTLIST]
        ranked = [(cosine(vector, centroids[root]), root) for root in shortlist]
        scores[h] = sorted(ranked, key=lambda pair: (-pair[0], pair[1]))
    return scores


_SHORTLIST = 20  # concepts scored in full per headless entry, by their distinctive-word overlap


def _attach_headless(headless: list[int], items: list[_Labelled], unions: _Clusters,
                     similarity: DefinitionSimilarity, config: MergeConfig) -> None:
    clusters = {members[0]: list(members) for members, _ in unions.clusters()
                if any(items[m].entry.headword for m in members)}
    keys: dict[str, list[int]] = defaultdict(list)
    for root, members in clusters.items():
        for m in members:
            for form in (*items[m].full_forms, *items[m].acronyms):
                keys[compact_key(form)].append(root)
    proposals = []
    # "Live chat is a real-time channel…": a definition that opens with its subject names it
    for h in headless:
        subject = definition_subject(items[h].text)
        for root in sorted(set(keys.get(compact_key(subject), ()))) if subject else ():
            proposals.append((0, -1.0, h, root, "headless-subject",
                              f"headword-less {items[h].id} opens with {subject!r}"))
    for h, ranked in _headless_scores(headless, clusters, items, similarity,
                                      config.headless_max_postings).items():
        if not ranked:
            continue
        best, root = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best >= config.headless_attach_score and best - runner_up >= config.headless_attach_margin:
            proposals.append((1, -best, h, root, "headless-definition",
                              f"headword-less {items[h].id} matches the definitions of "
                              f"{items[root].name!r} at {best:.2f} (next best {runner_up:.2f})"))
    attached: set[int] = set()
    for _, negative, h, root, rule, detail in sorted(proposals):
        if h in attached:
            continue
        if unions.union(root, h, MergeReason(rule, round(-negative, 3), detail)):
            attached.add(h)


_SUBJECT = re.compile(r"^(?:(?:a|an|the)\s+)?([A-Za-z][\w&'/-]*(?:\s+[\w&'/-]+){0,4}?)"
                      r"(?:\s+\([^()]{1,40}\))?\s+(?:is|are|refers\s+to|means)\s+", re.IGNORECASE)
_PRONOUNS = {"it", "this", "these", "they", "that", "there", "which", "who", "what", "he", "she"}


def definition_subject(definition: str) -> str | None:
    """"Live chat is a real-time channel…" -> "Live chat"; None when it opens otherwise."""
    match = _SUBJECT.match(clean(definition))
    if not match:
        return None
    subject = match.group(1)
    words = subject.lower().split()
    if words[0] in _PRONOUNS or any(w in _RELATIVE_OR_VERBS for w in words):
        return None
    return subject


_RELATIVE_OR_VERBS = {"that", "which", "who", "where", "when", "how", "what", "of", "to", "for",
                      "by", "with", "in", "on", "at"}


# --- concepts --------------------------------------------------------------------------------

_METRIC_HEADS = frozenset({"score", "rate", "ratio", "time", "index", "percentage", "percent",
                           "kpi", "metric", "indicator", "measure", "measurement", "duration"})
# as a genus, "time" alone is a period ("the time during which…"); "the average time" measures
_METRIC_GENUS_HEADS = _METRIC_HEADS - {"time", "duration"}
_METRIC_WORDS = WordFinder(("score", "rate", "ratio", "index", "percent", "kpi", "metric",
                            "indicator", "measur", "average", "mean", "total", "quantif",
                            "calculat", "time"))
# "the time it takes to…", "the average time between…": a duration someone measures
_DURATION = re.compile(r"(?:(?:the|an?)\s+)?(?:(?:average|total|mean)\s+)?(?:amount\s+of\s+)?"
                       r"time\s+(?:it\s+takes|taken|between|elapsed|needed|required|spent)\b")
_MEASURES = re.compile(r"^[^,.;]{0,60}?\b(?:measures|quantifies|calculates)\b", re.IGNORECASE)


def _is_metric(labels: Iterable[str], members: Iterable[_Labelled],
               defines_metric: Callable[[_Labelled], bool]) -> bool:
    """A metric by its label's head ("Net Promoter Score") or by its genus ("a key metric
    that…", "the percentage of…", "the average time…", "X measures how…"): `defines_metric`,
    `_defines_metric` of a member's definition, perhaps judged by a worker (_DefinitionJobs)."""
    return any(map(_names_metric, labels)) or any(map(defines_metric, members))


def _names_metric(label: str) -> bool:
    """The label's head noun is a measure: "Net Promoter Score", "Churn Rates"."""
    key = match_key(label)  # its words joined by single spaces: the head is after the last
    return bool(key) and singular(key.rpartition(" ")[2]) in _METRIC_HEADS


def _defines_metric(text: str) -> bool:
    """The definition's genus is a measure, or it says what it measures."""
    opening = text[:160].lower()
    if not _METRIC_WORDS.holds_any(opening):
        return False  # no metric word near the start: no metric genus, and no parse to pay for
    head = genus_head(text)
    if head in _METRIC_GENUS_HEADS or (head in {"time", "duration"} and {"average", "mean", "total"}
                                       & set(genus_phrase(text).lower().split())):
        return True
    return bool(_DURATION.match(opening) or _MEASURES.match(clean(text)))


def definitions_stating_labels(texts: list[str]) -> list[int]:
    """Positions of the texts that may state labels (`may_state_labels`): a job for a worker."""
    with without_gc_pauses():
        return [i for i, text in enumerate(texts) if may_state_labels(text)]


def metric_definitions(texts: list[str]) -> list[int]:
    """Positions of the texts that define a metric by their genus (see `_is_metric`): a job for
    a worker, as each text is judged alone and the answer is a few integers."""
    with without_gc_pauses():
        return [i for i, text in enumerate(texts) if _defines_metric(text)]


def _preferred(forms: list[str]) -> str:
    """The most common full form (by match key, then spelling).

    Ties go to the longer, more explicit form ("Customer Satisfaction Score" over "Customer
    Satisfaction"), then the singular spelling, then the first in sorted order.
    """
    by_key = Counter(compact_key(f) for f in forms)
    best_key = min(by_key, key=lambda k: (-by_key[k], -len(k), k))
    spellings = Counter(f for f in forms if compact_key(f) == best_key)
    return min(spellings, key=lambda f: (-spellings[f], _looks_plural(f), f))


def _looks_plural(label: str) -> bool:
    words = label.split()
    return bool(words) and singular(words[-1].lower()) != words[-1].lower()


def _concept(members: list[_Labelled], reasons: list[MergeReason], expansions: dict[str, str],
             defines_metric: Callable[[_Labelled], bool]) -> Concept:
    if len(members) == 1 and members[0].heading and members[0].full_forms:
        return _single_concept(members[0], defines_metric)
    headed = [m for m in members if m.heading]
    forms = [m.full_forms[0] for m in headed if m.full_forms]
    acronyms = [a for m in headed for a in m.acronyms]
    provisional = not headed
    if forms:
        pref = _preferred(forms)
    elif acronyms:
        spelled = [expansions[a.casefold()] for a in acronyms if a.casefold() in expansions]
        pref = _capitalise(_preferred(spelled)) if spelled else _preferred(acronyms)
    else:
        subject = definition_subject(members[0].text)
        pref = _capitalise(subject) if subject else readable_label(members[0].text)
    others = [f for m in headed for f in m.full_forms]
    others += [d.label for m in headed for d in m.said if not d.is_acronym]
    alt = _distinct([*others, *acronyms], exclude=pref)
    alt_acronyms = _distinct(acronyms, exclude=pref)
    labels = [pref, *(f for m in headed for f in m.full_forms)] if not provisional else []
    return Concept(
        key="", pref_label=pref, alt_labels=tuple(alt), acronyms=tuple(alt_acronyms),
        entries=tuple(m.id for m in sorted(members, key=lambda m: m.index)),
        provisional=provisional,
        is_metric=_is_metric(labels, members, defines_metric),
        merge_reasons=tuple(reasons))


def _single_concept(member: _Labelled, defines_metric: Callable[[_Labelled], bool]) -> Concept:
    """The common case, a headword defined once: its labels need no vote."""
    forms = member.full_forms
    pref = forms[0]
    if len(forms) == 1 and not member.said and not member.acronyms:  # most headwords
        return Concept(key="", pref_label=pref, entries=(member.id,),
                       is_metric=_is_metric((pref,), (member,), defines_metric))
    alt, acronyms = [], []
    seen = {pref.casefold()}
    for label in (*forms[1:], *(d.label for d in member.said if not d.is_acronym),
                  *member.acronyms):
        if label.casefold() not in seen:
            seen.add(label.casefold())
            alt.append(label)
            if label in member.acronyms:
                acronyms.append(label)
    return Concept(key="", pref_label=pref, alt_labels=tuple(sorted(alt, key=lambda x: (x.casefold(), x))),
                   acronyms=tuple(sorted(acronyms, key=lambda x: (x.casefold(), x))),
                   entries=(member.id,),
                   is_metric=_is_metric(forms, (member,), defines_metric))


def _distinct_provisional_labels(concepts: list[Concept], texts: dict[str, str]) -> list[Concept]:
    """Two provisional concepts opening alike ("Time it takes for a customer to receive…")
    get longer labels, so a curator can tell them apart."""
    counts = Counter(c.pref_label.casefold() for c in concepts)
    result = []
    for concept in concepts:
        if concept.provisional and counts[concept.pref_label.casefold()] > 1:
            longer = readable_label(texts[concept.entries[0]], max_words=16)
            concept = replace(concept, pref_label=longer)
        result.append(concept)
    return result


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _distinct(labels: list[str], exclude: str) -> list[str]:
    """Labels unique case-insensitively (the commonest, then first-sorted spelling), sorted."""
    counts = Counter(labels)
    chosen: dict[str, str] = {}
    for label in sorted(counts, key=lambda x: (-counts[x], x)):
        chosen.setdefault(label.casefold(), label)
    chosen.pop(exclude.casefold(), None)
    return sorted(chosen.values(), key=lambda x: (x.casefold(), x))


def form_concepts(entries: list[Entry], config: Config = DEFAULT,
                  pool: Executor | None = None) -> list[Concept]:
    """Concepts from entries: one per meaning, every entry kept, every merge explained.

    With `pool` (kg.workers), a large build has its worker judge which definitions define a
    metric while this process forms the concepts: the same concepts, sooner.
    """
    with without_gc_pauses():
        aside = _DefinitionJobs([e.text for e in entries], pool)
        try:
            return _form_concepts(entries, config, aside)
        except BaseException:
            aside.cancel()
            raise


class _DefinitionJobs:
    """Work on the definitions alone, each judged by itself, that the build's worker
    (kg.workers, idle once the files are read) does while this process analyses the labels:
    the document frequencies of the IDF sample, which definitions may state labels, then
    which define a metric, in the order they are needed. Without a worker, with too few
    entries, or if it dies, the work is done here.

    The first two answers are needed soon after the stage starts: one not back by then (a
    worker still importing what it needs) is worked out here rather than waited for. The
    last is needed at the end, when the worker has had the whole stage: it is waited for.
    """

    def __init__(self, texts: list[str], pool: Executor | None):
        self.texts = texts
        self.sampled = idf_sample(texts)
        self.frequencies = self.stating = self.metrics = None
        if pool is not None and len(texts) >= _PARALLEL_MIN_ENTRIES:
            self.frequencies = submit(pool, document_frequencies, self.sampled)
            if self.frequencies is not None:
                # the texts go twice, so that the labels' answer need not wait for the metrics'
                self.stating = submit(pool, definitions_stating_labels, texts)
                self.metrics = submit(pool, metric_definitions, texts)

    def stating_labels(self) -> Iterable[int]:
        """Positions of the definitions that may state labels (all, unless a worker looked)."""
        stating = _result(self.stating, wait=False)
        return range(len(self.texts)) if stating is None else stating

    def similarity(self, texts: dict[str, str]) -> DefinitionSimilarity:
        """Of the entries' `texts` (entry id -> text)."""
        frequencies = _result(self.frequencies, wait=False)
        if frequencies is None:
            frequencies = document_frequencies(self.sampled)
        return DefinitionSimilarity.of_texts(texts, frequencies, len(self.sampled))

    def metric_test(self) -> Callable[[_Labelled], bool]:
        """Whether an entry's definition defines a metric (`_defines_metric`)."""
        metric = _result(self.metrics)
        if metric is None:
            return lambda item: _defines_metric(item.text)
        found = frozenset(metric)
        return lambda item: item.index in found

    def cancel(self) -> None:
        for job in (self.frequencies, self.stating, self.metrics):
            if job is not None:
                job.cancel()


# Below this many entries the definitions are judged here: the worker's round trip would
# cost more than the judging (a few µs an entry).
_PARALLEL_MIN_ENTRIES = 2_000


def _result(job: Future | None, wait: bool = True):
    """A worker's answer, or None where there is none (no worker, or it died: out of memory?)
    or, unless told to wait, none yet."""
    if job is None:
        return None
    if not wait and not job.done():
        job.cancel()  # not started: the worker is spared it
        return None
    try:
        return job.result()
    except POOL_FAILURES:
        return None


def _form_concepts(entries: list[Entry], config: Config, aside: _DefinitionJobs) -> list[Concept]:
    merge = config.merge
    items = [_Labelled(index, entry, text) for index, (entry, text)
             in enumerate(zip(entries, aside.texts))]
    for index in aside.stating_labels():
        items[index].read_definition()
    texts = {item.id: item.text for item in items}
    similarity = aside.similarity(texts)
    headed = [i for i, item in enumerate(items) if item.heading]
    headless = [i for i, item in enumerate(items) if not item.heading]
    candidates = [*_same_label_candidates(items), *_acronym_candidates(items, similarity, merge),
                  *_expansion_candidates(items, similarity, merge),
                  *_said_candidates(items, similarity, merge),
                  *_fuzzy_candidates(items, similarity, merge)]
    unions = _Clusters(items)
    for candidate in sorted(candidates):
        unions.union(candidate.a, candidate.b, MergeReason(candidate.rule, round(candidate.score, 3),
                                                           candidate.detail))
    if headless and headed:
        _attach_headless(headless, items, unions, similarity, merge)
    clusters = unions.clusters()
    expansions: dict[str, str] = {}
    if any(not items[m].full_forms and items[m].acronyms for members, _ in clusters
           for m in members):
        for item in items:  # only a concept named by a bare acronym needs them
            for acronym, long in acronym_expansions(item.text):
                expansions.setdefault(acronym.casefold(), long)
    defines_metric = aside.metric_test()
    concepts = [_concept([items[m] for m in members], reasons, expansions, defines_metric)
                for members, reasons in clusters]
    if any(c.provisional for c in concepts):
        concepts = _distinct_provisional_labels(concepts, texts)
    return sorted(concepts, key=lambda c: (c.pref_label.casefold(), c.pref_label, c.entries))


# --- finding a concept by any of its labels ---------------------------------------------------

def find_concepts(concepts: list[Concept] | tuple[Concept, ...], term: str) -> list[Concept]:
    """Concepts a user's term names: any label or acronym, ignoring case; else by match key
    (so "cross selling", "Bugs" and "help-desk" find "Cross-Selling", "Bug" and "Help Desk")."""
    wanted = clean(term).casefold()
    exact = [c for c in concepts if any(clean(label).casefold() == wanted for label in c.labels)]
    if exact:
        return sorted(exact, key=lambda c: c.key)
    key = compact_key(term)
    return sorted((c for c in concepts if key and any(compact_key(label) == key
                                                       for label in c.labels)),
                  key=lambda c: c.key)


def suggest_labels(concepts: list[Concept] | tuple[Concept, ...], term: str,
                   limit: int = 3) -> list[str]:
    """The labels closest to a term that names nothing (rapidfuzz ratio ≥ 60), best first.

    Plain ratio, not WRatio: a partial match would offer "CTI" for "custmer satisfction".
    """
    labels = sorted({label for c in concepts for label in c.labels})
    found = process.extract(clean(term), labels, scorer=fuzz.ratio, processor=str.casefold,
                            limit=limit * 3, score_cutoff=60)
    ranked = sorted(found, key=lambda hit: (-hit[1], hit[0]))
    return list(dict.fromkeys(hit[0] for hit in ranked))[:limit]
