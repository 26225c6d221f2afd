"""Ask an exported graph SPARQL questions, embedded: load a file, run a query, render the answer.

    graph = load_graph(Path("exports"))            # a folder picks its full graph, NAME.ttl
    answer = run_query(graph, read_query("SELECT ?c WHERE { ?c a skos:Concept } LIMIT 3"))
    print(render(answer, "csv", graph.prefixes).decode())

pyoxigraph does the work: Oxigraph's SPARQL 1.1 engine answered a query over 400k triples in
~0.1 s where rdflib's in-memory engine took seconds (README, "SPARQL"), and it writes the
standard results formats (JSON, XML, CSV, TSV) itself. The prefixes of kg.vocabulary.PREFIXES
are predeclared; a query's own PREFIX lines override them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

from kg.errors import InputError, QueryError, UsageError
from kg.vocabulary import PREFIXES

# File suffix -> RDF syntax; a graph file is read by its name, as rdflib and Oxigraph do.
GRAPH_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
}

# --format name -> how each kind of answer is written. SELECT/ASK answers use the SPARQL 1.1
# results formats; graph answers (CONSTRUCT, DESCRIBE) use the RDF syntax closest in spirit.
SOLUTION_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_ANSWER_FORMATS = {
    "table": RdfFormat.TURTLE,  # a terminal reads Turtle best
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "json": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,
}
FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples")

# SPARQL Update verbs: `kg query` only reads, and says so instead of a puzzling parse error.
_UPDATE_VERB = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                          r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_SYNTAX_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_PARSE_AT = re.compile(r"line (\d+) column (\d+)")


@dataclass
class LoadedGraph:
    """A graph file in an in-memory Oxigraph store, with the prefixes it declares."""

    path: Path
    store: Store
    prefixes: dict[str, str] = field(default_factory=dict)  # ours, then the file's own


@dataclass(frozen=True)
class Query:
    text: str
    origin: str | None = None  # the .rq file it came from; None for a query given inline


@dataclass
class Answer:
    """What a query returned: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str  # "select", "ask" or "graph"
    variables: tuple[str, ...] = ()
    rows: list[tuple[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None, ...]] = \
        field(default_factory=list)
    boolean: bool | None = None
    triples: list[pyoxigraph.Triple] = field(default_factory=list)

    def records(self) -> list[dict[str, str | None]]:
        """SELECT rows as {variable: lexical value}, for scripts and tests."""
        return [{name: (None if term is None else term.value) for name, term in zip(self.variables, row)}
                for row in self.rows]


def graph_file(path: Path) -> Path:
    """The graph file a path means: itself, or an export folder's full graph (NAME.ttl).

    The full graph carries entries and evidence; a folder holding only the SKOS profile
    (NAME.skos.ttl) means that. `kg query`, `kg serve` and `kg diff` all read paths this way.
    """
    if path.is_file():
        return path
    if not path.is_dir():
        raise InputError("no such file or folder, so no such graph to read", path=str(path),
                         hint="give an export folder or a .ttl, .nt or .jsonld file")
    turtle = sorted(path.glob("*.ttl"))
    candidates = [p for p in turtle if not p.name.endswith(".skos.ttl")] or turtle
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError("no Turtle file in this folder: no full graph (NAME.ttl) to read", path=str(path),
                         hint="run `kg build` first, or name the graph file")
    raise InputError("several graphs in this folder: " + ", ".join(p.name for p in candidates),
                     path=str(path), hint="name the one to read")


def load_graph(path: Path) -> LoadedGraph:
    """Parse a Turtle, N-Triples, JSON-LD or RDF/XML file (or an export folder's NAME.ttl)."""
    file = graph_file(Path(path))
    syntax = GRAPH_FORMATS.get(file.suffix.lower())
    if syntax is None:
        raise InputError(f"cannot tell the RDF syntax of '{file.suffix}' files", path=str(file),
                         hint=f"use one of {', '.join(GRAPH_FORMATS)}")
    store = Store()  # in memory: the exports are small enough, and nothing is left on disk
    try:
        parser = pyoxigraph.parse(path=str(file), format=syntax)
        store.bulk_extend(parser)
    except SyntaxError as error:
        raise InputError(f"not valid {syntax.name}: {_first_line(error.args[0])}", path=str(file),
                         line=_parse_error_line(error)) from None
    except OSError as error:
        raise InputError(f"cannot read the graph: {error.strerror or error}", path=str(file)) from None
    return LoadedGraph(file, store, {**PREFIXES, **parser.prefixes})


def read_query(text_or_path: str) -> Query:
    """A query given inline, read from a .rq file (any existing file is read too), or "-": stdin."""
    if text_or_path == "-":
        import sys

        return Query(sys.stdin.read(), "<stdin>")
    candidate = Path(text_or_path)
    try:
        is_file = candidate.is_file()
    except OSError:  # a long inline query is not a valid file name
        is_file = False
    if is_file:
        try:
            return Query(candidate.read_text(encoding="utf-8"), str(candidate))
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the query: {error}", path=str(candidate)) from None
    if text_or_path.endswith(".rq") and "\n" not in text_or_path:
        raise InputError("no such query file", path=text_or_path,
                         hint="ready queries are in ontology/queries/")
    return Query(text_or_path)


def run_query(graph: LoadedGraph, query: Query) -> Answer:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query. Bad syntax: a QueryError with line and column."""
    result = _execute(graph, query)
    with _evaluation_errors(query):
        if isinstance(result, QueryBoolean):
            return Answer("ask", boolean=bool(result))
        if isinstance(result, QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows = [tuple(solution[name] for name in variables) for solution in result]
            return Answer("select", variables, rows)
        return Answer("graph", triples=sorted(result, key=_triple_key))


def answer_bytes(graph: LoadedGraph, query: Query, fmt: str = "table") -> bytes:
    """Run QUERY and write its answer in FORMAT.

    The SPARQL results formats stream straight from Oxigraph's own writers (no Python object
    per row, which is what makes large answers fast); tables and graphs are materialised.
    """
    if fmt in SOLUTION_FORMATS:
        result = _execute(graph, query)
        if isinstance(result, (QuerySolutions, QueryBoolean)):
            with _evaluation_errors(query):
                return result.serialize(format=SOLUTION_FORMATS[fmt])
    return render(run_query(graph, query), fmt, graph.prefixes)


def query_file(graph_path: Path, query_text_or_path: str, fmt: str = "table") -> bytes:
    """The whole of `kg query`: load, run, render."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'", hint=f"known formats: {', '.join(FORMATS)}")
    query = read_query(query_text_or_path)
    return answer_bytes(load_graph(graph_path), query, fmt)


def _execute(graph: LoadedGraph, query: Query):
    if _UPDATE_VERB.match(_strip_comments(query.text)):
        raise QueryError("SPARQL updates are not accepted: kg query only reads the graph",
                         path=query.origin, hint="use SELECT, ASK, CONSTRUCT or DESCRIBE")
    try:
        return graph.store.query(query.text, prefixes=PREFIXES)
    except SyntaxError as error:
        raise _syntax_error(str(error), query) from None
    except (OSError, ValueError, RuntimeError) as error:
        raise QueryError(f"the query failed: {_first_line(str(error))}", path=query.origin) from None


@contextmanager
def _evaluation_errors(query: Query):
    # Oxigraph evaluates lazily, so a failing query may only fail while its answer is read.
    try:
        yield
    except (OSError, ValueError, RuntimeError) as error:
        raise QueryError(f"the query failed: {_first_line(str(error))}", path=query.origin) from None


def render(answer: Answer, fmt: str = "table", prefixes: dict[str, str] | None = None) -> bytes:
    """Write an answer in FORMAT: table (for a terminal), csv, tsv, json, xml, turtle or ntriples."""
    prefixes = prefixes or PREFIXES
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'", hint=f"known formats: {', '.join(FORMATS)}")
    if answer.kind == "graph":
        if fmt not in GRAPH_ANSWER_FORMATS:
            raise UsageError(f"a CONSTRUCT or DESCRIBE answer is a graph, not a table: '{fmt}' does not fit",
                             hint=f"use one of {', '.join(GRAPH_ANSWER_FORMATS)}")
        used = _used_prefixes(answer.triples, prefixes)
        return pyoxigraph.serialize(answer.triples, format=GRAPH_ANSWER_FORMATS[fmt], prefixes=used)
    if fmt == "table":
        return _table(answer, prefixes).encode("utf-8")
    if fmt not in SOLUTION_FORMATS:
        raise UsageError(f"a {answer.kind.upper()} answer is not a graph: '{fmt}' does not fit",
                         hint=f"use one of table, {', '.join(SOLUTION_FORMATS)}")
    return _results_document(answer).serialize(format=SOLUTION_FORMATS[fmt])


def compact(term, prefixes: dict[str, str]) -> str:
    """A term as a person reads it: prefixed names where a prefix fits, literal values bare."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        best = max(((name, ns) for name, ns in prefixes.items() if term.value.startswith(ns)),
                   key=lambda item: len(item[1]), default=None)
        if best is not None:
            local = term.value[len(best[1]):]
            # Display only: "/" is kept bare (Turtle would escape it) because people read it fine.
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_./-]*", local) and not local.endswith("."):
                return f"{best[0]}:{local}"
        return f"<{term.value}>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return term.value


def _table(answer: Answer, prefixes: dict[str, str]) -> str:
    # rich lays the columns out to the terminal's width and wraps long definitions inside
    # their cells; piped output gets a fixed width so it stays the same from run to run.
    import io

    from rich.console import Console
    from rich.table import Table

    if answer.kind == "ask":
        return ("true" if answer.boolean else "false") + "\n"
    table = Table(show_lines=False, highlight=False)
    for name in answer.variables:
        table.add_column(name, overflow="fold")  # fold, never cut: a table must not hide values
    for row in answer.rows:
        table.add_row(*(compact(term, prefixes) for term in row))
    buffer = io.StringIO()
    console = Console(file=buffer, width=_terminal_width(), no_color=True, highlight=False,
                      emoji=False, markup=False)
    console.print(table)
    count = len(answer.rows)
    return buffer.getvalue() + f"{count} row{'' if count == 1 else 's'}\n"


def _terminal_width() -> int:
    import shutil
    import sys

    return shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120


def _results_document(answer: Answer):
    """Rebuild pyoxigraph's results object from the materialised answer, to use its writers."""
    # Writing from the rows we already read keeps one code path for every format;
    # pyoxigraph parses its own JSON back into a results object it can serialise again.
    import json

    if answer.kind == "ask":
        document = {"head": {}, "boolean": bool(answer.boolean)}
    else:
        document = {"head": {"vars": list(answer.variables)},
                    "results": {"bindings": [
                        {name: _json_term(term) for name, term in zip(answer.variables, row)
                         if term is not None}
                        for row in answer.rows]}}
    return pyoxigraph.parse_query_results(json.dumps(document).encode("utf-8"),
                                          format=QueryResultsFormat.JSON)


def _json_term(term) -> dict[str, str]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    raise QueryError(f"cannot write the term {term!r} as a SPARQL result")


def _triple_key(triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _used_prefixes(triples, prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes the answer needs, so a small answer starts with a short header."""
    iris = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
            elif isinstance(term, pyoxigraph.Literal):
                iris.add(term.datatype.value)
    return {name: ns for name, ns in sorted(prefixes.items()) if any(i.startswith(ns) for i in iris)}


def _strip_comments(text: str) -> str:
    # A '#' inside an IRI or string would be cut too; good enough to find the first keyword.
    return "\n".join(line.split("#", 1)[0] if line.lstrip().startswith("#") else line
                     for line in text.splitlines())


def _syntax_error(message: str, query: Query) -> QueryError:
    match = _SYNTAX_AT.match(message)
    if not match:
        return QueryError(f"SPARQL syntax error: {_first_line(message)}", path=query.origin)
    line, column, detail = int(match[1]), int(match[2]), match[3]
    if "Prefix not found" in detail:
        name = _prefixed_name_before(query.text, line, column)
        detail = f"unknown prefix '{name}'" if name else "unknown prefix"
        hint = f"declare it with PREFIX; predeclared: {', '.join(PREFIXES)}"
    else:
        detail, hint = _first_line(detail), None
    return QueryError(f"SPARQL syntax error at line {line}, column {column}: {detail}",
                      path=query.origin, hint=hint)


def _prefixed_name_before(text: str, line: int, column: int) -> str | None:
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    found = re.findall(r"([A-Za-z][\w.-]*)?:[\w.-]*$", lines[line - 1][:column - 1])
    return f"{found[-1]}:" if found else None


def _first_line(message: str, limit: int = 160) -> str:
    first = message.strip().split("\n", 1)[0]
    return first if len(first) <= limit else first[:limit - 1] + "…"


def _parse_error_line(error: SyntaxError) -> int | None:
    if len(error.args) > 1 and isinstance(error.args[1], tuple) and len(error.args[1]) > 1:
        return error.args[1][1]
    match = _PARSE_AT.search(str(error))
    return int(match[1]) if match else None
