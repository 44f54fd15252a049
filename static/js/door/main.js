/* PLM door scanner: camera, keyboard-wedge scanner, name search; offline it judges against a snapshot
   (judge.js) and queues (queue.js). Here: checkpoint and day, scans, undo, search, start. */
import {indexSnapshot, judge, localDay, searchOffline as rankOffline, sha256} from './judge.js';
import {apiClient, createSync, notSentCsv, storage} from './queue.js';
import {setupCamera} from './camera.js';
import * as ui from './ui.js';

const {$, cfg, T, fmt, hm, showDay} = ui;
const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
const TIMEOUT = 1500, SYNC_EVERY = 5000, SNAPSHOT_EVERY = 60000;
const store = storage(cfg.event);
const api = apiClient(cfg.api, csrf, TIMEOUT);

function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16); crypto.getRandomValues(b);
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const h = Array.prototype.map.call(b, (x) => (x + 256).toString(16).slice(1)).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

/* ---- the event's clock: "today" comes from the server-rendered time, in the event's timezone ---- */
const clock = (function () {
  const pageNow = Date.parse(cfg.now || ''), stored = store.load('clock', null);
  let skew = 0;
  // A page served by the service worker while offline carries an old time: keep the last fresh one then.
  if (pageNow && (!stored || pageNow >= stored.server)) {
    skew = pageNow - Date.now();
    store.save('clock', {server: pageNow, skew});
  } else if (stored) {
    skew = stored.skew;
  }
  return {now: () => Date.now() + skew, today: () => localDay(Date.now() + skew, cfg.timezone)};
})();

/* ---- state ---- */
const select = $('door-checkpoint'), doorName = $('door-name'), codeInput = $('door-code');
const state = {queue: store.load('queue', []), notSent: store.load('notsent', []), recent: store.load('recent', []),
               offlineUntil: 0, loginNeeded: false};
let checkpoint = null, correction = false, cameraOn = false;
let snap = null, index = indexSnapshot(null), local = {};
doorName.value = store.getGlobal('plm.door.name') || '';

function option(id) { return id ? select.querySelector('option[value="' + id + '"]') : null; }
function optionDay(id) { const o = option(id); return o ? o.getAttribute('data-day') || '' : ''; }
function optionLabel(id) { const o = option(id); return o ? o.textContent.trim() : ''; }
function todaysDay() {
  const o = select.querySelector('option[data-kind="day"][data-day="' + clock.today() + '"]');
  return o ? o.value : null;
}
function isToday(id) { const d = optionDay(id); return !d || d === clock.today(); }

/* Use a checkpoint; one that is not today only after the volunteer confirmed it (then scans carry correction). */
function useCheckpoint(id, confirmed) {
  checkpoint = id && option(id) ? String(id) : null;
  correction = !!(checkpoint && confirmed && !isToday(checkpoint));
  select.value = checkpoint || '';
  store.save('choice', checkpoint ? {id: checkpoint, date: clock.today(), confirmed: correction} : null);
  loadSnapshot();
  updateWalkIn();
  showBanner();
}

function choose(id) {
  if (!id || isToday(id)) { hideConfirm(); useCheckpoint(id, false); refreshSnapshot(); return; }
  askConfirm(id);
}

function askConfirm(id) {
  const label = optionLabel(id);
  $('door-confirm-text').textContent = fmt(T.notToday, {checkpoint: label, today: showDay(clock.today())}) + ' ' + T.notTodayAsk;
  $('door-confirm-yes').textContent = fmt(T.notTodayYes, {checkpoint: label.split(' · ')[0]});
  $('door-confirm').hidden = false;
  $('door-confirm').setAttribute('data-checkpoint', id);
  select.value = checkpoint || '';
}
function hideConfirm() { $('door-confirm').hidden = true; $('door-confirm').removeAttribute('data-checkpoint'); }
$('door-confirm-yes').addEventListener('click', () => {
  const id = $('door-confirm').getAttribute('data-checkpoint');
  hideConfirm();
  useCheckpoint(id, true);
  refreshSnapshot();
});
$('door-confirm-no').addEventListener('click', () => { hideConfirm(); select.value = checkpoint || ''; });
$('door-today').addEventListener('click', () => choose(todaysDay()));

function showBanner() {
  const banner = $('door-banner'), today = clock.today();
  let text = '', back = false;
  if (correction) {
    text = fmt(T.notTodayBanner, {checkpoint: optionLabel(checkpoint)});
    back = !!todaysDay();
  } else if (!todaysDay() && cfg.firstDay && today < cfg.firstDay) {
    text = fmt(T.beforeEvent, {day: showDay(cfg.firstDay)});
  } else if (!todaysDay() && cfg.lastDay && today > cfg.lastDay) {
    text = fmt(T.afterEvent, {day: showDay(cfg.lastDay)});
  } else if (!todaysDay() && cfg.firstDay && !checkpoint) {
    text = T.noDayToday;
  }
  banner.hidden = !text;
  banner.className = 'door-banner' + (correction ? ' is-correction' : '');
  $('door-banner-text').textContent = text;
  $('door-today').hidden = !back;
  document.body.classList.toggle('door-correction', correction);
}

/* The door opens on today's entrance; a choice made today (also a confirmed other day) holds until midnight. */
function startCheckpoint() {
  const choice = store.load('choice', null), today = clock.today();
  const kept = choice && choice.date === today && option(choice.id) ? choice : null;
  const wanted = cfg.checkpoint ? String(cfg.checkpoint) : kept ? String(kept.id) : null;
  if (wanted && option(wanted)) {
    if (isToday(wanted)) { useCheckpoint(wanted, false); return; }
    if (kept && String(kept.id) === wanted && kept.confirmed) { useCheckpoint(wanted, true); return; }
    useCheckpoint(todaysDay(), false);
    askConfirm(wanted);
    return;
  }
  useCheckpoint(todaysDay(), false);
}

let lastToday = null;
function watchMidnight() {
  const today = clock.today();
  if (lastToday && today !== lastToday && !correction) {
    const next = todaysDay();
    if (next !== checkpoint && (!checkpoint || optionDay(checkpoint) === lastToday)) { useCheckpoint(next, false); refreshSnapshot(); }
  }
  lastToday = today;
  showBanner();
}

/* ---- the offline snapshot ---- */
function loadSnapshot() {
  snap = checkpoint ? store.load('snap.' + checkpoint, null) : null;
  index = indexSnapshot(snap && snap.data);
  local = checkpoint ? store.load('local.' + checkpoint, {}) : {};
  showSnapInfo();
}

function showSnapInfo() {
  const el = $('door-snap');
  if (!checkpoint) { el.textContent = T.chooseCheckpoint; return; }
  el.textContent = snap && snap.data ? fmt(T.snapshot, {n: snap.data.participants.length, time: hm(snap.at)}) : T.noSnapshot;
}

function showNet() { ui.showNet(state); }
function markOffline() { state.offlineUntil = Date.now() + 5000; showNet(); }

function refreshSnapshot() {
  if (!checkpoint) return Promise.resolve();
  const cp = checkpoint, current = store.load('snap.' + cp, null);
  const ctrl = window.AbortController ? new AbortController() : null;
  const timer = setTimeout(() => { if (ctrl) ctrl.abort(); }, 10000);
  const headers = {'Accept': 'application/json'};
  if (current && current.etag) headers['If-None-Match'] = current.etag;
  return fetch(cfg.api + '/checkin-snapshot?checkpoint=' + cp, {headers, credentials: 'same-origin', cache: 'no-store',
                                                                signal: ctrl ? ctrl.signal : undefined})
    .then((r) => {
      clearTimeout(timer);
      if (r.status === 304 && current) { current.at = Date.now(); store.save('snap.' + cp, current); return; }
      if (r.status === 401) { state.loginNeeded = true; showNet(); return; }
      if (!r.ok) return;
      return r.json().then((data) => { store.save('snap.' + cp, {etag: r.headers.get('ETag'), at: Date.now(), data}); });
    })
    .then(() => { if (cp === checkpoint) loadSnapshot(); }, () => clearTimeout(timer));
}

function judgeOffline(item) {
  const answer = judge(item, snap && snap.data, index, local, {
    hm, timeZone: cfg.timezone, day: optionDay(checkpoint), dayMarginHours: cfg.dayMarginHours});
  if (answer.record) { local[answer.participant.id] = answer.checked_in_local; store.save('local.' + checkpoint, local); }
  delete answer.record;
  return answer;
}

/* ---- recent scans and undo ---- */
function findRecent(id) { return state.recent.filter((e) => e.uuid === id)[0]; }
function renderRecent() { ui.renderRecent(state.recent, undo); }

function remember(item, answer, offline) {
  state.recent.unshift({uuid: item.client_uuid, at: item.scanned_at, result: answer.result, offline: !!offline,
                        name: answer.participant ? answer.participant.name : item.code.slice(0, 40),
                        pid: answer.participant ? answer.participant.id : null,
                        checkin: answer.checkin_id || null, checkpoint: item.checkpoint});
  state.recent = state.recent.slice(0, 20);
  store.save('recent', state.recent);
  renderRecent();
}

/* Undo works on the check-in id; the device's own record is cleared for that participant id, never by name. */
function undo(entry) {
  if (!entry || !entry.checkin) return;
  api('DELETE', '/checkins/' + entry.checkin, undefined, 5000).then((r) => {
    if (r.status === 200 || r.status === 404) {
      entry.result = 'undone'; entry.checkin = null;
      const cpLocal = store.load('local.' + entry.checkpoint, {});
      if (entry.pid) {
        delete cpLocal[entry.pid]; store.save('local.' + entry.checkpoint, cpLocal);
        if (String(entry.checkpoint) === String(checkpoint)) { delete local[entry.pid]; if (index.byId[entry.pid]) index.byId[entry.pid].at = ''; }
      }
      store.save('recent', state.recent); renderRecent();
      ui.showUndone(entry.name);
    } else {
      ui.showTitle(T.undoFailed + ': ' + ((r.body && r.body.message) || r.status));
    }
  }, () => ui.showTitle(T.undoFailed + ' · ' + T.offline));
}

function announce(answer) {
  // For other door modules (e.g. the signature pad): a check-in was just recorded on the server.
  if (answer.result === 'ok' && answer.checkin_id) {
    document.dispatchEvent(new CustomEvent('plm:checked-in', {detail: {checkin_id: answer.checkin_id, participant: answer.participant}}));
  }
}

/* ---- the queue ---- */
function renderNotSent() { ui.renderNotSent(state.notSent); }
const sync = createSync(state, store, api, {
  markOffline, showNet, refreshSnapshot, findRecent,
  changed() { showNet(); renderRecent(); renderNotSent(); },
  triesText: (n) => fmt(T.tries, {n}), wrongDayText: T.wrong_day,
});
const flush = sync.flush;

/* ---- the scan itself ---- */
function show(answer, item, offline) {
  ui.show(answer, item, offline, {
    override: () => handle(item.code, item.source, {override: true}),
    correction: () => handle(item.code, item.source, {correction: true}),
    undo: () => undo(findRecent(item.client_uuid)),
  });
}

function handle(code, source, opts) {
  code = String(code || '').trim();
  if (!code) return;
  if (!checkpoint) { show({result: 'invalid', participant: null, message: T.chooseCheckpoint}, null, false); ui.showTitle(T.chooseCheckpoint); return; }
  const item = {code: code.slice(0, 200), checkpoint: Number(checkpoint), client_uuid: uuid(), scanned_at: new Date().toISOString(),
                device: doorName.value.trim().slice(0, 60), source: source || 'qr'};
  if (opts && opts.override) item.override = true;
  if (correction || (opts && opts.correction)) item.correction = true;
  Object.defineProperty(item, 't0', {value: opts && opts.t0, enumerable: false});
  const goOffline = () => {
    markOffline();
    const judged = judgeOffline(item);
    // A scan the server would refuse as another day's is not queued: "record anyway" queues it as a correction.
    if (judged.result !== 'wrong_day') { sync.enqueue(item); showNet(); }
    show(judged, item, true);
    remember(item, judged, judged.result !== 'wrong_day');
  };
  if (Date.now() < state.offlineUntil || state.queue.length && !navigator.onLine) { goOffline(); return; }
  api('POST', '/checkins', item).then((r) => {
    if (r.status === 200 || r.status === 201) {
      state.offlineUntil = 0; showNet();
      const p = r.body.participant;
      if (p && (r.body.result === 'ok' || r.body.result === 'already')) { local[p.id] = r.body.checked_in_local; store.save('local.' + checkpoint, local); }
      show(r.body, item, false);
      remember(item, r.body, false);
      announce(r.body);
    } else if (r.status === 401) {
      state.loginNeeded = true; goOffline();
    } else if (r.status >= 500 || r.status === 429 || !r.body) {
      goOffline();
    } else {
      show({result: 'invalid', participant: null, message: (r.body && r.body.message) || T.error}, item, false);
      ui.showTitle(T.error + ': ' + ((r.body && r.body.message) || r.status));
    }
  }, goOffline);
}

/* ---- the not-sent list ---- */
$('door-notsent-csv').addEventListener('click', () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([notSentCsv(state.notSent)], {type: 'text/csv;charset=utf-8'}));
  a.download = 'plm-not-sent-' + cfg.event + '-' + new Date().toISOString().slice(0, 10) + '.csv';
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
});
$('door-notsent-retry').addEventListener('click', () => sync.retryAll());

/* ---- inputs ---- */
function focusCode() { if (!cameraOn) codeInput.focus(); }  // no soft keyboard over the camera view
$('door-wedge').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = codeInput.value;
  codeInput.value = '';
  handle(value, /^PLM1:/i.test(value.trim()) ? 'qr' : 'manual');
  codeInput.focus();
});

select.addEventListener('change', () => { choose(select.value || null); focusCode(); });
doorName.addEventListener('change', () => store.setGlobal('plm.door.name', doorName.value.trim().slice(0, 60)));

// A keyboard-wedge scanner types into whatever has focus: bring the focus back to the code field.
document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (t === codeInput || (t && /^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(t.tagName))) return;
  if (e.key && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) codeInput.focus();
});

/* ---- name search: ranked like the server's (plm.checkin.service.match_rank) ---- */
let searchTimer = null;
$('door-q').addEventListener('input', () => {
  clearTimeout(searchTimer);
  if ($('door-q').value.trim().length < 2) { search(); return; }  // an emptied box clears at once
  searchTimer = setTimeout(search, 250);
});
$('door-search').addEventListener('submit', (e) => { e.preventDefault(); search(); });

function searchOffline(q) { return rankOffline(index, local, q); }

const hitActions = {
  checkIn(p) { handle(p.id, 'manual'); $('door-q').value = ''; $('door-hits').textContent = ''; focusCode(); },
  reinstate(p) {
    const body = new URLSearchParams({status: 'registered', csrf_token: csrf});
    return fetch(cfg.reinstate.replace('PUBLICID', encodeURIComponent(p.id)), {
      method: 'POST', credentials: 'same-origin', body, headers: {'X-CSRFToken': csrf}
    }).then((r) => r.ok, () => false);
  },
};

function search() {
  const q = $('door-q').value.trim(), hits = $('door-hits');
  if (q.length < 2) { hits.textContent = ''; if (q) ui.addHint(hits, T.typeMore); return; }
  const current = () => $('door-q').value.trim() === q;  // answers for an older query are dropped
  const offline = () => { if (current()) ui.renderHits(searchOffline(q), hitActions); };
  if (Date.now() < state.offlineUntil) { offline(); return; }
  api('GET', '/participants?q=' + encodeURIComponent(q) + (checkpoint ? '&checkpoint=' + checkpoint : ''))
    .then((r) => { if (r.status !== 200) offline(); else if (current()) ui.renderHits(r.body.results, hitActions); },
          () => { markOffline(); offline(); });
}

/* ---- camera and walk-in ---- */
setupCamera({vendor: cfg.vendor, texts: T, onMode: (on) => { cameraOn = on; },
             onCode: (text, t0) => handle(text, 'qr', {t0})});

function updateWalkIn() {
  const link = $('door-walkin');
  if (link && cfg.walkIn) link.href = cfg.walkIn + '?return_to=door' + (checkpoint ? '&checkpoint=' + checkpoint : '');
}

/* ---- start ---- */
window.addEventListener('online', () => { state.offlineUntil = 0; showNet(); flush(); });
window.addEventListener('offline', showNet);
let pageCached = Promise.resolve(false);
if ('serviceWorker' in navigator && cfg.worker) {
  navigator.serviceWorker.register(cfg.worker, {scope: '/staff/'}).catch(() => {});
  // This first visit did not go through the worker: put the page itself in its cache now.
  pageCached = navigator.serviceWorker.ready.then(() => caches.open('plm-door-' + cfg.assets)
    .then((cache) => cache.add(window.location.pathname))).then(() => true, () => false);
}
startCheckpoint();
lastToday = clock.today();
renderRecent();
renderNotSent();
showNet();
refreshSnapshot();
setInterval(refreshSnapshot, SNAPSHOT_EVERY);
setInterval(() => { showNet(); flush(); watchMidnight(); }, SYNC_EVERY);
flush();
if (cfg.checkin) {
  // Back from the walk-in form: check the new participant in here.
  if (window.history.replaceState) {
    window.history.replaceState(null, '', window.location.pathname + (checkpoint ? '?checkpoint=' + checkpoint : ''));
  }
  handle(cfg.checkin, 'walk-in');
}
focusCode();
window.plmDoor = {pageCached, queue: () => state.queue.slice(), notSent: () => state.notSent.slice(),
                  flush, refreshSnapshot, sha256, today: clock.today,
                  timings: () => ui.timings.slice(), searchOffline};
