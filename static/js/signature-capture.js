// Finger-drawn signatures, shared by the door's pad (signature-pad.js) and the payment desk
// (allowance-desk.js): only stroke points are kept, never an image; the server checks them and draws the
// SVG (plm/attendance/signatures.py). At most MAX_POINTS points, and a point only once the finger has moved.

const MAX_POINTS = 2500;

export function attachSignaturePad(canvas) {
  const ctx = canvas.getContext('2d');
  let strokes = [];
  let current = null;

  function points() {
    return strokes.reduce((n, s) => n + s.length, 0);
  }

  // Fit the canvas to its size on screen (a resize also empties it).
  function resize() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
    strokes = [];
  }

  function clear() {
    strokes = [];
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [Math.round((event.clientX - box.left) * 10) / 10, Math.round((event.clientY - box.top) * 10) / 10];
  }

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current || points() >= MAX_POINTS) return;
    const next = point(event);
    const last = current[current.length - 1];
    if (Math.abs(next[0] - last[0]) + Math.abs(next[1] - last[1]) < 1.5) return;
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
    ctx.lineTo(next[0], next[1]);
    ctx.stroke();
    current.push(next);
  });
  const end = () => { current = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  return {
    resize,
    clear,
    points,
    // What the server takes: {"width", "height", "strokes": [[[x, y], ...], ...]} in CSS pixels.
    drawing: () => ({
      width: Math.max(10, Math.round(canvas.clientWidth)),
      height: Math.max(10, Math.round(canvas.clientHeight)),
      strokes: strokes.filter((s) => s.length > 0),
    }),
  };
}
