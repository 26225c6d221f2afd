"""Time `kg build` end to end and per stage on synthetic glossaries; time typical SPARQL queries.

    .venv/bin/python benchmarks/run.py                 # 1k, 5k, 10k and 100k terms
    .venv/bin/python benchmarks/run.py --sizes 1000 10000

Each build runs as its own process (as a user runs it), so wall time includes start-up and
peak RSS is the child's own (from wait4's rusage). Writes benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

KG = Path(sys.executable).with_name("kg")

QUERIES = {
    # label-words.rq's way: the kg:labelWord index, one lookup per word
    "label search": """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX kg: <https://w3id.org/kg/ontology#>
        SELECT ?c ?label WHERE { ?c kg:labelWord "escalated", "ticket" ; skos:prefLabel ?label }
        LIMIT 50""",
    # label-search.rq's way: a substring of any label, which reads every label
    "label substring scan": """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?c ?label WHERE { ?c skos:prefLabel|skos:altLabel ?label .
          FILTER(CONTAINS(LCASE(STR(?label)), "escalated ticket")) } LIMIT 50""",
    # {hub}: the preferred label of the concept with the most narrower concepts (HUB below),
    # so the query walks a real hierarchy; a label that no concept has measures only a scan.
    "transitive narrower": """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE {
          ?top skos:prefLabel {hub} . ?n skos:broader+ ?top }""",
    "concepts per source": """
        PREFIX kg: <https://w3id.org/kg/ontology#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?source (COUNT(DISTINCT ?c) AS ?n) WHERE { ?e kg:defines ?c ; dct:source ?source }
        GROUP BY ?source""",
}


HUB = """
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?label WHERE { ?top skos:prefLabel ?label ; skos:narrower ?n }
    GROUP BY ?top ?label ORDER BY DESC(COUNT(?n)) ?label LIMIT 1"""


def _tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants now (kB), from /proc: the sum of their
    proportional set sizes (Pss), where a page shared by a forked child and its parent counts
    half in each; their VmRSS where the kernel gives no smaps_rollup."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += _pss_kb(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, AttributeError):  # gone meanwhile, or a zombie without VmRSS
            continue
    return total


def _pss_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))
    except (OSError, AttributeError):
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE).group(1))


class _TreeMemory(threading.Thread):
    """Samples the build's process tree every 250 ms: with worker processes and forked children,
    the largest single process (what rusage reports) understates what the build needs, and a
    sum of resident sizes overstates it (a forked child shares its parent's pages)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))
            # reading a gigabyte process's smaps_rollup takes the kernel about 4 ms: sampled
            # every 50 ms, five processes cost the build a fifth of a core
            time.sleep(0.25)


def _run_build(folder: Path, out: Path, sample_memory: bool = False) -> dict:
    """One build: its wall time, stages and peak RSS, and with `sample_memory` its processes'
    peak Pss (tree_mb). Sampling costs the build CPU (the kernel walks each process's page
    tables: 4 ms for a gigabyte), so the timed runs are not sampled."""
    started = time.perf_counter()
    process = subprocess.Popen([str(KG), "build", str(folder), "--out", str(out), "--profile", "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = _TreeMemory(process.pid)
    if sample_memory:
        memory.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    memory.running = False
    if sample_memory:
        memory.join()
    stderr = process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kg build failed on {folder}:\n{stderr}")
    stages = {m.group(1).strip(): float(m.group(2))
              for m in re.finditer(r"^\s+(.+?)\s+([\d.]+) s$", stderr, re.MULTILINE)}
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "tree_mb": memory.peak_kb / 1024,
            "stages": stages}


def settled(out: Path) -> None:
    """Wait (untimed) until the exports a build replaced are deleted: `kg build` leaves that
    to a process of its own, which would otherwise run into the next timed build."""
    deadline = time.monotonic() + 120
    while any(out.parent.glob(f".{out.name}.kg-tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.1)


def _time_queries(ttl: Path) -> dict[str, float]:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)
    hub = next(iter(store.query(HUB)))["label"]
    timings = {}
    for name, query in QUERIES.items():
        query = query.replace("{hub}", str(hub))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            answer = list(store.query(query))
            best = min(best, time.perf_counter() - started)
        timings[name] = best
        if name == "transitive narrower":
            timings["narrower found"] = int(answer[0]["count"].value)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 5k: a size between the targets' (it found builds of 3,000-6,000 terms slower than 10,000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 100000])
    parser.add_argument("--work", type=Path, default=HERE / "out")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument("--runs", type=int, default=3,
                        help="builds per size; the table gives the median run and the range "
                             "(a shared machine's speed varies by a quarter from minute to minute)")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        folder = args.work / f"glossary-{size}"
        if not folder.is_dir():
            generate(size, folder)
        print(f"building {size} terms …", file=sys.stderr)
        out = args.work / f"exports-{size}"
        memory = _run_build(folder, out, sample_memory=True)  # also leaves a set to replace
        runs = []
        for _ in range(args.runs):
            settled(out)
            runs.append(_run_build(folder, out))
        settled(out)
        runs.sort(key=lambda run: run["wall"])
        result = runs[len(runs) // 2]
        result["range"] = (runs[0]["wall"], runs[-1]["wall"])
        result["tree_mb"] = memory["tree_mb"]
        ttl = next(p for p in (args.work / f"exports-{size}").glob("*.ttl") if ".skos." not in p.name)
        result["queries"] = _time_queries(ttl)
        result["size"] = size
        rows.append(result)
        print(f"  {result['wall']:.2f} s, {result['rss_mb']:.0f} MB largest process, "
              f"{result['tree_mb']:.0f} MB all processes", file=sys.stderr)
    _write(rows, args.results)
    print(args.results.read_text())


def _write(rows: list[dict], path: Path) -> None:
    stages = sorted({s for r in rows for s in r["stages"]}, key=lambda s: list(rows[0]["stages"]).index(s)
                    if s in rows[0]["stages"] else 99)
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}. Command: `.venv/bin/python benchmarks/run.py`.",
        "Synthetic glossaries from `benchmarks/generate.py` (4 sources, ~1/8 near-duplicate headwords).",
        "",
        "Each size is built several times (`--runs`), each replacing the exports of the build",
        "before, as a user's rebuild does; the table gives the median run, its stages and peak",
        "RSS, and the range of the wall times.",
        "Peak memory: the resident size of the largest process (rusage), and the proportional set",
        "size (Pss) of all the build's processes together, sampled every 250 ms in one more build",
        "that is not timed (sampling costs the build CPU): a page a forked child shares with its",
        "parent counts once between them, as the machine holds it once.",
        "Stage columns are seconds.",
        "",
        "| terms | wall (s), median | range of runs (s) | per 1k terms (s) | peak RSS (MB) | all processes, Pss (MB) | "
        + " | ".join(stages) + " |",
        "|---:|---:|---:|---:|---:|---:|" + "---:|" * len(stages),
    ]
    for r in rows:
        lines.append(f"| {r['size']:,} | {r['wall']:.2f} | {r['range'][0]:.2f}–{r['range'][1]:.2f} | "
                     f"{r['wall'] / r['size'] * 1000:.3f} | "
                     f"{r['rss_mb']:.0f} | {r['tree_mb']:.0f} | " + " | ".join(f"{r['stages'].get(s, 0):.2f}" for s in stages) + " |")
    lines += ["", "SPARQL on the full graph (pyoxigraph, best of 3, ms; transitive narrower from the",
              "concept with the most narrower concepts, and how many it found):", "",
              "| terms | " + " | ".join(QUERIES) + " | narrower found |", "|---:|" + "---:|" * (len(QUERIES) + 1)]
    for r in rows:
        lines.append(f"| {r['size']:,} | " + " | ".join(f"{r['queries'][q] * 1000:.1f}" for q in QUERIES)
                     + f" | {r['queries']['narrower found']:,} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
