/* Drawing: result panel (colour, sound, vibration), recent scans, not-sent list, hits, network line. */
import {hmFormatter} from './judge.js';

export const $ = (id) => document.getElementById(id);
export const cfg = JSON.parse($('door-config').textContent);
export const T = JSON.parse($('door-texts').textContent);
export const hm = hmFormatter(cfg.timezone);

export function fmt(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => values[k] == null ? '' : values[k]);
}
const dayLabel = new Intl.DateTimeFormat(document.documentElement.lang || 'id', {weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC'});
export function showDay(iso) { return iso ? dayLabel.format(new Date(iso + 'T12:00:00Z')) : ''; }

export function addButton(parent, label, cls, onclick) {
  const b = document.createElement('button');
  b.type = 'button'; b.className = cls; b.textContent = label;
  b.addEventListener('click', onclick);
  parent.appendChild(b);
  return b;
}
export function addHint(list, text) {
  const li = document.createElement('li'); li.className = 'muted'; li.textContent = text; list.appendChild(li);
}

let audio = null;
function beep(kind) {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === 'suspended') audio.resume();
    const tones = kind === 'ok' ? [[880, 0, 0.12]] : kind === 'warn' ? [[520, 0, 0.1], [520, 0.16, 0.1]] : [[220, 0, 0.45]];
    tones.forEach((t) => {
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = t[0]; o.type = 'square'; g.gain.value = 0.08;
      o.connect(g); g.connect(audio.destination);
      o.start(audio.currentTime + t[1]); o.stop(audio.currentTime + t[1] + t[2]);
    });
  } catch (e) { /* no audio: the colour still tells */ }
  if (navigator.vibrate) navigator.vibrate(kind === 'ok' ? 80 : kind === 'warn' ? [60, 60, 60] : 400);
}

/* ---- the result panel ---- */
let idleTimer = null;
export const timings = [];
function idle() {
  const box = $('door-result');
  box.className = 'door-result is-idle';
  box.removeAttribute('data-result');
  $('door-result-title').textContent = T.ready;
  $('door-result-name').textContent = ''; $('door-result-detail').textContent = ''; $('door-result-actions').textContent = '';
}
function idleLater() { clearTimeout(idleTimer); idleTimer = setTimeout(idle, 8000); }

/* One scan's answer. *act*: {override, correction, undo} for the buttons the answer offers. */
export function show(answer, item, offline, act) {
  const r = answer.result, box = $('door-result'), p = answer.participant;
  const tone = r === 'ok' ? 'ok' : (r === 'already' || r === 'not_signed_up' || r === 'queued' || r === 'wrong_day') ? 'warn' : 'bad';
  box.className = 'door-result is-' + tone + (offline ? ' is-offline' : '');
  box.setAttribute('data-result', r);
  let title;
  if (r === 'already' && answer.checked_in_local) title = fmt(T.alreadyAt, {time: answer.checked_in_local, by: answer.by || '?'}).replace(/, \?$/, '');
  else if (r === 'invalid' && answer.reason === 'waitlisted') title = T.waitlisted;
  else if (r === 'queued') title = T.noSnapshot;
  else title = T[r] || answer.message || r;
  $('door-result-title').textContent = title + (offline ? ' · ' + T.offline : '');
  $('door-result-name').textContent = p ? p.name : '';
  let detail = p && r !== 'wrong_event' ? [p.full_name && p.full_name !== p.name ? p.full_name : '', p.institution, p.province].filter(Boolean).join(' · ') : '';
  if (r === 'wrong_day') detail = answer.message || T.wrongDayDetail;
  $('door-result-detail').textContent = detail;
  const actions = $('door-result-actions');
  actions.textContent = '';
  if (r === 'not_signed_up' && item) addButton(actions, T.override, 'btn btn-primary', act.override);
  if (r === 'wrong_day' && item) addButton(actions, T.recordAnyway, 'btn btn-warn', act.correction);
  if (r === 'ok' && answer.checkin_id && item) addButton(actions, T.undo, 'btn btn-undo', act.undo);
  if (cfg.badge && p && (r === 'ok' || r === 'already')) {
    // A POST (printing is recorded; GET never writes) into a new tab, answered with a redirect to the PDF:
    // one tap still opens the badge, and the door's own tab, with its offline queue, stays as it is.
    const form = document.createElement('form');
    form.method = 'post'; form.target = '_blank'; form.className = 'inline';
    form.action = cfg.badge.replace('PUBLICID', encodeURIComponent(p.id));
    const token = document.createElement('input');
    token.type = 'hidden'; token.name = 'csrf_token';
    token.value = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
    const button = document.createElement('button');
    button.type = 'submit'; button.className = 'btn'; button.textContent = T.printBadge;
    form.append(token, button);
    actions.appendChild(form);
  }
  if (item && item.t0) timings.push(performance.now() - item.t0);
  beep(tone);
  idleLater();
}

export function showUndone(name) {
  clearTimeout(idleTimer);
  $('door-result').className = 'door-result is-warn';
  $('door-result').setAttribute('data-result', 'undone');
  $('door-result-title').textContent = T.undone; $('door-result-name').textContent = name;
  $('door-result-detail').textContent = ''; $('door-result-actions').textContent = '';
  idleLater();
}
export function showTitle(text) { $('door-result-title').textContent = text; }

/* ---- lists ---- */
export function renderRecent(recent, onUndo) {
  const list = $('door-recent');
  list.textContent = '';
  recent.forEach((entry) => {
    const li = document.createElement('li');
    li.className = 'r-' + entry.result + (entry.offline ? ' is-offline' : '');
    const time = document.createElement('span');
    time.className = 'muted';
    time.textContent = hm(entry.at) + ' ';
    li.appendChild(time);
    li.appendChild(document.createTextNode(entry.name + ' — ' + (T[entry.result] || entry.result) + (entry.offline ? ' (' + T.queued + ')' : '')));
    const fresh = Date.now() - new Date(entry.at).getTime() < 15 * 60 * 1000;
    if (entry.checkin && entry.result === 'ok' && (fresh || cfg.isAdmin)) {
      addButton(li, T.undo, 'btn btn-small btn-undo', () => onUndo(entry));
    }
    list.appendChild(li);
  });
}

export function renderNotSent(notSent) {
  const list = $('door-notsent-list');
  $('door-notsent').hidden = !notSent.length;
  $('door-notsent-title').textContent = fmt(T.notSent, {n: notSent.length});
  $('door-notsent-chip').hidden = !notSent.length;
  $('door-notsent-chip').textContent = fmt(T.notSent, {n: notSent.length});
  list.textContent = '';
  notSent.forEach((n) => {
    const li = document.createElement('li');
    const code = document.createElement('code'); code.textContent = n.item.code.slice(0, 60);
    li.appendChild(document.createTextNode(hm(n.item.scanned_at) + ' '));
    li.appendChild(code);
    const why = document.createElement('span'); why.className = 'small'; why.textContent = n.reason;
    li.appendChild(why);
    list.appendChild(li);
  });
}

export function showNet(state) {
  const off = Date.now() < state.offlineUntil || !navigator.onLine;
  const net = $('door-net');
  net.textContent = off ? T.offline : T.online;
  net.className = 'net ' + (off ? 'is-offline' : 'is-online');
  const q = $('door-queue');
  q.hidden = !state.queue.length;
  q.textContent = fmt(T.queue, {n: state.queue.length});
  if (state.loginNeeded) { q.hidden = false; q.textContent = T.loginNeeded + ' (' + state.queue.length + ')'; }
}

/* Search hits; *act*: {checkIn(p, done), reinstate(p) → Promise<bool>}. */
export function renderHits(rows, act) {
  const hits = $('door-hits');
  hits.textContent = '';
  if (!rows.length) { addHint(hits, T.noResults); return; }
  rows.forEach((p) => {
    const li = document.createElement('li');
    li.className = 'hit-' + (p.status || 'registered');
    const text = document.createElement('div');
    text.className = 'hit-text';
    const name = document.createElement('strong'); name.className = 'hit-name'; name.textContent = p.full_name || p.name;
    text.appendChild(name);
    if (p.name && p.full_name && p.name !== p.full_name) {
      const badge = document.createElement('span'); badge.className = 'hit-badge'; badge.textContent = fmt(T.badgeName, {name: p.name});
      text.appendChild(badge);
    }
    const sub = document.createElement('span'); sub.className = 'muted small hit-sub';
    sub.textContent = [p.institution, p.province].filter(Boolean).join(' · ') +
      (p.checked_in_local ? ' · ' + fmt(T.checkedAt, {time: p.checked_in_local}) : '');
    text.appendChild(sub);
    if (p.status && p.status !== 'registered') {
      const st = document.createElement('span'); st.className = 'hit-status';
      st.textContent = p.status === 'cancelled' ? T.cancelledHit : p.status === 'waitlisted' ? T.waitlistedHit : p.status;
      text.appendChild(st);
    }
    li.appendChild(text);
    if (!p.status || p.status === 'registered') {
      addButton(li, T.checkIn, 'btn btn-primary btn-small', () => act.checkIn(p));
    } else if (p.status === 'cancelled' && cfg.reinstate) {
      // A deliberate two-tap action: the participant's staff page status form (organisers), then the check-in.
      let armed = false;
      const b = addButton(li, T.reinstate, 'btn btn-small btn-reinstate', () => {
        if (!armed) { armed = true; b.textContent = T.reinstateSure; b.classList.add('is-armed'); return; }
        act.reinstate(p).then((ok) => {
          if (ok) act.checkIn(p); else { b.textContent = T.reinstateFailed; b.disabled = true; }
        });
      });
    }
    hits.appendChild(li);
  });
}
