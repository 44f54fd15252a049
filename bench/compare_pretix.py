"""PLM beside pretix, measured in the same sitting (the machine is shared and noisy: compare ratios).

    nice -n 10 .venv/bin/python bench/compare_pretix.py      # or: make bench-peer
    .venv/bin/python bench/compare_pretix.py --plm-only     # PLM's figures only

Runs the pretix anchor (`bench.sh` in PLM_PRETIX_ANCHOR, default ../shared/anchors/pretix beside the
repository: it installs pretix into /tmp/pretix-anchor the first time, about 5 min, then about 2.5 min a run),
then PLM's matching measurements:

* badges: the 350-badge job end to end, a new event's first and a reprint (`bench/documents.py`'s
  app_job_badges:1 and app_job_badges: queued job, job process,
  PDF written) beside pretix's `BadgeExporter` process timed by `/usr/bin/time`, and the render alone
  (app_badges: database -> PDF) beside the exporter's own timing;
* door: 20 clients flat out on POST /api/v1/events/<slug>/checkins (`bench/checkin_load.py`) beside
  20 clients on pretix's /checkinrpc/redeem/, per database; and PLM paced at 300 scans/s offered.

Without the anchor directory it says so and prints PLM's figures only (exit 0: the peer is optional).
Knobs passed to the anchor as they are: BACKENDS, WORKERS, THREADS, DURATION, N (see its README).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from documents import run_child  # noqa: E402  (bench/documents.py)

DEFAULT_ANCHOR = ROOT.parent / "shared" / "anchors" / "pretix"
PRETIX_BASE = Path(os.environ.get("BASE", "/tmp/pretix-anchor"))  # where bench.sh keeps its results


def anchor_dir() -> Path:
    return Path(os.environ.get("PLM_PRETIX_ANCHOR") or DEFAULT_ANCHOR).resolve()


def run_anchor(anchor: Path) -> tuple[list[dict], dict[str, dict], str | None]:
    """Run bench.sh; return its results.jsonl rows, /usr/bin/time figures per label, and an error or None."""
    log = Path(tempfile.gettempdir()) / "plm-compare-pretix-anchor.log"
    print(f"running the pretix anchor: bash {anchor / 'bench.sh'}  (log: {log})", flush=True)
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        status = subprocess.call(["bash", str(anchor / "bench.sh")], cwd=str(ROOT), stdout=out,
                                 stderr=subprocess.STDOUT)
    print(f"  anchor finished in {time.perf_counter() - started:.0f} s with status {status}", flush=True)
    table = log.read_text(encoding="utf-8", errors="replace")
    if "\npretix " in table:  # its own table, as printed
        print("  " + "\n  ".join(table[table.index("\npretix ") + 1:].rstrip().splitlines()))
    if status != 0:
        return [], {}, f"bench.sh exited with {status}; last lines of {log}:\n" + "\n".join(table.splitlines()[-15:])
    results = PRETIX_BASE / "results.jsonl"
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    timed = {}
    for path in PRETIX_BASE.glob("data-*/badges.time"):
        text = path.read_text()
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if wall:
            hours, minutes, seconds = int(wall.group(1) or 0), int(wall.group(2)), float(wall.group(3))
            label = path.parent.name.removeprefix("data-").replace("-", "/", 1)
            timed[label] = {"seconds": hours * 3600 + minutes * 60 + seconds,
                            "rss_mb": int(rss.group(1)) / 1024 if rss else float("nan")}
    return rows, timed, None


def run_plm_checkins(args) -> list[dict]:
    out = Path(tempfile.mkstemp(prefix="plm-compare-checkins-", suffix=".jsonl")[1])
    command = [sys.executable, str(ROOT / "bench" / "checkin_load.py"), "--clients", str(args.clients),
               "--seconds", str(args.seconds), "--rate", str(args.rate), "--json", str(out)]
    if args.sqlite_only:
        command.append("--sqlite-only")
    print("PLM door: " + " ".join(command[1:]), flush=True)
    subprocess.call(command, cwd=str(ROOT))
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    out.unlink()
    return rows


def ratio(theirs: float, ours: float) -> str:
    """How many times PLM is better (>1) or worse (<1) for a lower-is-better figure."""
    if not theirs or not ours or theirs != theirs or ours != ours:
        return "-"
    return f"x{theirs / ours:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plm-only", action="store_true", help="do not run the anchor")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("DURATION", 20)),
                        help="door load per run (default: the anchor's DURATION, 20)")
    parser.add_argument("--rate", type=float, default=300, help="PLM's paced run: scans/s offered")
    parser.add_argument("--sqlite-only", action="store_true", help="PLM's door on SQLite only")
    args = parser.parse_args()

    print(f"PLM vs pretix, same sitting  ({os.cpu_count()} CPUs; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; nice {os.nice(0)})", flush=True)
    anchor = anchor_dir()
    pretix_rows, pretix_timed, anchor_error = [], {}, None
    if args.plm_only:
        anchor_error = "not run (--plm-only)"
    elif not (anchor / "bench.sh").is_file():
        anchor_error = f"no anchor at {anchor} (set PLM_PRETIX_ANCHOR): PLM's figures only"
    else:
        pretix_rows, pretix_timed, anchor_error = run_anchor(anchor)
    if anchor_error:
        print(f"pretix: {anchor_error}", flush=True)

    print("PLM badges: bench/documents.py cases app_job_badges:1, :3, app_job_badges and app_badges:2, 350 people",
          flush=True)
    cold_job = run_child("app_job_badges:1", 350)
    first_job = run_child("app_job_badges:3", 350)
    job = run_child("app_job_badges", 350)
    render = run_child("app_badges:2", 350)
    door = run_plm_checkins(args)

    print()
    print("== badges, 350 (lower is better; ratio = pretix / PLM, >1: PLM faster or smaller)")
    print(f"{'':34}{'seconds':>9}{'peak RSS':>11}")
    for label, result, how in (("PLM job, end to end (cold)", cold_job, "a new event, no fork server yet"),
                               ("PLM job, end to end (first)", first_job,
                                "a new event, started 3 s after the badge page was opened"),
                               ("PLM job, end to end (reprint)", job, "QR masks kept, fork server warm")):
        if "error" in result:
            print(f"  {label}: ERROR {result['error']}")
        else:
            print(f"  {label:<32}{result['seconds']:>9.2f}{result['child_rss_mb']:>8.0f} MB"
                  f"   (enqueue -> job process -> PDF file; {how}; CPU of all processes {result['cpu']:.1f} s)")
    if "error" in render:
        print(f"  PLM render: ERROR {render['error']}")
    else:
        print(f"  {'PLM render, 2 processes':<32}{render['seconds']:>9.2f}{render['peak_rss_mb']:>8.0f} MB"
              f"   (database -> PDF bytes; helper {render.get('helper_rss_mb', 0):.0f} MB)")
    for row in pretix_rows:
        if "badge_seconds" not in row:
            continue
        label = row["label"]
        timed = pretix_timed.get(label)
        if timed:
            print(f"  {'pretix ' + label + ' process':<32}{timed['seconds']:>9.2f}{timed['rss_mb']:>8.0f} MB"
                  f"   vs PLM job: time {ratio(timed['seconds'], first_job.get('seconds'))} (first), "
                  f"{ratio(timed['seconds'], job.get('seconds'))} (reprint); "
                  f"RSS {ratio(timed['rss_mb'], job.get('child_rss_mb'))}")
        print(f"  {'pretix ' + label + ' exporter':<32}{row['badge_seconds']:>9.2f}{row['peak_rss_mb']:>8.0f} MB"
              f"   vs PLM render: time {ratio(row['badge_seconds'], render.get('seconds'))}, "
              f"RSS {ratio(row['peak_rss_mb'], render.get('peak_rss_mb'))}")

    print()
    print(f"== door, {args.clients} clients flat out (ratio = pretix / PLM latency, PLM rate / pretix rate)")
    print(f"{'':34}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}  errors")
    # (the pretix exporter's own time excludes its process start; PLM's job times include theirs)
    peers = {"SQLite": [r for r in pretix_rows if r.get("label", "").startswith("sqlite3") and "rps" in r],
             "PostgreSQL": [r for r in pretix_rows if r.get("label", "").startswith("postgresql") and "rps" in r]}
    for row in door:
        closed = row["closed"]
        setup = f"{row['workers']}w x {row['threads']}t"
        errors = sum(closed["errors"].values())
        print(f"  {'PLM ' + row['label'] + ' ' + setup:<32}{closed['rate']:>8.1f}{closed['p50']:>9.1f}"
              f"{closed['p99']:>9.1f}  {errors}")
        for peer in peers.get(row["label"], []):
            print(f"  {'pretix ' + peer['label']:<32}{peer['rps']:>8.1f}{peer['p50']:>9.1f}{peer['p99']:>9.1f}"
                  f"  {peer['http5xx']} 5xx   PLM: p50 {ratio(peer['p50'], closed['p50'])}, "
                  f"p99 {ratio(peer['p99'], closed['p99'])}, rate x{closed['rate'] / peer['rps']:.1f}")
    print()
    print(f"== PLM door paced at {args.rate:.0f} scans/s offered, {args.clients} clients "
          "(pretix is not paced: it serves about 40-60 redeems/s here)")
    for row in door:
        paced = row["paced"]
        print(f"  PLM {row['label']:<12} served {paced['rate']:.0f} scans/s; p50 {paced['p50']:.1f} ms, "
              f"p95 {paced['p95']:.1f} ms, p99 {paced['p99']:.1f} ms; errors "
              f"{sum(paced['errors'].values())}; check-in rows match: {'yes' if row['rows_match'] else 'NO'}")
    if anchor_error and not args.plm_only:
        print(f"\npretix figures missing: {anchor_error.splitlines()[0]}")
    ok = "error" not in job and "error" not in first_job and "error" not in cold_job and "error" not in render and bool(door) and all(
        r["rows_match"] and not r["paced"]["errors"] and not r["closed"]["errors"] for r in door)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
