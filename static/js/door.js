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
    // As plm.text.fold_for_search: accents off, lower case, runs of spaces as one.
    return String(s || '').normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
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

  /* ---- the event's clock: "today" comes from the server-rendered time, in the event's timezone ---- */
  var clock = (function () {
    var pageNow = Date.parse(cfg.now || ''), stored = load('clock', null), skew = 0;
    // A page served by the service worker while offline carries an old time: keep the last fresh one then.
    if (pageNow && (!stored || pageNow >= stored.server)) {
      skew = pageNow - Date.now();
      save('clock', {server: pageNow, skew: skew});
    } else if (stored) {
      skew = stored.skew;
    }
    var ymd = new Intl.DateTimeFormat('en-CA', {year: 'numeric', month: '2-digit', day: '2-digit', timeZone: cfg.timezone || undefined});
    return {
      now: function () { return Date.now() + skew; },
      today: function () {
        var parts = {};
        ymd.formatToParts(new Date(Date.now() + skew)).forEach(function (x) { parts[x.type] = x.value; });
        return parts.year + '-' + parts.month + '-' + parts.day;
      }
    };
  })();
  var dayLabel = new Intl.DateTimeFormat(document.documentElement.lang || 'id', {weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC'});
  function showDay(iso) { return iso ? dayLabel.format(new Date(iso + 'T12:00:00Z')) : ''; }

  /* ---- state ---- */
  var select = $('door-checkpoint'), doorName = $('door-name'), codeInput = $('door-code');
  var checkpoint = null, correction = false;
  var queue = load('queue', []);
  var notSent = load('notsent', []);
  var recent = load('recent', []);
  var snap = null, byDigest = {}, byId = {}, local = {};
  var offlineUntil = 0, syncing = false, loginNeeded = false, cameraOn = false;
  doorName.value = store.getItem('plm.door.name') || '';

  function option(id) { return id ? select.querySelector('option[value="' + id + '"]') : null; }
  function optionDay(id) { var o = option(id); return o ? o.getAttribute('data-day') || '' : ''; }
  function optionLabel(id) { var o = option(id); return o ? o.textContent.trim() : ''; }
  function todaysDay() {
    var today = clock.today();
    var o = select.querySelector('option[data-kind="day"][data-day="' + today + '"]');
    return o ? o.value : null;
  }
  function isToday(id) { var d = optionDay(id); return !d || d === clock.today(); }

  /* Use a checkpoint; one that is not today only after the volunteer confirmed it (then scans carry correction). */
  function useCheckpoint(id, confirmed) {
    checkpoint = id && option(id) ? String(id) : null;
    correction = !!(checkpoint && confirmed && !isToday(checkpoint));
    select.value = checkpoint || '';
    save('choice', checkpoint ? {id: checkpoint, date: clock.today(), confirmed: correction} : null);
    loadSnapshot();
    updateWalkIn();
    showBanner();
  }

  function choose(id) {
    if (!id || isToday(id)) { hideConfirm(); useCheckpoint(id, false); refreshSnapshot(); return; }
    askConfirm(id);
  }

  function askConfirm(id) {
    var label = optionLabel(id);
    $('door-confirm-text').textContent = fmt(T.notToday, {checkpoint: label, today: showDay(clock.today())}) + ' ' + T.notTodayAsk;
    $('door-confirm-yes').textContent = fmt(T.notTodayYes, {checkpoint: label.split(' · ')[0]});
    $('door-confirm').hidden = false;
    $('door-confirm').setAttribute('data-checkpoint', id);
    select.value = checkpoint || '';
  }
  function hideConfirm() { $('door-confirm').hidden = true; $('door-confirm').removeAttribute('data-checkpoint'); }
  $('door-confirm-yes').addEventListener('click', function () {
    var id = $('door-confirm').getAttribute('data-checkpoint');
    hideConfirm();
    useCheckpoint(id, true);
    refreshSnapshot();
  });
  $('door-confirm-no').addEventListener('click', function () { hideConfirm(); select.value = checkpoint || ''; });
  $('door-today').addEventListener('click', function () { choose(todaysDay()); });

  function showBanner() {
    var banner = $('door-banner'), text = '', today = clock.today(), back = false;
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
    var choice = load('choice', null), today = clock.today();
    var kept = choice && choice.date === today && option(choice.id) ? choice : null;
    var wanted = cfg.checkpoint ? String(cfg.checkpoint) : kept ? String(kept.id) : null;
    if (wanted && option(wanted)) {
      if (isToday(wanted)) { useCheckpoint(wanted, false); return; }
      if (kept && String(kept.id) === wanted && kept.confirmed) { useCheckpoint(wanted, true); return; }
      useCheckpoint(todaysDay(), false);
      askConfirm(wanted);
      return;
    }
    useCheckpoint(todaysDay(), false);
  }

  var lastToday = null;
  function watchMidnight() {
    var today = clock.today();
    if (lastToday && today !== lastToday && !correction) {
      var next = todaysDay();
      if (next !== checkpoint && (!checkpoint || optionDay(checkpoint) === lastToday)) { useCheckpoint(next, false); refreshSnapshot(); }
    }
    lastToday = today;
    showBanner();
  }

  function loadSnapshot() {
    snap = checkpoint ? load('snap.' + checkpoint, null) : null;
    byDigest = {}; byId = {};
    local = checkpoint ? load('local.' + checkpoint, {}) : {};
    if (snap && snap.data) {
      var f = snap.data.fields || [], at = function (name, fallback) { var i = f.indexOf(name); return i < 0 ? fallback : i; };
      var iFull = at('full_name', -1), iSigned = at('signed_up', 7);
      snap.data.participants.forEach(function (row) {
        var p = {id: row[0], name: row[1], institution: row[2], province: row[3], status: row[4],
                 digest: row[5], at: row[6], full_name: iFull >= 0 ? row[iFull] : row[1],
                 signed: snap.data.signup_required ? row[iSigned] === 1 : true};
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
    } else if (item.source !== 'qr' && /^[A-Z2-9]{6,16}$/.test(code)) {
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
    return {result: result, participant: {id: p.id, name: p.name, full_name: p.full_name, institution: p.institution, province: p.province},
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

  var idleTimer = null, timings = [];
  function idle() {
    var box = $('door-result');
    box.className = 'door-result is-idle';
    box.removeAttribute('data-result');
    $('door-result-title').textContent = T.ready;
    $('door-result-name').textContent = ''; $('door-result-detail').textContent = ''; $('door-result-actions').textContent = '';
  }
  function show(answer, item, offline) {
    var r = answer.result, box = $('door-result'), p = answer.participant;
    var tone = r === 'ok' ? 'ok' : (r === 'already' || r === 'not_signed_up' || r === 'queued' || r === 'wrong_day') ? 'warn' : 'bad';
    box.className = 'door-result is-' + tone + (offline ? ' is-offline' : '');
    box.setAttribute('data-result', r);
    var title;
    if (r === 'already' && answer.checked_in_local) title = fmt(T.alreadyAt, {time: answer.checked_in_local, by: answer.by || '?'}).replace(/, \?$/, '');
    else if (r === 'invalid' && answer.reason === 'waitlisted') title = T.waitlisted;
    else if (r === 'queued') title = T.noSnapshot;
    else title = T[r] || answer.message || r;
    $('door-result-title').textContent = title + (offline ? ' · ' + T.offline : '');
    $('door-result-name').textContent = p ? p.name : '';
    var detail = p && r !== 'wrong_event' ? [p.full_name && p.full_name !== p.name ? p.full_name : '', p.institution, p.province].filter(Boolean).join(' · ') : '';
    if (r === 'wrong_day') detail = answer.message || T.wrongDayDetail;
    $('door-result-detail').textContent = detail;
    var actions = $('door-result-actions');
    actions.textContent = '';
    if (r === 'not_signed_up' && item) {
      addButton(actions, T.override, 'btn btn-primary', function () { handle(item.code, item.source, {override: true}); });
    }
    if (r === 'wrong_day' && item) {
      addButton(actions, T.recordAnyway, 'btn btn-warn', function () { handle(item.code, item.source, {correction: true}); });
    }
    if (r === 'ok' && answer.checkin_id && item) {
      addButton(actions, T.undo, 'btn btn-undo', function () { undo(findRecent(item.client_uuid)); });
    }
    if (cfg.badge && p && (r === 'ok' || r === 'already')) {
      var a = document.createElement('a');
      a.className = 'btn'; a.textContent = T.printBadge; a.target = '_blank'; a.rel = 'noopener';
      a.href = cfg.badge.replace('PUBLICID', encodeURIComponent(p.id));
      actions.appendChild(a);
    }
    if (item && item.t0) timings.push(performance.now() - item.t0);
    beep(tone);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(idle, 8000);
  }

  function addButton(parent, label, cls, onclick) {
    var b = document.createElement('button');
    b.type = 'button'; b.className = cls; b.textContent = label;
    b.addEventListener('click', onclick);
    parent.appendChild(b);
    return b;
  }

  function findRecent(uuid_) { return recent.filter(function (e) { return e.uuid === uuid_; })[0]; }

  function remember(item, answer, offline) {
    recent.unshift({uuid: item.client_uuid, at: item.scanned_at, result: answer.result, offline: !!offline,
                    name: answer.participant ? answer.participant.name : item.code.slice(0, 40),
                    pid: answer.participant ? answer.participant.id : null,
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
        addButton(li, T.undo, 'btn btn-small btn-undo', function () { undo(entry); });
      }
      list.appendChild(li);
    });
  }

  /* Undo works on the check-in id; the device's own record is cleared for that participant id, never by name. */
  function undo(entry) {
    if (!entry || !entry.checkin) return;
    api('DELETE', '/checkins/' + entry.checkin, undefined, 5000).then(function (r) {
      if (r.status === 200 || r.status === 404) {
        entry.result = 'undone'; entry.checkin = null;
        var cpLocal = load('local.' + entry.checkpoint, {});
        if (entry.pid) {
          delete cpLocal[entry.pid]; save('local.' + entry.checkpoint, cpLocal);
          if (String(entry.checkpoint) === String(checkpoint)) { delete local[entry.pid]; if (byId[entry.pid]) byId[entry.pid].at = ''; }
        }
        save('recent', recent); renderRecent();
        clearTimeout(idleTimer);
        $('door-result').className = 'door-result is-warn';
        $('door-result').setAttribute('data-result', 'undone');
        $('door-result-title').textContent = T.undone; $('door-result-name').textContent = entry.name;
        $('door-result-detail').textContent = ''; $('door-result-actions').textContent = '';
        idleTimer = setTimeout(idle, 8000);
      } else {
        $('door-result-title').textContent = T.undoFailed + ': ' + ((r.body && r.body.message) || r.status);
      }
    }, function () { $('door-result-title').textContent = T.undoFailed + ' · ' + T.offline; });
  }

  function announce(answer) {
    // For other door modules (e.g. the signature pad): a check-in was just recorded on the server.
    if (answer.result === 'ok' && answer.checkin_id) {
      document.dispatchEvent(new CustomEvent('plm:checked-in', {detail: {checkin_id: answer.checkin_id, participant: answer.participant}}));
    }
  }

  /* ---- the scan itself ---- */
  function handle(code, source, opts) {
    code = String(code || '').trim();
    if (!code) return;
    if (!checkpoint) { show({result: 'invalid', participant: null, message: T.chooseCheckpoint}, null, false); $('door-result-title').textContent = T.chooseCheckpoint; return; }
    var item = {code: code.slice(0, 200), checkpoint: Number(checkpoint), client_uuid: uuid(), scanned_at: new Date().toISOString(),
                device: doorName.value.trim().slice(0, 60), source: source || 'qr'};
    if (opts && opts.override) item.override = true;
    if (correction || (opts && opts.correction)) item.correction = true;
    Object.defineProperty(item, 't0', {value: opts && opts.t0, enumerable: false});
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
        announce(r.body);
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

  /* ---- sending the queue: one item the server keeps refusing is put aside, the rest keep flowing ---- */
  var MAX_TRIES = 3;
  function transient(status) { return status === 408 || status === 429 || status === 502 || status === 503 || status === 504; }
  function setAside(item, reason) {
    queue = queue.filter(function (q) { return q.client_uuid !== item.client_uuid; });
    save('queue', queue);
    notSent.push({item: item, reason: String(reason).slice(0, 200), at: new Date().toISOString()});
    save('notsent', notSent);
    var entry = findRecent(item.client_uuid);
    if (entry) { entry.offline = false; entry.result = 'not_sent'; save('recent', recent); }
  }
  function reasonOf(r) {
    return (r.body && (r.body.message || r.body.error)) ? (r.body.message || r.body.error) + ' (' + r.status + ')' : 'HTTP ' + r.status;
  }

  function flush() {
    if (syncing || !queue.length || loginNeeded && !navigator.onLine) return;
    syncing = true;
    var pending = queue.slice();  // one pass; what comes back refused is retried on the next pass
    var done = function () { syncing = false; showNet(); renderRecent(); renderNotSent(); };
    var next = function () {
      if (!pending.length) { done(); if (!queue.length) refreshSnapshot(); return; }
      var item = pending.shift();
      var body = {};
      Object.keys(item).forEach(function (k) { if (k !== 'tries') body[k] = item[k]; });
      if (body.source === 'qr') body.source = 'offline-sync';
      api('POST', '/checkins', body, 8000).then(function (r) {
        if (r.status === 401) { loginNeeded = true; done(); return; }
        if (transient(r.status) || (r.status >= 500 && !r.body)) { markOffline(); done(); return; }  // server away: all wait
        loginNeeded = false; offlineUntil = 0;
        if (r.status >= 500) {
          item.tries = (item.tries || 0) + 1;
          if (item.tries >= MAX_TRIES) setAside(item, reasonOf(r) + ' · ' + fmt(T.tries, {n: item.tries}));
          else save('queue', queue);
        } else if (r.status >= 400) {
          setAside(item, reasonOf(r));
        } else if (r.body && r.body.result === 'wrong_day') {
          setAside(item, r.body.message || T.wrong_day);
        } else {
          queue = queue.filter(function (q) { return q.client_uuid !== item.client_uuid; });
          save('queue', queue);
          var entry = findRecent(item.client_uuid);
          if (entry) {
            entry.offline = false;
            if (r.body.result) { entry.result = r.body.result; entry.checkin = r.body.checkin_id || null; }
            save('recent', recent);
          }
        }
        showNet();
        next();
      }, function () { markOffline(); done(); });
    };
    next();
  }

  function renderNotSent() {
    var box = $('door-notsent'), list = $('door-notsent-list');
    box.hidden = !notSent.length;
    $('door-notsent-title').textContent = fmt(T.notSent, {n: notSent.length});
    $('door-notsent-chip').hidden = !notSent.length;
    $('door-notsent-chip').textContent = fmt(T.notSent, {n: notSent.length});
    list.textContent = '';
    notSent.forEach(function (n) {
      var li = document.createElement('li');
      var code = document.createElement('code'); code.textContent = n.item.code.slice(0, 60);
      li.appendChild(document.createTextNode(hm.format(new Date(n.item.scanned_at)) + ' '));
      li.appendChild(code);
      var why = document.createElement('span'); why.className = 'small'; why.textContent = n.reason;
      li.appendChild(why);
      list.appendChild(li);
    });
  }
  function csvCell(v) {
    var s = String(v == null ? '' : v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // no formulas when opened in a spreadsheet
    return '"' + s.replace(/"/g, '""') + '"';
  }
  $('door-notsent-csv').addEventListener('click', function () {
    var rows = [['scanned_at', 'code', 'checkpoint', 'door', 'source', 'client_uuid', 'reason']];
    notSent.forEach(function (n) {
      rows.push([n.item.scanned_at, n.item.code, n.item.checkpoint, n.item.device, n.item.source, n.item.client_uuid, n.reason]);
    });
    var text = '\ufeff' + rows.map(function (r) { return r.map(csvCell).join(','); }).join('\r\n') + '\r\n';
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], {type: 'text/csv;charset=utf-8'}));
    a.download = 'plm-not-sent-' + cfg.event + '-' + new Date().toISOString().slice(0, 10) + '.csv';
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  });
  $('door-notsent-retry').addEventListener('click', function () {
    notSent.forEach(function (n) { n.item.tries = 0; queue.push(n.item); });
    notSent = []; save('notsent', notSent); save('queue', queue);
    renderNotSent(); showNet(); flush();
  });

  /* ---- inputs ---- */
  function focusCode() { if (!cameraOn) codeInput.focus(); }  // no soft keyboard over the camera view
  $('door-wedge').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = codeInput.value;
    codeInput.value = '';
    handle(value, /^PLM1:/i.test(value.trim()) ? 'qr' : 'manual');
    codeInput.focus();
  });

  select.addEventListener('change', function () { choose(select.value || null); focusCode(); });
  doorName.addEventListener('change', function () { store.setItem('plm.door.name', doorName.value.trim().slice(0, 60)); });

  // A keyboard-wedge scanner types into whatever has focus: bring the focus back to the code field.
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t === codeInput || (t && /^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(t.tagName))) return;
    if (e.key && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) codeInput.focus();
  });

  /* ---- name search: ranked like the server's (plm.checkin.service.match_rank) ---- */
  var searchTimer = null;
  $('door-q').addEventListener('input', function () {
    clearTimeout(searchTimer);
    if ($('door-q').value.trim().length < 2) { search(); return; }  // an emptied box clears at once
    searchTimer = setTimeout(search, 250);
  });
  $('door-search').addEventListener('submit', function (e) { e.preventDefault(); search(); });

  function matchRank(q, fullName, badge) {
    var names = [fold(fullName), fold(badge)];
    if (names.some(function (n) { return n && n.indexOf(q) === 0; })) return 0;
    var words = q.split(' '), joined = names.join(' '), tokens = joined.split(/\s+/);
    if (words.every(function (w) { return tokens.some(function (t) { return t.indexOf(w) === 0; }); })) return 1;
    if (words.every(function (w) { return joined.indexOf(w) >= 0; })) return 2;
    return 3;
  }
  function searchOffline(q) {
    var folded = fold(q), words = folded.split(' ').slice(0, 5);
    return Object.keys(byId).map(function (id) { return byId[id]; }).filter(function (p) {
      var hay = fold(p.full_name + ' ' + p.name + ' ' + p.institution);
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    }).map(function (p) {
      return {p: p, rank: matchRank(folded, p.full_name, p.name), key: fold(p.full_name)};
    }).sort(function (a, b) {
      return a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.p.id < b.p.id ? -1 : 1);
    }).slice(0, 20).map(function (x) {
      var p = x.p;
      return {id: p.id, name: p.name, full_name: p.full_name, institution: p.institution, province: p.province,
              status: {r: 'registered', w: 'waitlisted', c: 'cancelled'}[p.status], checked_in_local: local[p.id] || p.at};
    });
  }

  function search() {
    var q = $('door-q').value.trim(), hits = $('door-hits');
    if (q.length < 2) { hits.textContent = ''; if (q) addHint(hits, T.typeMore); return; }
    var current = function () { return $('door-q').value.trim() === q; };  // answers for an older query are dropped
    var offline = function () { if (current()) renderHits(searchOffline(q)); };
    if (Date.now() < offlineUntil) { offline(); return; }
    api('GET', '/participants?q=' + encodeURIComponent(q) + (checkpoint ? '&checkpoint=' + checkpoint : ''))
      .then(function (r) { if (r.status !== 200) offline(); else if (current()) renderHits(r.body.results); },
            function () { markOffline(); offline(); });
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
      li.className = 'hit-' + (p.status || 'registered');
      var text = document.createElement('div');
      text.className = 'hit-text';
      var name = document.createElement('strong'); name.className = 'hit-name'; name.textContent = p.full_name || p.name;
      text.appendChild(name);
      if (p.name && p.full_name && p.name !== p.full_name) {
        var badge = document.createElement('span'); badge.className = 'hit-badge'; badge.textContent = fmt(T.badgeName, {name: p.name});
        text.appendChild(badge);
      }
      var sub = document.createElement('span'); sub.className = 'muted small hit-sub';
      sub.textContent = [p.institution, p.province].filter(Boolean).join(' · ') +
        (p.checked_in_local ? ' · ' + fmt(T.checkedAt, {time: p.checked_in_local}) : '');
      text.appendChild(sub);
      if (p.status && p.status !== 'registered') {
        var st = document.createElement('span'); st.className = 'hit-status';
        st.textContent = p.status === 'cancelled' ? T.cancelledHit : p.status === 'waitlisted' ? T.waitlistedHit : p.status;
        text.appendChild(st);
      }
      li.appendChild(text);
      var done = function () { $('door-q').value = ''; hits.textContent = ''; focusCode(); };
      if (!p.status || p.status === 'registered') {
        addButton(li, T.checkIn, 'btn btn-primary btn-small', function () { handle(p.id, 'manual'); done(); });
      } else if (p.status === 'cancelled' && cfg.reinstate) {
        var armed = false;
        var b = addButton(li, T.reinstate, 'btn btn-small btn-reinstate', function () {
          if (!armed) { armed = true; b.textContent = T.reinstateSure; b.classList.add('is-armed'); return; }
          reinstate(p).then(function (ok) {
            if (ok) { handle(p.id, 'manual'); done(); } else { b.textContent = T.reinstateFailed; b.disabled = true; }
          });
        });
      }
      hits.appendChild(li);
    });
  }

  // A deliberate two-tap action: the participant's staff page status form (organisers), then the check-in.
  function reinstate(p) {
    var body = new URLSearchParams({status: 'registered', csrf_token: csrf});
    return fetch(cfg.reinstate.replace('PUBLICID', encodeURIComponent(p.id)), {
      method: 'POST', credentials: 'same-origin', body: body, headers: {'X-CSRFToken': csrf}
    }).then(function (r) { return r.ok; }, function () { return false; });
  }

  /* ---- camera: the main view while on; the result is laid over the preview ---- */
  var scanner = null, lastCamera = {code: '', seen: 0};
  function onCamera(text) {
    var now = Date.now();
    // The same ticket still in view (or just taken away) is not a new scan: each sighting extends the hold.
    if (text === lastCamera.code && now - lastCamera.seen < SAME_CODE_MS) { lastCamera.seen = now; return; }
    lastCamera = {code: text, seen: now};
    handle(text, 'qr', {t0: performance.now()});
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.QrScanner) return resolve();
      var s = document.createElement('script');
      s.src = src; s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function cameraMode(on) {
    cameraOn = on;
    $('door').classList.toggle('is-camera', on);
    $('door-video').hidden = !on;
    $('door-camera-btn').textContent = on ? T.cameraStop : T.cameraStart;
    if (on) { if (document.activeElement && document.activeElement.blur) document.activeElement.blur(); window.scrollTo(0, 0); }
  }
  $('door-camera-btn').addEventListener('click', function () {
    var video = $('door-video'), msg = $('door-camera-msg');
    msg.hidden = true;
    if (scanner) {
      scanner.stop(); scanner.destroy(); scanner = null;
      cameraMode(false); return;
    }
    loadScript(cfg.vendor).then(function () {
      cameraMode(true);  // before the scanner is made: it shrinks a hidden video to nothing
      scanner = new window.QrScanner(video, function (result) { onCamera(result.data || result); },
        {returnDetailedScanResult: true, preferredCamera: 'environment', maxScansPerSecond: 8,
         highlightScanRegion: false, onDecodeError: function () {}});
      return scanner.start();
    }).then(null, function () {
      // The camera's trouble is said beside its button: the last scan's panel stays as it was.
      if (scanner) { try { scanner.destroy(); } catch (e) { /* already gone */ } }
      scanner = null;
      cameraMode(false);
      msg.textContent = T.cameraError; msg.hidden = false;
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
  startCheckpoint();
  lastToday = clock.today();
  renderRecent();
  renderNotSent();
  showNet();
  refreshSnapshot();
  setInterval(refreshSnapshot, SNAPSHOT_EVERY);
  setInterval(function () { showNet(); flush(); watchMidnight(); }, SYNC_EVERY);
  flush();
  if (cfg.checkin) {
    // Back from the walk-in form: check the new participant in here.
    if (window.history.replaceState) {
      window.history.replaceState(null, '', window.location.pathname + (checkpoint ? '?checkpoint=' + checkpoint : ''));
    }
    handle(cfg.checkin, 'walk-in');
  }
  focusCode();
  window.plmDoor = {pageCached: typeof pageCached === 'undefined' ? Promise.resolve(false) : pageCached,
                  queue: function () { return queue.slice(); }, notSent: function () { return notSent.slice(); },
                  flush: flush, refreshSnapshot: refreshSnapshot, sha256: sha256, today: clock.today,
                  timings: function () { return timings.slice(); }, searchOffline: searchOffline};
})();
