/* PLM door scanner: camera (BarcodeDetector or the vendored qr-scanner), USB/Bluetooth keyboard
   scanner, name search; judges scans against an offline snapshot when the network is slow or gone,
   queues them in localStorage and sends them (same client_uuid, original time) when it returns. */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('door-config').textContent);
  var T = JSON.parse(document.getElementById('door-texts').textContent);
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var $ = function (id) { return document.getElementById(id); };
  var store = window.localStorage;
  var K = 'plm.door.' + cfg.event + '.';
  var TIMEOUT = 1500, SYNC_EVERY = 5000, SNAPSHOT_EVERY = 60000, SAME_CODE_MS = 3000;
  var hm = new Intl.DateTimeFormat('en-GB', {hour: '2-digit', minute: '2-digit', timeZone: cfg.timezone || undefined});

  function load(key, fallback) {
    try { var v = store.getItem(K + key); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { store.setItem(K + key, JSON.stringify(value)); } catch (e) { /* storage full: keep going in memory */ }
  }
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) { return values[k] == null ? '' : values[k]; });
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function fold(s) {
    return String(s || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  /* SHA-256 (hex) in plain JS: crypto.subtle only exists on HTTPS/localhost, the door may be on plain LAN HTTP. */
  var sha256 = (function () {
    var k = [], i, j;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    for (i = 2, j = 0; j < 64; i++) {
      var prime = true;
      for (var d = 2; d * d <= i; d++) if (i % d === 0) { prime = false; break; }
      if (prime) { k[j++] = frac(Math.pow(i, 1 / 3)); }
    }
    return function (text) {
      var bytes = unescape(encodeURIComponent(text)), n = bytes.length, words = [], h, w = [], a, t1, t2;
      h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
      for (i = 0; i < n; i++) words[i >> 2] |= bytes.charCodeAt(i) << (24 - (i % 4) * 8);
      words[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
      words[((n + 8) >> 6 << 4) + 15] = n * 8;
      for (var blk = 0; blk < words.length; blk += 16) {
        a = h.slice();
        for (i = 0; i < 64; i++) {
          if (i < 16) w[i] = words[blk + i] | 0;
          else {
            var x = w[i - 15], y = w[i - 2];
            w[i] = (((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + w[i - 16] +
                    ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10)) + w[i - 7]) | 0;
          }
          var e = a[4];
          t1 = (a[7] + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
                ((e & a[5]) ^ (~e & a[6])) + k[i] + w[i]) | 0;
          var b0 = a[0];
          t2 = (((b0 >>> 2 | b0 << 30) ^ (b0 >>> 13 | b0 << 19) ^ (b0 >>> 22 | b0 << 10)) +
                ((b0 & a[1]) ^ (b0 & a[2]) ^ (a[1] & a[2]))) | 0;
          a = [(t1 + t2) | 0].concat(a.slice(0, 7));
          a[4] = (a[4] + t1) | 0;
        }
        for (i = 0; i < 8; i++) h[i] = (h[i] + a[i]) | 0;
      }
      return h.map(function (v) { return ('00000000' + (v >>> 0).toString(16)).slice(-8); }).join('');
    };
  })();

  /* ---- state ---- */
  var select = $('door-checkpoint'), doorName = $('door-name'), codeInput = $('door-code');
  var checkpoint = cfg.checkpoint || load('checkpoint', null);
  var queue = load('queue', []);
  var recent = load('recent', []);
  var snap = null, byDigest = {}, byId = {}, local = {};
  var offlineUntil = 0, syncing = false, loginNeeded = false;
  doorName.value = store.getItem('plm.door.name') || '';

  function checkpointOption() { return select.querySelector('option[value="' + checkpoint + '"]'); }
  if (checkpoint && !checkpointOption()) checkpoint = null;
  select.value = checkpoint ? String(checkpoint) : '';

  function loadSnapshot() {
    snap = checkpoint ? load('snap.' + checkpoint, null) : null;
    byDigest = {}; byId = {};
    local = checkpoint ? load('local.' + checkpoint, {}) : {};
    if (snap && snap.data) {
      snap.data.participants.forEach(function (row) {
        var p = {id: row[0], name: row[1], institution: row[2], province: row[3], status: row[4],
                 digest: row[5], at: row[6], signed: snap.data.signup_required ? row[7] === 1 : true};
        byDigest[p.digest] = p; byId[p.id] = p;
      });
    }
    showSnapInfo();
  }

  function showSnapInfo() {
    var el = $('door-snap');
    if (!checkpoint) { el.textContent = T.chooseCheckpoint; return; }
    el.textContent = snap && snap.data ? fmt(T.snapshot, {n: snap.data.participants.length, time: hm.format(new Date(snap.at))}) : T.noSnapshot;
  }

  function showNet() {
    var off = Date.now() < offlineUntil || !navigator.onLine;
    var net = $('door-net');
    net.textContent = off ? T.offline : T.online;
    net.className = 'net ' + (off ? 'is-offline' : 'is-online');
    var q = $('door-queue');
    q.hidden = !queue.length;
    q.textContent = fmt(T.queue, {n: queue.length});
    if (loginNeeded) { q.hidden = false; q.textContent = T.loginNeeded + ' (' + queue.length + ')'; }
  }

  /* ---- network ---- */
  function api(method, path, body, timeout) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, timeout || TIMEOUT) : null;
    var headers = {'Accept': 'application/json', 'X-CSRFToken': csrf};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(cfg.api + path, {method: method, headers: headers, credentials: 'same-origin',
                                  body: body === undefined ? undefined : JSON.stringify(body),
                                  signal: ctrl ? ctrl.signal : undefined})
      .then(function (r) {
        clearTimeout(timer);
        if (r.status === 304) return {status: 304, body: null, headers: r.headers};
        return r.json().catch(function () { return null; }).then(function (j) { return {status: r.status, body: j, headers: r.headers}; });
      }, function (err) { clearTimeout(timer); throw err; });
  }

  function markOffline() { offlineUntil = Date.now() + 5000; showNet(); }

  function refreshSnapshot() {
    if (!checkpoint) return Promise.resolve();
    var cp = checkpoint;
    var current = load('snap.' + cp, null);
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, 10000);
    var headers = {'Accept': 'application/json'};
    if (current && current.etag) headers['If-None-Match'] = current.etag;
    return fetch(cfg.api + '/checkin-snapshot?checkpoint=' + cp, {headers: headers, credentials: 'same-origin', cache: 'no-store',
                                                                  signal: ctrl ? ctrl.signal : undefined})
      .then(function (r) {
        clearTimeout(timer);
        if (r.status === 304 && current) { current.at = Date.now(); save('snap.' + cp, current); return; }
        if (r.status === 401) { loginNeeded = true; showNet(); return; }
        if (!r.ok) return;
        return r.json().then(function (data) {
          save('snap.' + cp, {etag: r.headers.get('ETag'), at: Date.now(), data: data});
        });
      })
      .then(function () { if (cp === checkpoint) loadSnapshot(); }, function () { clearTimeout(timer); });
  }

  /* ---- judging offline ---- */
  function judgeOffline(item) {
    var code = item.code.trim().toUpperCase(), p = null, result;
    if (!snap || !snap.data) return {result: 'queued', participant: null};
    if (code.indexOf('PLM1:') === 0) {
      if (code.indexOf(snap.data.prefix) !== 0) return {result: 'wrong_event', participant: null};
      p = byDigest[sha256(code).slice(0, 16)];
      if (!p) return {result: byId[code.split(':')[2]] ? 'invalid' : 'unknown', participant: null};
    } else if (/^[A-Z2-9]{6,16}$/.test(code)) {
      p = byId[code];
      if (!p) return {result: 'unknown', participant: null};
    } else {
      return {result: 'invalid', participant: null};
    }
    var at = local[p.id] || p.at;
    if (p.status === 'c') result = 'cancelled';
    else if (p.status !== 'r') result = 'invalid';
    else if (at) result = 'already';
    else if (!p.signed && !item.override) result = 'not_signed_up';
    else {
      result = 'ok';
      at = hm.format(new Date(item.scanned_at));
      local[p.id] = at; save('local.' + checkpoint, local);
    }
    return {result: result, participant: {id: p.id, name: p.name, institution: p.institution, province: p.province},
            checked_in_local: at || null, by: result === 'already' ? '' : item.device, reason: p.status === 'w' ? 'waitlisted' : undefined};
  }

  /* ---- feedback ---- */
  var audio = null;
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
      var tones = kind === 'ok' ? [[880, 0, 0.12]] : kind === 'warn' ? [[520, 0, 0.1], [520, 0.16, 0.1]] : [[220, 0, 0.45]];
      tones.forEach(function (t) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = t[0]; o.type = 'square'; g.gain.value = 0.08;
        o.connect(g); g.connect(audio.destination);
        o.start(audio.currentTime + t[1]); o.stop(audio.currentTime + t[1] + t[2]);
      });
    } catch (e) { /* no audio: the colour still tells */ }
    if (navigator.vibrate) navigator.vibrate(kind === 'ok' ? 80 : kind === 'warn' ? [60, 60, 60] : 400);
  }

  var idleTimer = null;
  function show(answer, item, offline) {
    var r = answer.result, box = $('door-result'), p = answer.participant;
    var tone = r === 'ok' ? 'ok' : (r === 'already' || r === 'not_signed_up' || r === 'queued') ? 'warn' : 'bad';
    box.className = 'door-result is-' + tone + (offline ? ' is-offline' : '');
    box.setAttribute('data-result', r);
    var title;
    if (r === 'already' && answer.checked_in_local) title = fmt(T.alreadyAt, {time: answer.checked_in_local, by: answer.by || '?'}).replace(/, \?$/, '');
    else if (r === 'invalid' && answer.reason === 'waitlisted') title = T.waitlisted;
    else if (r === 'queued') title = T.noSnapshot;
    else title = T[r] || answer.message || r;
    $('door-result-title').textContent = title + (offline ? ' · ' + T.offline : '');
    $('door-result-name').textContent = p ? p.name : '';
    $('door-result-detail').textContent = p && r !== 'wrong_event' ? [p.institution, p.province].filter(Boolean).join(' · ') : '';
    var actions = $('door-result-actions');
    actions.textContent = '';
    if (r === 'not_signed_up' && item) {
      addButton(actions, T.override, 'btn btn-primary', function () {
        handle(item.code, item.source, {override: true});
      });
    }
    if (cfg.badge && p && (r === 'ok' || r === 'already')) {
      var a = document.createElement('a');
      a.className = 'btn'; a.textContent = T.printBadge; a.target = '_blank'; a.rel = 'noopener';
      a.href = cfg.badge.replace('PUBLICID', encodeURIComponent(p.id));
      actions.appendChild(a);
    }
    beep(tone);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      box.className = 'door-result is-idle';
      box.removeAttribute('data-result');
      $('door-result-title').textContent = T.ready;
      $('door-result-name').textContent = ''; $('door-result-detail').textContent = ''; actions.textContent = '';
    }, 8000);
  }

  function addButton(parent, label, cls, onclick) {
    var b = document.createElement('button');
    b.type = 'button'; b.className = cls; b.textContent = label;
    b.addEventListener('click', onclick);
    parent.appendChild(b);
    return b;
  }

  function remember(item, answer, offline) {
    recent.unshift({uuid: item.client_uuid, at: item.scanned_at, result: answer.result, offline: !!offline,
                    name: answer.participant ? answer.participant.name : item.code.slice(0, 40),
                    checkin: answer.checkin_id || null, checkpoint: item.checkpoint});
    recent = recent.slice(0, 20);
    save('recent', recent);
    renderRecent();
  }

  function renderRecent() {
    var list = $('door-recent');
    list.textContent = '';
    recent.forEach(function (entry) {
      var li = document.createElement('li');
      li.className = 'r-' + entry.result + (entry.offline ? ' is-offline' : '');
      var time = document.createElement('span');
      time.className = 'muted';
      time.textContent = hm.format(new Date(entry.at)) + ' ';
      li.appendChild(time);
      li.appendChild(document.createTextNode(entry.name + ' — ' + (T[entry.result] || entry.result) + (entry.offline ? ' (' + T.queued + ')' : '')));
      var fresh = Date.now() - new Date(entry.at).getTime() < 15 * 60 * 1000;
      if (entry.checkin && entry.result === 'ok' && (fresh || cfg.isAdmin)) {
        addButton(li, T.undo, 'btn btn-small btn-danger', function () { undo(entry); });
      }
      list.appendChild(li);
    });
  }

  function undo(entry) {
    api('DELETE', '/checkins/' + entry.checkin, undefined, 5000).then(function (r) {
      if (r.status === 200 || r.status === 404) {
        entry.result = 'undone'; entry.checkin = null;
        var p = Object.keys(byId).filter(function (id) { return byId[id].name === entry.name; })[0];
        if (p) { delete local[p]; byId[p].at = ''; save('local.' + checkpoint, local); }
        save('recent', recent); renderRecent();
        $('door-result').className = 'door-result is-warn';
        $('door-result-title').textContent = T.undone; $('door-result-name').textContent = entry.name;
        $('door-result-detail').textContent = ''; $('door-result-actions').textContent = '';
      } else {
        $('door-result-title').textContent = T.undoFailed + ': ' + ((r.body && r.body.message) || r.status);
      }
    }, function () { $('door-result-title').textContent = T.undoFailed + ' · ' + T.offline; });
  }

  /* ---- the scan itself ---- */
  function handle(code, source, opts) {
    code = String(code || '').trim();
    if (!code) return;
    if (!checkpoint) { show({result: 'invalid', participant: null, message: T.chooseCheckpoint}, null, false); $('door-result-title').textContent = T.chooseCheckpoint; return; }
    var item = {code: code.slice(0, 200), checkpoint: Number(checkpoint), client_uuid: uuid(), scanned_at: new Date().toISOString(),
                device: doorName.value.trim().slice(0, 60), source: source || 'qr'};
    if (opts && opts.override) item.override = true;
    var goOffline = function () {
      markOffline();
      var judged = judgeOffline(item);
      queue.push(item); save('queue', queue); showNet();
      show(judged, item, true);
      remember(item, judged, true);
    };
    if (Date.now() < offlineUntil || queue.length && !navigator.onLine) { goOffline(); return; }
    api('POST', '/checkins', item).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        offlineUntil = 0; showNet();
        var p = r.body.participant;
        if (p && (r.body.result === 'ok' || r.body.result === 'already')) { local[p.id] = r.body.checked_in_local; save('local.' + checkpoint, local); }
        show(r.body, item, false);
        remember(item, r.body, false);
      } else if (r.status === 401) {
        loginNeeded = true; goOffline();
      } else if (r.status >= 500 || r.status === 429 || !r.body) {
        goOffline();
      } else {
        show({result: 'invalid', participant: null, message: (r.body && r.body.message) || T.error}, item, false);
        $('door-result-title').textContent = T.error + ': ' + ((r.body && r.body.message) || r.status);
      }
    }, goOffline);
  }

  function flush() {
    if (syncing || !queue.length || loginNeeded && !navigator.onLine) return;
    syncing = true;
    var item = queue[0];
    var body = {};
    Object.keys(item).forEach(function (k) { body[k] = item[k]; });
    if (body.source === 'qr') body.source = 'offline-sync';
    api('POST', '/checkins', body, 8000).then(function (r) {
      syncing = false;
      if (r.status === 401) { loginNeeded = true; showNet(); return; }
      if (r.status >= 500 || r.status === 429 || !r.body) { markOffline(); return; }
      loginNeeded = false;
      queue.shift(); save('queue', queue);
      recent.forEach(function (entry) {
        if (entry.uuid === item.client_uuid) {
          entry.offline = false;
          if (r.body.result) { entry.result = r.body.result; entry.checkin = r.body.checkin_id || null; }
        }
      });
      save('recent', recent); renderRecent();
      offlineUntil = 0; showNet();
      if (queue.length) flush(); else refreshSnapshot();
    }, function () { syncing = false; markOffline(); });
  }

  /* ---- inputs ---- */
  $('door-wedge').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = codeInput.value;
    codeInput.value = '';
    handle(value, /^PLM1:/i.test(value.trim()) ? 'qr' : 'manual');
    codeInput.focus();
  });

  select.addEventListener('change', function () {
    checkpoint = select.value || null;
    save('checkpoint', checkpoint);
    loadSnapshot();
    refreshSnapshot();
    updateWalkIn();
    codeInput.focus();
  });
  doorName.addEventListener('change', function () { store.setItem('plm.door.name', doorName.value.trim().slice(0, 60)); });

  // A keyboard-wedge scanner types into whatever has focus: bring the focus back to the code field.
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t === codeInput || (t && /^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(t.tagName))) return;
    if (e.key && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) codeInput.focus();
  });

  var searchTimer = null;
  $('door-q').addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 250);
  });
  $('door-search').addEventListener('submit', function (e) { e.preventDefault(); search(); });

  function search() {
    var q = $('door-q').value.trim(), hits = $('door-hits');
    if (q.length < 2) { hits.textContent = ''; if (q) addHint(hits, T.typeMore); return; }
    var local_ = function () {
      var words = fold(q).split(/\s+/);
      var rows = Object.keys(byId).map(function (id) { return byId[id]; }).filter(function (p) {
        var hay = fold(p.name + ' ' + p.institution);
        return words.every(function (w) { return hay.indexOf(w) >= 0; });
      }).slice(0, 20).map(function (p) {
        return {id: p.id, name: p.name, institution: p.institution, province: p.province,
                status: {r: 'registered', w: 'waitlisted', c: 'cancelled'}[p.status], checked_in_local: local[p.id] || p.at};
      });
      renderHits(rows);
    };
    if (Date.now() < offlineUntil) { local_(); return; }
    api('GET', '/participants?q=' + encodeURIComponent(q) + (checkpoint ? '&checkpoint=' + checkpoint : ''))
      .then(function (r) { if (r.status === 200) renderHits(r.body.results); else local_(); }, function () { markOffline(); local_(); });
  }

  function addHint(list, text) {
    var li = document.createElement('li'); li.className = 'muted'; li.textContent = text; list.appendChild(li);
  }

  function renderHits(rows) {
    var hits = $('door-hits');
    hits.textContent = '';
    if (!rows.length) { addHint(hits, T.noResults); return; }
    rows.forEach(function (p) {
      var li = document.createElement('li');
      var text = document.createElement('div');
      var name = document.createElement('strong'); name.textContent = p.name;
      var sub = document.createElement('span'); sub.className = 'muted small';
      sub.textContent = [p.institution, p.province].filter(Boolean).join(' · ') +
        (p.status && p.status !== 'registered' ? ' · ' + (T[p.status] || p.status) : '') +
        (p.checked_in_local ? ' · ' + fmt(T.checkedAt, {time: p.checked_in_local}) : '');
      text.appendChild(name); text.appendChild(document.createElement('br')); text.appendChild(sub);
      li.appendChild(text);
      addButton(li, T.checkIn, 'btn btn-primary btn-small', function () {
        handle(p.id, 'manual');
        $('door-q').value = ''; hits.textContent = '';
        codeInput.focus();
      });
      hits.appendChild(li);
    });
  }

  /* ---- camera ---- */
  var scanner = null, lastCamera = {code: '', t: 0};
  function onCamera(text) {
    var now = Date.now();
    if (text === lastCamera.code && now - lastCamera.t < SAME_CODE_MS) return;  // same badge still in view
    lastCamera = {code: text, t: now};
    handle(text, 'qr');
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.QrScanner) return resolve();
      var s = document.createElement('script');
      s.src = src; s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  $('door-camera-btn').addEventListener('click', function () {
    var btn = this, video = $('door-video');
    if (scanner) {
      scanner.stop(); scanner.destroy(); scanner = null;
      video.hidden = true; btn.textContent = T.cameraStart; return;
    }
    loadScript(cfg.vendor).then(function () {
      video.hidden = false;
      scanner = new window.QrScanner(video, function (result) { onCamera(result.data || result); },
        {returnDetailedScanResult: true, preferredCamera: 'environment', maxScansPerSecond: 8,
         highlightScanRegion: false, onDecodeError: function () {}});
      return scanner.start();
    }).then(function () {
      btn.textContent = T.cameraStop;
    }, function () {
      video.hidden = true; scanner = null;
      $('door-result').className = 'door-result is-bad';
      $('door-result-title').textContent = T.cameraError;
    });
  });

  /* ---- walk-in ---- */
  function updateWalkIn() {
    var link = $('door-walkin');
    if (link && cfg.walkIn) link.href = cfg.walkIn + '?return_to=door' + (checkpoint ? '&checkpoint=' + checkpoint : '');
  }

  /* ---- start ---- */
  window.addEventListener('online', function () { offlineUntil = 0; showNet(); flush(); });
  window.addEventListener('offline', showNet);
  if ('serviceWorker' in navigator && cfg.worker) {
    navigator.serviceWorker.register(cfg.worker, {scope: '/staff/'}).catch(function () {});
    // This first visit did not go through the worker: put the page itself in its cache now.
    var pageCached = navigator.serviceWorker.ready.then(function () {
      return caches.open('plm-door-' + cfg.assets).then(function (cache) { return cache.add(window.location.pathname); });
    }).then(function () { return true; }, function () { return false; });
  }
  loadSnapshot();
  renderRecent();
  updateWalkIn();
  showNet();
  refreshSnapshot();
  setInterval(refreshSnapshot, SNAPSHOT_EVERY);
  setInterval(function () { showNet(); flush(); }, SYNC_EVERY);
  flush();
  if (cfg.checkin) {
    // Back from the walk-in form: check the new participant in here.
    if (window.history.replaceState) {
      window.history.replaceState(null, '', window.location.pathname + (checkpoint ? '?checkpoint=' + checkpoint : ''));
    }
    handle(cfg.checkin, 'walk-in');
  }
  codeInput.focus();
  window.plmDoor = {pageCached: typeof pageCached === 'undefined' ? Promise.resolve(false) : pageCached,
                  queue: function () { return queue.slice(); }, flush: flush, refreshSnapshot: refreshSnapshot, sha256: sha256};
})();
