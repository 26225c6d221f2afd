"""Time `kg build` of an earlier commit against the working tree, alternately, on the same input.

    .venv/bin/python benchmarks/compare.py 774944e                 # 10k and 100k terms, 2 rounds
    .venv/bin/python benchmarks/compare.py HEAD~3 --sizes 10000 --rounds 3

A shared machine's speed drifts by a quarter within an hour, so a "before" measured on another
day says little: this builds the two versions one after the other, round after round, and
prints every wall time. The earlier commit is checked out in a temporary git worktree; both
run on this venv's dependencies.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import settled  # noqa: E402


def _build(root: Path, folder: Path, out: Path) -> float:
    # run from the version's own folder: `python -m kg` imports kg from the working directory first
    environment = {**os.environ, "PYTHONPATH": str(root)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", str(folder), "--out", str(out), "--quiet"],
                   cwd=root, env=environment, check=True)
    wall = time.perf_counter() - started
    settled(out)  # the replaced exports deleted apart, before the other version's build
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the earlier commit (any git revision)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=HERE / "out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-compare-") as scratch:
        base = Path(scratch) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(base), args.base],
                       cwd=ROOT, check=True)
        try:
            print("| terms | version | wall (s), each round |\n|---:|---|---|")
            for size in args.sizes:
                folder = args.work / f"glossary-{size}"
                if not folder.is_dir():
                    generate(size, folder)
                times: dict[str, list[float]] = {args.base: [], "working tree": []}
                for _ in range(args.rounds):
                    times[args.base].append(_build(base, folder, Path(scratch) / "out-base"))
                    times["working tree"].append(_build(ROOT, folder, Path(scratch) / "out-now"))
                for version, walls in times.items():
                    print(f"| {size:,} | {version} | {', '.join(f'{w:.2f}' for w in walls)} |")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
