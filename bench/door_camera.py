"""Door page: scan -> result time with Chromium's fake camera, and the page's weight.

    .venv/bin/python bench/door_camera.py [--scans 20]

A fake camera (a Y4M file) shows, in a loop, a white frame and then the ticket QR of one of N participants,
each in turn. In the door page, requestVideoFrameCallback notes when a frame with a ticket is first shown;
a MutationObserver notes when the result panel changes, and the next animation frame is the time it is
painted. Prints the median and p90 of (painted - ticket shown), the decode -> painted part alone (the
door's own timing from the decoder's callback), and the bytes of the door page (HTML, CSS, JS; the camera's
decoder is loaded only when the camera is switched on and is shown apart). Served by werkzeug on a SQLite
file, the API on the same machine.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import threading
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-door-camera"
PASSWORD = "correct-horse-battery"
CHROMIUM = os.environ.get("PLM_CHROMIUM", "/usr/bin/chromium")
W, H, FPS, BLANK, SHOWN = 480, 360, 10, 6, 9  # frames: white, then the ticket


def write_video(path: Path, codes: list[str]) -> None:
    from PIL import Image

    from plm.qr import QUIET_ZONE, qr_matrix, qr_png

    chroma = bytes([128]) * ((W // 2) * (H // 2))
    white = Image.new("L", (W, H), 255).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{W} H{H} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for code in codes:
            modules = len(qr_matrix(code)) + 2 * QUIET_ZONE
            image = Image.open(BytesIO(qr_png(code, box_size=max(2, 220 // modules)))).convert("L")
            canvas = Image.new("L", (W, H), 255)
            canvas.paste(image, ((W - image.width) // 2, (H - image.height) // 2))
            frame = canvas.tobytes()
            for i in range(BLANK + SHOWN):
                out.write(b"FRAME\n" + (white if i < BLANK else frame) + chroma + chroma)


WATCH = """() => {
  window.bench = {shown: [], painted: []};
  const video = document.getElementById('door-video'), canvas = document.createElement('canvas');
  canvas.width = 8; canvas.height = 8;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  let had = false;
  const onFrame = (now, meta) => {
    ctx.drawImage(video, video.videoWidth / 2 - 60, video.videoHeight / 2 - 60, 120, 120, 0, 0, 8, 8);
    const px = ctx.getImageData(0, 0, 8, 8).data;
    let dark = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 100) dark++;
    const has = dark > 4;
    if (has && !had) window.bench.shown.push(meta.expectedDisplayTime || now);
    had = has;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  new MutationObserver(() => {
    const r = document.getElementById('door-result').getAttribute('data-result');
    if (r) requestAnimationFrame(() => window.bench.painted.push([performance.now(), r]));
  }).observe(document.getElementById('door-result'), {attributes: true, attributeFilter: ['data-result']});
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="plm-bench-door-"))
    from werkzeug.serving import make_server

    from plm import create_app
    from plm.admin.service import ensure_day_checkpoints
    from plm.auth.service import create_user
    from plm.extensions import db
    from plm.models import Event, Participant
    from plm.tickets import participant_code

    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/door.sqlite3",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
                      "UPLOAD_FOLDER": str(tmp / "uploads"), "JOB_WORKER": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        start = date.today()
        event = Event(slug="plm-bench", name="PLM Bench", theme="", venue="Hotel", city="Bali",
                      timezone="Asia/Makassar", starts_on=start, ends_on=start + timedelta(days=3), capacity=400)
        db.session.add(event)
        db.session.flush()
        ensure_day_checkpoints(db.session, event)
        people = [Participant(event_id=event.id, full_name=f"Peserta Kamera {i:02d}", email=f"k{i}@x.example",
                              institution="Perpustakaan Desa", province="Bali", status="registered")
                  for i in range(args.scans)]
        db.session.add_all(people)
        create_user(db.session, "pintu@bench.example", "organizer", PASSWORD)
        db.session.commit()
        codes = [participant_code(SECRET, p) for p in people]
        slug = event.slug
    write_video(tmp / "tickets.y4m", codes)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={tmp / 'tickets.y4m'}"])
        page = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID").new_page()
        weights: dict[str, int] = {}

        def note(response):
            url = response.url
            if url.startswith(base) and response.request.resource_type in ("document", "stylesheet", "script"):
                try:
                    body = response.body()
                except Exception:  # a redirect has no body
                    return
                weights[url[len(base):].split("?")[0]] = len(body)

        page.goto(base + "/staff/login")
        page.fill("input[name=email]", "pintu@bench.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/")
        page.on("response", note)
        page.goto(f"{base}/staff/events/{slug}/door")
        page.wait_for_function("window.plmDoor")
        page.wait_for_timeout(500)
        page.click("#door-camera-btn")
        page.wait_for_selector("#door-video:not([hidden])")
        page.wait_for_timeout(300)
        page.evaluate(WATCH)
        for _ in range(600):
            if len(page.evaluate("window.bench.painted")) >= args.scans + 2:
                break
            page.wait_for_timeout(100)
        data = page.evaluate("window.bench")
        timings = page.evaluate("window.plmDoor.timings()")
        browser.close()
    server.shutdown()

    shown, painted = data["shown"], data["painted"]
    latencies = []
    for t, result in painted:
        before = [s for s in shown if s <= t]
        if before and result == "ok" and len(latencies) < args.scans:
            latencies.append(t - before[-1])
    if os.environ.get("PLM_BENCH_VERBOSE"):
        print("latencies (scan order):", [round(x) for x in latencies])
    latencies.sort()
    print(f"scan -> result painted, fake camera ({len(latencies)} scans of {args.scans}): "
          f"median {statistics.median(latencies):.0f} ms, p90 {latencies[int(0.9 * (len(latencies) - 1))]:.0f} ms, "
          f"max {latencies[-1]:.0f} ms")
    decode = sorted(timings)
    print(f"  of which decoder callback -> result shown: median {statistics.median(decode):.0f} ms "
          f"(the decoder looks at most 8 frames/s)")
    page_bytes = {k: v for k, v in weights.items() if "vendor/" not in k}
    from plm.checkin.routes import DOOR_MODULES
    # The CSS may come from the login page's cache, the modules from the service worker's.
    for name in ("/static/css/plm.css", *(f"/static/{m}" for m in DOOR_MODULES)):
        page_bytes[name] = (ROOT / name.lstrip("/")).stat().st_size
    vendor = {k: v for k, v in weights.items() if "vendor/" in k}
    total = sum(page_bytes.values())
    print(f"door page weight: {total} bytes HTML+CSS+JS ({', '.join(f'{k} {v}' for k, v in sorted(page_bytes.items()))})")
    gz = 0
    static = ROOT / "static"
    for name in page_bytes:
        if name.startswith("/static/"):
            gz += len(gzip.compress((static / name[len('/static/'):]).read_bytes(), 6))
    print(f"  static part gzipped: {gz} bytes; camera decoder loaded on 'Start camera': "
          f"{sum(vendor.values())} bytes ({', '.join(sorted(vendor))})")


if __name__ == "__main__":
    main()
