"""Slow clients against the door: bare gunicorn (make run's config) and the venue set-up (make venue).

    .venv/bin/python bench/slow_clients.py [--seconds 8] [--slow 50] [--scanners 20] [--rate 40]

Issue 12.6: 8 connections sending their headers slowly (or 16 slow bodies) used to take every gunicorn
thread, and the door's check-ins timed out. For each configuration this prints the door's check-in
latency (p50/p99, timeouts) with no slow clients and with `--slow` of them (half drip their headers one
byte a second, half announce a body and drip that), while `--scanners` door phones offer `--rate`
check-ins a second in total (keep-alive, Bearer token). Configurations:

* bare: gunicorn from deploy/gunicorn.conf.py with 1 worker x 8 threads (make run), plain HTTP;
* venue: the same gunicorn on 127.0.0.1 behind Caddy with the Caddyfile of `make venue`
  (plm/venue/tls.py: HTTPS with a local CA, buffering), the scanners on HTTPS.

Loopback only; every loop is bounded by time. Target (DESIGN.md): venue p99 under 100 ms with 50 slow clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin_load import SECRET, free_port, prepare  # noqa: E402

from plm.venue import tls  # noqa: E402

TIMEOUT = 5.0  # a door phone gives up after this; counted at this value in the percentiles


def start_gunicorn(database_url: str, instance: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, PLM_SECRET_KEY=SECRET, PLM_SQLALCHEMY_DATABASE_URI=database_url, PLM_INSTANCE_PATH=instance,
               PLM_BIND=f"127.0.0.1:{port}", PLM_WORKERS="1", PLM_THREADS="8", PLM_ACCESS_LOG=os.devnull,
               PLM_TRUSTED_PROXIES="1", PLM_JOB_WORKER="false")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--log-level",
                                "warning", "wsgi:app"], cwd=str(ROOT), env=env)
    wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read(), process)
    return process, port


def start_caddy(folder: Path, upstream_port: int) -> tuple[subprocess.Popen, int, ssl.SSLContext]:
    cert, key = tls.ensure_server_cert(folder, ["127.0.0.1"])
    https_port, http_port = free_port(), free_port()
    (folder / "Caddyfile").write_text(tls.caddyfile(
        cert=cert, key=key, upstream=f"127.0.0.1:{upstream_port}", bind="127.0.0.1", https_port=https_port,
        http_port=http_port, public_url=f"https://127.0.0.1:{https_port}", data_dir=folder / "data"))
    process = subprocess.Popen(["caddy", "run", "--adapter", "caddyfile", "--config", str(folder / "Caddyfile")],
                               env=dict(os.environ, XDG_DATA_HOME=str(folder / "data"),
                                        XDG_CONFIG_HOME=str(folder / "config")),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(cafile=str(folder / "ca.crt"))
    wait_until(lambda: urllib.request.urlopen(f"https://127.0.0.1:{https_port}/healthz", timeout=2,
                                              context=context).read(), process)
    return process, https_port, context


def wait_until(probe, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            probe()
            return
        except Exception:
            if process.poll() is not None:
                raise SystemExit(f"{process.args[0]} exited at start")
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{process.args[0]} did not start")


def slow_client(port: int, context: ssl.SSLContext | None, body: bool, stop: threading.Event, path: str) -> None:
    """Send a request a byte a second: the headers never end, or the announced body never arrives."""
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock = context.wrap_socket(raw, server_hostname="127.0.0.1") if context else raw
        if body:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         "Content-Length: 100000\r\n\r\n{".encode())
        else:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".encode())
        while not stop.wait(1.0):
            sock.sendall(b"a")
    except OSError:
        pass  # the server gave up on us: fine
    finally:
        try:
            sock.close()
        except Exception:
            pass


def door(port: int, context: ssl.SSLContext | None, data: dict, scanners: int, rate: float, seconds: float) -> dict:
    """Scanners each on a fixed schedule; latency from sending to the answer, a timeout counts as TIMEOUT."""
    rng = random.Random(12)
    items = [(code, day) for day in data["days"] for code in data["codes"]]
    rng.shuffle(items)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    timeouts = [0]
    path = f"/api/v1/events/{data['slug']}/checkins"
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {data['token']}"}
    end = time.perf_counter() + seconds
    interval = scanners / rate

    def connect():
        if context:
            return http.client.HTTPSConnection("127.0.0.1", port, timeout=TIMEOUT, context=context)
        return http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def scanner(index: int) -> None:
        connection = connect()
        next_at = time.perf_counter() + index * interval / scanners
        local: list[float] = []
        n = index
        while True:
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if time.perf_counter() >= end:
                break
            next_at = max(next_at + interval, time.perf_counter())
            code, day = items[n % len(items)]
            n += scanners
            body = json.dumps({"code": code, "checkpoint": day, "client_uuid": str(uuid.uuid4())})
            started = time.perf_counter()
            try:
                connection.request("POST", path, body, headers)
                response = connection.getresponse()
                response.read()
                local.append(time.perf_counter() - started)
                if response.status not in (200, 201):
                    with lock:
                        errors[f"HTTP {response.status}"] = errors.get(f"HTTP {response.status}", 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                local.append(max(TIMEOUT, time.perf_counter() - started))
                with lock:
                    if isinstance(exc, (socket.timeout, TimeoutError)):
                        timeouts[0] += 1
                    else:
                        errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                connection.close()
                connection = connect()
        connection.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=scanner, args=(i,)) for i in range(scanners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")

    return {"n": len(latencies), "p50": pct(50), "p99": pct(99), "timeouts": timeouts[0], "errors": errors}


def measure(label: str, port: int, context, data: dict, args) -> dict:
    door(port, context, data, args.scanners, args.rate, 1.5)  # warm-up: connections, imports, caches
    quiet = door(port, context, data, args.scanners, args.rate, args.seconds)
    stop = threading.Event()
    path = f"/api/v1/events/{data['slug']}/checkins"
    slow = [threading.Thread(target=slow_client, args=(port, context, i % 2 == 1, stop, path), daemon=True)
            for i in range(args.slow)]
    for thread in slow:
        thread.start()
    time.sleep(2)  # they are all connected and dripping
    loaded = door(port, context, data, args.scanners, args.rate, args.seconds)
    stop.set()
    for thread in slow:
        thread.join(10)
    for name, out in (("no slow clients", quiet), (f"{args.slow} slow clients", loaded)):
        print(f"  {label}, {name}: door p50 {out['p50']:.1f} ms, p99 {out['p99']:.1f} ms ({out['n']} check-ins, "
              f"{out['timeouts']} timed out at {TIMEOUT:.0f} s; errors: "
              + (", ".join(f"{k} {v}" for k, v in out["errors"].items()) or "none") + ")", flush=True)
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--scanners", type=int, default=20)
    parser.add_argument("--rate", type=float, default=40,
                        help="check-ins a second offered by all scanners (40: each a scan every 0.5 s)")
    args = parser.parse_args()
    if not shutil.which("caddy"):
        raise SystemExit("caddy is missing: scripts/apt-ensure caddy (make venue installs it)")
    work = Path(tempfile.mkdtemp(prefix="plm-bench-slow-"))
    database_url = f"sqlite:///{work}/bench.sqlite3"
    processes: list[subprocess.Popen] = []
    try:
        data = prepare(database_url, str(work))
        app, app_port = start_gunicorn(database_url, str(work))
        processes.append(app)
        print(f"Door check-ins (SQLite, demo event), {args.scanners} scanners offering {args.rate:.0f}/s for "
              f"{args.seconds:.0f} s; slow clients: {args.slow} (half slow headers, half slow bodies)", flush=True)
        measure("bare gunicorn 1x8 (make run), HTTP", app_port, None, data, args)
        caddy, https_port, context = start_caddy(work / "venue", app_port)
        processes.append(caddy)
        venue = measure("venue: Caddy (HTTPS, buffering) + gunicorn 1x8 (make venue)", https_port, context, data, args)
        met = venue["p99"] < 100 and venue["timeouts"] == 0
        print(f"  target (venue door p99 < 100 ms with {args.slow} slow clients): {'met' if met else 'NOT met'}"
              f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
