"""Deterministic serialisation, streamed: sorted N-Triples to a file, other syntaxes from it.

The exporters hand over the triples as subject groups (`Group`): each subject's N-Triples
lines, the subjects in sorted order. `write_ntriples` writes each group's lines once, sorted,
which gives exactly the bytes of sorting every line of the document, without ever holding the
document: at 100,000 concepts the full graph is 4.4 million triples. A group may instead hand
over its lines as one block, already sorted and distinct, where no other group shares its
subject (an entry, an evidence node: two thirds of the full graph's subjects), which spares
the set and the sort of each. kg.exporters.turtle writes the same groups as Turtle.

`convert` then has pyoxigraph stream a file of ours (N-Triples or Turtle) into another
syntax, file to file. pyoxigraph writes triples in the order given, so every syntax comes
out byte-identical across builds. rdf:type sorts first within its subject (see
rdf_terms.RDF_TYPE): Turtle then opens with `a`, and the RDF/XML writer makes it a typed
element, `<skos:Concept rdf:about=…>` directly under rdf:RDF, the shape TemaTres's XPath reads.

Conversions are independent, so a large build runs them in worker processes
(`Conversions`): the machine's second core converts while the first renders the next file.
When the workers are already running, they convert a file while it is being written
(`write_and_convert`, `_Growing`), so a conversion ends soon after its file rather than
starting then; the slowest, the full graph's JSON-LD, in two parts by two workers (`Cut`).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import RdfFormat, parse, serialize

from kg.atomic import fsync_file
from kg.exporters.rdf_terms import RDF_TYPE, RDF_TYPE_IRI
from kg.errors import KgError
from kg.workers import POOL_FAILURES, fork_job, start_pool, stop_forked, stop_pool, submit

FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "rdf": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}

# A subject term ("<iri>") and its N-Triples lines in any order, or a block of them as one
# string: sorted, distinct, and the subject's only group.
Group = tuple[str, list[str] | str]
_TYPE_TERM = f"<{RDF_TYPE_IRI}>"
FLUSH_CHARS = 1 << 20


def write_ntriples(groups: Iterable[Group], out: BinaryIO) -> int:
    """Write `groups`, sorted by subject term, as one sorted N-Triples document; returns the
    number of triples. Equal subjects in a row are one group.

    Sorting subjects by their term text and then lines within a subject orders the lines as
    sorting all of them would: two lines of different subjects first differ inside the
    subject terms, where '>' ends the shorter one.
    """
    count = 0
    pending: list[str] = []
    size = 0
    for _, content in by_subject(groups):
        if type(content) is str:
            count += content.count("\n")
        else:
            count += len(content)
            content = "".join(content)
        pending.append(content)
        size += len(content)
        if size > FLUSH_CHARS:
            out.write("".join(pending).replace(RDF_TYPE, _TYPE_TERM).encode("utf-8"))
            pending, size = [], 0
    out.write("".join(pending).replace(RDF_TYPE, _TYPE_TERM).encode("utf-8"))
    return count


def by_subject(groups: Iterable[Group]) -> Iterator[tuple[str, list[str] | str]]:
    """Each subject of `groups` (sorted by subject term) once, in order: its lines sorted and
    distinct, or its block as given."""
    current: str | None = None
    sealed: str | None = None  # the subject of the last block, which no other group may share
    lines: set[str] = set()
    for subject, group in _merged(groups):
        if subject == sealed:
            raise ValueError(f"a block's subject has another group: {subject}")
        if subject != current:
            if lines:
                yield current, sorted(lines)
            current, lines = subject, set()
        if type(group) is str:
            if lines:
                raise ValueError(f"a block's subject has another group: {subject}")
            sealed = subject
            yield subject, group
        else:
            lines.update(group)
    if lines:
        yield current, sorted(lines)


def _merged(groups: Iterable[Group]) -> Iterator[Group]:
    previous = None
    for subject, lines in groups:
        if previous is not None and subject < previous:
            raise ValueError(f"subject groups out of order: {subject} after {previous}")
        previous = subject
        yield subject, lines


def convert(source: Path, target: Path, extension: str, prefixes: dict[str, str]) -> None:
    """Stream `source`, a file of ours in N-Triples or Turtle (by its extension), into `target`
    in the syntax of `extension`.

    Parsed leniently (no IRI and language tag validation: half the parsing time): the file is
    our own, every IRI in it checked when it was made, and the build's checks read the
    result back strictly.
    """
    _serialize(parse(path=str(source), format=_syntax_of(source), lenient=True), target, extension,
               prefixes)


def convert_growing(source: Path, written: Path, target: Path, extension: str,
                    prefixes: dict[str, str], until: Path | None = None, start: int = 0) -> None:
    """`convert` of a file still being written: read as it grows, to its end once `written`
    exists (see `_Growing`); or only its first part, up to the offset that `until` will hold
    (if it is ever made), or only the part from offset `start` (see Cut)."""
    with _Growing(source, written, until, start) as growing:
        # a second part is copied into the first (join_json_ld): syncing it is wasted
        _serialize(parse(growing, format=_syntax_of(source), lenient=True), target, extension,
                   prefixes, sync=not start)


class Cut:
    """Where a file's writer cuts it in two, so that two workers convert its parts as it grows
    and their JSON-LD is joined (`join_json_ld`).

    At 100,000 concepts pyoxigraph takes longer to turn the full graph's Turtle into JSON-LD
    (6-7 s of CPU) than kg takes to write it (5 s): one worker was still converting 2-3 s
    after the Turtle was written, with the other core idle. With the second part handed to
    another worker, both end soon after the writer. The cut falls between two statements, so
    each part's JSON-LD holds the same objects, in the same order, as the whole's would.

    The writer (write_turtle) calls `passing` after each flush. Once it is two thirds of
    the way through the `subjects` it will write (the first worker has had the file from its
    start, the second has it only from the cut), the file up to there is on disk:
    `start(offset)` hands the rest to a second worker and, if one took it, the offset goes
    into the `marker` file, where the first part's worker stops.
    """

    def __init__(self, subjects: int, marker: Path, start: Callable[[int], bool]):
        self.at = subjects * 2 // 3
        self.marker = marker
        self.start = start
        self.offset: int | None = None  # once cut

    def passing(self, subjects: int, out: BinaryIO) -> None:
        """Called after each flush with the number of subjects written so far."""
        if self.offset is not None or subjects < self.at:
            return
        out.flush()  # the second part's worker reads the file's prefix lines from disk
        offset = out.tell()
        if self.start(offset):
            self.offset = offset
            # whole or absent, never half-written; not synced (kg.atomic.write_text_atomically
            # would be): a marker for a reader on this machine, deleted before the install
            staged = self.marker.with_name(self.marker.name + ".tmp")
            staged.write_text(str(offset))
            os.replace(staged, self.marker)


def join_json_ld(parts: list[Path], target: Path) -> None:
    """Join JSON-LD arrays from `convert_growing`'s parts, in order, into `target`: each is
    `[{…},\n{…}]` and a line break (_BreakBeforeObjects), `[]` when empty."""
    empty = [part for part in parts if part.stat().st_size <= len(b"[]\n")]
    parts = [part for part in parts if part not in empty] or [empty.pop(0)]
    for part in empty:
        part.unlink()
    os.replace(parts[0], target)
    with open(target, "r+b") as out:
        for part in parts[1:]:
            out.seek(-len(b"]\n"), os.SEEK_END)
            if out.read() != b"]\n":
                raise ValueError(f"{target.name}: a JSON-LD part does not end its array")
            out.seek(-len(b"]\n"), os.SEEK_END)
            out.truncate()
            out.write(b",\n")
            with open(part, "rb") as rest:
                if rest.read(1) != b"[":
                    raise ValueError(f"{part.name}: a JSON-LD part does not start an array")
                out.flush()
                _append(rest, 1, out)
            part.unlink()
    fsync_file(target)


def _append(source: BinaryIO, start: int, target: BinaryIO) -> None:
    """`source` from offset `start` appended to `target` (flushed): by the kernel where it can
    (Linux's copy_file_range, no copy through this process), else through a buffer."""
    copy = getattr(os, "copy_file_range", None)
    if copy is not None:
        try:
            while copied := copy(source.fileno(), target.fileno(), 1 << 30, start):
                start += copied
            return
        except OSError:  # another file system, an old kernel: copy it here
            target.seek(0, os.SEEK_END)
    source.seek(start)
    shutil.copyfileobj(source, target, 1 << 20)


def _syntax_of(source: Path) -> RdfFormat:
    return FORMATS[source.suffix.lstrip(".")]


class _Growing:
    """A file being written by another process, read as it grows: at its current end a read
    waits for more, until the `written` marker says there is none. The writer closes the
    file before it makes the marker, so what follows the marker is the last of it.

    A part of it (Cut): up to the offset in the `until` marker, once that exists; or from
    offset `start`, after the file's prefix lines (Turtle's @prefix, which apply to all of
    it). The writer makes the `until` marker before it writes past the offset, so bytes read
    while the marker did not yet exist all lie before the offset."""

    POLL_SECONDS = 0.005
    # pyoxigraph asks for 2 KB at a time: the file is read, and the markers looked at, a
    # chunk at a time (at 100,000 concepts, 100,000 reads and twice as many checks otherwise)
    CHUNK = 1 << 20

    def __init__(self, path: Path, written: Path, until: Path | None = None, start: int = 0):
        self.file = open(path, "rb")
        self.written = written
        self.until = until
        self.end: int | None = None  # known once `until` exists
        self.chunk = b""
        self.served = 0  # of `chunk`
        if start:
            self.chunk = b"".join(iter(lambda: _prefix_line(self.file), b""))
            self.file.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self.served == len(self.chunk):
            self.chunk, self.served = self._next_chunk(), 0
        end = len(self.chunk) if size < 0 else self.served + size
        data = self.chunk[self.served:end]
        self.served += len(data)
        return data

    def _next_chunk(self) -> bytes:
        while True:
            size = self.CHUNK
            if self.end is not None:
                size = min(size, self.end - self.file.tell())
                if size <= 0:
                    return b""
            position = self.file.tell()
            whole = self.written.exists()  # before reading: this read then gets the last of it
            data = self.file.read(size)
            if self.end is None and self.until is not None and self.until.exists():
                self.end = int(self.until.read_text())
                data = data[:max(self.end - position, 0)]
                if not data:
                    continue
            if data or whole:
                return data
            time.sleep(self.POLL_SECONDS)

    def __enter__(self) -> _Growing:
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


def _prefix_line(file: BinaryIO) -> bytes:
    """The next line if it declares a prefix, else b"" (and the file where it was)."""
    position = file.tell()
    line = file.readline()
    if line.startswith(b"@prefix ") and line.endswith(b"\n"):
        return line
    file.seek(position)
    return b""


def _serialize(quads, target: Path, extension: str, prefixes: dict[str, str], sync: bool = True) -> None:
    if extension == "jsonld":
        with open(target, "wb") as out:
            broken = _BreakBeforeObjects(out)
            serialize(quads, output=broken, format=FORMATS[extension], prefixes=prefixes)
            broken.finish()
    else:
        serialize(quads, output=str(target), format=FORMATS[extension], prefixes=prefixes)
        if extension == "ttl":
            _rewrite_head(target, _sorted_prefix_lines)
        elif extension == "rdf":
            _rewrite_head(target, _sorted_namespace_attributes)
    # The export is installed only once every file is on disk (kg.atomic); synced here, in
    # the worker that wrote it, the wait overlaps the rest of the export instead of ending it.
    if sync:
        fsync_file(target)


class _BreakBeforeObjects:
    """A file wrapper for pyoxigraph's JSON-LD, which it writes on one line: a break before
    each object keeps a diff of two builds readable. `},{"@id"` cannot occur inside a JSON
    string, whose quotes are escaped; it has no border (no proper prefix that is also a
    suffix), so holding back a trailing partial match is enough to catch it across writes."""

    PATTERN = b'},{"@id"'
    REPLACEMENT = b'},\n{"@id"'

    def __init__(self, out: BinaryIO):
        self.out = out
        self.held = b""

    def write(self, data: bytes) -> int:
        text = self.held + bytes(data)
        keep = next((k for k in range(len(self.PATTERN) - 1, 0, -1)
                     if text.endswith(self.PATTERN[:k])), 0)
        self.out.write(text[:len(text) - keep].replace(self.PATTERN, self.REPLACEMENT))
        self.held = text[len(text) - keep:]
        return len(data)

    def flush(self) -> None:  # pyoxigraph may flush mid-document: keep holding the partial match
        self.out.flush()

    def finish(self) -> None:
        self.out.write(self.held + b"\n")
        self.held = b""


def _rewrite_head(path: Path, rewrite) -> None:
    """Rewrite the start of a file in place with `rewrite`, which keeps its length."""
    with open(path, "r+b") as handle:
        head = handle.read(1 << 16)
        new = rewrite(head)
        if new != head:
            if len(new) != len(head):
                raise ValueError(f"rewriting the start of {path.name} changed its length")
            handle.seek(0)
            handle.write(new)


# pyoxigraph declares prefixes in an order of its own; put them in ours so the bytes never
# depend on a library's internal map. Both rewrites only reorder, so lengths stay.
def _sorted_prefix_lines(head: bytes) -> bytes:
    lines = head.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    if count == len(lines):  # the block may run past what was read: leave it as written
        return head
    return b"\n".join(sorted(lines[:count]) + lines[count:])


_ROOT = re.compile(rb"<rdf:RDF( [^>]*)>")


def _sorted_namespace_attributes(head: bytes) -> bytes:
    match = _ROOT.search(head)
    if match is None:
        return head
    attributes = sorted(re.findall(rb' (xmlns(?::[^=]*)?="[^"]*")', match.group(1)))
    root = b"<rdf:RDF " + b" ".join(attributes) + b">"
    return head[:match.start()] + root + head[match.end():]


class Conversions:
    """Conversions of N-Triples files, and jobs on their results, run in worker processes
    when there is enough to do.

    Workers (kg.workers) cost a fraction of a second to start, so files smaller than
    `parallel_bytes` are converted in this process.

    `pool`, a caller's running pool of `workers` workers (`kg build` forks one for the whole
    build), is used where one would be started, and left running when the work is done; on a
    failure or Ctrl-C it is stopped at once all the same, as the build is ending.
    """

    def __init__(self, parallel_bytes: int, workers: int = 1, start_now: bool = False,
                 pool: ProcessPoolExecutor | None = None):
        self.parallel_bytes = parallel_bytes
        self.workers = workers
        self.given = pool
        self.pool: ProcessPoolExecutor | None = None  # in use: `given` or one started here
        self.pending: list[Future] = []
        self.producing: dict[Path, Future] = {}
        self.forked: list[Future] = []
        self.temporary: list[Path] = []
        if start_now:
            self.start()

    def start(self) -> None:
        """Start the workers now: they take a few tenths of a second to start, so let them do
        it while the first file is written rather than after."""
        if self.workers > 1 and self._started() and self.pool is not self.given:
            for _ in range(self.workers):
                submit(self.pool, _ready)

    def fork(self, job: Callable, *args) -> Future | None:
        """Run `job(*args)`, which needs the whole graph, in a forked child (kg.workers.fork_job);
        None where there is none to be had. The pool's threads may run meanwhile: the child
        touches nothing they hold (see kg.workers)."""
        future = fork_job(job, *args) if self.workers > 1 else None
        if future is not None:
            self.forked.append(future)
            self.pending.append(future)
        return future

    def add(self, source: Path, target: Path, extension: str, prefixes: dict[str, str]) -> None:
        if not (self.workers > 1 and source.stat().st_size >= self.parallel_bytes and self._started()
                and self._produce(target, convert, source, target, extension, prefixes)):
            convert(source, target, extension, prefixes)  # small, or no worker to be had: here

    def _produce(self, target: Path, job: Callable, *args) -> bool:
        """Have a worker run `job(*args)`, which writes `target`; False if none takes it."""
        future = submit(self.pool, job, *args)
        if future is None:
            return False
        self.producing[target] = future
        self.pending.append(future)
        return True

    def write_and_convert(self, source: Path, write: Callable[[BinaryIO, Cut | None], object],
                          targets: list[tuple[Path, str]], prefixes: dict[str, str],
                          subjects: int = 0) -> None:
        """Write `source` (N-Triples or Turtle) with `write(out, cut)` and convert it into
        each (target, extension).

        With workers already running (a large graph, `start`), they convert the file
        while it is written (`convert_growing`): the conversions end soon after the writing
        rather than starting after it. Otherwise as `add` after writing. Given the number of
        `subjects` the writer will write, two workers convert a JSON-LD target in two parts
        (Cut, which the writer is given): the slowest conversion (at 100,000 concepts the
        full graph's JSON-LD takes 6-7 s of CPU).
        """
        streamed: list[tuple[Path, str]] = []
        written = _marker(source)
        written.unlink(missing_ok=True)  # one left by a killed writer would end the readers
        in_parts: tuple[Cut, Callable[[], None]] | None = None
        with open(source, "wb") as out:
            if self.pool is not None:
                for target, extension in targets:
                    if extension == "jsonld" and subjects > 1 and in_parts is None:
                        in_parts = self._convert_in_parts(source, target, prefixes, subjects)
                        if in_parts is not None:
                            streamed.append((target, extension))
                            continue
                    if self._produce(target, convert_growing, source, written, target, extension, prefixes):
                        streamed.append((target, extension))
                if streamed:
                    self.temporary.append(written)
            write(out, in_parts[0] if in_parts is not None else None)
        if streamed:
            written.touch()
        if in_parts is not None:
            in_parts[1]()  # join the parts once both are converted
        self._sync_soon(source)
        for target, extension in targets:
            if (target, extension) not in streamed:
                self.add(source, target, extension, prefixes)

    def _convert_in_parts(self, source: Path, target: Path, prefixes: dict[str, str],
                          subjects: int) -> tuple[Cut, Callable[[], None]] | None:
        """Have one worker convert `source` into JSON-LD up to the writer's cut, and another
        from it (Cut): the Cut for the writer, and what joins the parts into `target` once the
        file is written. None if no worker takes it."""
        written, marker = _marker(source), source.with_name(source.name + ".cut")
        parts = [target.with_name(f"{target.name}.part{n}") for n in (1, 2)]
        marker.unlink(missing_ok=True)  # one left by a killed writer would end the first part
        first = submit(self.pool, convert_growing, source, written, parts[0], "jsonld", prefixes, marker)
        if first is None:
            return None
        self.temporary += [marker, *parts]
        self.pending.append(first)
        converting = [first]

        def start_second(offset: int) -> bool:
            second = submit(self.pool, convert_growing, source, written, parts[1], "jsonld", prefixes,
                            None, offset)
            if second is not None:
                converting.append(second)
                self.pending.append(second)
            return second is not None

        def join() -> None:
            self.producing[target] = self._when_done(converting, join_json_ld, parts[:len(converting)],
                                                     target)

        return Cut(subjects, marker, start_second), join

    def convert_elsewhere(self, source: Path, targets: list[tuple[Path, str]],
                          prefixes: dict[str, str]) -> None:
        """Have the workers convert `source`, which a forked child is writing (Exporter.beside),
        into each (target, extension) as it grows; the child makes its `.written` marker
        (`mark_written`). Needs the workers: an exporter runs alone only when they are there."""
        if self.pool is None:
            raise KgError("no worker to convert a file written in a forked child",
                          hint="run again with --jobs 1")
        source.touch()  # the readers open it now; the child's writing keeps the same file
        self.temporary.append(_marker(source))
        for target, extension in targets:
            if not self._produce(target, convert_growing, source, _marker(source), target, extension,
                                 prefixes):
                raise KgError("a worker could not take a conversion", hint="run again with --jobs 1")

    def _sync_soon(self, path: Path) -> None:
        """Sync a file written here to disk in a thread (fsync lets go of the interpreter), so
        that the wait overlaps the rest of the export instead of ending it (kg.atomic syncs
        every file before installing the set)."""
        syncing: Future = Future()

        def sync() -> None:
            try:
                fsync_file(path)
                syncing.set_result(None)
            except OSError as error:
                syncing.set_exception(error)

        threading.Thread(target=sync, daemon=True, name="kg-sync").start()
        self.pending.append(syncing)

    def _started(self) -> bool:
        """A pool, or False where the system cannot give one (no /dev/shm for its semaphores,
        process limits): the work is then done in this process, only slower."""
        if self.pool is None:
            self.pool = self.given if self.given is not None else start_pool(self.workers)
            if self.pool is None:
                self.workers = 1
                return False
        return True

    def after(self, target: Path, job: Callable, *args) -> Future:
        """Run `job(*args)` once `target` is written: in a worker if a worker writes it."""
        producer = self.producing.get(target)
        if producer is None:
            done: Future = Future()
            try:
                done.set_result(job(*args))
            except Exception as error:  # raised by wait(), like a worker's
                done.set_exception(error)
            return done
        return self._when_done([producer], job, *args)

    def _when_done(self, futures: list[Future], job: Callable, *args) -> Future:
        """Run `job(*args)` in a worker once all `futures` have succeeded; the first failure
        (or cancellation: the build failed meanwhile) is its outcome instead."""
        chained: Future = Future()
        waiting = [len(futures)]
        lock = threading.Lock()
        pool = self.pool  # close() may drop it before the last of `futures` ends

        def start(finished: Future) -> None:
            with lock:
                if chained.done():
                    return
                if finished.cancelled():
                    chained.cancel()
                    return
                if finished.exception() is not None:
                    chained.set_exception(finished.exception())
                    return
                waiting[0] -= 1
                if waiting[0]:
                    return
            try:
                pool.submit(job, *args).add_done_callback(lambda ran: _copy_outcome(ran, chained))
            except (RuntimeError, *POOL_FAILURES) as error:  # shut down, or a worker died
                chained.set_exception(error)

        for future in futures:
            future.add_done_callback(start)
        self.pending.append(chained)
        return chained

    def wait(self) -> None:
        """Wait for every conversion and job; the first failure is raised here."""
        try:
            for future in self.pending:
                future.result()
        except BrokenExecutor:
            self.close(failed=True)
            raise KgError("a worker process ended before its export was written (out of memory?)",
                          hint="the previous exports are unchanged; run again with --jobs 1") from None
        except BaseException:
            self.close(failed=True)
            raise
        self.close()

    def close(self, failed: bool = False) -> None:
        if failed:  # on Ctrl-C or an error the staging folder is going away: stop at once
            for future in self.forked:
                stop_forked(future)
        if self.pool is not None and (self.pool is not self.given or failed):
            stop_pool(self.pool, at_once=failed)
        self.pool = None
        self.pending, self.producing, self.forked = [], {}, []
        for path in self.temporary:
            path.unlink(missing_ok=True)
        self.temporary = []

    def __enter__(self) -> Conversions:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(failed=kind is not None)


def _marker(source: Path) -> Path:
    """The file that says `source` is whole (see _Growing)."""
    return source.with_name(source.name + ".written")


def mark_written(source: Path) -> None:
    """Say that `source`, which workers may be converting as it grows, is whole."""
    _marker(source).touch()


def _ready() -> None:
    """What a worker will need, imported before the first file is there."""
    import kg.validate  # noqa: F401


def _copy_outcome(source: Future, target: Future) -> None:
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())
