"""A SPARQL 1.1 Protocol endpoint over an exported graph: Oxigraph's own server, read-only.

    with serving(Path("exports"), port=7878) as endpoint:
        print(endpoint.query_url)        # http://127.0.0.1:7878/query
        endpoint.wait()                  # until Ctrl-C or the server stops

We do not write an HTTP server: the `oxigraph` package ships Oxigraph's Rust server, which
implements the protocol (GET and POST, content negotiation for JSON, XML, CSV, TSV results and
Turtle or N-Triples graphs), serves a YASGUI query editor at `/` from its own binary (nothing is
fetched from a CDN), answers concurrent clients from a thread pool, and in `serve-read-only`
mode refuses every update with 403 (at /update) or 400 (at /query). kg loads the graph into a
store in a temporary folder (`oxigraph load`), runs `oxigraph serve-read-only` on it, and
removes the folder when the server stops.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError, KgError, UsageError
from kg.sparql import GRAPH_FORMATS, graph_file

DEFAULT_HOST = "127.0.0.1"  # loopback: a vocabulary server is for this machine unless asked
DEFAULT_PORT = 7878  # Oxigraph's own default
DEFAULT_TIMEOUT = 60  # seconds a query may run before the server cancels it
STARTUP_SECONDS = 30
STOP_SECONDS = 5

# What `oxigraph load` calls each syntax, where its guess from the file name would fail.
_LOAD_FORMAT = {".json": "application/ld+json", ".owl": "application/rdf+xml", ".xml": "application/rdf+xml"}


class ServerError(KgError):
    """The SPARQL server could not start or stopped on its own."""


@dataclass
class Endpoint:
    """A running server: its URLs, and the process to wait on."""

    host: str
    port: int
    process: subprocess.Popen
    location: Path  # the temporary store, removed when the server stops
    log: list[str] = field(default_factory=list)  # the server's stderr lines, newest last
    ready: threading.Event = field(default_factory=threading.Event)
    log_reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def wait(self) -> int:
        """Block until the server exits; Ctrl-C (KeyboardInterrupt) comes through to the caller."""
        return self.process.wait()


def oxigraph_binary() -> str:
    """The `oxigraph` program of this environment (the PyPI package puts it beside python)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise UsageError("the oxigraph server program is not installed",
                         hint="pip install oxigraph (it is a dependency of kg)")
    return found


def check_port_free(host: str, port: int) -> None:
    """Fail early, with one clear line, when HOST:PORT cannot be bound (in use, or not ours)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR as the server sets it, so a port only in TIME_WAIT is not called busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} on {host} is already in use",
                                 hint="stop the other server or give --port another number") from None
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}",
                             hint="check --host and --port") from None


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port the system says is free now (another program may still take it before we do)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def load_store(graph: Path, location: Path, binary: str) -> None:
    """Load the graph file into an Oxigraph store folder."""
    command = [binary, "load", "--location", str(location), "--file", str(graph)]
    if graph.suffix.lower() in _LOAD_FORMAT:
        command += ["--format", _LOAD_FORMAT[graph.suffix.lower()]]
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        # "Error while loading file F: Parser error at line 3 column 9: ..." names the place.
        parse = re.search(r"^Error while loading file .*?: (.*?(?:line (\d+).*)?)$", done.stderr, re.M)
        reason = parse[1] if parse else _first_error(done.stderr)
        raise InputError(f"the SPARQL server cannot load the graph: {reason}", path=str(graph),
                         line=int(parse[2]) if parse and parse[2] else None)


@contextmanager
def serving(graph: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
            timeout: float = DEFAULT_TIMEOUT) -> Iterator[Endpoint]:
    """Serve GRAPH read-only on HOST:PORT for as long as the `with` block runs.

    Leaving the block (normally, on an error or on Ctrl-C) stops the server and removes its
    store. Port 0 picks a free port.
    """
    file = graph_file(Path(graph))
    if file.suffix.lower() not in GRAPH_FORMATS:
        raise InputError(f"cannot tell the RDF syntax of '{file.suffix}' files", path=str(file),
                         hint=f"use one of {', '.join(GRAPH_FORMATS)}")
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number", hint="use 1 to 65535, or 0 for any free port")
    binary = oxigraph_binary()
    port = port or free_port(host)
    check_port_free(host, port)
    location = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    process = endpoint = None
    try:
        load_store(file, location, binary)
        process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(location), "--bind", f"{_bind_host(host)}:{port}",
             "--timeout-s", str(max(1, round(timeout)))],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            # Its own session: a terminal's Ctrl-C reaches kg only, and kg stops the server in order.
            start_new_session=True, preexec_fn=_die_with_parent)
        endpoint = Endpoint(host, port, process, location)
        _wait_until_listening(endpoint)
        yield endpoint
    finally:
        if process is not None:
            _stop(process)
            if endpoint is not None and endpoint.log_reader is not None:
                endpoint.log_reader.join(STOP_SECONDS)  # it ends at the log's end of file
            process.stderr.close()
        shutil.rmtree(location, ignore_errors=True)


def serve_forever(graph: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                  timeout: float = DEFAULT_TIMEOUT, announce=print) -> int:
    """Serve until SIGINT or SIGTERM; both stop the server cleanly. Returns the exit code."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with serving(graph, host, port, timeout) as endpoint:
            announce(f"SPARQL endpoint: {endpoint.query_url}")
            announce(f"Query editor:    {endpoint.url}/   (read-only; Ctrl-C stops)")
            code = endpoint.wait()
            raise ServerError(f"the SPARQL server stopped by itself (exit {code}): {_last(endpoint.log)}")
    except KeyboardInterrupt:
        # Leaving `serving` has already stopped the server and removed its store.
        announce("Stopped.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, have the kernel stop the server if kg is killed.

    Without it a `kill -9` of kg (or of a test worker) leaves an orphan server holding its
    port; elsewhere there is no such call and kg's own clean-up is all there is.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        set_parent_death_signal = 1  # PR_SET_PDEATHSIG, from <linux/prctl.h>
        ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGTERM, 0, 0, 0)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _bind_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _wait_until_listening(endpoint: Endpoint) -> None:
    """Forward the server's log to our stderr and return once it accepts connections."""
    process = endpoint.process

    def drain() -> None:
        # Read the log until the server exits, so a full pipe never blocks it. Once it is up,
        # its messages (a cancelled query, say) go to our stderr; its start-up banner does not.
        for line in process.stderr:
            endpoint.log.append(line.rstrip("\n"))
            if endpoint.ready.is_set() and not line.startswith("Listening"):
                print(f"oxigraph: {line.rstrip()}", file=sys.stderr, flush=True)

    endpoint.log_reader = threading.Thread(target=drain, name="oxigraph-log", daemon=True)
    endpoint.log_reader.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            endpoint.log_reader.join(1)  # the last lines hold the reason
            message = _first_error("\n".join(endpoint.log))
            if "Address already in use" in message:
                raise UsageError(f"port {endpoint.port} on {endpoint.host} is already in use",
                                 hint="stop the other server or give --port another number")
            raise ServerError(f"the SPARQL server did not start: {message}")
        try:
            with socket.create_connection((endpoint.host, endpoint.port), timeout=0.5):
                endpoint.ready.set()
                return
        except OSError:
            time.sleep(0.05)
    raise ServerError(f"the SPARQL server did not start within {STARTUP_SECONDS} s")


def _stop(process: subprocess.Popen) -> None:
    """SIGINT, as a terminal would send; SIGKILL if it does not stop within a few seconds."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


def _first_error(text: str) -> str:
    """Oxigraph's error line, without its stack backtrace."""
    for line in text.splitlines():
        if line.startswith("Error:"):
            return line[len("Error:"):].strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].strip() if lines else "no message"


def _last(log: list[str]) -> str:
    return _first_error("\n".join(log[-20:])) if log else "no message"
