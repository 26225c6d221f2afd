"""The explorer: NAME.html, one self-contained page to search and browse the graph offline.

It keeps pyvis's page (its vis-network 9.1.2 build, the `#mynetwork` canvas and the page
globals `network`, `nodes` and `edges`) but renders it from our own template: pyvis's template
always loads Bootstrap from a CDN, leaves the heading unescaped, and its `Network.add_edge` is
quadratic, which a 100,000-concept build cannot afford.

Safety: glossary text is scraped from the web, so it reaches the page only as JSON inside
`<script type="application/json">` (with `<`, `>` and `&` escaped) and the page's script puts it
into the DOM as text, never as HTML. A Content-Security-Policy allows only the page's own
scripts, by hash, and no request anywhere: even a slip in the script could not load or run more.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import jinja2  # pyvis's own template engine, so no new dependency

from kg.config import DEFAULT, Config
from kg.decisions import CURATED  # Evidence.method of a link a curator decided
from kg.exporters import Exporter, register
from kg.graph import layout, layout_by_number
from kg.model import BROADER, MENTIONED_IN, METRIC_OF, SYNONYM, KnowledgeGraph

# Found, not imported: importing pyvis imports IPython, 30 ms of every build.
VIS_NETWORK_JS = (Path(find_spec("pyvis").origin).parent / "templates" / "lib" / "vis-9.1.2"
                  / "vis-network.min.js")

# How each edge kind reads and looks; colours are the Okabe-Ito palette, told apart by
# colour-blind readers, and mentions are dashed as well so the kinds differ without colour.
EDGE_STYLES = {
    BROADER: {"label": "broader", "inverse": "narrower", "colour": "#0072b2", "dashes": False,
              "arrows": True},
    METRIC_OF: {"label": "metric of", "inverse": "measured by", "colour": "#d55e00", "dashes": False,
                "arrows": True},
    SYNONYM: {"label": "synonym", "inverse": "synonym", "colour": "#009e73", "dashes": True,
              "arrows": False},
    MENTIONED_IN: {"label": "mentioned in", "inverse": "mentions", "colour": "#8c8c8c", "dashes": True,
                   "arrows": True},
}
# Edge kinds a later rule may add still get a distinct look rather than breaking the page.
FALLBACK_COLOURS = ("#cc79a7", "#e69f00", "#56b4e9", "#000000")


def write(kg: KnowledgeGraph, folder: Path, conversions=None) -> list[str]:
    name = f"{kg.scheme.name}.html"
    parts = _page_parts(kg)
    # Written part by part: joining the tens of megabytes into one string first only copies them.
    # "replace" only matters for a lone surrogate in the heading; the data escapes its own.
    with open(folder / name, "wb") as file:
        file.writelines(part.encode("utf-8", errors="replace") for part in parts)
    return [name]


def render_page(kg: KnowledgeGraph, config: Config = DEFAULT) -> str:
    return "".join(_page_parts(kg, config))


def _page_parts(kg: KnowledgeGraph, config: Config = DEFAULT) -> tuple[str, str, str]:
    """The page as its markup before the data, the data's JSON, and the markup after it."""
    data_json = embed_json(explorer_data(kg, config))
    scripts = [_vis_network_js(), _template_text("explorer.js")]
    for script in scripts:
        # Inline script text ends at the first "</script"; neither file has one, and must not.
        if "</script" in script.lower():
            raise ValueError("an inline script contains '</script'")
    page = _environment().get_template("explorer.html").render(
        title=kg.scheme.title or kg.scheme.name,
        language=kg.scheme.language,
        content_security_policy=content_security_policy(scripts),
        css=_template_text("explorer.css"),
        vis_network_js=scripts[0],
        explorer_js=scripts[1],
        data_json=DATA_SLOT,
    )
    # The data goes in after rendering: through Jinja its tens of megabytes were copied three
    # times over (into Markup, through escape, in the final join), a tenth of the page's time.
    if page.count(DATA_SLOT) != 1:
        raise ValueError(f"the rendered explorer template must hold {DATA_SLOT} exactly once")
    before, _, after = page.partition(DATA_SLOT)
    return before, data_json, after


# Autoescaped glossary text cannot contain it ("<" is escaped), and the check above catches
# our own CSS or scripts ever doing so.
DATA_SLOT = "<kg-data/>"


# The data is rows of values, not objects: at 100,000 concepts and 300,000 edges, repeating
# field names would double the file. FIELDS names each row's columns, so the format explains
# itself; rows point at each other by position in their list.
FIELDS = {
    "concepts": ["key", "label", "alt", "acronyms", "flags", "degree", "x", "y", "entries"],
    "entries": ["source", "line", "text"],
    "edges": ["kind", "source", "target", "confidence", "method", "quote", "entry"],
}
METRIC, PROVISIONAL, REVIEWED = 1, 2, 4  # bits of a concept's flags


def explorer_data(kg: KnowledgeGraph, config: Config = DEFAULT) -> dict:
    """Everything the page shows, as plain JSON values; the page's script reads nothing else."""
    keys = [c.key for c in kg.concepts]
    concept_index = {key: n for n, key in enumerate(keys)}
    source_index = {s.key: n for n, s in enumerate(kg.sources)}
    entry_index = {e.id: n for n, e in enumerate(kg.entries)}
    # Reading the edge objects (300,000 at 100,000 concepts) is most of this function's own
    # time, so each is read once, into its row (edges with an end outside the concepts are left
    # out); kinds, methods and confidences are numbered in place below, once all are known.
    edges = []
    degree = [0] * len(kg.concepts)
    for edge in kg.edges:
        source, target = concept_index.get(edge.source), concept_index.get(edge.target)
        if source is None or target is None:
            continue
        degree[source] += 1
        degree[target] += 1
        evidence = edge.evidence
        edges.append([edge.kind, source, target, evidence.confidence, evidence.method, evidence.quote,
                      entry_index.get(evidence.entry) if evidence.entry else None])
    if all(a < b for a, b in zip(keys, keys[1:])):  # sorted and unique, as kg.graph.assemble leaves them
        # the rows number the concepts as the layout does: it need not read every edge again
        positions = layout_by_number(len(keys), ((row[1], row[2], row[3]) for row in edges), config)
    else:
        placed = layout(kg, config)
        positions = [placed[key] for key in keys]
    kind_counts = Counter(row[0] for row in edges)
    kinds = list(EDGE_STYLES) + sorted(set(kind_counts) - set(EDGE_STYLES))
    kind_index = {kind: n for n, kind in enumerate(kinds)}
    methods = sorted({row[4] for row in edges})
    method_index = {method: n for n, method in enumerate(methods)}
    # A build has a few hundred distinct confidences: round each once, not once per edge.
    rounded = {c: round(c, 3) for c in {row[3] for row in edges}}
    for row in edges:
        row[0] = kind_index[row[0]]
        row[3] = rounded[row[3]]
        row[4] = method_index[row[4]]
    concepts = []
    for n, concept in enumerate(kg.concepts):
        flags = (METRIC * concept.is_metric) | (PROVISIONAL * concept.provisional) | (
            REVIEWED * bool(getattr(concept, "reviewed", False)))
        x, y = positions[n]
        concepts.append([concept.key, concept.pref_label, list(concept.alt_labels), list(concept.acronyms),
                         flags, degree[n], x, y, [entry_index[e] for e in concept.entries if e in entry_index]])
    overview = None
    settings = config.explorer
    if len(concepts) > settings.full_view_max_concepts:
        # most connected first, ties in key order: a stable sort by degree of the key order
        by_key = sorted(range(len(concepts)), key=lambda n: concepts[n][0])
        ranked = sorted(by_key, key=degree.__getitem__, reverse=True)
        overview = sorted(ranked[:settings.overview_concepts])
    return {
        "fields": FIELDS,
        "scheme": {"name": kg.scheme.name, "title": kg.scheme.title, "description": kg.scheme.description,
                   "iri": kg.scheme.base_iri},
        "sources": [{"key": s.key, "title": s.title, "publisher": s.publisher, "url": safe_url(s.url),
                     "path": s.path} for s in kg.sources],
        "edgeKinds": [_kind_data(kind, n, kind_counts[kind]) for n, kind in enumerate(kinds)],
        "methods": methods,
        "curatedMethod": CURATED,
        "entries": [[source_index.get(e.source), e.line, e.text] for e in kg.entries],
        "concepts": concepts,
        "edges": edges,
        "overview": overview,
    }


def _kind_data(kind: str, index: int, count: int) -> dict:
    style = EDGE_STYLES.get(kind) or {
        "label": kind.replace("_", " "), "inverse": f"{kind.replace('_', ' ')} (from)",
        "colour": FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)], "dashes": False, "arrows": True}
    return {"kind": kind, **style, "count": count}


def safe_url(url: str | None) -> str | None:
    """Only web addresses become links: a `javascript:` URL in a manifest would run on click."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def embed_json(data: dict) -> str:
    """JSON that cannot end its <script> element: every "<", ">" and "&" becomes a \\u escape.

    Lone surrogates (text a reader decoded with surrogateescape) are escaped too: as raw
    characters they cannot be written as UTF-8 at all.
    """
    # json.dumps runs in C with these options (no indent). explorer_data's value is a tree of
    # fresh lists, so the encoder need not track each of its million lists for cycles. The
    # escaping is one pass, not four, over what is tens of megabytes at 100,000 concepts.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False)
    return _UNSAFE_IN_SCRIPT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_UNSAFE_IN_SCRIPT = re.compile("[<>&\ud800-\udfff]")


def content_security_policy(scripts: list[str]) -> str:
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                      for s in scripts)
    # default-src 'none': the page may fetch nothing at all; images only from data: (PNG export)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


@cache
def _environment() -> jinja2.Environment:
    # autoescape on: the heading and title are glossary text
    return jinja2.Environment(loader=jinja2.PackageLoader("kg", "templates"), autoescape=True,
                              keep_trailing_newline=True)


@cache
def _template_text(name: str) -> str:
    return resources.files("kg").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _vis_network_js() -> str:
    text = VIS_NETWORK_JS.read_text(encoding="utf-8")
    # The build's last line points developer tools at a .map file we do not ship: a request.
    return re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", text)


# alone: at 100,000 concepts the page takes 3 s that a forked child spends while this process
# writes the RDF exports
register(Exporter("html", "the interactive explorer (NAME.html)", write, alone=True))
