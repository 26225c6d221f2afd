"""Serve a graph as a read-only SPARQL 1.1 Protocol endpoint, with a query editor at /.

GRAPH is an export folder (its NAME.ttl) or a Turtle, N-Triples, JSON-LD or RDF/XML file.
The endpoint is http://HOST:PORT/query (GET or POST; JSON, XML, CSV or TSV results and Turtle
or N-Triples graphs by the Accept header). Updates are refused. Ctrl-C stops it.

  kg serve exports/
  kg serve exports/customer-service.ttl --port 8080 --timeout 10

It runs Oxigraph's own server (`oxigraph serve-read-only`) on a copy of the graph in a
temporary store, removed when the server stops.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.serve import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TIMEOUT, serve_forever

HELP = "serve a graph as a read-only SPARQL endpoint (Oxigraph's server)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("graph", metavar="GRAPH", help="graph file, or an export folder")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default: {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"cancel a query that runs longer (default: {DEFAULT_TIMEOUT})")


def run(args: argparse.Namespace) -> int:
    return serve_forever(Path(args.graph), args.host, args.port, args.timeout,
                         announce=lambda line: print(line, flush=True))
