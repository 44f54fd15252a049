"""The benchmarks of two revisions in one sitting: "is anything slower than before?" on a shared, noisy machine.

    .venv/bin/python bench/compare_revisions.py 3077cf5            # that revision against the working tree
    .venv/bin/python bench/compare_revisions.py 3077cf5 --only pages,registration

Checks the older revision out into a temporary git worktree (its `.venv` is this one's; its translations are
compiled there), then runs every bench script both trees have, each script for the old tree and then for this
one straight after, so both see the same moment's load. Prints each run's output under a header; it compares
nothing itself (the scripts print their own figures and targets). Scripts that need an argument to stay short
get it on both sides (documents.py --quick). The worktree is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Scripts that compare revisions themselves, or drive peers: not run here.
SKIP = {"compare_pretix.py", "compare_revisions.py"}
ARGS = {"documents.py": ["--quick"]}


def bench_scripts(tree: Path) -> set[str]:
    return {p.name for p in (tree / "bench").glob("*.py")} - SKIP


def run(tree: Path, script: str, label: str) -> float:
    print(f"\n==================== {label}: bench/{script}  ({time.strftime('%H:%M:%S')}, load "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})", flush=True)
    started = time.perf_counter()
    subprocess.call([str(ROOT / ".venv" / "bin" / "python"), f"bench/{script}", *ARGS.get(script, [])], cwd=str(tree))
    seconds = time.perf_counter() - started
    print(f"-- {label} bench/{script}: {seconds:.0f} s", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revision", help="the older revision (a commit, tag or branch)")
    parser.add_argument("--only", help="comma-separated script names (without .py)")
    args = parser.parse_args()
    old = Path(tempfile.mkdtemp(prefix="plm-bench-old-"))
    shutil.rmtree(old)
    subprocess.check_call(["git", "worktree", "add", "--detach", "--quiet", str(old), args.revision], cwd=str(ROOT))
    try:
        (old / ".venv").symlink_to(ROOT / ".venv")
        subprocess.check_call([str(ROOT / ".venv" / "bin" / "pybabel"), "-q", "compile", "--use-fuzzy", "-d",
                               "plm/translations", "-D", "messages"], cwd=str(old))
        common = sorted(bench_scripts(old) & bench_scripts(ROOT))
        if args.only:
            wanted = {f"{name.strip()}.py" for name in args.only.split(",")}
            common = [s for s in common if s in wanted]
        short = subprocess.check_output(["git", "rev-parse", "--short", args.revision], cwd=str(ROOT), text=True).strip()
        print(f"bench scripts in both trees: {', '.join(common)}")
        print(f"before: {short}; after: the working tree ({ROOT})")
        for script in common:
            run(old, script, f"BEFORE {short}")
            run(ROOT, script, "AFTER")
    finally:
        subprocess.call(["git", "worktree", "remove", "--force", str(old)], cwd=str(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
