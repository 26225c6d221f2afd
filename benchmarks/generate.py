"""Realistic synthetic glossaries for benchmarks and scale tests.

    python benchmarks/generate.py 10000 out/ --sources 4

Terms are multi-word noun phrases over a shared vocabulary, so heads repeat ("… Ticket",
"… Rate") and compositional broader links exist; definitions open with a genus phrase
("A rate that measures …", "The process of …"), mention other terms, and some terms carry
acronyms. Each term is defined in one source, and about one in eight again in another source
under a near-duplicate headword (case, hyphen or plural variant), as real glossary piles are.
Seeded, so the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

MODIFIERS = """inbound outbound urgent escalated automated manual digital remote social proactive reactive
priority shared internal external customer agent service support billing account product order
delivery returns warranty onboarding retention loyalty quality compliance security privacy
self-service omnichannel voice chat email mobile web partner vendor field regional global tiered
scheduled real-time predictive assisted guided premium standard enterprise""".split()
HEADS = """ticket queue rate score time index center desk portal policy workflow channel survey
agent team request case escalation resolution response backlog macro template report dashboard
metric process program plan model system tool log note field status tag category""".split()
METRIC_HEADS = {"rate", "score", "time", "index", "metric"}
GENUS_BY_HEAD = {
    "rate": "A rate that measures the share of",
    "score": "A score that measures",
    "time": "The time it takes to handle",
    "index": "An index that tracks",
    "metric": "A metric that quantifies",
    "process": "The process of managing",
    "workflow": "A workflow that routes",
    "system": "A system that records",
    "tool": "A tool that helps agents with",
}
FILLER = """customers agents requests issues conversations channels teams interactions outcomes
feedback expectations volume quality speed accuracy cost experience trust""".split()


def _term(rng: random.Random) -> tuple[str, str]:
    head = rng.choice(HEADS)
    words = [w for w in rng.sample(MODIFIERS, rng.choice((1, 1, 2, 2, 3))) if w != head] or ["shared"]
    return " ".join(w.capitalize() if "-" not in w else "-".join(p.capitalize() for p in w.split("-"))
                     for w in words) + " " + head.capitalize(), head


def _acronym(term: str) -> str:
    return "".join(part[0] for part in term.replace("-", " ").split()).upper()


def _definition(rng: random.Random, term: str, head: str, others: list[str]) -> str:
    article = "An" if head[0] in "aeiou" else "A"
    genus = GENUS_BY_HEAD.get(head, f"{article} {head} used for")
    mentioned = rng.sample(others, min(len(others), rng.choice((0, 1, 2, 3))))
    filler = " ".join(rng.sample(FILLER, 3))
    sentence = f"{genus} {filler} in {term.lower().rsplit(' ', 1)[0]} work."
    if mentioned:
        sentence += " It is often used together with " + " and ".join(m.lower() for m in mentioned) + "."
    if rng.random() < 0.3:
        sentence += f" Teams review it weekly to improve {rng.choice(FILLER)}."
    return sentence


def _variant(rng: random.Random, term: str) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return term.lower().capitalize()
    if choice == 1:
        return term.replace(" ", "-", 1)
    return term + "s"


def generate(count: int, folder: Path, sources: int = 4, seed: int = 7) -> list[Path]:
    """Write `sources` glossary files holding `count` term definitions in all."""
    rng = random.Random(seed)
    terms: dict[str, str] = {}
    while len(terms) < count:
        term, head = _term(rng)
        terms.setdefault(term, head)
    names = sorted(terms)
    files: list[list[str]] = [[] for _ in range(sources)]
    for index, term in enumerate(names):
        head = terms[term]
        others = [names[rng.randrange(len(names))] for _ in range(3)]
        headword = term
        if rng.random() < 0.15:
            headword = f"{term} ({_acronym(term)})"
        target = index % sources
        files[target].append((headword, _definition(rng, term, head, [o for o in others if o != term])))
        if rng.random() < 0.125 and sources > 1:  # near-duplicate in another source
            other = (target + 1 + rng.randrange(sources - 1)) % sources
            files[other].append((_variant(rng, term), _definition(rng, term, head, [])))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, entries in enumerate(files):
        entries.sort(key=lambda pair: pair[0].lower())
        path = folder / f"synthetic-{number + 1}.txt"
        if number % 2 == 0:  # "Term: definition" lines
            text = f"Synthetic glossary {number + 1}\n\n" + "\n".join(f"{h}: {d}" for h, d in entries)
        else:  # heading line, blank, paragraph
            text = f"Synthetic glossary {number + 1}\n\n" + "\n\n".join(f"{h}\n\n{d}" for h, d in entries)
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of distinct terms")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sources", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for path in generate(args.count, args.folder, args.sources, args.seed):
        print(path)


if __name__ == "__main__":
    main()
