/* The camera as the main view (vendored qr-scanner, loaded on first use), the result laid over it. */

const SAME_CODE_MS = 3000;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    if (window.QrScanner) return resolve();
    const s = document.createElement('script');
    s.src = src; s.onload = resolve; s.onerror = reject;
    document.head.appendChild(s);
  });
}

/* Wires the camera button. *onCode(text, t0)* gets each new code; *onMode(on)* is told when the view changes. */
export function setupCamera({vendor, texts, onCode, onMode}) {
  const $ = (id) => document.getElementById(id);
  let scanner = null, last = {code: '', seen: 0};

  function seen(text) {
    const now = Date.now();
    // The same ticket still in view (or just taken away) is not a new scan: each sighting extends the hold.
    if (text === last.code && now - last.seen < SAME_CODE_MS) { last.seen = now; return; }
    last = {code: text, seen: now};
    onCode(text, performance.now());
  }
  function mode(on) {
    $('door').classList.toggle('is-camera', on);
    $('door-video').hidden = !on;
    $('door-camera-btn').textContent = on ? texts.cameraStop : texts.cameraStart;
    if (on) { if (document.activeElement && document.activeElement.blur) document.activeElement.blur(); window.scrollTo(0, 0); }
    onMode(on);
  }
  $('door-camera-btn').addEventListener('click', () => {
    const video = $('door-video'), msg = $('door-camera-msg');
    msg.hidden = true;
    if (scanner) {
      scanner.stop(); scanner.destroy(); scanner = null;
      mode(false); return;
    }
    loadScript(vendor).then(() => {
      mode(true);  // before the scanner is made: it shrinks a hidden video to nothing
      scanner = new window.QrScanner(video, (result) => seen(result.data || result),
        {returnDetailedScanResult: true, preferredCamera: 'environment', maxScansPerSecond: 8,
         highlightScanRegion: false, onDecodeError() {}});
      return scanner.start();
    }).then(null, () => {
      // The camera's trouble is said beside its button: the last scan's panel stays as it was.
      if (scanner) { try { scanner.destroy(); } catch (e) { /* already gone */ } }
      scanner = null;
      mode(false);
      msg.textContent = texts.cameraError; msg.hidden = false;
    });
  });
}
