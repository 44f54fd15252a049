/* Storage (localStorage, per event) and the queue: offline scans are sent later (same client_uuid, time);
   one the server keeps refusing is set aside in the not-sent list, the rest keep flowing. */

export const MAX_TRIES = 3;

export function storage(event) {
  const store = window.localStorage, K = 'plm.door.' + event + '.';
  return {
    load(key, fallback) {
      try { const v = store.getItem(K + key); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
    },
    save(key, value) {
      try { store.setItem(K + key, JSON.stringify(value)); } catch (e) { /* storage full: keep going in memory */ }
    },
    getGlobal(key) { return store.getItem(key); },
    setGlobal(key, value) { store.setItem(key, value); },
  };
}

/* JSON calls with a timeout: {status, body, headers}, or a rejection when unreachable. */
export function apiClient(base, csrf, defaultTimeout) {
  return function api(method, path, body, timeout) {
    const ctrl = window.AbortController ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), timeout || defaultTimeout) : null;
    const headers = {'Accept': 'application/json', 'X-CSRFToken': csrf};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(base + path, {method, headers, credentials: 'same-origin',
                               body: body === undefined ? undefined : JSON.stringify(body),
                               signal: ctrl ? ctrl.signal : undefined})
      .then((r) => {
        clearTimeout(timer);
        if (r.status === 304) return {status: 304, body: null, headers: r.headers};
        return r.json().catch(() => null).then((j) => ({status: r.status, body: j, headers: r.headers}));
      }, (err) => { clearTimeout(timer); throw err; });
  };
}

export function transient(status) { return status === 408 || status === 429 || status === 502 || status === 503 || status === 504; }

function reasonOf(r) {
  return (r.body && (r.body.message || r.body.error)) ? (r.body.message || r.body.error) + ' (' + r.status + ')' : 'HTTP ' + r.status;
}

/* *state*: queue, notSent, recent, loginNeeded, offlineUntil (shared with main.js). */
export function createSync(state, store, api, hooks) {
  let syncing = false;

  function enqueue(item) { state.queue.push(item); store.save('queue', state.queue); }

  function setAside(item, reason) {
    state.queue = state.queue.filter((q) => q.client_uuid !== item.client_uuid);
    store.save('queue', state.queue);
    state.notSent.push({item, reason: String(reason).slice(0, 200), at: new Date().toISOString()});
    store.save('notsent', state.notSent);
    const entry = hooks.findRecent(item.client_uuid);
    if (entry) { entry.offline = false; entry.result = 'not_sent'; store.save('recent', state.recent); }
  }

  function flush() {
    if (syncing || !state.queue.length || state.loginNeeded && !navigator.onLine) return;
    syncing = true;
    const pending = state.queue.slice();  // one pass; what comes back refused is retried on the next pass
    const done = () => { syncing = false; hooks.changed(); };
    const next = () => {
      if (!pending.length) { done(); if (!state.queue.length) hooks.refreshSnapshot(); return; }
      const item = pending.shift();
      const body = {};
      Object.keys(item).forEach((k) => { if (k !== 'tries') body[k] = item[k]; });
      if (body.source === 'qr') body.source = 'offline-sync';
      api('POST', '/checkins', body, 8000).then((r) => {
        if (r.status === 401) { state.loginNeeded = true; done(); return; }
        if (transient(r.status) || (r.status >= 500 && !r.body)) { hooks.markOffline(); done(); return; }  // server away: all wait
        state.loginNeeded = false; state.offlineUntil = 0;
        if (r.status >= 500) {
          item.tries = (item.tries || 0) + 1;
          if (item.tries >= MAX_TRIES) setAside(item, reasonOf(r) + ' · ' + hooks.triesText(item.tries));
          else store.save('queue', state.queue);
        } else if (r.status >= 400) {
          setAside(item, reasonOf(r));
        } else if (r.body && r.body.result === 'wrong_day') {
          setAside(item, r.body.message || hooks.wrongDayText);
        } else {
          state.queue = state.queue.filter((q) => q.client_uuid !== item.client_uuid);
          store.save('queue', state.queue);
          const entry = hooks.findRecent(item.client_uuid);
          if (entry) {
            entry.offline = false;
            if (r.body.result) { entry.result = r.body.result; entry.checkin = r.body.checkin_id || null; }
            store.save('recent', state.recent);
          }
        }
        hooks.showNet();
        next();
      }, () => { hooks.markOffline(); done(); });
    };
    next();
  }

  /* Everything in the not-sent list goes back in the queue, with its tries reset. */
  function retryAll() {
    state.notSent.forEach((n) => { n.item.tries = 0; state.queue.push(n.item); });
    state.notSent = []; store.save('notsent', state.notSent); store.save('queue', state.queue);
    hooks.changed();
    flush();
  }

  return {enqueue, flush, retryAll, setAside};
}

function csvCell(v) {
  let s = String(v == null ? '' : v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // no formulas when opened in a spreadsheet
  return '"' + s.replace(/"/g, '""') + '"';
}

/* The not-sent list as CSV text (BOM, CRLF) for the organiser's spreadsheet. */
export function notSentCsv(notSent) {
  const rows = [['scanned_at', 'code', 'checkpoint', 'door', 'source', 'client_uuid', 'reason']];
  notSent.forEach((n) => {
    rows.push([n.item.scanned_at, n.item.code, n.item.checkpoint, n.item.device, n.item.source, n.item.client_uuid, n.reason]);
  });
  return '\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
