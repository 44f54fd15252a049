// Optional signature at the door: after each successful check-in (the door page dispatches
// `plm:checked-in` with {checkin_id, participant}), a pad slides up; the participant signs with a
// finger and the stroke points (numbers only, never markup) go to
//   PUT /api/v1/events/<slug>/checkins/<id>/signature  {"width", "height", "strokes": [[[x, y], ...], ...]}
// where the server draws the SVG that is printed on the daftar hadir. Off unless the door switches it on
// (kept per device). Signatures that cannot be sent yet wait in localStorage and go when back online.

import { attachSignaturePad } from './signature-capture.js';

const config = JSON.parse(document.getElementById('door-config')?.textContent || 'null');
// The texts come translated from the door template (flask_babel), on this script's data-texts attribute.
const t = JSON.parse(document.querySelector('script[data-texts][src*="signature-pad"]')?.dataset.texts || '{}');
const STORE = 'plm.signature.enabled';
const QUEUE = 'plm.signature.queue';

function csrf() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

function el(tag, attrs = {}, text = '') {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

async function send(item) {
  const response = await fetch(`${config.api}/checkins/${item.checkin}/signature`, {
    method: 'PUT', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf() },
    body: JSON.stringify(item.body),
  });
  if (response.status >= 500 || response.status === 401 || response.status === 0) throw new Error(String(response.status));
  return response.ok;  // a 4xx (refused) is not retried
}

function queued() {
  try { return JSON.parse(localStorage.getItem(QUEUE) || '[]'); } catch { return []; }
}

function keep(items) {
  localStorage.setItem(QUEUE, JSON.stringify(items.slice(-30)));
}

async function flush() {
  const items = queued();
  const left = [];
  for (const item of items) {
    try { await send(item); } catch { left.push(item); }
  }
  keep(left);
}

export function setUp(root) {
  if (!config || !config.api) return null;
  const link = el('link', { rel: 'stylesheet', href: '/static/css/attendance.css' });
  document.head.append(link);

  const toggleLabel = el('label', { class: 'sig-toggle' });
  const toggle = el('input', { type: 'checkbox', id: 'sig-enabled' });
  toggle.checked = localStorage.getItem(STORE) === '1';
  toggleLabel.append(toggle, document.createTextNode(' ' + t.toggle));
  toggle.addEventListener('change', () => localStorage.setItem(STORE, toggle.checked ? '1' : '0'));
  const setup = root.querySelector('.door-setup') || root;
  setup.append(toggleLabel);

  const panel = el('section', { class: 'sig-panel', id: 'sig-panel', 'aria-live': 'polite' });
  panel.hidden = true;
  const prompt = el('p', { class: 'sig-prompt' });
  const canvas = el('canvas', { class: 'sig-canvas', id: 'sig-canvas' });
  const status = el('p', { class: 'small muted sig-status' });
  const actions = el('div', { class: 'sig-actions' });
  const save = el('button', { type: 'button', class: 'btn btn-primary', id: 'sig-save' }, t.save);
  const clear = el('button', { type: 'button', class: 'btn', id: 'sig-clear' }, t.clear);
  const skip = el('button', { type: 'button', class: 'btn', id: 'sig-skip' }, t.skip);
  actions.append(save, clear, skip);
  panel.append(prompt, canvas, actions, status);
  document.body.append(panel);

  let checkin = null;
  const pad = attachSignaturePad(canvas);

  function open(detail) {
    checkin = detail.checkin_id;
    const name = detail.participant?.name || detail.participant?.full_name || '';
    prompt.textContent = t.prompt.replace('{name}', name);
    status.textContent = '';
    panel.hidden = false;
    pad.resize();
  }

  function close() {
    panel.hidden = true;
    checkin = null;
    pad.clear();
  }

  clear.addEventListener('click', pad.clear);
  skip.addEventListener('click', close);
  save.addEventListener('click', async () => {
    if (!pad.points()) { status.textContent = t.empty; return; }
    const item = { checkin, body: pad.drawing() };
    close();
    try {
      await send(item);
      document.dispatchEvent(new CustomEvent('plm:signature-saved', { detail: { checkin_id: item.checkin } }));
    } catch {
      keep([...queued(), item]);
    }
  });

  document.addEventListener('plm:checked-in', (event) => {
    if (!toggle.checked || !event.detail || !event.detail.checkin_id) return;
    open(event.detail);
  });
  window.addEventListener('online', flush);
  if (navigator.onLine) flush();
  return { open, close, panel };
}

const door = document.getElementById('door');
if (door) setUp(door);
