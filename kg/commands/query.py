"""Ask a graph a SPARQL question: SELECT, ASK, CONSTRUCT or DESCRIBE.

GRAPH is a Turtle, N-Triples, JSON-LD or RDF/XML file, or an export folder (its NAME.ttl).
QUERY is a SPARQL query, a .rq file (ready ones are in ontology/queries/) or - for stdin.
The prefixes kg, skos, dct, rdf, rdfs, owl, prov, xsd and dcat are predeclared.

  kg query exports/ ontology/queries/what-metrics-measure.rq
  kg query exports/ 'SELECT ?c ?label WHERE { ?c skos:prefLabel ?label } LIMIT 5' --format csv

SELECT and ASK answers: table (default), csv, tsv, json, xml (the SPARQL 1.1 results formats).
CONSTRUCT and DESCRIBE answers: Turtle (default), ntriples, json (JSON-LD), xml (RDF/XML).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.sparql import FORMATS, query_file

HELP = "run a SPARQL query (or a .rq file) over an exported graph"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("graph", metavar="GRAPH", help="graph file, or an export folder")
    parser.add_argument("query", metavar="QUERY", help="SPARQL query text, a .rq file, or - to read it from stdin")
    parser.add_argument("--format", "-f", choices=FORMATS, default="table", metavar="FORMAT",
                        help=f"answer format: {', '.join(FORMATS)} (default: table; "
                             "Turtle for CONSTRUCT and DESCRIBE)")


def run(args: argparse.Namespace) -> int:
    output = query_file(Path(args.graph), args.query, args.format)
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    return 0
