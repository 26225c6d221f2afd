"""The explorer page, checked through the data it embeds and the markup around it (no browser)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.config import DEFAULT, ExplorerConfig
from kg.exporters import html, render_all
from kg.exporters.html import embed_json, explorer_data, render_page, safe_url
from kg.graph import layout, layout_by_number
from kg.model import BROADER, Concept, Edge, Evidence, KnowledgeGraph, Scheme
from tests.fixtures.explorer import hostile
from tests.fixtures.explorer.graphs import synthetic_graph

SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def render(kg) -> dict[str, bytes]:
    return render_all(kg, ["html"])


def embedded_data(page: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page embeds its data as JSON"
    return json.loads(match.group(1))


def rows(data: dict, table: str) -> list[dict]:
    """The rows of one of the data's tables as dicts, named by the data's own field list."""
    names = data["fields"][table]
    return [dict(zip(names, row, strict=True)) for row in data[table]]


@pytest.fixture(scope="module")
def small_graph() -> KnowledgeGraph:
    return synthetic_graph(120)


def test_one_self_contained_file_named_after_the_scheme(small_graph):
    files = render(small_graph)
    assert list(files) == ["synthetic.html"]
    page = files["synthetic.html"].decode("utf-8")
    assert page.startswith("<!doctype html>")
    # nothing that loads from elsewhere: no src/href to a resource, no stylesheet link, no import
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", page, re.I)
    assert "@import" not in page and "cdn" not in page.split('id="kg-data"')[0].lower()
    assert "bootstrap" not in page.lower()
    # pyvis's vis-network is inline, and the page globals pyvis pages have are declared
    assert "vis-network" in page and "var network;" in page and "var nodes;" in page and "var edges;" in page


def test_render_is_deterministic(small_graph):
    assert render(small_graph) == render(synthetic_graph(120))


def test_registered_as_the_html_exporter(small_graph):
    assert "synthetic.html" in render_all(small_graph, ["html"])


def test_content_security_policy_allows_only_the_pages_own_scripts(small_graph):
    page = render_page(small_graph)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    policy = policy.replace("&#39;", "'")
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    executable = [body for attributes, body in SCRIPT_ELEMENT.findall(page) if "application/json" not in attributes]
    assert len(executable) == 2
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_data_holds_every_concept_label_definition_source_and_line(small_graph):
    data = embedded_data(render_page(small_graph))
    concepts, entries = rows(data, "concepts"), rows(data, "entries")
    assert [c["key"] for c in concepts] == [c.key for c in small_graph.concepts]
    by_id = {e.id: e for e in small_graph.entries}
    source_keys = [s["key"] for s in data["sources"]]
    for concept, shown in zip(small_graph.concepts, concepts):
        assert shown["label"] == concept.pref_label
        assert shown["alt"] == list(concept.alt_labels) and shown["acronyms"] == list(concept.acronyms)
        assert bool(shown["flags"] & 1) == concept.is_metric and bool(shown["flags"] & 2) == concept.provisional
        assert [(entries[n]["text"], source_keys[entries[n]["source"]], entries[n]["line"])
                for n in shown["entries"]] == [
            (by_id[e].text, by_id[e].source, by_id[e].line) for e in concept.entries]
        assert isinstance(shown["x"], int) and isinstance(shown["y"], int)
    assert source_keys == [s.key for s in small_graph.sources]
    assert [s["url"] for s in data["sources"]] == [s.url for s in small_graph.sources]


def test_edges_carry_confidence_method_evidence_and_curation(small_graph):
    data = embedded_data(render_page(small_graph))
    edges, concepts, entries = rows(data, "edges"), rows(data, "concepts"), rows(data, "entries")
    kinds = [k["kind"] for k in data["edgeKinds"]]
    assert len(edges) == len(small_graph.edges)
    by_id = {e.id: e for e in small_graph.entries}
    for edge, shown in zip(small_graph.edges, edges):
        assert (kinds[shown["kind"]], concepts[shown["source"]]["key"], concepts[shown["target"]]["key"]) == (
            edge.kind, edge.source, edge.target)
        assert shown["confidence"] == pytest.approx(edge.confidence, abs=1e-3)
        assert data["methods"][shown["method"]] == edge.evidence.method and shown["quote"] == edge.evidence.quote
        assert entries[shown["entry"]]["line"] == by_id[edge.evidence.entry].line
    methods = [data["methods"][e["method"]] for e in edges]
    assert data["curatedMethod"] in methods and set(methods) - {data["curatedMethod"]}
    counts = {k["kind"]: k["count"] for k in data["edgeKinds"]}
    for kind in {e.kind for e in small_graph.edges}:
        assert counts[kind] == sum(1 for e in small_graph.edges if e.kind == kind)


def test_degree_counts_links_in_both_directions():
    concepts = tuple(Concept(key=k, pref_label=k.upper()) for k in ("a", "b", "c"))
    edges = (Edge(BROADER, "a", "b", Evidence("head", 0.9, "q")), Edge(BROADER, "c", "b", Evidence("head", 0.9, "q")))
    kg = KnowledgeGraph(Scheme("t", "T", "", "https://example.org/t/"), (), (), concepts, edges)
    degree = {c["key"]: c["degree"] for c in rows(explorer_data(kg), "concepts")}
    assert degree == {"a": 1, "b": 2, "c": 1}


def test_an_edge_kind_a_later_rule_adds_still_gets_a_style():
    concepts = tuple(Concept(key=k, pref_label=k) for k in ("a", "b"))
    kg = KnowledgeGraph(Scheme("t", "T", "", "https://example.org/t/"), (), (), concepts,
                        (Edge("related", "a", "b", Evidence("co-occurs", 0.7, "q")),))
    kinds = {k["kind"]: k for k in explorer_data(kg)["edgeKinds"]}
    assert kinds["related"]["count"] == 1 and re.fullmatch(r"#[0-9a-f]{6}", kinds["related"]["colour"])


def test_markup_in_glossary_text_stays_data():
    kg = hostile.hostile_graph()
    page = render_page(kg)
    # no payload reaches the markup as markup: not in the data block, the heading or anywhere else
    for payload in (hostile.SCRIPT, hostile.IMAGE, hostile.CLOSE, hostile.SVG, hostile.COMMENT, "<b>Co</b>"):
        assert payload not in page
    assert "<" not in page.split('id="kg-data" type="application/json">')[1].split("</script>")[0]
    # heading and title are escaped text
    escaped_title = "Support &lt;script&gt;window.__pwned = &#39;script&#39;&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;"
    assert f"<title>{escaped_title}</title>" in page and f'<h1 id="heading">{escaped_title}</h1>' in page
    # and the data round-trips exactly, so the page can show the characters as text
    data = embedded_data(page)
    assert rows(data, "concepts")[0]["label"] == hostile.LABEL
    assert rows(data, "entries")[0]["text"] == hostile.DEFINITION
    assert rows(data, "edges")[0]["quote"] == hostile.QUOTE
    assert data["sources"][0]["title"] == hostile.SOURCE_TITLE
    assert data["sources"][0]["url"] is None  # a javascript: URL never becomes a link


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/g", "https://example.org/g"), (" http://x.org ", "http://x.org"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,x", None),
    ("//evil.example", None), (None, None), ("", None)])
def test_only_web_addresses_become_links(url, expected):
    assert safe_url(url) == expected


def test_embedded_json_cannot_close_its_script_element():
    text = embed_json({"a": "</script><!-- & >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & >"}


def test_embedded_json_escapes_markup_and_lone_surrogates_as_json_does():
    text = embed_json({"a": "x<y>z&\udce9é\u2019"})
    assert text == '{"a":"x\\u003cy\\u003ez\\u0026\\udce9é\u2019"}'
    assert json.loads(text) == {"a": "x<y>z&\udce9é\u2019"}


def test_written_page_is_the_rendered_page(small_graph, tmp_path):
    """write() puts the page out in parts; the file is still render_page's text as UTF-8."""
    assert html.write(small_graph, tmp_path) == ["synthetic.html"]
    assert (tmp_path / "synthetic.html").read_bytes() == render_page(small_graph).encode("utf-8")


def test_undecodable_bytes_kept_as_lone_surrogates_still_make_a_utf8_page():
    concepts = (Concept(key="a", pref_label="caf\udce9"),)
    kg = KnowledgeGraph(Scheme("t", "T\udce9", "", "https://example.org/t/"), (), (), concepts, ())
    page = render(kg)["t.html"].decode("utf-8")
    assert rows(embedded_data(page), "concepts")[0]["label"] == "caf\udce9"


def test_large_graph_opens_on_an_overview_of_the_most_connected_concepts():
    kg = synthetic_graph(300)
    config = dataclasses.replace(DEFAULT, explorer=ExplorerConfig(full_view_max_concepts=200, overview_concepts=40))
    data = explorer_data(kg, config)
    assert len(data["overview"]) == 40 and data["overview"] == sorted(data["overview"])
    degree = [c["degree"] for c in rows(data, "concepts")]
    weakest_shown = min(degree[n] for n in data["overview"])
    assert all(degree[n] <= weakest_shown for n in range(len(degree)) if n not in data["overview"])
    assert explorer_data(kg)["overview"] is None  # 300 concepts: every one is drawn


# ---- layout (kg.graph.layout) ----


def test_layout_places_every_concept_deterministically(small_graph):
    positions = layout(small_graph)
    assert set(positions) == {c.key for c in small_graph.concepts}
    assert positions == layout(synthetic_graph(120))
    assert all(isinstance(v, int) for xy in positions.values() for v in xy)
    assert len(set(positions.values())) == len(positions)  # no two concepts on one spot


def _mean_linked_and_overall_distance(kg: KnowledgeGraph, positions) -> tuple[float, float]:
    def distance(a, b):
        return math.dist(positions[a], positions[b])
    linked = [distance(e.source, e.target) for e in kg.edges]
    keys = sorted(positions)
    overall = [distance(keys[i], keys[(i * 7919 + 13) % len(keys)]) for i in range(len(keys))]
    return sum(linked) / len(linked), sum(overall) / len(overall)


def clustered_graph(clusters: int, size: int) -> KnowledgeGraph:
    """Groups of concepts linked among themselves (a chain plus chords), one link between groups."""
    keys = [f"g{c:03d}-{i:03d}" for c in range(clusters) for i in range(size)]
    pairs = [(f"g{c:03d}-{i:03d}", f"g{c:03d}-{j:03d}") for c in range(clusters)
             for i in range(size) for j in (i + 1, i + 3) if j < size]
    pairs += [(f"g{c:03d}-000", f"g{c + 1:03d}-000") for c in range(clusters - 1)]
    return KnowledgeGraph(Scheme("t", "T", "", "https://example.org/t/"), (), (),
                          tuple(Concept(key=k, pref_label=k) for k in keys),
                          tuple(Edge(BROADER, a, b, Evidence("head", 0.8, "q")) for a, b in pairs))


@pytest.mark.parametrize("clusters, force_max", [(8, 450), (40, 100)])
def test_layout_puts_linked_concepts_closer_than_unrelated_ones(clusters, force_max):
    kg = clustered_graph(clusters, 15)
    config = dataclasses.replace(DEFAULT, explorer=ExplorerConfig(force_layout_max_nodes=force_max))
    linked, overall = _mean_linked_and_overall_distance(kg, layout(kg, config))
    assert linked < 0.5 * overall


def test_explorer_positions_are_the_layout_in_any_concept_order(small_graph):
    """The explorer lays out from its own edge rows when the concepts come sorted, and asks
    kg.graph.layout otherwise: the positions are the same either way."""
    shuffled = dataclasses.replace(small_graph, concepts=tuple(random.Random(3).sample(
        small_graph.concepts, len(small_graph.concepts))))
    positions = layout(small_graph)
    for kg in (small_graph, shuffled):
        shown = {c["key"]: (c["x"], c["y"]) for c in rows(explorer_data(kg), "concepts")}
        assert shown == positions


def test_layout_by_number_is_the_layout_of_the_sorted_keys(small_graph):
    keys = [c.key for c in small_graph.concepts]
    assert keys == sorted(keys)
    number = {key: n for n, key in enumerate(keys)}
    links = [(number.get(e.source), number.get(e.target), e.confidence) for e in small_graph.edges]
    links += [(None, 0, 1.0), (1, None, 1.0), (2, 2, 1.0)]  # an end outside the graph; a self-link
    assert dict(zip(keys, layout_by_number(len(keys), links))) == layout(small_graph)
    assert layout_by_number(0, []) == []


def test_layout_of_unlinked_concepts_and_empty_graphs():
    scheme = Scheme("t", "T", "", "https://example.org/t/")
    assert layout(KnowledgeGraph(scheme, (), (), (), ())) == {}
    concepts = tuple(Concept(key=f"k{i:03d}", pref_label=str(i)) for i in range(50))
    positions = layout(KnowledgeGraph(scheme, (), (), concepts, ()))
    assert len(set(positions.values())) == 50
    spread = max(math.dist((0, 0), xy) for xy in positions.values())
    assert spread < 50 * DEFAULT.explorer.layout_spacing  # a compact disc, not a line


@pytest.mark.slow
def test_100k_concepts_generate_in_seconds():
    kg = synthetic_graph(100_000, sources=5)
    started, started_cpu = time.perf_counter(), time.process_time()
    page = render(kg)["synthetic.html"]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"\n100,000 concepts, {len(kg.edges):,} edges: NAME.html ({len(page) / 1e6:.1f} MB) "
          f"in {cpu:.1f} s of CPU ({elapsed:.1f} s wall)")
    assert cpu < 60  # a sanity bound only: CPU time, since the machine is shared; ~2.5 s measured
    data = embedded_data(page.decode("utf-8"))
    assert len(data["concepts"]) == 100_000 and len(data["overview"]) == DEFAULT.explorer.overview_concepts


def test_layout_is_the_same_under_any_hash_seed():
    """Set order changes with PYTHONHASHSEED; the layout must not (builds are byte-identical)."""
    script = ("import dataclasses; from kg.config import DEFAULT, ExplorerConfig; from kg.graph import layout; "
              "from tests.fixtures.explorer.graphs import synthetic_graph; "
              "config = dataclasses.replace(DEFAULT, explorer=ExplorerConfig(force_layout_max_nodes=40)); "
              "print(sorted(layout(synthetic_graph(200), config).items()))")
    root = Path(__file__).resolve().parent.parent
    outputs = {subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1 and next(iter(outputs)).startswith("[(")
