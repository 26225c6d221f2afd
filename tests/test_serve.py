"""`kg serve`: a real SPARQL 1.1 Protocol endpoint, asked by real clients over loopback.

One server of the bundled build (started through the library, which saves a Python start-up)
answers SPARQLWrapper, plain HTTP with each Accept header, 16 concurrent clients and refused
updates. Two more run as `python -m kg serve`, exactly as a user starts them: one with a
one-second timeout cancels a runaway query and stops on SIGINT, the other stops on SIGTERM.
"""

from __future__ import annotations

import csv
import io
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from kg.errors import InputError, UsageError
from kg.exporters import render_all
from kg.serve import free_port, serving
from kg.sparql import Query, load_graph, render, run_query
from kg.vocabulary import PREFIXES
from tests.conftest import ROOT

HEADER = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
COUNT = HEADER + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = HEADER + "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } ORDER BY ?c"
NARROWER = HEADER + "CONSTRUCT { ?b skos:narrower ?a } WHERE { ?a skos:broader ?b }"
# Three stars with a filter nothing passes: on 300 triples, 27 million rows tried in vain.
RUNAWAY = ("SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
           "FILTER(STRLEN(CONCAT(STR(?c), STR(?f), STR(?i))) < 0) }")


class Server:
    """`python -m kg serve GRAPH ...` in a child process; the URLs it printed."""

    def __init__(self, graph: Path, scratch: Path, *options: str):
        self.scratch = scratch  # its TMPDIR: the temporary store goes there and nowhere else
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", str(graph), "--port", str(self.port), *options],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "TMPDIR": str(scratch)})
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.banner = [self._line(), self._line()]
        self.query_url = self.banner[0].split()[-1]
        self.root_url = self.banner[1].split()[2]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def _line(self) -> str:
        # Generous: Python's start-up alone takes seconds on a busy two-core machine.
        line = self.lines.get(timeout=90)
        assert line, f"kg serve exited: {self.process.stderr.read()}"
        return line.strip()

    def stores(self) -> list[str]:
        return sorted(p.name for p in self.scratch.glob("kg-serve-*"))

    def stop(self, signum=signal.SIGINT) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        self.process.wait(timeout=15)
        out = "".join(iter(lambda: self.lines.get(timeout=5), ""))
        return self.process.returncode, out, self.process.stderr.read()


@pytest.fixture(scope="module")
def graph_path(bundled_kg, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("served")
    for name, content in render_all(bundled_kg, ["rdf"]).items():
        (folder / name).write_bytes(content)
    return next(p for p in folder.glob("*.ttl"))


class Endpoint:
    """The library's endpoint, seen through the same names the tests use for a child process."""

    def __init__(self, endpoint):
        self.port = endpoint.port
        self.query_url = endpoint.query_url
        self.root_url = endpoint.url + "/"


@pytest.fixture(scope="module")
def server(graph_path):
    with serving(graph_path, port=0) as endpoint:
        assert endpoint.location.is_dir()
        yield Endpoint(endpoint)
    assert not endpoint.location.exists()  # leaving the block removed the store


@pytest.fixture
def start_server(tmp_path):
    """Start `kg serve` children; any a failing test leaves running is stopped afterwards."""
    started: list[Server] = []

    def start(graph: Path, *options: str) -> Server:
        scratch = tmp_path / f"scratch-{len(started)}"
        scratch.mkdir()
        started.append(Server(graph, scratch, *options))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.terminate()
            running.process.wait(30)


def http(url: str, *, accept: str | None = None, data: bytes | None = None,
         content_type: str | None = None, timeout: float = 30) -> tuple[int, bytes]:
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(server: Server, query: str, accept: str) -> bytes:
    status, body = http(server.query_url + "?" + urllib.parse.urlencode({"query": query}), accept=accept)
    assert status == 200, body
    return body


def local(graph_path: Path, query: str):
    return run_query(load_graph(graph_path), Query(query))


def test_serves_on_loopback_with_the_editor_at_the_root(server):
    assert server.query_url == f"http://127.0.0.1:{server.port}/query"
    status, page = http(server.root_url)
    assert status == 200 and b"yasgui" in page.lower()
    assert b"//cdn" not in page and b'src="http' not in page  # the editor is served, not fetched


def test_sparqlwrapper_json_and_xml(server, graph_path, bundled_kg):
    client = SPARQLWrapper(server.query_url)
    client.setQuery(HEADER + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a skos:Concept }")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == len(bundled_kg.concepts)
    client.setQuery(LABELS)
    client.setReturnFormat(XML)
    document = client.query().convert()
    labels = [r.getElementsByTagName("literal")[0].firstChild.data for r in document.getElementsByTagName("result")]
    assert labels == [record["label"] for record in local(graph_path, LABELS).records()]


def test_accept_headers_choose_json_xml_csv_tsv(server, graph_path):
    expected = [(r["c"], r["label"]) for r in local(graph_path, LABELS).records()]
    as_json = json.loads(get(server, LABELS, "application/sparql-results+json"))
    assert [(b["c"]["value"], b["label"]["value"]) for b in as_json["results"]["bindings"]] == expected
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ElementTree.fromstring(get(server, LABELS, "application/sparql-results+xml"))
    assert [(r.find("r:binding[@name='c']/r:uri", ns).text, r.find("r:binding[@name='label']/r:literal", ns).text)
            for r in root.iterfind(".//r:result", ns)] == expected
    table = list(csv.reader(io.StringIO(get(server, LABELS, "text/csv").decode("utf-8"))))
    assert table[0] == ["c", "label"] and [tuple(r) for r in table[1:]] == expected
    tsv = get(server, LABELS, "text/tab-separated-values").decode("utf-8").splitlines()
    assert tsv[0] == "?c\t?label" and len(tsv) == len(expected) + 1


def test_construct_as_turtle_and_ntriples_by_post(server, graph_path):
    expected = rdflib.Graph().parse(data=render(local(graph_path, NARROWER), "ntriples"), format="nt")
    assert len(expected) > 0
    for accept, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        status, body = http(server.query_url, accept=accept, data=NARROWER.encode("utf-8"),
                            content_type="application/sparql-query")
        assert status == 200
        assert isomorphic(rdflib.Graph().parse(data=body, format=syntax), expected), accept


def test_sixteen_concurrent_clients_get_identical_answers(server, graph_path):
    queries = [LABELS, COUNT, (ROOT / "ontology/queries/defined-by-many-glossaries.rq").read_text()]
    queries[2] = HEADER + queries[2]
    expected = [get(server, q, "text/csv") for q in queries]

    def client(number: int) -> list[bytes]:
        return [get(server, queries[(number + i) % len(queries)], "text/csv") for i in range(25)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(client, range(16)))
    assert sum(len(a) for a in answers) == 16 * 25
    for number, bodies in enumerate(answers):
        for i, body in enumerate(bodies):
            assert body == expected[(number + i) % len(queries)]


def test_updates_are_refused_and_change_nothing(server):
    before = get(server, COUNT, "text/csv")
    insert = "INSERT DATA { <https://example.org/x> <https://example.org/y> <https://example.org/z> }"
    attempts = [
        http(server.root_url + "update", data=insert.encode(), content_type="application/sparql-update"),
        http(server.query_url, data=urllib.parse.urlencode({"update": insert}).encode(),
             content_type="application/x-www-form-urlencoded"),
        http(server.query_url, data=insert.encode(), content_type="application/sparql-query"),
        http(server.root_url + "store", data=b"<a:x> <a:y> <a:z> .", content_type="application/n-triples"),
    ]
    assert [400 <= status < 500 for status, _ in attempts] == [True] * len(attempts), attempts
    assert get(server, COUNT, "text/csv") == before
    assert get(server, "ASK { <https://example.org/x> ?p ?o }", "application/sparql-results+json") \
        == b'{"head":{},"boolean":false}'


def test_a_runaway_query_is_cancelled_by_the_timeout_then_sigint_stops_cleanly(start_server, tmp_path):
    # A small graph: Oxigraph checks its timeout while it streams rows, so this is cancelled
    # within about a second. (On the bundled graph it first builds a join of 66 million rows,
    # which no timeout interrupts: see the README.)
    small = tmp_path / "tides.nt"
    small.write_text("".join(f'<https://example.org/tide/{i}> <https://example.org/height> "{i}" .\n'
                             for i in range(300)), encoding="utf-8")
    server = start_server(small, "--timeout", "1")
    assert server.query_url == f"http://127.0.0.1:{server.port}/query"  # loopback by default
    assert len(server.stores()) == 1
    started = time.monotonic()
    status, body = http(server.query_url + "?" + urllib.parse.urlencode({"query": RUNAWAY}), accept="text/csv",
                        timeout=90)
    took = time.monotonic() - started
    # Oxigraph has already sent 200 and the header row when the timeout fires, so the client
    # sees the cancellation at the end of the body; what matters is that the work stops.
    assert b"cancelled" in body and took < 30, (status, body, took)
    assert get(server, COUNT, "text/csv") == b"n\r\n300\r\n"  # still answering
    code, out, err = server.stop(signal.SIGINT)
    assert code == 0 and "Stopped." in out and "Traceback" not in err
    assert server.stores() == []  # the store is removed
    with socket.socket() as probe:  # and the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", server.port))


def test_sigterm_stops_cleanly_too(start_server, graph_path):
    server = start_server(graph_path)
    assert len(server.stores()) == 1
    code, out, err = server.stop(signal.SIGTERM)
    assert code == 0 and "Stopped." in out and "Traceback" not in err
    assert server.stores() == []


def test_a_busy_port_fails_before_loading_anything(graph_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match=f"port {port} on 127.0.0.1 is already in use"):
            with serving(graph_path, port=port):
                pass


def test_bad_input_is_one_typed_error_before_any_server_runs(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot load the graph: Parser error at line 1") as caught:
        with serving(broken, port=0):
            pass
    assert caught.value.line == 1 and "broken.ttl:1:" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(UsageError, match="not a port number"):
        with serving(broken, port=70000):
            pass
    with pytest.raises(InputError, match="no such graph"):
        with serving(tmp_path / "missing.ttl", port=0):
            pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_killed_kg_takes_its_server_down(start_server, graph_path):
    server = start_server(graph_path)
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    assert len(children) == 1
    oxigraph = int(children[0])
    server.process.kill()  # SIGKILL: kg gets no chance to clean up
    server.process.wait(15)
    deadline = time.monotonic() + 15
    while Path(f"/proc/{oxigraph}").exists() and time.monotonic() < deadline:
        if Path(f"/proc/{oxigraph}/stat").read_text().split()[2] == "Z":
            break  # gone, only not yet reaped by init
        time.sleep(0.1)
    assert not Path(f"/proc/{oxigraph}").exists() or \
        Path(f"/proc/{oxigraph}/stat").read_text().split()[2] == "Z"
    # Its port is free again once all its threads are gone: a thread group's leader shows as a
    # zombie while its other threads still close, and they hold the socket until the last exits.
    while True:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", server.port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
        time.sleep(0.1)
