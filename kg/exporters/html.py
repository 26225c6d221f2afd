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
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2  # pyvis's own template engine, so no new dependency
import pyvis

from kg.config import DEFAULT, Config
from kg.exporters import Exporter, register
from kg.graph import layout
from kg.model import BROADER, MENTIONED_IN, METRIC_OF, SYNONYM, Concept, Edge, Entry, KnowledgeGraph

VIS_NETWORK_JS = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"

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

CURATED = "curated"  # Evidence.method of a link a curator decided


def render(kg: KnowledgeGraph) -> dict[str, bytes]:
    return {f"{kg.scheme.name}.html": render_page(kg).encode("utf-8")}


def render_page(kg: KnowledgeGraph, config: Config = DEFAULT) -> str:
    data_json = embed_json(explorer_data(kg, config))
    scripts = [_vis_network_js(), _template_text("explorer.js")]
    for script in scripts:
        # Inline script text ends at the first "</script"; neither file has one, and must not.
        if "</script" in script.lower():
            raise ValueError("an inline script contains '</script'")
    return _environment().get_template("explorer.html").render(
        title=kg.scheme.title or kg.scheme.name,
        language=kg.scheme.language,
        content_security_policy=content_security_policy(scripts),
        css=_template_text("explorer.css"),
        vis_network_js=scripts[0],
        explorer_js=scripts[1],
        data_json=data_json,
    )


def explorer_data(kg: KnowledgeGraph, config: Config = DEFAULT) -> dict:
    """Everything the page shows, as plain JSON values; the page's script reads nothing else."""
    positions = layout(kg, config)
    degree = {c.key: 0 for c in kg.concepts}
    for edge in kg.edges:
        for key in (edge.source, edge.target):
            if key in degree:
                degree[key] += 1
    source_keys = {s.key for s in kg.sources}
    kinds = list(EDGE_STYLES) + sorted({e.kind for e in kg.edges} - set(EDGE_STYLES))
    entries = {e.id: e for e in kg.entries}
    concepts = [_concept_data(concept, entries, positions, degree, source_keys) for concept in kg.concepts]
    edges = [_edge_data(edge, entries) for edge in kg.edges if edge.source in degree and edge.target in degree]
    overview = None
    settings = config.explorer
    if len(concepts) > settings.full_view_max_concepts:
        ranked = sorted(degree, key=lambda key: (-degree[key], key))
        overview = sorted(ranked[:settings.overview_concepts])
    return {
        "scheme": {"name": kg.scheme.name, "title": kg.scheme.title, "description": kg.scheme.description,
                   "iri": kg.scheme.base_iri},
        "sources": [{"key": s.key, "title": s.title, "publisher": s.publisher, "url": safe_url(s.url),
                     "path": s.path} for s in kg.sources],
        "edgeKinds": [_kind_data(kind, index, edges) for index, kind in enumerate(kinds)],
        "concepts": concepts,
        "edges": edges,
        "overview": overview,
    }


def _concept_data(concept: Concept, entries: dict[str, Entry], positions: dict[str, tuple[int, int]],
                  degree: dict[str, int], source_keys: set[str]) -> dict:
    definitions = []
    for entry_id in concept.entries:
        entry = entries.get(entry_id)
        if entry is None:
            continue
        definitions.append({"text": entry.text, "source": entry.source if entry.source in source_keys else None,
                            "line": entry.line})
    x, y = positions.get(concept.key, (0, 0))
    return {
        "key": concept.key,
        "label": concept.pref_label,
        "alt": list(concept.alt_labels),
        "acronyms": list(concept.acronyms),
        "metric": concept.is_metric,
        "provisional": concept.provisional,
        "reviewed": getattr(concept, "reviewed", False),
        "definitions": definitions,
        "degree": degree[concept.key],
        "x": x,
        "y": y,
    }


def _edge_data(edge: Edge, entries: dict[str, Entry]) -> dict:
    evidence = edge.evidence
    entry = entries.get(evidence.entry) if evidence.entry else None
    return {
        "kind": edge.kind,
        "source": edge.source,
        "target": edge.target,
        "confidence": round(evidence.confidence, 3),
        "method": evidence.method,
        "curated": evidence.method == CURATED,
        "quote": evidence.quote,
        "quoteSource": entry.source if entry else None,
        "quoteLine": entry.line if entry else None,
    }


def _kind_data(kind: str, index: int, edges: list[dict]) -> dict:
    style = EDGE_STYLES.get(kind) or {
        "label": kind.replace("_", " "), "inverse": f"{kind.replace('_', ' ')} (from)",
        "colour": FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)], "dashes": False, "arrows": True}
    return {"kind": kind, **style, "count": sum(1 for e in edges if e["kind"] == kind)}


def safe_url(url: str | None) -> str | None:
    """Only web addresses become links: a `javascript:` URL in a manifest would run on click."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def embed_json(data: dict) -> str:
    """JSON that cannot end its <script> element: every "<", ">" and "&" becomes a \\u escape."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    return VIS_NETWORK_JS.read_text(encoding="utf-8")


register(Exporter("html", "the interactive explorer (NAME.html)", render))
