// The payment desk's signature pad: the recipient signs the receipt with a finger. Like the door's pad
// (signature-pad.js) only stroke points leave the page, as {"width", "height", "strokes"} in the form's
// hidden `signature` field; the server checks them and draws the SVG (plm/attendance/signatures.py).
// Without a drawing the payment is recorded unsigned and the receipt is printed for a wet signature.

const canvas = document.getElementById('pay-pad');
const field = document.getElementById('pay-signature');
const form = document.getElementById('pay-form');
const MAX_POINTS = 2500;

if (canvas && field && form) {
  const ctx = canvas.getContext('2d');
  let strokes = [];
  let current = null;

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
    if (!current || strokes.reduce((n, s) => n + s.length, 0) >= MAX_POINTS) return;
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
  document.getElementById('pay-clear')?.addEventListener('click', () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    strokes = [];
  });
  form.addEventListener('submit', () => {
    const drawn = strokes.filter((s) => s.length > 0);
    field.value = drawn.reduce((n, s) => n + s.length, 0) >= 2 ? JSON.stringify({
      width: Math.max(10, Math.round(canvas.clientWidth)), height: Math.max(10, Math.round(canvas.clientHeight)), strokes: drawn,
    }) : '';
  });
  resize();
}
