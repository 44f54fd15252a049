/* PLM live attendance: polls the stats API every few seconds and redraws (projector-friendly). */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('live-config').textContent);
  var T = JSON.parse(document.getElementById('live-texts').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var lastOk = null;
  // 0,8 % in Indonesian, 0.8% in English: the page's language decides, not the browser's (times too).
  var PAGE_LANG = document.documentElement.lang || 'id';
  var percent = new Intl.NumberFormat(document.documentElement.lang || 'id', {style: 'percent', maximumFractionDigits: 1});

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function fmt(text, values) { return String(text).replace(/\{(\w+)\}/g, function (m, k) { return values[k]; }); }
  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) { tr.appendChild(el('td', null, c == null ? '–' : String(c))); });
    return tr;
  }
  function fill(id, rows) {
    var body = $(id); body.textContent = '';
    // Each cell names its column: on a phone the table is a stack of cards (plm.css) with these labels.
    var head = body.parentNode.tHead;
    var labels = head ? Array.prototype.map.call(head.rows[0].cells, function (th) { return th.textContent; }) : [];
    rows.forEach(function (r) {
      Array.prototype.forEach.call(r.cells, function (td, i) { if (i > 0 && labels[i]) td.setAttribute('data-label', labels[i]); });
      body.appendChild(r);
    });
  }

  function render(data) {
    var days = $('live-days'); days.textContent = '';
    var n = 0;
    data.checkpoints.filter(function (c) { return c.kind === 'day'; }).forEach(function (c) {
      n += 1;
      var card = el('div', 'live-day' + (data.current_day && data.current_day.id === c.id ? ' is-current' : ''));
      var dayName = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC'})
        .format(new Date(c.day + 'T00:00:00Z'));
      card.appendChild(el('p', 'live-day-name', fmt(T.day, {n: n}) + ' · ' + dayName));
      card.appendChild(el('p', 'live-day-count', String(c.checked_in)));
      card.appendChild(el('p', 'live-day-of', T.of + ' ' + c.expected + (c.percent != null ? ' · ' + percent.format(c.percent / 100) : '')));
      var meter = el('div', 'live-meter'); var fillBar = el('span');
      fillBar.style.width = Math.min(100, c.percent || 0) + '%';
      meter.appendChild(fillBar); card.appendChild(meter);
      days.appendChild(card);
    });
    var bars = $('live-arrivals'); bars.textContent = '';
    var max = Math.max.apply(null, data.arrivals.map(function (a) { return a.count; }).concat([1]));
    if (!data.arrivals.length) bars.appendChild(el('p', 'muted', T.none));
    data.arrivals.forEach(function (a) {
      var line = el('div', 'live-bar');
      line.appendChild(el('span', 'live-bar-slot', a.slot));
      var track = el('span', 'live-bar-track'); var bar = el('span', 'live-bar-fill');
      bar.style.width = (100 * a.count / max) + '%';
      track.appendChild(bar); line.appendChild(track);
      line.appendChild(el('span', 'live-bar-count', String(a.count)));
      bars.appendChild(line);
    });
    var last = $('live-last'); last.textContent = '';
    data.last_scans.forEach(function (s) {
      var li = el('li', 'r-' + s.result);
      li.appendChild(el('span', 'muted', s.local + ' '));
      li.appendChild(document.createTextNode((s.name || '?') + ' — ' + (T[s.result] || s.result) + (s.by ? ' · ' + s.by : '')));
      last.appendChild(li);
    });
    fill('live-provinces', data.provinces.map(function (p) { return row([p.province, p.checked_in, p.expected]); }));
    fill('live-types', data.institution_types.map(function (t) { return row([T.types[t.institution_type] || t.institution_type, t.checked_in, t.expected]); }));
    fill('live-sessions', data.checkpoints.filter(function (c) { return c.kind === 'session'; }).map(function (c) {
      return row([(c.day || '') + (c.starts_local || ''), c.name, c.room, c.checked_in, c.expected]);
    }));
    lastOk = new Date();
    $('live-updated').textContent = fmt(T.updated, {time: lastOk.toLocaleTimeString(PAGE_LANG, {hour: '2-digit', minute: '2-digit', second: '2-digit'})});
  }

  function poll() {
    fetch(cfg.stats, {credentials: 'same-origin', headers: {Accept: 'application/json'}, cache: 'no-store'})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function () {
        if (lastOk) $('live-updated').textContent = fmt(T.stale, {time: lastOk.toLocaleTimeString(PAGE_LANG, {hour: '2-digit', minute: '2-digit'})});
      });
  }
  // The SVG charts are drawn by the server (plm/charts): fetch the fragment now and then and swap it in.
  function pollCharts() {
    if (!cfg.charts) return;
    fetch(cfg.charts, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { $('live-charts').innerHTML = html; })
      .catch(function () {});
  }
  render(JSON.parse($('live-data').textContent));
  setInterval(poll, cfg.interval || 5000);
  setInterval(pollCharts, cfg.chartsInterval || 30000);
})();
