"""Benchmark of the badge and certificate PDFs.

    python bench/documents.py            # 350 and 3,500 participants (~4 min)
    python bench/documents.py --quick    # 350 only (~1 min)

Every case runs in a fresh subprocess, which reports its render time (data in
-> PDF bytes out; interpreter start and imports excluded) and its own peak
RSS (VmHWM from /proc/self/status, imports included).  Cases marked
"2 processes" fork a render helper; its peak RSS is printed beside (pages
shared with the parent count in both).  The badge job case runs the real job
child process end to end, startup included.  The "baseline" case is
bare WeasyPrint: one HTML document holding all badges, each with qrcode's own
inline SVG (SvgPathImage) and the system DejaVu Sans, no chunking.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIRST = [
    "I Made", "Ni Made", "I Wayan", "Ni Wayan", "I Nyoman", "Ni Nyoman", "I Ketut", "Ni Ketut",
    "I Gusti Ngurah", "Ni Luh Putu", "Anak Agung Istri", "Ida Bagus", "Siti", "Muhammad",
    "Dewi", "Rina", "Budi", "Agus", "Sri", "Yohanes", "Maria", "Fransiska", "Nur", "Andi",
]
LAST = [
    "Wirawan", "Santoso", "Rahayu", "Pratama", "Hidayat", "Setiawan", "Kurniawati", "Saputra",
    "Sekarini Maharani Dewi Kusumawati", "Kusuma Wardhani Sukawati", "Suryawan Adi Putra",
    "Dharma Wiguna Arimbawa Kesuma Dwipayana", "Lestari", "Nugroho", "Siregar", "Manurung",
    "Daeng Matutu", "Tandi Lolo", "Bere Mali", "Wibawa Sanjaya Kusuma Atmaja",
]
INSTITUTIONS = [
    "UPT Perpustakaan Universitas Udayana",
    "Perpustakaan Umum Daerah Kabupaten Gianyar",
    "Dinas Perpustakaan dan Kearsipan Provinsi Nusa Tenggara Timur",
    "Perpustakaan Desa Sukawati",
    "Badan Perpustakaan dan Arsip Daerah Provinsi Sulawesi Selatan",
    "Perpustakaan Nasional Republik Indonesia",
    "Taman Bacaan Masyarakat Pelangi Nusantara Kabupaten Manggarai Barat",
]
PROVINCES = ["Bali", "Nusa Tenggara Timur", "Nusa Tenggara Barat", "Jawa Timur", "Sulawesi Selatan", "Papua Barat", "Kalimantan Barat"]
ROLES = ["participant"] * 14 + ["facilitator", "facilitator", "speaker", "committee", "committee"]


def people(n: int, seed: int = 2015):
    rnd = random.Random(seed)
    for i in range(n):
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        if i % 50 == 7:  # a few very long Balinese names
            name = f"{name} {rnd.choice(LAST)} {rnd.choice(LAST)}"
        code = "".join(rnd.choice("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))
        yield name, rnd.choice(INSTITUTIONS), rnd.choice(PROVINCES), ROLES[i % len(ROLES)], f"PLM15-{code[:4]}-{code[4:]}"


def _event():
    from plm.documents.data import EventInfo

    return EventInfo(
        name="Peer Learning Meeting Pustakawan Indonesia 2015",
        theme="Perpustakaan untuk Kesejahteraan",
        venue="Inna Grand Bali Beach",
        city="Sanur, Bali",
        date_text="18–21 Mei 2015",
    )


class _Timer:
    """Wall and CPU seconds (user + system) of the block: the CPU figure stays
    meaningful when other jobs share the machine."""

    def __enter__(self):
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    def result(self, **extra) -> dict:
        return {"seconds": self.seconds, "cpu": self.cpu, **extra}


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ cases


def case_badges(n: int, processes: int = 1) -> dict:
    from plm.documents.badges import render_badges
    from plm.documents.data import BadgeData

    badges = [BadgeData(*p) for p in people(n)]
    with _Timer() as t:
        pdf = render_badges(_event(), badges, "a6", processes=processes)
    return t.result(bytes=len(pdf))


def case_certificates(n: int, processes: int = 1) -> dict:
    from plm.documents.certificates import render_certificates
    from plm.documents.data import CertificateData, Signatory

    certs = [
        CertificateData(name, role, 24.0, code, f"https://plm.example.org/v/{code}", "Denpasar, 21 Mei 2015")
        for name, _inst, _prov, role, code in people(n)
    ]
    sigs = [Signatory("Drs. Muhammad Syarif Bando, M.M.", "Kepala Perpustakaan Nasional RI"),
            Signatory("Ir. I Made Wirawan", "Ketua Panitia")]
    with _Timer() as t:
        pdf = render_certificates(_event(), sigs, certs, processes=processes)
    return t.result(bytes=len(pdf))


def case_single(n: int) -> dict:
    from plm.documents.badges import render_single_badge
    from plm.documents.data import BadgeData

    event = _event()
    badges = [BadgeData(*p) for p in people(n + 1, seed=7)]
    start = time.perf_counter()
    render_single_badge(event, badges[0])
    cold = time.perf_counter() - start
    times, cpus = [], []
    for badge in badges[1:]:
        with _Timer() as t:
            render_single_badge(event, badge)
        times.append(t.seconds)
        cpus.append(t.cpu)
    return {"seconds": statistics.median(times), "cpu": statistics.median(cpus), "max": max(times), "cold": cold}


BASELINE_CSS = """
@page { size: A4; margin: 10mm; }
body { font-family: "DejaVu Sans"; margin: 0; }
.badge { width: 95mm; height: 135mm; float: left; border: 0.2pt solid #999; box-sizing: border-box;
         padding: 6mm; text-align: center; page-break-inside: avoid; }
.ev { font-weight: bold; font-size: 12pt; height: 20mm; }
.name { font-weight: bold; font-size: 24pt; margin: 8mm 0 3mm; }
.inst { font-size: 12pt; }
.prov { font-size: 10pt; color: #555; }
.qr svg { width: 25mm; height: 25mm; }
.role { margin-top: 6mm; padding: 3mm; color: #fff; font-weight: bold; font-size: 20pt; }
"""


def case_baseline(n: int) -> dict:
    """Bare WeasyPrint: one document, qrcode's SvgPathImage inline, no tricks."""
    from html import escape

    import qrcode
    import qrcode.image.svg
    from weasyprint import HTML

    colours = {"participant": "#1F5FAD", "facilitator": "#1E7A46", "speaker": "#B3261E", "committee": "#C25E00"}
    timer = _Timer().__enter__()
    parts = []
    for name, inst, prov, role, code in people(n):
        svg = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage,
                          error_correction=qrcode.constants.ERROR_CORRECT_M).to_string(encoding="unicode")
        parts.append(
            f'<div class="badge"><div class="ev">Peer Learning Meeting Pustakawan Indonesia 2015</div>'
            f'<div class="name">{escape(name)}</div><div class="inst">{escape(inst)}</div>'
            f'<div class="prov">{escape(prov)}</div><div class="qr">{svg}</div>'
            f'<div class="role" style="background:{colours[role]}">{role.upper()}</div></div>'
        )
    html = f"<html><head><style>{BASELINE_CSS}</style></head><body>{''.join(parts)}</body></html>"
    pdf = HTML(string=html).write_pdf()
    timer.__exit__(None, None, None)
    return timer.result(bytes=len(pdf))


def _app_with_people(n: int):
    """An app on a throwaway SQLite database (real migrations) with one event and *n* participants."""
    import tempfile
    from datetime import date

    from plm import create_app
    from plm.extensions import db
    from plm.models import Event, Participant

    folder = tempfile.mkdtemp(prefix="plm-bench-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "UPLOAD_FOLDER": folder})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        event = Event(slug="bench", name="Peer Learning Meeting Pustakawan Indonesia 2015", venue="Hotel Ungasan",
                      city="Bali", starts_on=date(2015, 5, 18), ends_on=date(2015, 5, 21))
        db.session.add(event)
        db.session.flush()
        for i, (name, inst, prov, role, _code) in enumerate(people(n)):
            db.session.add(Participant(event_id=event.id, full_name=name, email=f"p{i}@bench.example",
                                       institution=inst, province=prov, role=role))
        db.session.commit()
    return app


def case_app_badges(n: int, processes: int = 1) -> dict:
    """The web job's path: select from the database, ticket codes, render, record as printed."""
    from plm.documents import service
    from plm.extensions import db
    from plm.models import Event

    app = _app_with_people(n)
    with app.app_context():
        event = db.session.query(Event).one()
        with _Timer() as t:
            people_ = service.select_badges(db.session, event, service.BadgeSelection())
            pdf = service.render_badge_pdf(db.session, event, people_, secret="bench",
                                           upload_folder=app.config["UPLOAD_FOLDER"], processes=processes)
            db.session.commit()
    return t.result(bytes=len(pdf))


def case_app_certificates(n: int, processes: int = 1) -> dict:
    """The web job's path for certificates: attendance from check-ins (simulated door scans over the
    event's days), eligibility, serials issued and committed, then the render."""
    from plm.checkin.commands import simulate_attendance
    from plm.documents import service
    from plm.extensions import db
    from plm.models import Event

    app = _app_with_people(n)
    with app.app_context():
        event = db.session.query(Event).one()
        simulate_attendance(db.session, event)
        db.session.commit()
        with _Timer() as t:
            chosen = service.certificates_to_print(db.session, event, service.event_participants(db.session, event))
            certs = service.prepare_certificates(db.session, event, chosen, base_url="https://plm.example.org")
            db.session.commit()
            pdf = service.render_certificate_pdf(event, certs, upload_folder=app.config["UPLOAD_FOLDER"],
                                                 processes=processes)
    return t.result(bytes=len(pdf), count=len(certs))


def _forkserver_cpu(own: bool = False) -> float:
    """CPU seconds of the processes the job runner's fork server has reaped (its jobs and their render helpers),
    and with *own* the server's own (its preload)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = int(fields[13]) + int(fields[14]) + (int(fields[11]) + int(fields[12]) if own else 0)  # cutime+cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _job_peak_rss(job_id: int, stop: threading.Event, peak: list) -> None:
    """Sample the job process's high-water RSS (VmHWM) until *stop*: it is the fork server's child, not ours."""
    import multiprocessing

    while not stop.is_set():
        for process in multiprocessing.active_children():
            if process.name == f"plm-job-{job_id}" and process.pid:
                try:
                    with open(f"/proc/{process.pid}/status") as handle:
                        for line in handle:
                            if line.startswith("VmHWM:"):
                                peak[0] = max(peak[0], int(line.split()[1]) / 1024)
                except OSError:
                    pass
        stop.wait(0.02)


def case_app_job_badges(n: int, forkserver: int = 2) -> dict:
    """What the staff page starts: a queued badge job run in its own process, timed from enqueue to "done".

    forkserver=2: a later job of a web process: one untimed job first (it starts the fork server and keeps the
    tickets' QR masks), then the timed one. forkserver=3: a new event's first job a few seconds after the badge
    page was opened (the page starts the fork server, `jobs.warm_runner_soon`; here `warm_runner` and 3 s for
    the organizer's choices): every QR mask searched. forkserver=1: the same with no page opened before: the job
    starts the fork server (the preload is in the time). forkserver=0 (JOB_FORKSERVER = False):
    a fresh `python -m plm.jobs.child` per job, the masks searched (the way before this session).
    Peak RSS is the job process's, where the render happens; CPU counts every process."""
    from plm import jobs
    from plm.auth.service import create_user
    from plm.documents import service
    from plm.extensions import db
    from plm.models import Event

    app = _app_with_people(n)
    app.config["JOB_FORKSERVER"] = bool(forkserver)
    with app.app_context():
        event = db.session.query(Event).one()
        user = create_user(db.session, "admin@bench.example", "admin", "bench-password-1")
        db.session.commit()
        user_id = user.id
        if forkserver == 3:
            jobs.warm_runner(app)
            time.sleep(3)  # the organizer picks the layout and the people
        if forkserver == 2:
            jobs.enqueue(db.session, "badges", event, user,
                         {"selection": service.BadgeSelection().to_params(), "layout": "a6"}, total=n)
            db.session.commit()
            if jobs.run_pending(app, subprocesses=True) != 1:
                raise RuntimeError("the untimed first job did not run")
            event = db.session.query(Event).one()
            user = db.session.get(type(user), user_id)
        before = _forkserver_cpu() if forkserver in (2, 3) else 0.0
        stop, peak = threading.Event(), [0.0]
        with _Timer() as t:
            job = jobs.enqueue(db.session, "badges", event, user,
                               {"selection": service.BadgeSelection().to_params(), "layout": "a6"}, total=n)
            db.session.commit()
            sampler = threading.Thread(target=_job_peak_rss, args=(job.id, stop, peak), daemon=True)
            sampler.start()
            ran = jobs.run_pending(app, subprocesses=True)
        stop.set()
        sampler.join()
        job = db.session.get(jobs.Job, job.id)
        if ran != 1 or job.status != "done":
            raise RuntimeError(f"job {job.status}: {job.error}")
        size = os.path.getsize(jobs.result_file(app, job))
    if forkserver:
        children_cpu = _forkserver_cpu(own=forkserver == 1) - before
        rss = peak[0]
    else:
        child = resource.getrusage(resource.RUSAGE_CHILDREN)  # the job child and its render helper
        children_cpu = child.ru_utime + child.ru_stime
        rss = child.ru_maxrss / 1024
    return {"seconds": t.seconds, "cpu": t.cpu + children_cpu, "bytes": size, "child_rss_mb": rss}


def case_app_single(n: int) -> dict:
    """GET /staff/events/<slug>/participants/<id>/badge.pdf as an organizer, warm (median)."""
    from plm.auth.service import create_user
    from plm.extensions import db
    from plm.models import Participant

    app = _app_with_people(n + 1)
    with app.app_context():
        create_user(db.session, "door@bench.example", "organizer", "bench-password-1")
        db.session.commit()
        ids = [p.public_id for p in db.session.query(Participant).all()]
    client = app.test_client()
    client.post("/staff/login", data={"email": "door@bench.example", "password": "bench-password-1"})
    start = time.perf_counter()
    assert client.get(f"/staff/events/bench/participants/{ids[0]}/badge.pdf").status_code == 200
    cold = time.perf_counter() - start
    times, cpus = [], []
    for public_id in ids[1:]:
        with _Timer() as t:
            response = client.get(f"/staff/events/bench/participants/{public_id}/badge.pdf")
        assert response.status_code == 200
        times.append(t.seconds)
        cpus.append(t.cpu)
    return {"seconds": statistics.median(times), "cpu": statistics.median(cpus), "max": max(times), "cold": cold}


#: pretix 2026.8's badge export (reportlab, one badge a page), 350 badges on this kind of machine
#: (from the issue; bench/compare_pretix.py runs pretix itself beside PLM in the same sitting).
PRETIX_BADGES_350_SECONDS = (2.6, 3.1)
PRETIX_BADGES_350_RSS_MB = 238

CASES = {"app_badges": case_app_badges, "app_job_badges": case_app_job_badges, "app_certificates": case_app_certificates, "app_single": case_app_single, "badges": case_badges, "certificates": case_certificates, "single": case_single, "baseline": case_baseline}


def run_child(case: str, n: int) -> dict:
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--case", case, "--n", str(n)],
            capture_output=True, text=True, timeout=900, cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="350 participants only")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # NAME or NAME:PROCESSES
    parser.add_argument("--n", type=int, default=350, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case:  # child process
        case, _, processes = args.case.partition(":")
        result = CASES[case](args.n, int(processes)) if processes else CASES[case](args.n)
        result["peak_rss_mb"] = _peak_rss_mb()
        if processes and "child_rss_mb" not in result:  # the forked render helper: its peak, its CPU added to ours
            helper = resource.getrusage(resource.RUSAGE_CHILDREN)
            result["helper_rss_mb"] = helper.ru_maxrss / 1024
            result["cpu"] += helper.ru_utime + helper.ru_stime
        print(json.dumps(result))
        return 0

    sizes = [350] if args.quick else [350, 3500]
    plan = [("baseline", 350, "bare WeasyPrint, 1 document, A6 badges")]
    for n in sizes:
        plan.append(("badges", n, "render_badges a6 (4-up on A4)"))
        plan.append(("certificates", n, "render_certificates (A4 landscape)"))
    plan.append(("badges:2", 350, "render_badges a6, 2 processes"))
    plan.append(("certificates:2", 350, "render_certificates, 2 processes"))
    plan.append(("single", 20, "render_single_badge, warm (median of 20)"))
    plan.append(("app_badges", 350, "app: badges from the database (job path)"))
    plan.append(("app_certificates", 350, "app: certificates from check-ins (job path)"))
    plan.append(("app_badges:2", 350, "app: badges, 2 processes"))
    plan.append(("app_certificates:2", 350, "app: certificates, 2 processes"))
    plan.append(("app_job_badges", 350, "app: badge job end to end (a reprint)"))
    plan.append(("app_job_badges:3", 350, "app: badge job end to end (first, page open)"))
    plan.append(("app_job_badges:1", 350, "app: badge job end to end (first, cold)"))
    plan.append(("app_job_badges:0", 350, "app: badge job, fresh interpreter (before)"))
    plan.append(("app_single", 20, "app: GET …/badge.pdf, warm (median of 20)"))

    print(f"PLM documents benchmark  ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"load average before start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<44}{'n':>6}{'wall s':>10}{'CPU s':>9}{'peak RSS':>11}{'PDF size':>11}")
    results = {}
    for case, n, label in plan:
        res = run_child(case, n)
        results[(case, n)] = res
        if "error" in res:
            print(f"{label:<44}{n:>6}  ERROR: {res['error']}")
            continue
        size = f"{res['bytes'] / 1024:.0f} KB" if "bytes" in res else ""
        extra = f"   (max {res['max']:.3f} s, cold {res['cold']:.2f} s)" if case in ("single", "app_single") else ""
        if "count" in res:
            n = res["count"]
        rss = res.get("child_rss_mb", res["peak_rss_mb"])
        if "child_rss_mb" in res:
            extra = "   (RSS: the job child's; CPU: all processes)"
        if "helper_rss_mb" in res:
            extra = f"   (helper process: {res['helper_rss_mb']:.0f} MB peak RSS)"
        print(f"{label:<44}{n:>6}{res['seconds']:>10.3f}{res['cpu']:>9.3f}{rss:>8.0f} MB{size:>11}{extra}", flush=True)

    def ok(key):
        return key in results and "error" not in results[key]

    print()
    if ok(("baseline", 350)) and ok(("badges", 350)):
        b, o = results[("baseline", 350)], results[("badges", 350)]
        print(f"badges 350 vs bare WeasyPrint: wall x{o['seconds'] / b['seconds']:.2f}, "
              f"CPU x{o['cpu'] / b['cpu']:.2f}, peak RSS x{o['peak_rss_mb'] / b['peak_rss_mb']:.2f}")
    for case in ("badges", "certificates"):
        if ok((case, 350)) and ok((case, 3500)):
            a, z = results[(case, 350)], results[(case, 3500)]
            print(f"{case} 350 -> 3500: time x{z['seconds'] / a['seconds']:.1f}, "
                  f"peak RSS x{z['peak_rss_mb'] / a['peak_rss_mb']:.2f}")
    low, high = PRETIX_BADGES_350_SECONDS
    print(f"pretix 2026.8 badge export, 350 badges: {low}-{high} s, {PRETIX_BADGES_350_RSS_MB} MB peak RSS "
          "(the issue's figure for this kind of machine; bench/compare_pretix.py runs pretix itself)")
    for key in ("app_badges", "app_badges:2"):
        if ok((key, 350)):
            app = results[(key, 350)]
            helper = f" + helper {app['helper_rss_mb']:.0f} MB" if "helper_rss_mb" in app else ""
            print(f"  {key} 350 vs pretix: time x{app['seconds'] / high:.2f}-x{app['seconds'] / low:.2f}, "
                  f"peak RSS {app['peak_rss_mb']:.0f} MB{helper}")
    targets = [
        (("badges", 350), "seconds", 8.0), (("certificates", 350), "seconds", 12.0),
        (("badges", 350), "peak_rss_mb", 160), (("certificates", 350), "peak_rss_mb", 160),
        (("single", 20), "seconds", 0.4), (("app_badges", 350), "seconds", 8.0),
        (("app_badges", 350), "peak_rss_mb", 160), (("app_certificates", 350), "seconds", 12.0),
        (("app_certificates", 350), "peak_rss_mb", 160), (("app_job_badges", 350), "seconds", 8.0),
        (("app_job_badges", 350), "child_rss_mb", 160), (("app_single", 20), "seconds", 1.0),
    ]
    misses = [f"{k[0]} {k[1]} {field} {results[k][field]:.2f} > {limit}"
              for k, field, limit in targets if ok(k) and results[k][field] > limit]
    print("targets (wall time): " + ("all met" if not misses else "MISSED: " + "; ".join(misses)))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
          "  (other jobs on this machine inflate wall times; CPU s does not grow with load as much)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
